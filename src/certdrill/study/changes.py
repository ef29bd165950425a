"""The sync events of the learner's changes: each service records its change's event with these, on
the connection of the transaction that makes the change (core.sync.check.SCHEMAS: what each carries)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from certdrill.core.memory import CardState
from certdrill.core.model import Deck
from certdrill.core.sync.events import key_digest, state_data, time_text
from certdrill.core.text import clean_text
from certdrill.decks.exporters.yaml_deck import deck_flow_yaml
from certdrill.storage.event_log import NOT_ANSWER, Origin, has_synced, record


def card_ref(con: sqlite3.Connection, card_id: int) -> dict[str, str]:
    """The card as events name it: deck id and question id (never a local row number)."""
    row = con.execute("SELECT deck_id, qid FROM question WHERE pk = ?", (card_id,)).fetchone()
    if row is None:
        raise RuntimeError(f"card {card_id} has no question")
    return {"deck": row[0], "q": row[1]}


def answered(con: sqlite3.Connection, *, deck_id: str, qid: str, answer_key: str, mode: str, at: datetime,
             rating: int, correct: bool | None, chosen: Sequence[int], duration_ms: int,
             before: CardState | None, after: CardState | None, exam_at: datetime | None) -> Origin:
    """An answer in any mode, with the states before and after it (review mode) for replaying."""
    return record(con, type="answer", now=at, data={
        "deck": deck_id, "q": qid, "mode": mode, "at": time_text(at), "rating": rating, "correct": correct,
        "chosen": list(chosen), "ms": duration_ms, "key": key_digest(answer_key), "before": state_data(before),
        "after": state_data(after), "exam": time_text(exam_at) if exam_at is not None else None,
    })


def rerated(con: sqlite3.Connection, *, card_id: int, answer: tuple[str, int], rating: int,
            before: CardState | None, after: CardState | None, now: datetime) -> None:
    record(con, type="rerate", now=now, data={
        **card_ref(con, card_id), "answer": list(answer), "rating": rating, "before": state_data(before),
        "after": state_data(after),
    })


def undone(con: sqlite3.Connection, *, card_id: int, answer: tuple[str, int], now: datetime) -> None:
    record(con, type="undo", now=now, data={**card_ref(con, card_id), "answer": list(answer)})


def card_changed(con: sqlite3.Connection, type: str, *, card_id: int, now: datetime, **values: Any) -> None:
    """flag / suspend (value), bury (until), reset (nothing else)."""
    data: dict[str, Any] = {**card_ref(con, card_id), **values}
    if isinstance(data.get("until"), datetime):
        data["until"] = time_text(data["until"])
    record(con, type=type, now=now, data=data)


def setting_saved(con: sqlite3.Connection, *, key: str, value: Any, now: datetime) -> None:
    record(con, type="setting", now=now, data={"key": key, "value": value})


def deck_changed(con: sqlite3.Connection, type: str, *, deck_id: str, now: datetime, **values: Any) -> Origin:
    """exam_date (date, minutes), new_limit (limit), exam_start, deck_import, bundled: a deck's change."""
    return record(con, type=type, now=now, data={"deck": deck_id, **values})


def exam_changed(con: sqlite3.Connection, type: str, *, attempt: tuple[str, int], now: datetime,
                 **values: Any) -> Origin:
    """exam_answer (position, chosen, flagged, ms) or exam_submit (at) of the attempt started by `attempt`."""
    return record(con, type=type, now=now, data={"exam": list(attempt), **values})


def deck_content(con: sqlite3.Connection, deck: Deck) -> str:
    """Keep the deck's format-v1 YAML (questions in flow style: cheap to write), named by its sha256,
    until sync writes it to the folder; returns the sha256. The other devices load the very same
    questions and ids from it."""
    text = deck_flow_yaml(deck)
    digest = hashlib.sha256(text.encode()).hexdigest()
    con.execute("INSERT OR IGNORE INTO deck_blob (sha256, yaml) VALUES (?, ?)", (digest, text))
    return digest


def one_line(text: str, limit: int) -> str:
    """Text fit for an event: one line, no control characters, at most `limit` characters."""
    return " ".join(clean_text(text).split())[:limit]


def deck_imported(con: sqlite3.Connection, *, deck: Deck, source: str, now: datetime) -> None:
    """An imported (or edited) deck travels as its content (see `deck_content`).

    Before this device's first sync nothing is written: that sync journals every deck as it is
    then (study.sync_export.backfill), and writing the content costs more than the import itself.
    A deck journaled before that rule (an older certdrill) keeps being journaled, so its last
    content is the one that travels.
    """
    if not has_synced(con) and con.execute(
        f"SELECT 1 FROM event WHERE type = 'deck_import' AND deck = ? AND {NOT_ANSWER} LIMIT 1", (deck.id,)
    ).fetchone() is None:
        return
    deck_changed(con, "deck_import", deck_id=deck.id, now=now, sha256=deck_content(con, deck),
                 version=one_line(deck.version, 64), source=one_line(source, 1024))
