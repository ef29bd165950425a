"""The database schema version this certdrill writes (SQLite user_version)."""

SCHEMA_VERSION = 2
FIRST_SCHEMA_VERSION = 1  # the schema of the first release; every later one has a migration step
