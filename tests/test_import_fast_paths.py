"""The quick readers of the import path give exactly what the full ones give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certdrill.core.model import Choice, Deck, Domain
from certdrill.decks.format.schema import Findings, read_question
from certdrill.decks.importers.community import _as_data, _located, _well_formed
from certdrill.decks.importers.html_text import html_to_text, parsed_text
from certdrill.decks.importers.notes import Draft, resolve_answer

HTML_PIECES = [
    "<b>", "</b>", "<I>", "</i >", "<span style='x'>", "</span>", "<ſ>", "<s>", "</S>", "<b/>", "<a href=x>", "</a>",
    "<br>", "<BR/>", "<br />", "</br>", "<div>", "</div>", "<p>", "</p>", "<ul>", "<li>", "</ol>", "<pre>", "</pre>",
    "<code>", "<img src='a &amp; b.png'>", "<img src=x/>", "<audio src=s.mp3>", "<script>", "</script>", "<!-- c -->",
    "<b\vx>", "<span data-x=\"a>b\">", " ", "  ", "\t", "\n", "\r\n", "\xa0", "&nbsp;", "&amp;", "&am", "p;", "&", "&#10;",
    "&lt;b&gt;", "<", ">", "x", "Y", "é", "\u3000", "\x1b[1m", "\x07",
]
HTML = st.lists(st.sampled_from(HTML_PIECES), min_size=1, max_size=16).map("".join)


@settings(max_examples=3000)
@given(HTML)
def test_quick_html_readers_match_html_parser(html: str) -> None:
    if "<" in html or "&" in html:
        assert html_to_text(html) == parsed_text(html)


SHELL = Deck(id="d", title="T", version="", domains=(Domain("dom", "Dom", 1.0),))
TEXT = st.sampled_from(["", " ", "x", "A b", "a  B", "z\n", "\x1bq", "é", "https://a", "ftp://b", "c1", "c2"])
CHOICE = st.builds(Choice, TEXT, st.booleans(), TEXT)
DRAFT = st.builds(
    Draft, st.sampled_from(["single", "multiple", "flashcard", "other"]), TEXT,
    choices=st.lists(CHOICE, max_size=5).map(tuple), pick=st.sampled_from([None, 0, 1, 2, 3]),
    answer=TEXT, explanation=TEXT, references=st.lists(TEXT, max_size=2).map(tuple),
    tags=st.lists(TEXT, max_size=2).map(tuple),
)


@settings(max_examples=3000)
@given(st.sampled_from(["anki-x", "q1", "", "-bad"]), DRAFT)
def test_converted_questions_pass_the_quick_check_only_when_the_full_check_agrees(qid: str, draft: Draft) -> None:
    quick = _well_formed(qid, "dom", draft)
    full = read_question(_located({"id": qid, "domain": "dom", **_as_data(draft)}), SHELL, Findings(), "x", 0)
    if quick is not None:
        assert quick == full


def test_usual_drafts_take_the_quick_check() -> None:
    single = Draft("single", "P?", (Choice("a", True), Choice("b")), explanation="E", tags=("t",))
    multiple = Draft("multiple", "P?", (Choice("a", True), Choice("b", True), Choice("c")), pick=2)
    card = Draft("flashcard", "Front", answer="Back", references=("https://docs.aws.amazon.com/x",))
    for draft in (single, multiple, card):
        quick = _well_formed("anki-x", "dom", draft)
        assert quick is not None
        assert quick == read_question(_located({"id": "anki-x", "domain": "dom", **_as_data(draft)}), SHELL,
                                      Findings(), "x", 0)


def test_an_answer_letter_names_its_option_unless_an_option_reads_as_that_letter() -> None:
    assert resolve_answer("C", ["first", "second", "third"]) == ([2], "")
    assert resolve_answer("b", ["first", "second", "third"]) == ([1], "")
    # An option's own text wins over the letter it happens to match.
    assert resolve_answer("B", ["B", "A", "C"]) == ([0], "")
    assert resolve_answer("B", [" b ", "A"]) == ([0], "")
    assert resolve_answer("A", ["B", "A", "C"]) == ([1], "")
    assert resolve_answer("D", ["x", "y"]) is None
