"""Property tests: no generated deck text crashes the readers, and text stays literal and clean."""

from __future__ import annotations

import contextlib
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


@given(st.lists(st.tuples(st.sampled_from(["Question", "Option A", "Option B", "Answer", "Explanation", "Front", "X"]),
                          ANY_TEXT), max_size=8))
def test_any_fields_give_a_question_a_refusal_or_nothing(fields: list[tuple[str, str]]) -> None:
    result = multiple_choice(fields)
    assert result is None or isinstance(result, (str, Draft))


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


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_generated_tables_never_crash_the_reader(body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text(body, encoding="utf-8")
        with contextlib.suppress(CertdrillError):
            read_table(path)
