"""Use cases shared by the TUI and the CLI. They take a storage session and own no UI."""
