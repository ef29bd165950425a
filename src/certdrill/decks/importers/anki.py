"""Read Anki packages (.apkg/.colpkg, all three layouts) into plain notes, safely."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from certdrill.decks.importers import protobuf_wire as pb
from certdrill.decks.importers.package_zip import Limits, open_package, read_member, unzstd
from certdrill.errors import CertdrillError

MODERN, LEGACY, OLDEST = "collection.anki21b", "collection.anki21", "collection.anki2"
_LATEST_META = 3  # PackageMetadata.Version.LATEST: the collection is zstd-compressed anki21b
_NEEDED = {
    "notes": {"id", "guid", "mid", "mod", "tags", "flds"},
    "cards": {"id", "nid", "did", "ord"},
}
_NEEDED_LEGACY = {"col": {"models", "decks"}}
_NEEDED_MODERN = {
    "notetypes": {"id", "name", "config"}, "fields": {"ntid", "ord", "name"},
    "templates": {"ntid", "ord", "config"}, "decks": {"id", "name"},
}


@dataclass(frozen=True, slots=True, eq=False)
class NoteType:
    """One note type of a package. Compared and hashed by identity: its layout is cached per
    note type and looked up for every note, and hashing the templates each time cost 1 us a note."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...] = ()  # (question format, answer format) by card ord


class AnkiNote(NamedTuple):
    """One note as stored (a named tuple: a package holds tens of thousands of them)."""

    id: int
    guid: str
    notetype: NoteType | None
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    mod: int  # seconds since the epoch
    deck: str  # "Parent::Child" of the note's first card
    card_ords: tuple[int, ...] = (0,)


@dataclass(frozen=True, slots=True)
class AnkiReview:
    """One revlog line: when, which card (note and template/cloze ord), the button pressed."""

    note_id: int
    ord: int
    at_ms: int
    ease: int
    duration_ms: int
    kind: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass
class AnkiCollection:
    layout: str
    notes: list[AnkiNote] = field(default_factory=list)
    reviews: list[AnkiReview] = field(default_factory=list)
    media: list[str] = field(default_factory=list)


def read_anki_package(path: Path, *, limits: Limits, with_history: bool = False) -> AnkiCollection:
    """Notes (and, on request, review history) of a package; hostile packages are refused."""
    package = path.name
    with open_package(path, limits) as zf:
        names = set(zf.namelist())
        meta = read_member(zf, "meta", limits, package) if "meta" in names else b""
        modern = pb.first_int(meta, 1) >= _LATEST_META if meta else MODERN in names
        layout = MODERN if modern else LEGACY if LEGACY in names else OLDEST
        if layout not in names:
            raise CertdrillError(f"{package}: not an Anki package (no {layout} inside)")
        data = read_member(zf, layout, limits, package)
        if modern:
            data = unzstd(data, limits, package, layout)
        media = _media_names(read_member(zf, "media", limits, package), modern, limits, package) if "media" in names else []
    collection = _read_collection(data, layout, package, with_history)
    collection.media = media
    return collection


def _media_names(raw: bytes, modern: bool, limits: Limits, package: str) -> list[str]:
    try:
        if modern:
            entries = pb.read_fields(unzstd(raw, limits, package, "media"))
            return [pb.first_text(e, 1) for n, e in entries if n == 1 and isinstance(e, bytes)]
        mapping = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        return [str(v) for v in mapping.values()] if isinstance(mapping, dict) else []
    except (ValueError, UnicodeDecodeError):
        raise CertdrillError(f"{package}: the media list is damaged") from None


