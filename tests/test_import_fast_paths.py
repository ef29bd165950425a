"""The quick readers of the import path give exactly what the full ones give."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from certdrill.core.model import Deck, Domain
from certdrill.decks.community import _located, _well_formed
from certdrill.decks.html_text import html_to_text, parsed_text
from certdrill.decks.schema import Findings, read_question

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
CHOICE = st.fixed_dictionaries({"text": TEXT, "correct": st.booleans()}, optional={"why": TEXT})
DATA = st.fixed_dictionaries(
    {"kind": st.sampled_from(["single", "multiple", "flashcard", "other"]), "prompt": TEXT},
    optional={
        "answer": TEXT, "explanation": TEXT, "choices": st.lists(CHOICE, max_size=5),
        "pick": st.sampled_from([None, 1, 2, 3, True, "2"]), "tags": st.lists(TEXT, max_size=2),
        "references": st.lists(TEXT, max_size=2), "task": TEXT,
    },
)


@settings(max_examples=3000)
@given(st.sampled_from(["anki-x", "q1", "", "-bad"]), DATA)
def test_converted_questions_pass_the_quick_check_only_when_the_full_check_agrees(qid: str, data: dict[str, Any]) -> None:
    quick = _well_formed(qid, "dom", data)
    full = read_question(_located({"id": qid, "domain": "dom", **data}), SHELL, Findings(), "x", 0)
    if quick is not None:
        assert quick == full
