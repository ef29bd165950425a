"""The flow-style deck text sync keeps (questions as JSON lines) reads back, through the deck
loader's YAML parser, as exactly the document of the deck, whatever its text holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certdrill.core.model import Choice, Deck, Domain, Question
from certdrill.decks.exporters.yaml_deck import deck_document, deck_flow_yaml
from certdrill.decks.format.safe_yaml import parse_yaml

# Any character a str can hold in UTF-8 (no lone surrogates), with the ones JSON and YAML read
# differently drawn often: YAML's own line breaks, C1 controls, quotes, backslashes, YAML syntax.
TEXT = st.lists(st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(["\u2028", "\u2029", "\x85", "\x7f", "\x9f", "\ufeff", "\uffff", "\t", "\n", "\r", '"', "\\",
                     ": ", " #", "- ", "&a", "*a", "!!python/object", "{", "]", "yes", "null", "1e5", "0x1F"]),
), max_size=12).map("".join)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    questions = []
    for n in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            questions.append(Question(id=f"q-{n}", domain="d", kind="flashcard", prompt=draw(TEXT),
                                      answer=draw(TEXT), explanation=draw(TEXT), tags=tuple(draw(st.lists(TEXT, max_size=2)))))
        else:
            choices = tuple(Choice(draw(TEXT), i == 0, draw(TEXT)) for i in range(draw(st.integers(2, 4))))
            questions.append(Question(id=f"q-{n}", domain="d", kind="single", prompt=draw(TEXT), choices=choices,
                                      explanation=draw(TEXT), references=("https://docs.aws.amazon.com/x",)))
    return Deck(id="d", title=draw(TEXT) or "t", version="1", domains=(Domain("d", draw(TEXT), 0.5),),
                questions=tuple(questions))


@given(decks())
def test_the_flow_text_reads_back_as_the_deck_s_document(deck: Deck) -> None:
    assert parse_yaml(deck_flow_yaml(deck), name="deck.yaml") == deck_document(deck)


def test_each_question_is_one_line_of_json_under_the_block_head() -> None:
    deck = Deck(id="d", title="T", version="1", domains=(Domain("d", "D", 1.0),), questions=tuple(
        Question(id=f"q-{n}", domain="d", kind="flashcard", prompt=f"line one\nline two {n}", answer="a")
        for n in range(3)))
    text = deck_flow_yaml(deck)
    head, questions = text.split("questions: [\n")
    assert head.startswith("format: certdrill/1\nid: d\n") and "domains:\n- id: d" in head
    assert questions.splitlines()[:3] == [
        f' {{"id": "q-{n}", "domain": "d", "kind": "flashcard", "prompt": "line one\\nline two {n}", "answer": "a"}}'
        + ("," if n < 2 else "") for n in range(3)]