def _read_collection(data: bytes, layout: str, package: str, with_history: bool) -> AnkiCollection:
    # The embedded SQLite is hostile until proven otherwise: a private copy, opened read-only,
    # with functions in its schema disabled, and its schema checked before any data is read.
    with tempfile.TemporaryDirectory(prefix="certdrill-apkg-") as tmp:
        db = Path(tmp) / "collection.db"
        db.write_bytes(data)
        try:
            con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise CertdrillError(f"{package}: cannot open the collection ({exc})") from None
        try:
            con.execute("PRAGMA trusted_schema=OFF")
            con.execute("PRAGMA query_only=ON")
            con.create_collation("unicase", _unicase)
            _check_schema(con, package)
            collection = AnkiCollection(layout)
            notetypes, decks = _read_notetypes_and_decks(con, package)
            collection.notes = _read_notes(con, notetypes, decks)
            if with_history:
                collection.reviews = _read_reviews(con)
            return collection
        except sqlite3.DatabaseError as exc:
            raise CertdrillError(f"{package}: the collection is not a usable SQLite database ({exc})") from None
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
            raise CertdrillError(f"{package}: the collection is damaged ({type(exc).__name__}: {exc})") from None
        finally:
            con.close()


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _check_schema(con: sqlite3.Connection, package: str) -> None:
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


def _read_notetypes_and_decks(con: sqlite3.Connection, package: str) -> tuple[dict[int, NoteType], dict[int, str]]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "notetypes" in tables:
        return _modern_notetypes(con), {
            int(i): str(name).replace("\x1f", "::") for i, name in con.execute("SELECT id, name FROM decks")
        }
    row = con.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
    if row is None:
        raise CertdrillError(f"{package}: not an Anki collection (empty 'col' table)")
    models, decks = json.loads(row[0] or "{}"), json.loads(row[1] or "{}")
    return {int(k): _legacy_notetype(m) for k, m in models.items()}, {
        int(k): str(d.get("name", "")) for k, d in decks.items() if isinstance(d, dict)
    }


def _legacy_notetype(model: dict[str, Any]) -> NoteType:
    fields = sorted(model.get("flds", []), key=lambda f: int(f.get("ord", 0)))
    templates = sorted(model.get("tmpls", []), key=lambda t: int(t.get("ord", 0)))
    return NoteType(
        id=int(model.get("id", 0)), name=str(model.get("name", "")), cloze=int(model.get("type", 0)) == 1,
        fields=tuple(str(f.get("name", "")) for f in fields),
        templates=tuple((str(t.get("qfmt", "")), str(t.get("afmt", ""))) for t in templates),
    )


def _modern_notetypes(con: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ord_, name in con.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(int(ntid), []).append((int(ord_), str(name)))
    templates: dict[int, list[tuple[int, str, str]]] = {}
    for ntid, ord_, config in con.execute("SELECT ntid, ord, config FROM templates"):
        blob = bytes(config or b"")
        # TemplateConfig: q_format = 1, a_format = 2
        templates.setdefault(int(ntid), []).append((int(ord_), pb.first_text(blob, 1), pb.first_text(blob, 2)))
    out = {}
    for ntid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
        nid = int(ntid)
        out[nid] = NoteType(
            id=nid, name=str(name), cloze=pb.first_int(bytes(config or b""), 1) == 1,  # NotetypeConfig.kind
            fields=tuple(n for _, n in sorted(fields.get(nid, []))),
            templates=tuple((q, a) for _, q, a in sorted(templates.get(nid, []))),
        )
    return out


def _read_notes(con: sqlite3.Connection, notetypes: dict[int, NoteType], decks: dict[int, str]) -> list[AnkiNote]:
    cards: dict[int, list[tuple[int, int]]] = {}
    for nid, did, ord_ in con.execute("SELECT nid, did, ord FROM cards ORDER BY nid, ord"):
        cards.setdefault(int(nid), []).append((int(ord_), int(did)))
    notes = []
    for nid, guid, mid, mod, tags, flds in con.execute("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"):
        note_id = int(nid)
        own = cards.get(note_id)
        notes.append(AnkiNote(
            note_id, str(guid), notetypes.get(int(mid)), tuple(str(flds).split("\x1f")), tuple(str(tags).split()),
            int(mod), decks.get(own[0][1], "") if own else "", tuple([o for o, _ in own]) if own else (0,),
        ))
    return notes


def _read_reviews(con: sqlite3.Connection) -> list[AnkiReview]:
    return [
        AnkiReview(int(nid), int(ord_), int(at), int(ease), int(ms), int(kind))
        for at, nid, ord_, ease, ms, kind in con.execute(
            "SELECT r.id, c.nid, c.ord, r.ease, r.time, r.type FROM revlog r JOIN cards c ON c.id = r.cid ORDER BY r.id"
        )
    ]
