"""Schema upgrade steps: each takes a database from one version to the next (run by storage.engine)."""

from __future__ import annotations

import sqlite3

NEW_DEVICE = ("INSERT INTO device (id, name, local, backfilled, exported_seq, exported_offset, scheduler, clock) "
              "VALUES (lower(hex(randomblob(4))), '', 1, 0, 0, 0, '', 0)")
"""This database's own device row for sync: a random id of 8 hex digits, named at its first sync."""

_V2 = [
    """CREATE TABLE device (
        id VARCHAR NOT NULL, name VARCHAR NOT NULL, local BOOLEAN NOT NULL, backfilled BOOLEAN NOT NULL,
        exported_seq INTEGER NOT NULL, exported_offset INTEGER NOT NULL, scheduler VARCHAR NOT NULL,
        clock INTEGER NOT NULL, PRIMARY KEY (id))""",
    """CREATE TABLE event (
        device VARCHAR NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, type VARCHAR NOT NULL,
        deck VARCHAR, item VARCHAR, data VARCHAR NOT NULL, applied BOOLEAN NOT NULL, imported BOOLEAN,
        PRIMARY KEY (device, seq)) WITHOUT ROWID""",
    "CREATE INDEX ix_event_pending ON event (applied) WHERE applied = 0",
    "CREATE INDEX ix_event_subject ON event (deck, item, hlc) WHERE type != 'answer'",
    "CREATE INDEX ix_event_card_changes ON event (deck, item) WHERE type IN ('rerate', 'undo', 'reset')",
    "CREATE INDEX ix_event_imported ON event (deck, item) WHERE imported",
    """CREATE TABLE journal_file (
        name VARCHAR NOT NULL, device VARCHAR NOT NULL, "offset" INTEGER NOT NULL, lines INTEGER NOT NULL,
        head_hash VARCHAR NOT NULL, tail_hash VARCHAR NOT NULL, refused INTEGER NOT NULL, problems JSON NOT NULL,
        read_at VARCHAR(32), PRIMARY KEY (name))""",
    "CREATE TABLE deck_blob (sha256 VARCHAR NOT NULL, yaml VARCHAR NOT NULL, PRIMARY KEY (sha256))",
    # Adding nullable columns rewrites no row and no index is built over the reviews: the step costs
    # the same on a million reviews as on ten (benchmarks/bench_sync.py).
    "ALTER TABLE review ADD COLUMN device VARCHAR",
    "ALTER TABLE review ADD COLUMN seq INTEGER",
    "ALTER TABLE review ADD COLUMN hlc INTEGER",
    "ALTER TABLE exam_attempt ADD COLUMN device VARCHAR",
    "ALTER TABLE exam_attempt ADD COLUMN seq INTEGER",
    NEW_DEVICE,
]


def to_v2(con: sqlite3.Connection) -> None:
    """Sync: the device, event, journal_file and deck_blob tables, and each answer's event columns.

    Answers made before keep empty event columns; the first sync exports them (study.sync)."""
    for statement in _V2:
        con.execute(statement)


STEPS = {1: to_v2}
"""from-version -> its step."""
