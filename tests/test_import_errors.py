"""Every way a package, a table or a deck can be damaged ends in one line that says what and where,
and the database is left as it was; what is not damage but a bug in certdrill is not reported as one."""

from __future__ import annotations

import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import zstandard

from anki_packages import mcq, modern_with, package_with_collection, write_package, zip_with
from certdrill.decks.importers.protobuf_wire import encode_int
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace
from helpers import refused

DEEP = "[" * 100_000 + "]" * 100_000


def imported(ws: Workspace, source: Path, **options: object) -> list[str]:
    with ws.session() as s:
        report = import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]
    return report.added


# --- JSON in legacy packages --------------------------------------------------

@pytest.mark.parametrize(("mutate", "expected"), [
    (f"UPDATE col SET models = '{DEEP}'", "col.models is nested too deeply to be Anki's JSON"),
    (f"UPDATE col SET decks = '{DEEP}'", "col.decks is nested too deeply to be Anki's JSON"),
    ("UPDATE col SET models = '{\"1\": '", "col.models is not valid JSON (Expecting value: line 1 column 7"),
    ("UPDATE col SET models = '[1, 2]'", "col.models is not a JSON object"),
    ("UPDATE col SET models = '{\"x1\": {}}'", "col.models, note type x1: its key is not a number"),
    ("UPDATE col SET models = '{\"1\": [1]}'", "col.models, note type 1: not a JSON object"),
    ("UPDATE col SET models = '{\"1\": {\"flds\": {\"a\": 1}}}'", "note type 1: 'flds' is not a list of JSON objects"),
    ("UPDATE col SET models = '{\"1\": {\"flds\": [{\"ord\": \"first\"}]}}'", "'flds' has an 'ord' that is not a whole number"),
    ("UPDATE col SET models = '{\"1\": {\"tmpls\": [{\"qfmt\": [\"x\"]}]}}'", "note type 1, template: 'qfmt' is not text"),
    ("UPDATE col SET models = '{\"1\": {\"type\": 1.5}}'", "note type 1: 'type' is not a whole number"),
    ("UPDATE col SET decks = '{\"1\": {\"name\": 7}}'", "col.decks, deck 1: 'name' is not text"),
])
def test_damaged_json_in_the_collection_is_named(workspace: Workspace, tmp_path: Path, mutate: str,
                                                 expected: str) -> None:
    message = refused(workspace, package_with_collection(tmp_path, mutate))
    assert message.startswith("evil.apkg: ") and expected in message


def test_a_deeply_nested_media_map_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    good = package_with_collection(tmp_path)
    with zipfile.ZipFile(good) as z:
        data = z.read("collection.anki2")
    source = zip_with(tmp_path / "media.apkg", {"collection.anki2": data, "media": DEEP.encode()})
    assert refused(workspace, source) == "media.apkg: member 'media' is nested too deeply to be Anki's JSON"


def test_a_media_map_of_other_things_than_names_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    good = package_with_collection(tmp_path)
    with zipfile.ZipFile(good) as z:
        data = z.read("collection.anki2")
    source = zip_with(tmp_path / "media.apkg", {"collection.anki2": data, "media": b'{"0": ["a"]}'})
    assert "member 'media' is not Anki's media list" in refused(workspace, source)


# --- values of the wrong type or out of range, named with their row ------------

@pytest.mark.parametrize(("mutate", "expected"), [
    ("UPDATE notes SET mod = 9223372036854775807",
     r"note \d+: 'mod' is 9223372036854775807, not a time in seconds since 1970"),
    ("UPDATE notes SET mod = -1", r"note \d+: 'mod' is -1, not a time in seconds since 1970"),
    ("UPDATE notes SET mid = 'abc'", r"note \d+: 'mid' is text, not integer"),
    ("UPDATE notes SET guid = x'00'", r"note \d+: 'guid' is blob, not text"),
    ("UPDATE notes SET flds = x'00ff'", r"note \d+: 'flds' is blob, not text"),
    ("UPDATE notes SET mod = 1e300", r"note \d+: 'mod' is real, not integer"),
    ("UPDATE cards SET ord = -1", r"card \d+: 'ord' is -1, not a card number \(0-65535\)"),
    ("UPDATE cards SET nid = 'x'", r"card \d+: 'nid' is text, not integer"),
    ("UPDATE col SET models = x'7b7d'", r"the collection's 'col' row: 'models' is blob, not text"),
])
def test_values_anki_never_writes_are_named_with_their_row(workspace: Workspace, tmp_path: Path, mutate: str,
                                                            expected: str) -> None:
    assert re.fullmatch(f"evil.apkg: {expected}", refused(workspace, package_with_collection(tmp_path, mutate)))


def test_text_that_is_not_utf8_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    message = refused(workspace, package_with_collection(tmp_path, "UPDATE notes SET flds = CAST(x'41ff42' AS TEXT)"))
    assert message == "evil.apkg: the collection has text that is not UTF-8 (column 'flds')"


