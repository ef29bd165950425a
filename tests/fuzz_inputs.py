"""Hypothesis strategies that start from valid decks (Anki packages of every layout, CSV/TSV tables,
YAML decks) and damage them the way a hostile or broken file would, for tests/test_fuzz_importers.py."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import tempfile
import warnings
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import genanki
import yaml
import zstandard
from hypothesis import strategies as st

from anki_packages import MCQ, mcq, relayout_legacy, write_modern, write_package
from certdrill.decks.importers.protobuf_wire import encode_bytes, encode_int

HOSTILE = ["\x1b]0;pwned\x07", "\x1b[2J", "\u202e", "[bold red]x[/]", "\x00", "\x9b1m", "\r", "\n", "\t", "\x85",
           "\ud800", "<![foo[", "{{c1::", "}}", "\x1f", "::", "&#0;", "<script>", "\u2028", "é", "𝔘", ""]
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([*HOSTILE, "a", "B", " ", "1", "A, C", "Option A", "https://x.org"]), max_size=12).map("".join),
)
SQL_VALUES = st.one_of(
    st.none(),
    st.sampled_from([0, -1, 1, 2, 3, 65535, 65536, 2**31, 2**53, 2**62, 2**63 - 1, -(2**63), 253402300799,
                     253402300800, 1_600_000_000_000_000]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([float("inf"), float("-inf"), 1e308, 0.5, -0.0, 1.5e9]),
    TEXT,
    st.binary(max_size=24),
    st.sampled_from(["not utf8"]),  # stored as text that is not UTF-8, below
)
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                        st.floats(allow_nan=False), TEXT)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON_VALUES = st.one_of(
    JSON_LEAVES,
    st.recursive(JSON_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                 max_leaves=8),
)


# --- the valid starting points ---------------------------------------------------

_FOLDER = Path(tempfile.mkdtemp(prefix="certdrill-fuzz-"))
CLOZE_NOTE = genanki.Note(model=genanki.CLOZE_MODEL, fields=["{{c1::Paris}} is in {{c2::France}}", "<b>extra</b>"],
                          guid="fz-cloze", tags=["geo"])
BASIC_NOTE = genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, fields=["Front <i>x</i>", "Back<br>y"],
                          guid="fz-basic")


@cache
def base_packages() -> dict[str, bytes]:
    """Valid packages, by layout: genanki's own (collection.anki2), legacy anki21, modern anki21b."""
    notes = [
        mcq("Which is <b>prime</b>?", ["2", "4", "6", "8"], "A", "2 has no other divisor.", guid="fz-mcq"),
        mcq("Pick two", ["a", "b", "c"], "A, C", guid="fz-multi", tags=["t1"]),
        CLOZE_NOTE, BASIC_NOTE,
    ]
    oldest = write_package(_FOLDER / "oldest.apkg", {"Fuzz::Sub A": notes[:2], "Fuzz::Sub B": notes[2:]})
    with_review = _with_sql(oldest.read_bytes(), "collection.anki2",
                            "INSERT INTO revlog VALUES (1700000000000, (SELECT min(id) FROM cards), -1, 3, 1, 0, 2500,"
                            " 4000, 1);")
    (_FOLDER / "reviewed.apkg").write_bytes(with_review)
    legacy = relayout_legacy(_FOLDER / "reviewed.apkg", _FOLDER / "legacy.apkg")
    modern = write_modern(_FOLDER / "modern.apkg", _FOLDER / "reviewed.apkg")
    return {"oldest": with_review, "legacy": legacy.read_bytes(), "modern": modern.read_bytes()}


def _members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as z:
        warnings.simplefilter("ignore")  # a duplicate member name is the point
        for name, data in members:
            name = name.encode("utf-8", "replace").decode() or "empty"  # zip names cannot hold lone surrogates
            z.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()


def _collection_member(members: dict[str, bytes]) -> str:
    return next(n for n in ("collection.anki21b", "collection.anki21", "collection.anki2") if n in members)


def _with_sql(package: bytes, member: str, script: str) -> bytes:
    members = _members(package)
    members[member] = _mutated_db(members[member], member.endswith("b"), lambda con: con.executescript(script))
    return _zip(list(members.items()))


