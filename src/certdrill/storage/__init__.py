"""SQLite storage: tables, the engine factory, connection lanes for the hot path, plain-sqlite3 queries, schema versions."""
