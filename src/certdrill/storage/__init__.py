"""SQLite storage: tables, engine factory, repositories, schema versions."""