REVIEW = "INSERT INTO revlog VALUES ({id}, (SELECT id FROM cards), -1, 3, 1, 0, 2500, 5000, 1);"


def test_a_huge_review_time_is_refused_with_history_and_ignored_without(workspace: Workspace, tmp_path: Path) -> None:
    package = package_with_collection(tmp_path, REVIEW.format(id=9223372036854775000))
    message = refused(workspace, package, with_history=True)
    assert message == ("evil.apkg: review 9223372036854775000: 'id' is 9223372036854775000, "
                       "not a time in milliseconds since 1970")
    assert imported(workspace, package) == ["anki-g"]  # without --with-history the review log is not read


def test_an_answer_dated_after_today_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    later = workspace.now() + timedelta(days=400)
    package = package_with_collection(tmp_path, REVIEW.format(id=int(later.timestamp() * 1000)))
    assert refused(workspace, package, with_history=True).endswith(
        f"has an answer dated {later:%Y-%m-%d}, after today (anki-g); import without --with-history")


# --- modern packages: protobuf and zstd ----------------------------------------

@pytest.mark.parametrize(("mutate", "members", "expected"), [
    ("UPDATE notetypes SET config = x'ff'", {}, r"note type \d+: 'config' is not protobuf"),
    ("UPDATE templates SET config = x'0a05ab'", {}, r"template 0 of note type \d+: 'config' is not protobuf"),
    ("UPDATE notetypes SET config = 'text'", {}, r"note type \d+: 'config' is text, not blob or null"),
    ("UPDATE fields SET ord = 'x' WHERE ord = 0", {}, r"a field without a numeric ntid/ord: 'ord' is text, not integer"),
    ("", {"meta": b"\xff"}, r"member 'meta' is not Anki's package metadata \(not protobuf\)"),
    ("", {"media": zstandard.ZstdCompressor().compress(b"\x0a\xff")},
     r"member 'media' is not Anki's media list \(not protobuf\)"),
    ("", {"media": b"not zstd"}, r"media is not valid zstd data \(.*\)"),
    ("", {"collection.anki21b": b"not zstd"}, r"collection.anki21b is not valid zstd data \(.*\)"),
])
def test_damaged_modern_packages_are_named(workspace: Workspace, tmp_path: Path, mutate: str,
                                           members: dict[str, bytes], expected: str) -> None:
    message = refused(workspace, modern_with(tmp_path, mutate, members))
    assert re.fullmatch(f"evil-modern.apkg: {expected}", message), message


def test_an_intact_modern_package_still_imports(workspace: Workspace, tmp_path: Path) -> None:
    assert imported(workspace, modern_with(tmp_path)) == ["anki-g"]


# --- zips ----------------------------------------------------------------------

def test_a_member_name_that_is_not_utf8_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    source = zip_with(tmp_path / "names.apkg", {"collection.anki2": b"x", "m\u00e9dia": b"y"})
    raw = source.read_bytes().replace("m\u00e9dia".encode(), b"m\xff\xffdia")
    source.write_bytes(raw)
    assert refused(workspace, source).startswith("names.apkg: not a readable package (")


# --- tables, HTML ----------------------------------------------------------------

def test_a_columns_header_longer_than_its_rows_leaves_the_last_fields_empty(workspace: Workspace,
                                                                           tmp_path: Path) -> None:
    table = tmp_path / "t.txt"
    table.write_text("#separator:tab\n#columns:Front\tBack\tExtra\tSource\nq1\ta1\nq2\ta2\textra\n", encoding="utf-8")
    assert len(imported(workspace, table)) == 2


def test_a_column_number_in_a_header_that_is_no_number_is_ignored(workspace: Workspace, tmp_path: Path) -> None:
    table = tmp_path / "t.txt"
    table.write_text("#separator:tab\n#tags column:\u00b2\n#deck column:" + "9" * 5000 + "\nq1\ta1\n",
                     encoding="utf-8")
    assert len(imported(workspace, table)) == 1


def test_html_declarations_python_cannot_parse_are_read_as_text(workspace: Workspace, tmp_path: Path) -> None:
    from certdrill.decks.importers.html_text import html_to_text

    assert html_to_text("<b>x</b> <![foo[bar]]>") == "x <![foo[bar]]>"
    package = write_package(tmp_path / "decl.apkg", {"D": [mcq("<![foo[Q?", ["<!x[ a", "b"], "A", guid="d")]})
    assert imported(workspace, package) == ["anki-d"]


# --- the boundary ----------------------------------------------------------------

