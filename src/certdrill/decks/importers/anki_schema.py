"""Check an embedded Anki collection before a row is read: no code in it, the tables and columns
certdrill reads, and every value it reads of the type and in the range Anki writes there."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from certdrill.errors import CertdrillError

_NEEDED = {
    "notes": {"id", "guid", "mid", "mod", "tags", "flds"},
    "cards": {"id", "nid", "did", "ord"},
}
_NEEDED_LEGACY = {"col": {"models", "decks"}}
_NEEDED_MODERN = {
    "notetypes": {"id", "name", "config"}, "fields": {"ntid", "ord", "name"},
    "templates": {"ntid", "ord", "config"}, "decks": {"id", "name"},
}
LAST_SECOND = 253402300799  # 9999-12-31 23:59:59 UTC: the last time a datetime can hold
# What each column that is read must hold, as Anki writes it, checked in SQL before any row is
# read: the reading code then meets only the types it expects, and a wrong one is named with its row.
# table -> (how a row is named, its key columns, {column: allowed SQLite types})
Columns = dict[str, tuple[str, ...]]
_INT, _TEXT, _BLOB = ("integer",), ("text",), ("blob", "null")
_TYPES: dict[str, tuple[str, tuple[str, ...], Columns]] = {
    "notes": ("note", ("id",), {"id": _INT, "guid": _TEXT, "mid": _INT, "mod": _INT, "tags": _TEXT, "flds": _TEXT}),
    "cards": ("card", ("id",), {"id": _INT, "nid": _INT, "did": _INT, "ord": _INT}),
}
_TYPES_LEGACY: dict[str, tuple[str, tuple[str, ...], Columns]] = {
    "col": ("the collection's 'col' row", (), {"models": _TEXT, "decks": _TEXT}),
}
_TYPES_MODERN: dict[str, tuple[str, tuple[str, ...], Columns]] = {
    "notetypes": ("note type", ("id",), {"id": _INT, "name": _TEXT, "config": _BLOB}),
    "fields": ("field", ("ntid", "ord"), {"ntid": _INT, "ord": _INT, "name": _TEXT}),
    "templates": ("template", ("ntid", "ord"), {"ntid": _INT, "ord": _INT, "config": _BLOB}),
    "decks": ("deck", ("id",), {"id": _INT, "name": _TEXT}),
}
_TYPES_HISTORY: dict[str, tuple[str, tuple[str, ...], Columns]] = {
    "revlog": ("review", ("id",), {"id": _INT, "cid": _INT, "ease": _INT, "time": _INT, "type": _INT}),
}
# (table, column) -> (lowest, highest, what the value is): times must fit a datetime, ords a list index.
_RANGES = {
    ("notes", "mod"): (0, LAST_SECOND, "a time in seconds since 1970"),
    ("cards", "ord"): (0, 65535, "a card number (0-65535)"),
    ("revlog", "id"): (0, LAST_SECOND * 1000, "a time in milliseconds since 1970"),
}



def check_collection(con: sqlite3.Connection, package: str, *, with_history: bool) -> bool:
    """Refuse a collection that is corrupt, carries code, lacks what is read, or holds a value of
    another type or range than Anki writes; True if it has the modern layout's tables."""
    modern = _check_schema(con, package)
    types = dict(_TYPES, **(_TYPES_MODERN if modern else _TYPES_LEGACY), **(_TYPES_HISTORY if with_history else {}))
    for table, (label, keys, columns) in types.items():
        _check_values(con, package, table, label, keys, columns)
    return modern


def _check_schema(con: sqlite3.Connection, package: str) -> bool:
    """Refuse what is not an Anki collection, or carries code (triggers, views); True if modern."""
    status = con.execute("PRAGMA quick_check(1)").fetchone()
    if not status or status[0] != "ok":
        raise CertdrillError(f"{package}: the collection's SQLite database is corrupt")
    objects = con.execute("SELECT type, name FROM sqlite_master").fetchall()
    for kind, name in objects:
        if kind in ("trigger", "view"):
            raise CertdrillError(f"{package}: refused: the collection contains a {kind} ('{str(name)[:40]}')")
    tables = {name for kind, name in objects if kind == "table"}
    needed = dict(_NEEDED, **(_NEEDED_MODERN if "notetypes" in tables else _NEEDED_LEGACY))
    for table, columns in needed.items():
        if table not in tables:
            raise CertdrillError(f"{package}: not an Anki collection (no '{table}' table)")
        have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        if not columns <= have:
            missing = ", ".join(sorted(columns - have))
            raise CertdrillError(f"{package}: not an Anki collection ('{table}' lacks {missing})")
    return "notetypes" in tables


def brief(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


@contextmanager
def utf8_only(con: sqlite3.Connection, package: str) -> Iterator[None]:
    """Text that is not UTF-8 (sqlite3 cannot decode it) is refused, naming the column."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        column = re.match(r"Could not decode to UTF-8 column '([^']*)'", str(exc))
        if column is None:
            raise
        raise CertdrillError(f"{package}: the collection has text that is not UTF-8 (column '{column[1][:40]}')") from None


def _check_values(con: sqlite3.Connection, package: str, table: str, label: str, keys: tuple[str, ...],
                  columns: Columns) -> None:
    """Refuse the first row of `table` whose columns hold another type than Anki writes there, or a
    time or number out of range, naming the row and the column."""
    conditions, selected = [], []
    for column, allowed in columns.items():
        kinds = ", ".join(f"'{k}'" for k in allowed)
        conditions.append(f"typeof({column}) NOT IN ({kinds})")
        selected.append(f"typeof({column})")
        if (table, column) in _RANGES:
            low, high, _ = _RANGES[table, column]
            conditions.append(f"(typeof({column}) = 'integer' AND {column} NOT BETWEEN {low} AND {high})")
            selected.append(f"CASE WHEN typeof({column}) = 'integer' THEN {column} END")
    key_values = [f"CASE WHEN typeof({k}) = 'integer' THEN {k} END" for k in keys]
    row = con.execute(
        f"SELECT {', '.join([*key_values, *selected])} FROM {table} WHERE {' OR '.join(conditions)} LIMIT 1"
    ).fetchone()
    if row is None:
        return
    key, rest = row[:len(keys)], list(row[len(keys):])
    if not keys:
        where = label
    elif None in key:
        where = f"a {label} without a numeric {'/'.join(keys)}"
    elif len(keys) == 2:
        where = f"{label} {key[1]} of note type {key[0]}"
    else:
        where = f"{label} {key[0]}"
    for column, allowed in columns.items():
        kind = rest.pop(0)
        value = rest.pop(0) if (table, column) in _RANGES else None
        if kind not in allowed:
            raise CertdrillError(f"{package}: {where}: '{column}' is {kind}, not {' or '.join(allowed)}")
        if value is not None:
            low, high, what = _RANGES[table, column]
            if not low <= value <= high:
                raise CertdrillError(f"{package}: {where}: '{column}' is {value}, not {what}")
