"""Read Anki packages (.apkg/.colpkg, all three layouts) into plain notes, safely."""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from certdrill.decks.importers import protobuf_wire as pb
from certdrill.decks.importers.anki_schema import brief, check_collection, utf8_only
from certdrill.decks.importers.package_zip import Limits, open_package
from certdrill.errors import CertdrillError

MODERN, LEGACY, OLDEST = "collection.anki21b", "collection.anki21", "collection.anki2"
_LATEST_META = 3  # PackageMetadata.Version.LATEST: the collection is zstd-compressed anki21b


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


NoteSink = Callable[[AnkiNote], None]


def read_anki_package(path: Path, *, limits: Limits, with_history: bool = False,
                      each_note: NoteSink | None = None) -> AnkiCollection:
    """Notes (and, on request, review history) of a package; hostile packages are refused.

    With `each_note`, each note is handed to it as it is read and not kept: converting notes on
    the way holds only what they become in memory, not every note's raw fields as well.
    """
    package = path.name
    # The embedded SQLite is hostile until proven otherwise: unpacked into a private folder, opened
    # read-only with functions in its schema disabled, and its schema checked before any data is read.
    with tempfile.TemporaryDirectory(prefix="certdrill-apkg-") as tmp, open_package(path, limits, Path(tmp)) as pkg:
        names = pkg.names
        meta = pkg.read("meta") if "meta" in names else b""
        try:
            modern = pb.first_int(meta, 1) >= _LATEST_META if meta else MODERN in names
        except pb.WireError:
            raise CertdrillError(f"{package}: member 'meta' is not Anki's package metadata (not protobuf)") from None
        layout = MODERN if modern else LEGACY if LEGACY in names else OLDEST
        if layout not in names:
            raise CertdrillError(f"{package}: not an Anki package (no {layout} inside)")
        db = pkg.unpack(layout)
        if modern:
            db = pkg.unzstd(db, layout)
        media = _media_names(pkg.read("media", zstd=modern), modern, package) if "media" in names else []
        collection = _read_collection(db, layout, package, with_history, each_note)
    collection.media = media
    return collection


def _media_names(raw: bytes, modern: bool, package: str) -> list[str]:
    if modern:
        try:
            entries = pb.read_fields(raw)
            return [pb.first_text(e, 1) for n, e in entries if n == 1 and isinstance(e, bytes)]
        except pb.WireError:
            raise CertdrillError(f"{package}: member 'media' is not Anki's media list (not protobuf)") from None
    mapping = _json(raw, f"{package}: member 'media'") if raw.strip() else {}
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise CertdrillError(f"{package}: member 'media' is not Anki's media list (a JSON object of file names)")
    return list(mapping.values())


def _json(raw: str | bytes, where: str) -> Any:
    """JSON from a package; `where` names the member or column in the refusal."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise CertdrillError(f"{where} is nested too deeply to be Anki's JSON") from None
    except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError of bytes that are not UTF-8
        raise CertdrillError(f"{where} is not valid JSON ({exc})") from None


def _read_collection(db: Path, layout: str, package: str, with_history: bool,
                     each_note: NoteSink | None) -> AnkiCollection:
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CertdrillError(f"{package}: cannot open the collection ({exc})") from None
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        con.execute("PRAGMA query_only=ON")
        con.create_collation("unicase", _unicase)
        modern = check_collection(con, package, with_history=with_history)
        collection = AnkiCollection(layout)
        with utf8_only(con, package):
            notetypes, decks = _read_notetypes_and_decks(con, package, modern)
            for note in _read_notes(con, notetypes, decks):
                if each_note is None:
                    collection.notes.append(note)
                else:
                    each_note(note)
        if with_history:
            collection.reviews = _read_reviews(con)
        return collection
    except sqlite3.DatabaseError as exc:
        raise CertdrillError(f"{package}: the collection is not a usable SQLite database ({brief(exc)})") from None
    finally:
        con.close()


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _read_notetypes_and_decks(con: sqlite3.Connection, package: str,
                              modern: bool) -> tuple[dict[int, NoteType], dict[int, str]]:
    if modern:
        return _modern_notetypes(con, package), {
            i: name.replace("\x1f", "::") for i, name in con.execute("SELECT id, name FROM decks")
        }
    row = con.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
    if row is None:
        raise CertdrillError(f"{package}: not an Anki collection (empty 'col' table)")
    models, decks = _json(row[0] or "{}", f"{package}: col.models"), _json(row[1] or "{}", f"{package}: col.decks")
    if not isinstance(models, dict) or not isinstance(decks, dict):
        raise CertdrillError(f"{package}: col.{'models' if not isinstance(models, dict) else 'decks'} is not a JSON object")
    names = {}
    for key, deck in decks.items():
        if isinstance(deck, dict):
            name = deck.get("name", "")
            if not isinstance(name, str):
                raise CertdrillError(f"{package}: col.decks, deck {key[:40]}: 'name' is not text")
            names[_json_id(key, f"{package}: col.decks, deck {key[:40]}")] = name
    notetypes = {}
    for key, model in models.items():
        where = f"{package}: col.models, note type {key[:40]}"
        id_ = _json_id(key, where)
        notetypes[id_] = _legacy_notetype(id_, model, where)
    return notetypes, names


def _json_id(key: str, where: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,19}", key):
        raise CertdrillError(f"{where}: its key is not a number")
    return int(key)


def _json_entries(model: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    """A note type's fields or templates, in `ord` order; each must be an object with a whole `ord`."""
    entries = model.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CertdrillError(f"{where}: '{key}' is not a list of JSON objects")
    ordered: list[tuple[int, dict[str, Any]]] = []
    for entry in entries:
        ord_ = _whole(entry.get("ord", 0))
        if ord_ is None:
            raise CertdrillError(f"{where}: '{key}' has an 'ord' that is not a whole number")
        ordered.append((ord_, entry))
    return [e for _, e in sorted(ordered, key=lambda pair: pair[0])]


