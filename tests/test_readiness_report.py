"""The readiness service and `certdrill readiness --json`: the documented shape, history and actions."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, timedelta

import pytest

from certdrill.cli import main
from certdrill.study import review
from certdrill.study.desk import StudyDesk
from certdrill.study.readiness import readiness_history, readiness_report
from certdrill.study.workspace import Workspace
from helpers import Clock

DOMAIN_KEYS = {"id", "name", "weight", "estimate", "interval", "too_little_evidence", "evidence", "weakest_tasks"}
EVIDENCE_KEYS = {"questions", "seen", "unseen", "due", "first_tries", "first_try_correct", "first_try_accuracy",
                 "recent_accuracy", "recall_at_exam", "tasks_covered", "tasks_total", "guess_rate",
                 "mock_answers", "mock_correct", "mock_reused"}


def study_all(ws: Workspace, clock: Clock) -> None:
    while True:
        with ws.session() as s:
            card = review.next_card(s, deck_ids=["sample"], now=clock.now, tz=UTC, new_per_day=20)
        if card is None:
            return
        with ws.session() as s:
            review.answer(s, card_id=card.card_id, chosen=list(card.question.correct_indices), rating=3,
                          now=clock.now, scheduler_settings=ws.scheduler_settings())
        clock.advance(minutes=11)


def test_report_has_the_documented_json_shape(workspace: Workspace, clock: Clock) -> None:
    study_all(workspace, clock)
    with workspace.reading() as con:
        data = readiness_report(con, deck_id="sample", now=clock.now, tz=UTC, exam_date=date(2026, 11, 20)).to_json()
    assert set(data) == {"deck", "title", "exam", "as_of", "exam_at", "domains", "score", "actions"}
    assert [d["id"] for d in data["domains"]] == ["alpha", "beta"]
    for d in data["domains"]:
        assert set(d) == DOMAIN_KEYS and set(d["evidence"]) == EVIDENCE_KEYS
        assert 0 <= d["interval"][0] <= d["estimate"] <= d["interval"][1] <= 1
    assert set(data["score"]) == {"raw", "raw_interval", "score", "score_interval", "scale", "p_pass"}
    assert data["score"]["scale"]["estimated"] is True  # the sample deck's raw mark is an estimate
    assert data["exam_at"].startswith("2026-11-20")


def test_studying_raises_readiness_and_fills_the_history(workspace: Workspace, clock: Clock) -> None:
    with workspace.reading() as con:
        before = readiness_report(con, deck_id="sample", now=clock.now, tz=UTC)
    assert all(d.too_little_evidence and d.seen == 0 for d in before.domains)
    assert before.actions and before.actions[0].text.startswith("start the")
    study_all(workspace, clock)
    clock.advance(days=1)
    with workspace.reading() as con:
        after = readiness_report(con, deck_id="sample", now=clock.now, tz=UTC)
        history = readiness_history(con, deck_id="sample", now=clock.now, tz=UTC)
    assert after.score.raw > before.score.raw
    assert [p.day for p in history] == [(clock.now - timedelta(days=1)).date().isoformat(), clock.now.date().isoformat()]
    assert history[0].raw > before.score.raw


def test_the_report_counted_in_sql_agrees_with_the_replayed_history(workspace: Workspace, clock: Clock) -> None:
    study_all(workspace, clock)
    clock.advance(days=3)
    with workspace.reading() as con:
        report = readiness_report(con, deck_id="sample", now=clock.now, tz=UTC)
        history = readiness_history(con, deck_id="sample", now=clock.now, tz=UTC)
    today = history[-1]
    for d in report.domains:
        assert d.seen > 0 and d.first_tries > 0
        # The trend uses fewer draws; the same evidence must give the same figure within their noise.
        assert abs(today.domains[d.id] - d.estimate) < 0.03


def test_cli_readiness_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readiness", "aws-mls-c01", "--json", "--exam-date", "2099-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["deck"] for d in data["decks"]] == ["aws-mls-c01"]
    assert data["decks"][0]["exam"]["status"] == "retired"
    assert main(["readiness", "aws-mls-c01"]) == 0
    out = capsys.readouterr().out
    assert "P(pass)" in out and "too little evidence" in out and "successor" in out
    assert "est = chance of getting a new exam question of the domain right on exam day; 80% sure it lies in the interval" in out
    assert main(["readiness", "no-such-deck"]) == 1
    assert main(["readiness", "aws-mls-c01", "--exam-date", "tomorrow"]) == 1


def test_a_read_beside_returns_what_the_connection_reads_and_raises_its_errors_in_the_caller(
        workspace: Workspace, clock: Clock) -> None:
    import sqlite3

    from certdrill.storage.database import read_beside

    study_all(workspace, clock)
    sql = "SELECT card_id, count(*) FROM review WHERE deck_id = :deck GROUP BY 1"
    with workspace.reading() as con:
        beside = read_beside(con, sql, {"deck": "sample"})
        assert beside() == con.execute(sql, {"deck": "sample"}).fetchall() != []
        broken = read_beside(con, "SELECT x FROM nowhere", {})
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            broken()
    memory = sqlite3.connect(":memory:")  # no file to open a second connection to: read on this one
    assert read_beside(memory, "SELECT :x", {"x": 1})() == [(1,)]


def test_questions_met_only_on_a_mock_paper_count_as_studied_there(workspace: Workspace, clock: Clock) -> None:
    desk = StudyDesk(workspace)
    paper = desk.start_exam("sample", seed=5)
    for i, item in enumerate(paper.items):
        desk.save_exam_answer(paper.attempt_id, i, list(item.question.correct_indices), False)
    clock.advance(minutes=30)
    desk.submit_exam(paper.attempt_id)
    clock.advance(days=2)
    met = Counter(item.question.domain for item in paper.items)
    with workspace.reading() as con:
        report = readiness_report(con, deck_id="sample", now=clock.now, tz=UTC)
    for d in report.domains:
        # The cards were never answered outside the paper, yet their explanations were read there: studied.
        assert d.first_tries == 0 and d.mock_answers == met[d.id] and d.mock_reused == 0
        assert d.seen == met[d.id] and (d.recall_at_exam or 0) > 0.5
