"""Mock exams draw unseen questions first, say when they reuse, and a reused question is no fresh evidence."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
import yaml

from certdrill.cli.readiness import render
from certdrill.decks.format.loader import load_valid_deck
from certdrill.study import exam, review
from certdrill.study.library import import_deck
from certdrill.study.readiness import readiness_report
from certdrill.study.workspace import Workspace
from helpers import Clock


def mock_deck(path: Path) -> Path:
    """Two domains of ten single-answer questions each; a real exam of 4 questions."""
    questions = [
        {"id": f"m-{d}-{i}", "domain": d, "kind": "single", "prompt": f"Question {d} {i}?",
         "choices": [{"text": "right", "correct": True}, {"text": "wrong a"}, {"text": "wrong b"}, {"text": "wrong c"}]}
        for d in ("one", "two") for i in range(10)
    ]
    data = {"format": "certdrill/1", "id": "mock", "title": "Mock deck", "version": "1",
            "exam": {"code": "MCK-01", "questions": 4, "scored": 4, "minutes": 8, "pass": {"raw": 0.7}},
            "domains": [{"id": "one", "name": "One", "weight": 50}, {"id": "two", "name": "Two", "weight": 50}],
            "questions": questions}
    path.write_text(yaml.safe_dump(data))
    return path


def imported(ws: Workspace, tmp_path: Path, clock: Clock) -> None:
    with ws.session() as s:
        import_deck(s, deck=load_valid_deck(mock_deck(tmp_path / "mock.yaml")), source="test", now=clock.now)


def sit(ws: Workspace, clock: Clock, seed: int, *, right: bool = True) -> exam.ExamPaper:
    with ws.session() as s:
        paper = exam.start_exam(s, deck_id="mock", now=clock.now, seed=seed)
        for item in paper.items:
            chosen = [0] if right else [1]
            exam.save_exam_answer(s, attempt_id=paper.attempt_id, position=item.position, chosen=chosen, flagged=False)
        clock.advance(minutes=5)
        exam.submit_exam(s, attempt_id=paper.attempt_id, now=clock.now)
    clock.advance(hours=1)
    return paper


def test_mocks_draw_unseen_questions_until_none_remain_then_reuse_the_least_recently_seen(
        workspace: Workspace, tmp_path: Path, clock: Clock) -> None:
    imported(workspace, tmp_path, clock)
    with workspace.session() as s:
        assert exam.unseen_mocks_left(s, deck_id="mock") == 5  # 10 per domain, 2 per domain a paper
    seen: set[int] = set()
    for seed in range(5):
        paper = sit(workspace, clock, seed)
        ids = {item.card_id for item in paper.items}
        assert not ids & seen and paper.reused == 0
        seen |= ids
        with workspace.session() as s:
            assert exam.unseen_mocks_left(s, deck_id="mock") == 4 - seed
    first = sit(workspace, clock, 99)  # nothing unseen: the first paper's questions, seen longest ago
    assert first.reused == 4
    with workspace.session() as s:
        oldest = exam.load_paper(s, attempt_id=1)
    assert {i.card_id for i in first.items} == {i.card_id for i in oldest.items}


def test_a_studied_question_is_not_unseen_for_a_mock(workspace: Workspace, tmp_path: Path, clock: Clock) -> None:
    imported(workspace, tmp_path, clock)
    studied = set()
    while len(studied) < 18:  # answer 18 of the 20 questions in review
        with workspace.session() as s:
            card = review.next_card(s, deck_ids=["mock"], now=clock.now, tz=UTC, new_per_day=100)
            assert card is not None
            studied.add(card.card_id)
            review.answer(s, card_id=card.card_id, chosen=[0], now=clock.now,
                          scheduler_settings=workspace.scheduler_settings())
        clock.advance(minutes=1)
    with workspace.session() as s:
        left = exam.unseen_mocks_left(s, deck_id="mock")
    paper = sit(workspace, clock, 3)
    unseen_drawn = [i.card_id for i in paper.items if i.card_id not in studied]
    assert len(unseen_drawn) == min(4, 20 - len(studied)) and paper.reused == 4 - len(unseen_drawn)
    assert len(studied) == 18 and left == 0  # 2 unseen questions: not a full paper


def test_a_reused_mock_question_counts_as_a_review_not_as_fresh_evidence(
        workspace: Workspace, tmp_path: Path, clock: Clock) -> None:
    imported(workspace, tmp_path, clock)
    for seed in range(5):
        sit(workspace, clock, seed)
    with workspace.reading() as con:
        fresh_only = readiness_report(con, deck_id="mock", now=clock.now, tz=UTC)
    for seed in range(5, 10):  # every question again, all wrong this time
        sit(workspace, clock, seed, right=False)
    with workspace.reading() as con:
        again = readiness_report(con, deck_id="mock", now=clock.now, tz=UTC)
    for before, after in zip(fresh_only.domains, again.domains, strict=True):
        assert before.mock_answers == 10 and before.mock_reused == 0
        assert after.mock_answers == 20 and after.mock_reused == 10
        # Ten wrong answers to reused questions move the estimate far less than ten fresh ones would.
        assert after.estimate > before.estimate - 0.15
    assert "  mock exams: 50% right over 40 answers" in "\n".join(render(again))


def test_the_report_counted_in_sql_counts_what_each_question_shows(
        workspace: Workspace, tmp_path: Path, clock: Clock) -> None:
    """The report's SQL aggregation against the per-question path (the trend's), on a history with every
    kind of evidence: fresh and reused mock answers, review answers right and wrong over several days,
    questions answered in practice only, a suspended card. Their counts must agree exactly."""
    from certdrill.core import scheduling
    from certdrill.core.exam_readiness import assess
    from certdrill.core.scheduling import SchedulerSettings
    from certdrill.study.readiness import _evidence, _load

    imported(workspace, tmp_path, clock)
    sit(workspace, clock, 1)  # four fresh questions
    settings = workspace.scheduler_settings()
    for day in range(6):
        for _ in range(12):
            with workspace.session() as s:
                card = review.next_card(s, deck_ids=["mock"], now=clock.now, tz=UTC, new_per_day=2)
                if card is None:
                    break
                review.answer(s, card_id=card.card_id, chosen=[0] if (card.card_id + day) % 3 else [1],
                              now=clock.now, scheduler_settings=settings)
            clock.advance(minutes=7)
        clock.advance(days=1)
    with workspace.session() as s:
        new = [c for c in range(1, 21) if review.load_card(s, card_id=c).state.state == scheduling.NEW]
        for card_id in (new[0], new[-1]):  # practice only (one after its mock paper): no memory state
            review.answer(s, card_id=card_id, chosen=[0], now=clock.now, mode="practice", scheduler_settings=settings)
        studied = next(c for c in range(1, 21) if c not in new)
        review.set_suspended(s, card_id=studied, suspended=True)
        s.commit()
    sit(workspace, clock, 2)
    sit(workspace, clock, 3, right=False)  # nothing unseen is left: reused questions, judged as reviews
    clock.advance(days=2)
    with workspace.reading() as con:
        report = readiness_report(con, deck_id="mock", now=clock.now, tz=UTC)
        history = _load(con, "mock")
    scheduler = scheduling.make_scheduler(SchedulerSettings(fuzz=False))
    questions, reviews, mock = _evidence(history, at=clock.now, scheduler=scheduler)
    per_question = assess(history.deck, questions=questions, reviews=reviews, mock=mock, now=clock.now,
                          exam_at=None, scheduler=scheduler)

    def counts(d: object) -> tuple[object, ...]:
        return tuple(getattr(d, f) for f in ("questions", "seen", "due", "first_tries", "first_try_correct",
                                             "mock_answers", "mock_correct", "mock_reused", "tasks_covered"))

    assert sum(d.mock_reused for d in report.domains) > 0 and sum(d.due for d in report.domains) > 0
    for sql, each in zip(report.domains, per_question.domains, strict=True):
        assert counts(sql) == counts(each)
        assert sql.recent_accuracy == each.recent_accuracy
        # Recall is binned by elapsed time over stability in SQL, exact per question here.
        assert sql.estimate == pytest.approx(each.estimate, abs=0.01)