def _whole(value: object) -> int | None:
    """A whole number as Anki's JSON holds one (genanki writes some as strings), else None."""
    if type(value) is int:
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value):
        return int(value)
    return None


def _json_text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise CertdrillError(f"{where}: '{key}' is not text")
    return value


def _legacy_notetype(id_: int, model: object, where: str) -> NoteType:
    if not isinstance(model, dict):
        raise CertdrillError(f"{where}: not a JSON object")
    kind = _whole(model.get("type", 0))
    if kind is None:
        raise CertdrillError(f"{where}: 'type' is not a whole number")
    fields = _json_entries(model, "flds", where)
    templates = _json_entries(model, "tmpls", where)
    return NoteType(
        id=id_, name=_json_text(model, "name", where), cloze=kind == 1,
        fields=tuple(_json_text(f, "name", f"{where}, field") for f in fields),
        templates=tuple((_json_text(t, "qfmt", f"{where}, template"), _json_text(t, "afmt", f"{where}, template"))
                        for t in templates),
    )


def _modern_notetypes(con: sqlite3.Connection, package: str) -> dict[int, NoteType]:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ord_, name in con.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(ntid, []).append((ord_, name))
    templates: dict[int, list[tuple[int, str, str]]] = {}
    for ntid, ord_, config in con.execute("SELECT ntid, ord, config FROM templates"):
        blob = config or b""
        try:  # TemplateConfig: q_format = 1, a_format = 2
            templates.setdefault(ntid, []).append((ord_, pb.first_text(blob, 1), pb.first_text(blob, 2)))
        except pb.WireError:
            raise CertdrillError(f"{package}: template {ord_} of note type {ntid}: 'config' is not protobuf") from None
    out = {}
    for nid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
        try:
            cloze = pb.first_int(config or b"", 1) == 1  # NotetypeConfig.kind
        except pb.WireError:
            raise CertdrillError(f"{package}: note type {nid}: 'config' is not protobuf") from None
        out[nid] = NoteType(
            id=nid, name=name, cloze=cloze,
            fields=tuple(n for _, n in sorted(fields.get(nid, []))),
            templates=tuple((q, a) for _, q, a in sorted(templates.get(nid, []))),
        )
    return out


def _read_notes(con: sqlite3.Connection, notetypes: dict[int, NoteType], decks: dict[int, str]) -> Iterator[AnkiNote]:
    # The values have the types _check_values let through: no conversions needed.
    cards: dict[int, list[tuple[int, int]]] = {}
    # In table order, each note's cards put in ord order below: through the nid index, with a sort
    # of each note's cards, SQLite took twice as long as the whole scan.
    for nid, did, ord_ in con.execute("SELECT nid, did, ord FROM cards"):
        cards.setdefault(nid, []).append((ord_, did))
    for note_id, guid, mid, mod, tags, flds in con.execute("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"):
        own = cards.pop(note_id, None)
        ords: tuple[int, ...]
        if own is None:
            deck, ords = "", (0,)
        elif len(own) == 1:
            deck, ords = decks.get(own[0][1], ""), (own[0][0],)
        else:
            own.sort(key=_card_ord)  # stable: cards of one ord stay in table order
            deck, ords = decks.get(own[0][1], ""), tuple([o for o, _ in own])
        # tuple.__new__: the named tuple's own __new__ is a Python function, slower than the rest here
        yield tuple.__new__(AnkiNote, (note_id, guid, notetypes.get(mid), tuple(flds.split("\x1f")),
                                       tuple(tags.split()), mod, deck, ords))


def _card_ord(card: tuple[int, int]) -> int:
    return card[0]


def _read_reviews(con: sqlite3.Connection) -> list[AnkiReview]:
    return [
        AnkiReview(nid, ord_, at, ease, ms, kind)
        for at, nid, ord_, ease, ms, kind in con.execute(
            "SELECT r.id, c.nid, c.ord, r.ease, r.time, r.type FROM revlog r JOIN cards c ON c.id = r.cid ORDER BY r.id"
        )
    ]