def _mutated_db(data: bytes, zstd: bool, change: Any) -> bytes:
    raw = zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 28) if zstd else data
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "c.db"
        db.write_bytes(raw)
        con = sqlite3.connect(db)
        con.execute("PRAGMA synchronous = OFF")  # a scratch copy: no need to wait for the disk
        try:
            change(con)
            con.commit()
        finally:
            con.close()
        raw = db.read_bytes()
    return zstandard.ZstdCompressor().compress(raw) if zstd else raw


# --- damage to a package -----------------------------------------------------------

def _set_value(con: sqlite3.Connection, table: str, column: str, value: Any, every_row: bool) -> None:
    where = "" if every_row else f" WHERE rowid = (SELECT min(rowid) FROM {table})"
    try:
        if value == "not utf8":
            con.execute(f'UPDATE {table} SET "{column}" = CAST(x\'41ff42\' AS TEXT){where}')
        else:
            con.execute(f'UPDATE {table} SET "{column}" = ?{where}', (value,))
    except (sqlite3.IntegrityError, sqlite3.OperationalError, UnicodeEncodeError):
        pass  # a NOT NULL or key column that refuses the value, or a WITHOUT ROWID table: no change


@st.composite
def value_damage(draw: st.DrawFn, con_tables: dict[str, list[str]]) -> list[tuple[str, str, Any, bool]]:
    tables = sorted(con_tables)
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(tables))
        column = draw(st.sampled_from(con_tables[table]))
        changes.append((table, column, draw(SQL_VALUES), draw(st.booleans())))
    return changes


def _table_columns(data: bytes, zstd: bool) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}

    def read(con: sqlite3.Connection) -> None:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            out[table] = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]

    _mutated_db(data, zstd, read)
    return out


def _json_path_damage(document: Any, path: list[int], value: Any) -> Any:
    """`document` with the node that `path` picks (indices into its keys or items) replaced."""
    if not path or not isinstance(document, (dict, list)) or not document:
        return value
    if isinstance(document, dict):
        keys = list(document)
        key = keys[path[0] % len(keys)]
        return {**document, key: _json_path_damage(document[key], path[1:], value)}
    index = path[0] % len(document)
    return [*document[:index], _json_path_damage(document[index], path[1:], value), *document[index + 1:]]


