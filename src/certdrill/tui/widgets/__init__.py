"""Reusable widgets of the certdrill TUI."""
