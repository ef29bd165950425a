"""Import a community deck from a file, folder or URL: the one service behind CLI and TUI."""

from __future__ import annotations

import bisect
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from certdrill.core import scheduling
from certdrill.core.scheduling import NEW, CardState, SchedulerSettings
from certdrill.decks.format.safe_yaml import read_yaml
from certdrill.decks.importers import remote
from certdrill.decks.importers.community import ConversionLimits, DomainRule, read_domain_map
from certdrill.decks.importers.package_zip import Limits
from certdrill.decks.importers.remote import DownloadLimits
from certdrill.decks.importers.sources import PastReview, ReadOptions, read_source
from certdrill.errors import CertdrillError
from certdrill.storage.tables import CardRow, QuestionRow, ReviewRow
from certdrill.study.library import ImportReport, import_deck

Fetch = Callable[..., Path]  # fetch(url, *, into: Path, limits: DownloadLimits) -> saved file


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the learner chose for one import (CLI flags, TUI form)."""

    deck_id: str | None = None
    title: str | None = None
    domain_map: Path | None = None
    dry_run: bool = False
    with_history: bool = False
    limits: Limits = field(default_factory=Limits)
    download: DownloadLimits = field(default_factory=DownloadLimits)
    conversion: ConversionLimits = field(default_factory=ConversionLimits)


def import_source(
    session: Session, *, source: str, options: ImportOptions, now: datetime, fetch: Fetch = remote.fetch,
) -> ImportReport:
    """Read `source` (YAML file or folder, .apkg/.colpkg, CSV/TSV, or an http(s) URL to one),
    then add or update its deck in one transaction. Anything refused leaves the database as it was.
    """
    rules: dict[str, DomainRule] = {}
    if options.domain_map is not None:
        rules = read_domain_map(read_yaml(options.domain_map), str(options.domain_map))
    read = ReadOptions(deck_id=options.deck_id, title=options.title, rules=rules,
                       with_history=options.with_history, limits=options.limits, conversion=options.conversion)
    with tempfile.TemporaryDirectory(prefix="certdrill-import-") as tmp:
        if remote.is_url(source):
            path = fetch(source, into=Path(tmp), limits=options.download)
            found = read_source(path, options=read, name=source)
            origin = source
        else:
            path = Path(source).expanduser()
            found = read_source(path, options=read)
            origin = str(path.resolve())
    history, states = found.history, found.states
    # Answers after today would put their card's next review past what a date can hold.
    late = next((r for r in history if r.at > now + timedelta(days=1)), None)
    if late is not None:
        raise CertdrillError(f"{origin}: the review history has an answer dated {late.at:%Y-%m-%d}, after today "
                             f"({late.qid}); import without --with-history")

    def add_history(s: Session, report: ImportReport) -> None:
        report.history = _add_history(s, deck_id=found.deck.id, reviews=history, states=states)

    report = import_deck(session, deck=found.deck, source=origin, now=now, dry_run=options.dry_run,
                         after=add_history if history else None)
    report.refused = found.refused
    return report


SAME_REVIEW_MS = 1000
"""A review read back from an export is the stored review of its card and rating up to this much
earlier: certdrill stores microseconds, a revlog milliseconds, and answers given in the same millisecond
are moved a millisecond apart on export (a revlog id is unique)."""


def _ms(at: datetime) -> int:
    """A moment to the millisecond, as Anki's revlog keeps it: how a stored review is recognised."""
    return round(at.timestamp() * 1000)


def _add_history(session: Session, *, deck_id: str, reviews: list[PastReview],
                 states: dict[str, CardState] | None = None) -> int:
    """Insert the past reviews not stored yet, then replay each touched card's reviews through
    the scheduler, so its memory state reflects the history (rather than leaving it new). A card
    new to this collection whose schedule the source carries (certdrill's own export) takes that
    schedule instead: it is the schedule the learner had, optimised parameters and all."""
    pks: dict[str, int] = {
        qid: pk for qid, pk in session.execute(
            select(col(QuestionRow.qid), col(QuestionRow.pk)).where(col(QuestionRow.deck_id) == deck_id)
        )
    }
    stored: dict[int, list[tuple[datetime, int]]] = {}
    for card_id, at, rating in session.execute(
        select(col(ReviewRow.card_id), col(ReviewRow.reviewed_at), col(ReviewRow.rating))
        .where(col(ReviewRow.deck_id) == deck_id, col(ReviewRow.mode) == "review")
    ):
        stored.setdefault(card_id, []).append((at, rating))
    known: dict[tuple[int, int], list[int]] = {}  # (card, rating) -> stored answers' times in ms, ascending
    for card_id, answers in stored.items():
        for at, rating in answers:
            known.setdefault((card_id, rating), []).append(_ms(at))
    for times in known.values():
        times.sort()
    fresh: dict[int, list[PastReview]] = {}
    for r in reviews:
        pk = pks.get(r.qid)
        if pk is None:
            continue
        times, ms = known.get((pk, r.rating), []), _ms(r.at)
        i = bisect.bisect_right(times, ms) - 1
        if i >= 0 and ms - times[i] < SAME_REVIEW_MS:
            del times[i]  # this stored review is that one; it matches no other
            continue
        fresh.setdefault(pk, []).append(r)
    exported = {pks[qid]: state for qid, state in (states or {}).items() if qid in pks}
    kinds: dict[int, str] = {
        pk: kind for pk, kind in session.execute(
            select(col(QuestionRow.pk), col(QuestionRow.kind)).where(col(QuestionRow.pk).in_(list(fresh)))
        )
    }
    # Fuzz would make the replay differ between imports; the history itself is what matters.
    scheduler = scheduling.make_scheduler(SchedulerSettings(fuzz=False))
    rows: list[dict[str, object]] = []
    for pk, new in fresh.items():
        events = sorted([(at, rating, None) for at, rating in stored.get(pk, [])]
                        + [(r.at, r.rating, r) for r in new], key=lambda e: e[0])
        state = CardState()
        for at, rating, past in events:
            before, state = state, scheduling.review(state, rating, at, scheduler)
            if past is not None:
                rows.append({
                    "card_id": pk, "deck_id": deck_id, "reviewed_at": at, "rating": rating,
                    "correct": None if kinds.get(pk) == "flashcard" else rating > 1, "chosen": [],
                    "duration_ms": past.duration_ms, "mode": "review", "was_new": before.state == NEW,
                    "state_before": before.to_json(),
                })
        if pk in exported and pk not in stored:
            state = exported[pk]
        session.execute(update(CardRow).where(col(CardRow.id) == pk).values(
            state=state.state, step=state.step, stability=state.stability, difficulty=state.difficulty,
            due=state.due, last_review=state.last_review, reps=state.reps, lapses=state.lapses,
        ))
    if rows:
        session.execute(insert(ReviewRow), rows)
    return len(rows)
