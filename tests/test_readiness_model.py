"""The readiness model: more right answers never lower it, time without reviews never raises it, unseen is unknown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certdrill.core import scheduling
from certdrill.core.exam_readiness import assess
from certdrill.core.model import Deck, Domain, ExamInfo, PassMark, Task
from certdrill.core.readiness import MockAnswer, QuestionEvidence, mock_memory, recall_at
from certdrill.core.readiness_model import DomainInput, memory_factors

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
SCHEDULER = scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
DECK = Deck("d", "D", "1", (Domain("a", "Alpha", 60, (Task("1.1", "t"),)), Domain("b", "Beta", 40)),
            exam=ExamInfo("X", scored=50, pass_mark=PassMark(scaled=750, min=100, max=1000)))


def studied(correct: bool, days_ago: int) -> QuestionEvidence:
    card = scheduling.review(scheduling.CardState(), 3 if correct else 1, NOW - timedelta(days=days_ago), SCHEDULER)
    card = scheduling.review(card, 3, NOW - timedelta(days=days_ago) + timedelta(minutes=10), SCHEDULER)
    return QuestionEvidence("a", "1.1", 0.25, card, correct)


answers = st.lists(st.tuples(st.booleans(), st.integers(0, 30)), min_size=1, max_size=25)


def domain_a(questions: list[QuestionEvidence], **kw: object) -> float:
    unseen = [QuestionEvidence("a", "1.1", 0.25)] * 10
    r = assess(DECK, questions=questions + unseen, now=NOW, scheduler=SCHEDULER, **kw)  # type: ignore[arg-type]
    return r.domains[0].estimate


@settings(max_examples=40, deadline=None)
@given(answers, st.data())
def test_a_right_first_try_instead_of_a_wrong_one_never_lowers_the_estimate(history: list[tuple[bool, int]], data: st.DataObject) -> None:
    questions = [studied(c, d) for c, d in history]
    wrong = [i for i, (c, _) in enumerate(history) if not c]
    if not wrong:
        return
    i = data.draw(st.sampled_from(wrong))
    better = list(questions)
    better[i] = replace(questions[i], first_correct=True)
    exam = NOW + timedelta(days=20)
    assert domain_a(better, exam_at=exam) >= domain_a(questions, exam_at=exam) - 1e-12


@settings(max_examples=40, deadline=None)
@given(answers, st.integers(1, 200), st.integers(0, 200))
def test_an_exam_further_away_without_reviews_never_raises_the_estimate(history: list[tuple[bool, int]], near: int, extra: int) -> None:
    questions = [studied(c, d) for c, d in history]
    soon = domain_a(questions, exam_at=NOW + timedelta(days=near))
    later = domain_a(questions, exam_at=NOW + timedelta(days=near + extra))
    assert later <= soon + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), max_size=30), st.data())
def test_a_right_mock_exam_answer_never_lowers_the_estimate(mock: list[bool], data: st.DataObject) -> None:
    before = [MockAnswer("a", c, NOW - timedelta(days=2)) for c in mock]
    after = [*before, MockAnswer("a", True, NOW - timedelta(days=data.draw(st.integers(0, 60))))]
    assert domain_a([studied(True, 3)], exam_at=None, mock=after) >= domain_a([studied(True, 3)], exam_at=None, mock=before) - 1e-12


def test_a_domain_without_first_tries_starts_from_the_learners_own_level_and_says_so() -> None:
    strong = assess(DECK, questions=[QuestionEvidence("b", None, 0.25)] * 20 + [studied(True, 1)] * 40,
                    now=NOW, exam_at=None, scheduler=SCHEDULER)
    weak = assess(DECK, questions=[QuestionEvidence("b", None, 0.25)] * 20 + [studied(False, 1)] * 40,
                  now=NOW, exam_at=None, scheduler=SCHEDULER)
    beta = strong.domains[1]
    assert beta.too_little_evidence
    assert beta.estimate > 0.5  # a strong learner's unseen domain is not at guess level
    assert weak.domains[1].estimate < beta.estimate - 0.2
    assert beta.high - beta.low > 0.15
    alpha = strong.domains[0]
    assert not alpha.too_little_evidence and alpha.high - alpha.low < beta.high - beta.low


def test_self_rated_flashcards_count_far_less_than_answered_first_tries() -> None:
    def card(kind_flash: bool, right: bool) -> QuestionEvidence:
        return replace(studied(right, 1), guess=0.0 if kind_flash else 0.25, self_rated=kind_flash)

    # One in four multiple-choice first tries right (chance level), every flashcard rated Good.
    mixed = assess(DECK, questions=[card(False, i % 4 == 0) for i in range(40)] + [card(True, True)] * 60,
                   now=NOW, exam_at=NOW + timedelta(days=1), scheduler=SCHEDULER)
    answered = assess(DECK, questions=[card(False, i % 4 == 0) for i in range(40)] + [card(False, True)] * 60,
                      now=NOW, exam_at=NOW + timedelta(days=1), scheduler=SCHEDULER)
    assert mixed.domains[0].estimate < 0.85  # was 0.96 when a rating above Again counted as a right first try
    assert mixed.domains[0].estimate < answered.domains[0].estimate - 0.05


def test_studying_only_part_of_a_domain_does_not_count_the_rest_as_known() -> None:
    # First tries were wrong (learnt from the explanations), so nothing suggests the rest is known.
    part = [studied(False, 1)] * 10 + [QuestionEvidence("a", "1.1", 0.25)] * 90
    everything = [studied(False, 1)] * 100
    exam = NOW + timedelta(days=3)
    assert domain_a(part, exam_at=exam) < 0.4 < domain_a(part, exam_at=exam) + 0.2 < domain_a(everything, exam_at=exam)


def test_scaled_score_and_pass_chance_follow_the_domains() -> None:
    weak = assess(DECK, questions=[QuestionEvidence("a", "1.1", 0.25)] * 10, now=NOW, exam_at=None, scheduler=SCHEDULER)
    strong = assess(DECK, questions=[studied(True, 0)] * 40 + [replace(studied(True, 0), domain="b")] * 40,
                    now=NOW, exam_at=None, scheduler=SCHEDULER)
    assert weak.score.p_pass is not None and strong.score.p_pass is not None
    assert weak.score.p_pass < 0.3 < 0.9 < strong.score.p_pass
    data = strong.score.to_json()
    assert data["scale"]["estimated"] is True and 100 <= data["score"] <= 1000


def test_pass_chance_moves_the_domains_together_and_doubts_the_scaled_conversion() -> None:
    four = Deck("q", "Q", "1", tuple(Domain(x, x, 25) for x in "abcd"),
                exam=ExamInfo("X", scored=50, pass_mark=PassMark(scaled=750, min=100, max=1000)))
    questions = [replace(studied(i % 3 != 0, 5), domain=x) for x in "abcd" for i in range(12)]
    r = assess(four, questions=questions, now=NOW, exam_at=NOW + timedelta(days=10), scheduler=SCHEDULER)
    # One learner and one exam: shared level, coverage and shift make the domains err together, so the
    # score's interval is wider than the domains' intervals combined as if independent.
    independent = sum((d.weight * (d.high - d.low)) ** 2 for d in r.domains) ** 0.5
    assert r.score.raw_high - r.score.raw_low > 1.5 * independent
    scale = r.score.scale
    assert scale is not None and scale.pass_raw_range == (0.65, 0.78)
    assert "anywhere in raw 65%-78%" in scale.describe()
    assert r.score.p_pass is not None and 0.02 < r.score.p_pass < 0.98


def test_recent_answers_bear_out_memory_only_after_prior_knowledge_is_counted() -> None:
    n, g, r, k0 = 200, 0.25, 0.9, 0.5
    right = n * (g + (1 - g) * (r + (1 - r) * k0))  # exactly what FSRS's recall plus prior knowledge predict
    domain = DomainInput(n, g, 0, ((r, n),), recent=(n, n * (g + (1 - g) * r), right))
    assert memory_factors([k0], [domain]) == [pytest.approx(1.0)]
    # The same right answers, from a learner who knew more beforehand, say less for memory.
    assert memory_factors([0.8], [domain])[0] < 1.0
    # Without recent answers FSRS is taken as it is.
    assert memory_factors([k0], [DomainInput(n, g, 0, ((r, n),))]) == [1.0]


def test_a_question_met_only_on_mock_papers_is_learnt_from_its_first_and_reviewed_by_its_later_ones() -> None:
    first, second = NOW - timedelta(days=12), NOW - timedelta(days=5)
    right, wrong = mock_memory([(first, True)], SCHEDULER), mock_memory([(first, False)], SCHEDULER)
    # Prior knowledge is counted once, from the answer as a first try: the memory is learnt from the explanation.
    assert right == wrong and right.state != scheduling.NEW and recall_at(right, NOW, SCHEDULER) > 0.0
    recalled = mock_memory([(first, False), (second, True)], SCHEDULER)
    lapsed = mock_memory([(second, False), (first, True)], SCHEDULER)  # given in any order
    assert recall_at(recalled, NOW, SCHEDULER) > recall_at(lapsed, NOW, SCHEDULER)