@st.composite
def anki_package(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(package bytes, with history): a valid package of any layout with damage of some kinds."""
    layout = draw(st.sampled_from(["oldest", "legacy", "modern"]))
    package = base_packages()[layout]
    members = _members(package)
    name = _collection_member(members)
    zstd = name.endswith("b")
    kinds = draw(st.sets(st.sampled_from(["values", "json", "schema", "media", "meta", "members", "bytes"]),
                         min_size=1, max_size=3))
    if "values" in kinds:
        changes = draw(value_damage(_table_columns(members[name], zstd)))

        def apply(con: sqlite3.Connection) -> None:
            for table, column, value, every_row in changes:
                _set_value(con, table, column, value, every_row)

        members[name] = _mutated_db(members[name], zstd, apply)
    if "json" in kinds and not zstd:
        column = draw(st.sampled_from(["models", "decks"]))
        replacement = draw(st.one_of(JSON_VALUES, st.integers(900, 3000).map(lambda n: ("deep", n))))
        path = draw(st.lists(st.integers(0, 50), max_size=6))

        def damage_json(con: sqlite3.Connection) -> None:
            row = con.execute(f"SELECT {column} FROM col").fetchone()
            try:
                document = json.loads(row[0])
            except (TypeError, ValueError, RecursionError):  # already damaged by the value changes
                return
            if isinstance(replacement, tuple):
                con.execute(f"UPDATE col SET {column} = ?", (deep_json(replacement[1]),))
                return
            con.execute(f"UPDATE col SET {column} = ?", (json.dumps(_json_path_damage(document, path, replacement)),))

        members[name] = _mutated_db(members[name], zstd, damage_json)
    if "schema" in kinds:
        script = draw(st.sampled_from([
            "DROP TABLE revlog;", "ALTER TABLE notes RENAME COLUMN flds TO fields;", "DROP TABLE cards;",
            "CREATE TABLE extra (x); INSERT INTO extra VALUES (1);", "DELETE FROM col;", "DELETE FROM notes;",
            "CREATE INDEX ix_odd ON notes (flds COLLATE nocase);", "UPDATE notes SET mid = mid + 1;",
            "INSERT INTO cards SELECT id + 1, nid, did, ord + 7, mod, usn, type, queue, due, ivl, factor, reps, lapses,"
            " left, odue, odid, flags, data FROM cards;",
        ]))
        def change_schema(con: sqlite3.Connection) -> None:
            with contextlib.suppress(sqlite3.Error):  # after other damage, some no longer apply
                con.executescript(script)

        members[name] = _mutated_db(members[name], zstd, change_schema)
    if "media" in kinds:
        media = draw(st.one_of(
            st.binary(max_size=40), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
            st.integers(900, 3000).map(lambda n: deep_json(n).encode()),
            st.lists(TEXT, max_size=4).map(lambda names: b"".join(encode_bytes(1, encode_bytes(1, n.encode("utf-8", "replace")) + encode_int(2, 3)) for n in names)),
        ))
        members["media"] = zstandard.ZstdCompressor().compress(media) if zstd and draw(st.booleans()) else media
    if "meta" in kinds:
        members["meta"] = draw(st.one_of(st.binary(max_size=12), st.integers(0, 2**70).map(lambda v: encode_int(1, v))))
    listed = list(members.items())
    if "members" in kinds:
        action = draw(st.sampled_from(["rename", "drop", "add", "duplicate", "truncate"]))
        index = draw(st.integers(0, len(listed) - 1))
        if action == "rename":
            listed[index] = (draw(st.one_of(TEXT, st.sampled_from(["../x", "/abs", "a\\..\\..\\b", "C:x", "dir/"]))),
                             listed[index][1])
        elif action == "drop":
            del listed[index]
        elif action == "add":
            listed.append((draw(TEXT) or "m", draw(st.binary(max_size=64))))
        elif action == "duplicate":
            listed.append(listed[index])
        else:
            listed[index] = (listed[index][0], listed[index][1][: draw(st.integers(0, len(listed[index][1])))])
    data = _zip(listed, draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])))
    if "bytes" in kinds:  # flip some bytes of the zip itself
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            damaged[draw(st.integers(0, len(damaged) - 1))] = draw(st.integers(0, 255))
        data = bytes(damaged)
    return data, draw(st.booleans())


# --- damage to a table ----------------------------------------------------------------

HEADED = [["id", "question", "A", "B", "C", "answer", "explanation", "domain", "tags", "references"],
          ["t-1", "Which is prime?", "2", "4", "6", "A", "Only 2.", "Math", "n", "https://example.org/p"],
          ["", "Pick two", "a", "b", "c", "A, C", "", "Letters", "", ""],
          ["t-3", "A flashcard?", "", "", "", "Yes", "", "Math", "", ""]]
PLAIN = [["Front <b>1</b>", "Back 1", "tag"], ["{{c1::Paris}} is in {{c2::France}}", "extra", ""], ["Q", "A", "t u"]]
HEADER_LINES = st.one_of(
    st.sampled_from(["#separator:tab", "#separator:comma", "#separator:Semicolon", "#separator:|", "#separator:xyz",
                     "#html:true", "#html:false", "#html:maybe", "#tags column:3", "#deck column:1", "#guid column:2",
                     "#notetype column:4", "#deck column:" + "9" * 30, "#tags column:²", "#columns:"]),
    st.lists(st.sampled_from(["Front", "Back", "Question", "Answer", "Option A", "Option B", "Extra", "", "Tags"]),
             min_size=1, max_size=12).map(lambda names: "#columns:" + "\t".join(names)),
    TEXT.map(lambda t: "#" + t),
)


@st.composite
def table_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes): a CSV/TSV/TXT deck with damaged headers, rows, cells, encodings or bytes."""
    rows = [list(r) for r in draw(st.sampled_from([HEADED, PLAIN]))]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cut", "grow", "drop", "copy"]))
        if action == "cell" and rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(TEXT)
        elif action == "cut":
            rows[row] = rows[row][: draw(st.integers(0, len(rows[row])))]
        elif action == "grow":
            rows[row] += draw(st.lists(TEXT, max_size=5))
        elif action == "drop" and len(rows) > 1:
            del rows[row]
        else:
            rows.append(list(rows[row]))
    sep = draw(st.sampled_from(["\t", ",", ";", "|"]))
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(rows)
    headers = draw(st.lists(HEADER_LINES, max_size=4))
    text = "".join(h + "\n" for h in headers) + out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, "replace") if encoding not in ("utf-8", "utf-8-sig") else text.encode(encoding, "surrogatepass")
    if draw(st.booleans()):
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            if damaged:
                damaged.insert(draw(st.integers(0, len(damaged))), draw(st.sampled_from([0, 0x1b, 0xff, 0x80, 0x22, 0x0a])))
        data = bytes(damaged)
    return draw(st.sampled_from([".csv", ".tsv", ".txt"])), data


