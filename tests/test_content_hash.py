"""The content hash is stored with every question: its bytes must never change between releases,
or every stored question would look edited on the next re-import."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from certdrill.core.jsontext import json_text
from certdrill.core.model import Choice, Question, _payload
from certdrill.storage.convert import choices_json, texts_json

# Digests taken with the json.dumps implementation the format was defined by.
PINNED = [
    (Question("q1", "dom", "single", 'Which is \u00e9 "quoted"?\n`code`', None,
              (Choice("A", False, "no"), Choice("B", True, "yes \u2014 because")), None, "", "Expl",
              ("https://docs.aws.amazon.com/x",), ("tag",)),
     "3fccee2c32c15f6c33b3e6129d2bfb93", "single:2:1"),
    (Question("q2", "dom", "multiple", "Pick two", "t1", (Choice("a", True), Choice("b", True), Choice("c")), 2),
     "67429ac352a5f4cd4546c93658a5ddd7", "multiple:3:0,1"),
    (Question("q3", "dom", "flashcard", "Front", answer="Back \u4e2d", tags=("x", "y")),
     "cae1502b5ebebe659d1fc9db6fa976ae", "flashcard:back \u4e2d"),
]


def test_content_hash_and_answer_key_are_pinned() -> None:
    for question, digest, key in PINNED:
        assert (question.content_hash(), question.answer_key()) == (digest, key)


def test_content_hash_changes_with_what_the_learner_sees() -> None:
    base = PINNED[0][0]
    edited = Question(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "explanation": "Expl."})
    assert edited.content_hash() != base.content_hash()
    assert edited.answer_key() == base.answer_key()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


@given(JSON)
def test_json_text_writes_what_json_dumps_writes(value: object) -> None:
    assert json_text()(value) == json.dumps(value)
    assert json_text(ensure_ascii=False, separators=(",", ":"))(value) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":"))


CHOICES = st.lists(
    st.builds(Choice, st.text(), st.booleans(), st.text())
    | st.tuples(st.text(), st.booleans() | st.integers(0, 1) | st.none(), st.text())
    | st.lists(st.text() | st.booleans(), max_size=4)
    | st.dictionaries(st.text(max_size=3) | st.booleans(), st.integers(), max_size=3)
    | JSON,
    max_size=5,
)


@given(CHOICES.map(tuple) | CHOICES)
def test_choices_column_is_what_json_dumps_writes(choices: tuple[Choice, ...]) -> None:
    assert choices_json(choices) == json.dumps(choices)


@given(st.lists(st.text() | JSON, max_size=4).map(tuple) | st.lists(st.text(), max_size=3) | JSON)
def test_references_and_tags_columns_are_what_json_dumps_writes(texts: tuple[str, ...]) -> None:
    assert texts_json(texts) == json.dumps(texts)


QUESTIONS = st.builds(
    Question, st.text(), st.text() | JSON, st.sampled_from(["single", "multiple", "flashcard"]) | JSON, st.text(),
    task=st.none() | st.text() | JSON, choices=CHOICES.map(tuple), pick=st.none() | st.integers() | JSON,
    answer=st.text(), explanation=st.text() | JSON, references=st.lists(st.text(), max_size=3).map(tuple) | JSON,
    tags=st.lists(st.text(), max_size=3).map(tuple),
)


@given(QUESTIONS)
def test_content_hash_is_taken_of_what_json_dumps_writes(question: Question) -> None:
    fields = [question.domain, question.task, question.kind, question.prompt, question.choices, question.pick,
              question.answer, question.explanation, question.references, question.tags]
    assert _payload(question) == json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