def test_running_out_of_memory_while_reading_is_a_refusal(workspace: Workspace, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from certdrill.decks.importers import sources

    def exhausted(*_args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(sources, "read_table", exhausted)
    table = tmp_path / "t.csv"
    table.write_text("question,answer\nq,a\n", encoding="utf-8")
    assert refused(workspace, table) == f"{table}: too large to read with the memory available"


def test_meta_of_an_older_layout_still_reads(workspace: Workspace, tmp_path: Path) -> None:
    good = package_with_collection(tmp_path)
    with zipfile.ZipFile(good) as z:
        data = z.read("collection.anki2")
    source = zip_with(tmp_path / "meta.apkg", {"collection.anki2": data, "meta": encode_int(1, 1), "media": b"{}"})
    assert imported(workspace, source) == ["anki-g"]


# --- what one import may make: the questions stay in memory until the deck is written -------

def test_a_cloze_note_of_thousands_of_deletions_is_refused_as_it_is_read(workspace: Workspace, tmp_path: Path) -> None:
    import genanki

    from certdrill.decks.importers.community import ConversionLimits

    text = " ".join(f"{{{{c{n}::w{n}}}}}" for n in range(1, 301))
    package = write_package(tmp_path / "cloze.apkg", {"C": [genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, ""])]})
    assert refused(workspace, package, conversion=ConversionLimits(questions=100)) == (
        "cloze.apkg: refused: more than 100 questions (the limit of one import)")
    # 300 prompts of 1.5 KiB each: 0.45 MiB of text from 3.6 KiB of note.
    assert refused(workspace, package, conversion=ConversionLimits(text=256 * 1024)) == (
        "cloze.apkg: refused: its questions are made of more than 0.25 MiB of text (the limit of one import)")


def test_a_table_of_too_many_rows_is_refused_while_it_is_read(workspace: Workspace, tmp_path: Path) -> None:
    from certdrill.decks.importers.community import ConversionLimits

    table = tmp_path / "rows.csv"
    table.write_text("question,answer\n" + "".join(f"q{n},a\n" for n in range(30)), encoding="utf-8")
    assert refused(workspace, table, conversion=ConversionLimits(questions=20)) == (
        f"{table.name}: refused: more than 20 questions (the limit of one import)")
    assert len(imported(workspace, table, conversion=ConversionLimits(questions=30))) == 30


def test_long_field_names_count_against_the_text_limit(workspace: Workspace, tmp_path: Path) -> None:
    import genanki

    from certdrill.decks.importers.community import ConversionLimits

    names = ["Front", "Back", *(f"{'x' * 500}{n}" for n in range(20))]  # shown as "name: value"
    model = genanki.Model(1234, "Wide", fields=[{"name": n} for n in names],
                          templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
    notes = [genanki.Note(model=model, fields=["q", "a", *"y" * 20], guid=f"w{i}") for i in range(5)]
    package = write_package(tmp_path / "wide.apkg", {"W": notes})
    assert "more than 0.038147 MiB of text" in refused(workspace, package, conversion=ConversionLimits(text=40_000))
    assert len(imported(workspace, package, conversion=ConversionLimits(text=60_000))) == 5


# --- found by the fuzz tests (tests/test_fuzz_importers.py) ---------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("z: 2026-13-45", "deck.yaml:9: not a valid value (month must be in 1..12)"),
    ("z: 0000-01-01", "deck.yaml:9: not a valid value (year 0 is out of range)"),
    (f"z: {'1' * 5000}", "deck.yaml:9: not a valid value (Exceeds the limit (4300 digits) for integer string "),
    ("z: " + "[" * 400 + "]" * 400, "deck.yaml:9: not a valid value (nested more than 50 levels deep)"),
    ("z:\n" + "".join("  " * i + "- \n" for i in range(1, 300)), "deck.yaml:59: not a valid value (nested more than"),
])
def test_a_yaml_date_number_or_nesting_python_cannot_hold_is_refused(workspace: Workspace, tmp_path: Path, line: str,
                                                              expected: str) -> None:
    deck = tmp_path / "deck.yaml"
    deck.write_text("format: certdrill/1\nid: d\ntitle: T\nversion: '1'\ndomains: [{id: d, name: D, weight: 1}]\n"
                    "questions:\n  - {id: q, domain: d, kind: flashcard, prompt: P, answer: A}\n"
                    "# the value below\n" + line + "\n", encoding="utf-8")
    assert refused(workspace, deck).startswith(f"{tmp_path}/{expected}")


def test_a_note_type_without_fields_makes_refusals_not_a_crash(workspace: Workspace, tmp_path: Path) -> None:
    emptied = (
        "UPDATE col SET models = json_set(models, '$.\"' || (SELECT mid FROM notes) || '\".flds', json('[]'));"
    )
    package = package_with_collection(tmp_path, emptied)
    assert re.fullmatch(r"evil.apkg: not a deck: only 0 of 1 notes are questions; first refused: note \d+ \(anki-g\): "
                        r"prompt is empty\. Expected Anki notes .*\(see docs/importing.md\)", refused(workspace, package))
