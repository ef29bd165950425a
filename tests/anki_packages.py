"""Build real Anki packages for the import tests: genanki for the legacy layouts, by hand for anki21b."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import zstandard

from certdrill.decks.importers.protobuf_wire import encode_bytes, encode_int

MCQ = genanki.Model(
    1607392319, "MCQ",
    fields=[{"name": n} for n in ("Question", "Option A", "Option B", "Option C", "Option D", "Answer", "Explanation")],
    templates=[{"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"}],
)


def mcq(question: str, options: list[str], answer: str, explanation: str = "", guid: str | None = None,
        tags: list[str] | None = None) -> genanki.Note:
    fields = [question, *options, *[""] * (4 - len(options)), answer, explanation]
    return genanki.Note(model=MCQ, fields=fields, guid=guid, tags=tags or [])


def write_package(path: Path, decks: dict[str, list[genanki.Note]], media: list[Path] | None = None) -> Path:
    """A genanki package (collection.anki2 only, the oldest layout)."""
    built = []
    for n, (name, notes) in enumerate(decks.items()):
        deck = genanki.Deck(2059400110 + n, name)
        for note in notes:
            deck.add_note(note)
        built.append(deck)
    package = genanki.Package(built)
    package.media_files = [str(m) for m in media or []]
    package.write_to_file(str(path))
    return path


def relayout_legacy(source: Path, target: Path) -> Path:
    """The same package in the legacy anki21 layout (as Anki 2.1.28+ exported by default)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            name = "collection.anki21" if info.filename == "collection.anki2" else info.filename
            zout.writestr(name, zin.read(info))
    return target


def write_modern(target: Path, legacy: Path) -> Path:
    """The same notes in the modern layout: zstd anki21b with note types in their own tables,
    a protobuf `meta` and a zstd-compressed protobuf media map."""
    with zipfile.ZipFile(legacy) as zin:
        old = target.parent / "old.anki2"
        old.write_bytes(zin.read("collection.anki2"))
    src = sqlite3.connect(old)
    models = json.loads(src.execute("SELECT models FROM col").fetchone()[0])
    decks = json.loads(src.execute("SELECT decks FROM col").fetchone()[0])
    db = target.parent / "modern.anki21b"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.executescript("""
        CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer, ver integer, dty integer,
          usn integer, ls integer, conf text, models text, decks text, dconf text, tags text);
        CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer, usn integer, tags text,
          flds text, sfld text, csum integer, flags integer, data text);
        CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer, mod integer, usn integer,
          type integer, queue integer, due integer, ivl integer, factor integer, reps integer, lapses integer,
          left integer, odue integer, odid integer, flags integer, data text);
        CREATE TABLE revlog (id integer primary key, cid integer, usn integer, ease integer, ivl integer,
          lastIvl integer, factor integer, time integer, type integer);
        CREATE TABLE notetypes (id integer primary key, name text, mtime_secs integer, usn integer, config blob);
        CREATE TABLE fields (ntid integer, ord integer, name text, config blob, PRIMARY KEY (ntid, ord));
        CREATE TABLE templates (ntid integer, ord integer, name text, mtime_secs integer, usn integer, config blob,
          PRIMARY KEY (ntid, ord));
        CREATE TABLE decks (id integer primary key, name text, mtime_secs integer, usn integer, common blob,
          kind blob);
    """)
    con.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
    for table in ("notes", "cards", "revlog"):
        rows = src.execute(f"SELECT * FROM {table}").fetchall()
        if rows:
            con.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
    for mid, m in models.items():
        con.execute("INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (int(mid), m["name"], encode_int(1, m["type"])))
        for f in m["flds"]:
            con.execute("INSERT INTO fields VALUES (?, ?, ?, x'')", (int(mid), f["ord"], f["name"]))
        for t in m["tmpls"]:
            config = encode_bytes(1, t["qfmt"]) + encode_bytes(2, t["afmt"])
            con.execute("INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)", (int(mid), t["ord"], t["name"], config))
    for did, d in decks.items():
        con.execute("INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')", (int(did), d["name"].replace("::", "\x1f")))
    con.commit()
    con.close()
    src.close()
    zstd = zstandard.ZstdCompressor()
    media = encode_bytes(1, encode_bytes(1, "cat.png") + encode_int(2, 3))
    with zipfile.ZipFile(target, "w") as zout:
        zout.writestr("meta", encode_int(1, 3))  # PackageMetadata { version: LATEST }
        zout.writestr("collection.anki21b", zstd.compress(db.read_bytes()))
        zout.writestr("collection.anki2", b"stub for old Anki versions")
        zout.writestr("media", zstd.compress(media))
    return target


def zip_with(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def package_with_collection(tmp_path: Path, mutate: str | None = None, raw: bytes | None = None) -> Path:
    good = write_package(tmp_path / "good.apkg", {"Deck": [mcq("Q?", ["a", "b"], "A", guid="g")]})
    with zipfile.ZipFile(good) as z:
        data = z.read("collection.anki2")
    if mutate is not None:
        db = tmp_path / "mutated.anki2"
        db.write_bytes(data)
        con = sqlite3.connect(db)
        con.executescript(mutate)
        con.commit()
        con.close()
        data = db.read_bytes()
    return zip_with(tmp_path / "evil.apkg", {"collection.anki2": raw if raw is not None else data, "media": b"{}"})


def modern_with(tmp_path: Path, mutate: str = "", members: dict[str, bytes] | None = None) -> Path:
    """A modern (anki21b) package of one MCQ note, its collection changed by the SQL `mutate` and
    any member replaced by `members`."""
    legacy = write_package(tmp_path / "legacy.apkg", {"Deck": [mcq("Q?", ["a", "b"], "A", guid="g")]})
    modern = write_modern(tmp_path / "modern.apkg", legacy)
    with zipfile.ZipFile(modern) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    if mutate:
        db = tmp_path / "mutated.anki21b"
        db.write_bytes(zstandard.ZstdDecompressor().decompress(parts["collection.anki21b"], max_output_size=1 << 30))
        con = sqlite3.connect(db)
        con.executescript(mutate)
        con.commit()
        con.close()
        parts["collection.anki21b"] = zstandard.ZstdCompressor().compress(db.read_bytes())
    parts.update(members or {})
    return zip_with(tmp_path / "evil-modern.apkg", parts)