# --- damage to a YAML deck -----------------------------------------------------------------

def base_deck() -> dict[str, Any]:
    return {
        "format": "certdrill/1", "id": "fuzzed", "title": "Fuzzed deck", "version": "1", "license": "CC0-1.0",
        "exam": {"code": "FZ-1", "status": "active", "questions": 3, "minutes": 5, "pass": {"raw": 0.7}},
        "domains": [{"id": "d", "name": "Domain", "weight": 60, "tasks": [{"id": "1.1", "name": "Task"}]},
                    {"id": "e", "name": "Other", "weight": 40}],
        "questions": [
            {"id": "f-1", "domain": "d", "task": "1.1", "kind": "single", "prompt": "Which?",
             "choices": [{"text": "a", "correct": True, "why": "because"}, {"text": "b"}],
             "explanation": "x", "references": ["https://example.org/a"], "tags": ["t"]},
            {"id": "f-2", "domain": "e", "kind": "multiple", "pick": 2, "prompt": "Two?",
             "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}, {"text": "c"}]},
            {"id": "f-3", "domain": "d", "kind": "flashcard", "prompt": "Recall?", "answer": "This.",
             "verified": "2026-01"},
        ],
    }


YAML_VALUES = st.one_of(JSON_VALUES, st.dates(), st.integers(100, 1500).map(lambda n: ("nest", n)))


def _nest(value: Any) -> Any:
    if isinstance(value, tuple) and value[:1] == ("nest",):
        deep: Any = "x"
        for _ in range(value[1]):
            deep = [deep]
        return deep
    return value


@st.composite
def yaml_file(draw: st.DrawFn) -> bytes:
    """A YAML deck with damaged values, keys, nesting, tags, anchors, encodings or bytes."""
    deck: Any = base_deck()
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.lists(st.integers(0, 30), min_size=1, max_size=6))
        deck = _json_path_damage(deck, path, _nest(draw(YAML_VALUES)))
    if draw(st.booleans()):
        deck[draw(TEXT)] = draw(JSON_VALUES)
    try:
        text = yaml.safe_dump(deck, allow_unicode=draw(st.booleans()), width=draw(st.sampled_from([80, 10_000])))
    except (yaml.YAMLError, RecursionError):
        text = "format: certdrill/1\n"
    extra = draw(st.sampled_from(["", "", "x: !!python/object/apply:os.system ['true']\n", "a: &a [1]\nb: *a\n",
                                  "<<: {x: 1}\n", "%YAML 1.1\n---\n", "\t- bad indent\n", "--- \n...\n--- {}\n",
                                  "y: !!binary aGk=\n", "z: 2026-13-45\n"]))
    data = (text + extra).encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"])), "replace")
    if draw(st.booleans()):
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            damaged.insert(draw(st.integers(0, len(damaged))), draw(st.sampled_from([0, 0x1b, 0xff, 0x9b, 0x3a, 0x0a])))
        data = bytes(damaged)
    return data


__all__ = ["MCQ", "anki_package", "base_packages", "table_file", "yaml_file"]
