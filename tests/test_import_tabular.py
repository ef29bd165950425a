"""Importing CSV/TSV: Anki's plain-text export and the headed question table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from certdrill.decks.importers.tabular import row_id
from certdrill.storage.tables import QuestionRow
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.library import ImportReport
from certdrill.study.workspace import Workspace
from helpers import sql_dump


def run_import(ws: Workspace, source: Path, **options: object) -> ImportReport:
    with ws.session() as s:
        return import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]


def rows(ws: Workspace, deck_id: str) -> dict[str, QuestionRow]:
    with ws.session() as s:
        return {r.qid: r for r in s.execute(select(QuestionRow).where(QuestionRow.deck_id == deck_id)).scalars()}


def test_anki_text_export_with_header_lines(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "Spanish.txt"
    source.write_text("#separator:tab\n#html:true\n#tags column:3\n"
                      "hola\thello<br>hi\tgreeting es\n"
                      "perro &amp; gato\tdog &amp; cat\tanimals\n"
                      "{{c1::Madrid}} is the capital\t\tgeo\n")
    report = run_import(workspace, source)
    assert report.deck_id == "spanish" and len(report.added) == 4 - 1
    q = rows(workspace, "spanish")
    assert q[row_id("hola")].answer == "hello\nhi" and q[row_id("hola")].tags == ["greeting", "es"]
    assert q[row_id("perro & gato")].answer == "dog & cat"
    cloze = q[row_id("{{c1::Madrid}} is the capital")]
    assert cloze.prompt == "[...] is the capital" and cloze.answer == "Madrid"


def test_html_false_keeps_angle_brackets_literal(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "html.csv"
    source.write_text("#separator:comma\n#html:false\nWhat does <br> do?,breaks a line &amp; more\n")
    run_import(workspace, source)
    [q] = rows(workspace, "html").values()
    assert q.prompt == "What does <br> do?" and q.answer == "breaks a line &amp; more"


def test_headed_table_with_choices_domains_and_tags(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "mls.tsv"
    source.write_text(
        "question\tA\tB\tC\tD\tanswer\texplanation\tdomain\ttags\n"
        "Which service streams?\tKinesis\tS3\tEBS\t\tA\tKinesis streams data.\tData Engineering\tkinesis streaming\n"
        "Pick two storage services\tS3\tEFS\tLambda\tEC2\tA, B\tBoth store.\tData Engineering\t\n"
        "What is overfitting?\t\t\t\t\tFitting noise\t\tModeling\tml\n"
        "Broken\tx\ty\t\t\tQ\t\tModeling\t\n"
    )
    report = run_import(workspace, source, dry_run=True)
    assert len(report.added) == 3 and len(report.refused) == 1 and "line 5" in report.refused[0]
    run_import(workspace, source)
    q = rows(workspace, "mls")
    single = q[row_id("Which service streams?")]
    assert single.kind == "single" and [c[1] for c in single.choices] == [True, False, False]
    assert single.domain_id == "data-engineering" and single.tags == ["kinesis", "streaming"]
    assert q[row_id("Pick two storage services")].kind == "multiple"
    assert q[row_id("What is overfitting?")].kind == "flashcard"


def test_reimporting_a_table_changes_nothing_and_an_edit_updates_in_place(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("question,answer,explanation\nWhat is 2+2?,4,sum\nWhat is 3+3?,6,sum\n")
    run_import(workspace, source)
    before = sql_dump(workspace)
    assert not run_import(workspace, source).changed
    assert sql_dump(workspace) == before
    source.write_text("question,answer,explanation\nWhat is 2+2?,four,sum\n")
    report = run_import(workspace, source)
    assert report.updated == [row_id("What is 2+2?")] and report.reset == report.updated
    assert report.retired == [row_id("What is 3+3?")]


def test_choice_notes_become_each_choices_why_and_free_form_notes_stay_in_the_explanation() -> None:
    from certdrill.decks.importers.notes import Draft, multiple_choice

    fields = [("Question", "Which is prime?"), ("A", "4"), ("B", "5"), ("C", "6"), ("Answer", "B"),
              ("Explanation", "Primes have two divisors.")]
    draft = multiple_choice([*fields, ("Choice notes", "A: Even.\nB) Only 1 and 5 divide it.\n\n(C) - Even.")])
    assert isinstance(draft, Draft)
    assert [(c.text, c.correct, c.why) for c in draft.choices] == [
        ("4", False, "Even."), ("5", True, "Only 1 and 5 divide it."), ("6", False, "Even.")]
    assert draft.explanation == "Primes have two divisors."
    # Not one note per line for an existing option: kept whole, after the explanation, not lost.
    for notes in ("All even but B.", "A: Even.\nD: no such option", "A: Even.\nA: twice"):
        draft = multiple_choice([*fields, ("Option notes", notes)])
        assert isinstance(draft, Draft) and all(c.why == "" for c in draft.choices)
        assert draft.explanation == f"Primes have two divisors.\n\n{notes}"


def test_a_first_line_naming_the_fields_is_a_header_not_a_card(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "made.csv"
    source.write_text("Front,Back,Tags\nWhat is 2+2?,4,math basic\nCapital of France?,Paris,geo\n")
    report = run_import(workspace, source)
    assert len(report.added) == 2
    q = rows(workspace, "made")
    assert set(q) == {row_id("What is 2+2?"), row_id("Capital of France?")}
    assert q[row_id("What is 2+2?")].answer == "4" and q[row_id("What is 2+2?")].tags == ["math", "basic"]


def test_a_card_that_only_looks_like_field_names_is_still_a_card(workspace: Workspace, tmp_path: Path) -> None:
    source = tmp_path / "words.csv"
    source.write_text("front,rear\nback,forth\n")  # "rear" is not a field name: both lines are cards
    report = run_import(workspace, source)
    assert len(report.added) == 2 and rows(workspace, "words")[row_id("front")].answer == "rear"
