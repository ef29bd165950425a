"""Property tests: no generated deck text crashes the readers, and text stays literal and clean."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certdrill.core.text import clean_text
from certdrill.decks.format.loader import load_deck
from certdrill.decks.importers.html_text import html_to_text
from certdrill.decks.importers.notes import Draft, multiple_choice
from certdrill.decks.importers.tabular import read_table
from certdrill.errors import CertdrillError

PIECES = [*"[]/=<>&;#:{}\"'\\ab \n\t\x1b\x07\x00\x9b\r,", "[bold]", "[/]", "\x1b[31m", "\x1b]0;t\x07", "&amp;", "&#0;",
          "<script>", "</div>", "<li>", "<pre>", "{{c1::", "::", "}}", "#separator:tab\n", "\"\"", "question,A,B,answer\n"]
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(), HOSTILE)


def _is_clean(text: str) -> bool:
    return "\x1b" not in text and "\x9b" not in text and all(c in "\n\t" or c.isprintable() or ord(c) >= 0xA0 for c in text)


@given(ANY_TEXT)
def test_html_to_text_never_crashes_and_leaves_no_control_characters(html: str) -> None:
    assert _is_clean(html_to_text(html))


NO_ESCAPES = st.text().filter(lambda s: "\x1b" not in s and "\x9b" not in s)


@given(NO_ESCAPES, st.sampled_from(["[bold red]x[/]", "[link=file:///etc/passwd]y[/link]", "[@click=quit]z[/]"]), NO_ESCAPES)
def test_clean_text_keeps_rich_markup_as_literal_text(before: str, markup: str, after: str) -> None:
    cleaned = clean_text(before + markup + after)
    assert markup in cleaned and _is_clean(cleaned) and clean_text(cleaned) == cleaned


FIELD_NAMES = ["Question", "Option A", "Option B", "Option C", "Answer", "Explanation", "Choice notes", "Front", "X"]
ANSWERS = st.one_of(ANY_TEXT, st.sampled_from(["A", "B", "C", "a", "A, B", "AC", "1", "2 3", "1 0 1", "B. because"]))


@given(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.one_of(ANY_TEXT, ANSWERS)), max_size=9,
                unique_by=lambda field: field[0]))
def test_any_fields_give_a_question_a_refusal_or_nothing(fields: list[tuple[str, str]]) -> None:
    result = multiple_choice(fields)
    values = dict(fields)
    question = next((n for n in values if n in ("Question", "Front")), None)  # the first field named like one
    options = [v.strip() for n, v in fields if n.startswith("Option ")]  # in the note's field order
    if result is None:  # nothing that looks like a question with options
        assert question is None or "Answer" not in values or len([o for o in options if o]) < 2
        return
    if isinstance(result, str):  # looks like one, does not add up: a short reason
        assert result and "\n" not in result.replace(result[result.find("'"):result.rfind("'") + 1], "")
        return
    assert isinstance(result, Draft) and question is not None
    assert result.prompt == values[question].strip()
    assert [c.text for c in result.choices] == [o for o in options if o]
    correct = [c for c in result.choices if c.correct]
    if result.kind == "single":
        assert len(correct) == 1 and result.pick is None
    else:
        assert result.kind == "multiple" and result.pick == len(correct) >= 2


HEADER_LINES = st.lists(st.one_of(
    st.sampled_from(["#separator:tab", "#separator:comma", "#separator:semicolon", "#separator:Pipe", "#html:true",
                     "#html:false", "#tags column:3", "#deck column:4", "#guid column:1", "#notetype column:2",
                     "#tags column:0", "#deck column:99", "#separator:xx"]),
    st.lists(st.sampled_from(["Question", "Answer", "Option A", "Option B", "Extra", "Front", "Back", ""]),
             min_size=1, max_size=8).map(lambda names: "#columns:" + "\t".join(names)),
), max_size=4)
CELLS = st.one_of(st.sampled_from(["q", "a", "A", "B", "{{c1::x}}", "{{c2::y}} z", "<b>b</b>", "tag1 tag2", "", "A, B"]),
                  ANY_TEXT.filter(lambda t: "\n" not in t and "\r" not in t))
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=9), max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # no timing: a loaded machine took 341 ms once
@given(HEADER_LINES, ROWS, st.sampled_from(["\t", ",", ";"]))
def test_every_row_of_a_generated_table_is_a_question_or_a_named_refusal(
    headers: list[str], rows: list[list[str]], sep: str,
) -> None:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    body = "\n".join(headers) + ("\n" if headers else "") + out.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_text(body, encoding="utf-8")
        try:
            candidates = read_table(path)
        except CertdrillError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(str(path))
            return
    data_lines = {i + 1 for i, line in enumerate(body.split("\n")) if i >= len(headers) and line}
    lines = {int(c.origin.removeprefix("line ")) for c in candidates}
    assert lines <= data_lines  # every question or refusal names a line that holds a row
    for c in candidates:
        assert (c.draft is None) != (c.problem == "")
        if c.draft is not None:
            assert _is_clean(c.draft.prompt) and _is_clean(c.draft.answer) and _is_clean(c.draft.explanation)
            assert all(_is_clean(ch.text) for ch in c.draft.choices)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_generated_yaml_decks_load_or_are_refused_cleanly(prompt: str, answer: str, tail: str) -> None:
    import yaml

    doc = {"format": "certdrill/1", "id": "gen", "title": "T", "version": "1",
           "domains": [{"id": "d", "name": "D", "weight": 1}],
           "questions": [{"id": "q1", "domain": "d", "kind": "flashcard", "prompt": prompt, "answer": answer}]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True) + tail, encoding="utf-8")
        try:
            result = load_deck(path)
        except CertdrillError:
            return
        if result.deck is not None:
            for q in result.deck.questions:
                assert _is_clean(q.prompt) and _is_clean(q.answer)


