"""The sped-up readiness report and trend give the figures they gave before (issue #18), to 1e-9."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the benchmarks package lives beside src/
from benchmarks.synthetic import fill_history, write_folder_deck

from certdrill.decks.format.loader import load_valid_deck
from certdrill.storage.timefmt import to_db_time
from certdrill.study.library import import_deck
from certdrill.study.readiness import readiness_history, readiness_report
from certdrill.study.workspace import Workspace
from helpers import DATA

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
DECK = "fixture"
BEFORE = DATA / "readiness_before.json"
"""The figures the report and trend gave on this collection before they were sped up (commit edadeba)."""


def build_collection(root: Path) -> Workspace:
    """A small learner's collection with every kind of evidence the report reads: first tries in review
    and practice mode, multiple response, self-rated flashcards, due and suspended cards, a retired
    question, old mock papers and a recent one that reuses studied questions."""
    ws = Workspace.open(root / "data", clock=lambda: NOW, tz=UTC, bundled_root=root / "none")
    deck_path = write_folder_deck(root / "deck", DECK, 400, exam=True)
    with ws.session() as session:
        import_deck(session, deck=load_valid_deck(deck_path), source=str(deck_path), now=NOW - timedelta(days=400))
    ws.close()
    db = root / "data" / "certdrill.db"
    fill_history(db, deck_id=DECK, reviews=6000, now=NOW)
    con = sqlite3.connect(db)
    with con:
        flashcards = "(SELECT pk FROM question WHERE deck_id = :deck AND pk % 7 = 3)"
        con.execute(f"UPDATE question SET kind = 'flashcard' WHERE pk IN {flashcards}", {"deck": DECK})
        con.execute(f"UPDATE review SET correct = NULL WHERE card_id IN {flashcards}", {"deck": DECK})
        con.execute("UPDATE card SET suspended = 1 WHERE deck_id = ? AND id % 23 = 0", (DECK,))
        con.execute("UPDATE question SET retired = 1 WHERE deck_id = ? AND pk % 97 = 5", (DECK,))
        started = NOW - timedelta(days=6)
        attempt = con.execute(
            "INSERT INTO exam_attempt (deck_id, started_at, finished_at, minutes, size, score, passed, seed) "
            "VALUES (?, ?, ?, 130, 65, 0.7, 1, 99)",
            (DECK, to_db_time(started), to_db_time(started + timedelta(minutes=90))),
        ).lastrowid
        cards = [cid for (cid,) in con.execute("SELECT id FROM card WHERE deck_id = ? ORDER BY id", (DECK,))]
        con.executemany(
            "INSERT INTO exam_answer (attempt_id, position, card_id, chosen, correct, flagged, duration_ms) "
            "VALUES (?, ?, ?, '[0]', ?, 0, 60000)",
            [(attempt, p, cid, p % 3 != 0) for p, cid in enumerate(cards[::6][:65])],
        )
    con.close()
    return Workspace.open(root / "data", clock=lambda: NOW, tz=UTC, bundled_root=root / "none")


def report_figures(ws: Workspace, exam_date: date | None) -> dict[str, Any]:
    with ws.reading() as con:
        r = readiness_report(con, deck_id=DECK, now=NOW, tz=UTC, exam_date=exam_date)
    return {
        "domains": {d.id: [d.estimate, d.low, d.high, d.recall_at_exam, d.recent_accuracy, d.seen, d.due,
                           d.first_tries, d.first_try_correct, d.mock_answers, d.mock_correct, d.mock_reused,
                           [[t.id, t.estimate] for t in d.weakest_tasks]] for d in r.domains},
        "score": [r.score.raw, r.score.raw_low, r.score.raw_high, r.score.p_pass],
        "actions": [[a.text, a.gain] for a in r.actions],
    }


def trend_figures(ws: Workspace) -> list[list[Any]]:
    with ws.reading() as con:
        points = readiness_history(con, deck_id=DECK, now=NOW, tz=UTC, days=5)
    return [[p.day, p.raw, p.low, p.high, p.p_pass, p.domains] for p in points]


def figures(ws: Workspace) -> dict[str, Any]:
    return {"today": report_figures(ws, None), "exam": report_figures(ws, date(2026, 11, 25)),
            "trend": trend_figures(ws)}


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_collection(tmp_path_factory.mktemp("readiness-fast"))


def test_the_report_and_trend_give_the_figures_they_gave_before_they_were_sped_up(collection: Workspace) -> None:
    expected = json.loads(BEFORE.read_text())
    assert_same(figures(collection), expected, "figures")


def assert_same(got: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert sorted(got) == sorted(expected), where
        for key in expected:
            assert_same(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_same(g, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, abs=1e-9, rel=0), where
    else:
        assert got == expected, where


if __name__ == "__main__":  # regenerate the expected figures: only with the code they describe
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        ws = build_collection(Path(folder))
        Path(sys.argv[1] if len(sys.argv) > 1 else BEFORE).write_text(json.dumps(figures(ws), indent=1) + "\n")
        ws.close()
