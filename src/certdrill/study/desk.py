"""The learner's desk: every use case the TUI needs, each in its own short transaction.

Screens talk to this object only; they never open a database session themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from certdrill.core.clock import day_start, next_day_start, study_date
from certdrill.core.exam_readiness import Readiness
from certdrill.core.scheduling import SchedulerSettings
from certdrill.storage.engine import database_errors
from certdrill.storage.tables import CardRow, DeckRow, DomainRow, QuestionRow, ReviewRow
from certdrill.study import browse as browsing
from certdrill.study import exam, practice, review
from certdrill.study import readiness as readiness_service
from certdrill.study.exam_date import ExamPlan
from certdrill.study.library import ImportReport
from certdrill.study.reports import DeckSummary, Stats, daily_counts, deck_summaries, stats, study_streak
from certdrill.study.settings import Settings, save_setting
from certdrill.study.workspace import Workspace


@dataclass(frozen=True, slots=True)
class DomainProgress:
    """Per domain, before any readiness model: how much was seen and how often right first time."""

    id: str
    name: str
    weight: float
    questions: int
    seen: int
    first_try_right: int

    @property
    def coverage(self) -> float:
        return self.seen / self.questions if self.questions else 0.0

    @property
    def first_try_accuracy(self) -> float | None:
        return self.first_try_right / self.seen if self.seen else None


class StudyDesk:
    """Use cases over one workspace, with the workspace's clock and timezone."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._settings: Settings | None = None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session whose SQLite failures (busy, read-only, disk full) become one clear CertdrillError."""
        with database_errors(), self.ws.session() as session:
            yield session

    # -- time and settings -------------------------------------------------
    def now(self) -> datetime:
        return self.ws.now()

    def local(self, moment: datetime) -> datetime:
        """A stored (UTC) moment in the learner's timezone, for display."""
        return moment.astimezone(self.ws.tz)

    def today(self) -> date:
        return date.fromisoformat(study_date(self.now(), self.ws.tz))

    def settings(self) -> Settings:
        """The learner's settings, read once: every next card and answer needs them."""
        if self._settings is None:
            self._settings = self.ws.settings()
        return self._settings

    def scheduler_settings(self) -> SchedulerSettings:
        return self.ws.scheduler_settings(self.settings())

    def save_setting(self, name: str, value: Any) -> None:
        with self._session() as s:
            save_setting(s, name=name, value=value)
        self._settings = None

    def set_exam_date(self, deck_id: str, when: date | None, minutes_per_day: int | None = None) -> ExamPlan | None:
        """Store the deck's exam date (None clears it); returns the plan it makes, if any."""
        from certdrill.study.exam_date import exam_plan, set_exam_date

        with self._session() as s:
            set_exam_date(s, deck_id=deck_id, exam_date=when, minutes_per_day=minutes_per_day, today=self.today())
            return exam_plan(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz)

    def set_deck_new_limit(self, deck_id: str, limit: int | None) -> None:
        from certdrill.storage.engine import begin_write

        with self._session() as s:
            begin_write(s)
            deck = s.get(DeckRow, deck_id)
            if deck is not None:
                deck.new_per_day = limit
                s.add(deck)
            s.commit()

    # -- overview ----------------------------------------------------------
    def decks(self) -> list[DeckSummary]:
        settings = self.settings()
        with self._session() as s:
            return deck_summaries(s, now=self.now(), tz=self.ws.tz, new_per_day=settings.new_per_day)

    def stats(self) -> Stats:
        with self._session() as s:
            return stats(s, now=self.now(), tz=self.ws.tz)

    def daily_counts(self, days: int, deck_id: str | None = None) -> dict[str, int]:
        with self._session() as s:
            return daily_counts(s, now=self.now(), tz=self.ws.tz, days=days, deck_id=deck_id)

    def streak(self, deck_id: str | None = None) -> int:
        with self._session() as s:
            return study_streak(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz)

    def queue_counts(self, deck_ids: Sequence[str]) -> tuple[int, int]:
        """Due now and new questions left today over these decks: cheap enough for every question."""
        from certdrill.storage import cardstore, queries

        settings = self.settings()
        now = self.now()
        due = new = 0
        with self._session() as s:
            for deck_id in deck_ids:
                limit = review.new_limit(s, deck_id=deck_id, default=settings.new_per_day, now=now, tz=self.ws.tz)
                with cardstore.lane(s, write=False) as con:
                    due += queries.count_due(con, deck_id=deck_id, now=now)
                    started = queries.count_new_since(con, deck_id=deck_id, since=day_start(now, self.ws.tz))
                    waiting = queries.count_new(con, deck_id=deck_id, at_most=max(0, limit - started))
                new += min(waiting, max(0, limit - started))
        return due, new

    def domain_progress(self, deck_id: str) -> list[DomainProgress]:
        """Coverage and first-try accuracy per domain (review and practice answers)."""
        # SQLite takes the bare column `correct` from the row with min(id): each card's first try.
        sql = text(
            "SELECT q.domain_id, count(*), sum(first.correct) FROM ("
            "SELECT card_id, correct, min(id) FROM review WHERE deck_id = :deck AND correct IS NOT NULL "
            "GROUP BY card_id) AS first JOIN question q ON q.pk = first.card_id GROUP BY q.domain_id"
        )
        with self._session() as s:
            seen = {d: (n, right) for d, n, right in s.execute(sql, {"deck": deck_id})}
            totals: dict[str, int] = {
                d: n for d, n in s.execute(
                    select(col(QuestionRow.domain_id), func.count()).where(
                        col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False)
                    ).group_by(col(QuestionRow.domain_id))
                )
            }
            domains = list(s.exec(select(DomainRow).where(col(DomainRow.deck_id) == deck_id)  # type: ignore[call-overload]
                                  .order_by(col(DomainRow.position))).scalars())
        return [
            DomainProgress(d.id, d.name, d.weight, totals.get(d.id, 0), seen.get(d.id, (0, 0))[0],
                           int(seen.get(d.id, (0, 0))[1] or 0))
            for d in domains
        ]

    def readiness(self, deck_id: str) -> Readiness | None:
        """The readiness model's view of the deck (None for decks without an exam)."""
        with self._session() as s:
            deck = s.get(DeckRow, deck_id)
            if deck is None or deck.exam is None:
                return None
            return readiness_service.readiness_report(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz,
                                              scheduler_settings=self.scheduler_settings())

    def readiness_trend(self, deck_id: str, days: int = 60) -> list[readiness_service.ReadinessPoint]:
        with self._session() as s:
            return readiness_service.readiness_history(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz, days=days,
                                               scheduler_settings=self.scheduler_settings())

    def domain_names(self, deck_ids: Sequence[str]) -> dict[str, str]:
        """Domain id -> name over these decks (cheap, unlike the full deck summaries)."""
        with self._session() as s:
            rows = s.exec(select(DomainRow).where(col(DomainRow.deck_id).in_(deck_ids))).scalars()  # type: ignore[call-overload]
            return {d.id: d.name for d in rows}

    def due_tomorrow(self, deck_ids: Sequence[str]) -> int:
        now = self.now()
        end = next_day_start(now, self.ws.tz) + timedelta(days=1)
        with self._session() as s:
            count: int = s.execute(
                select(func.count()).select_from(CardRow).where(
                    col(CardRow.deck_id).in_(deck_ids), col(CardRow.state) > 0, col(CardRow.suspended).is_(False),
                    col(CardRow.due) < end, col(CardRow.due) >= next_day_start(now, self.ws.tz),
                )
            ).scalar_one()
        return count

    def reviewed_today(self, deck_ids: Sequence[str]) -> int:
        with self._session() as s:
            count: int = s.execute(
                select(func.count()).select_from(ReviewRow).where(
                    col(ReviewRow.deck_id).in_(deck_ids), col(ReviewRow.mode) == "review",
                    col(ReviewRow.reviewed_at) >= day_start(self.now(), self.ws.tz),
                )
            ).scalar_one()
        return count

    # -- reviewing ---------------------------------------------------------
    def next_card(self, deck_ids: Sequence[str], exclude: Sequence[int] = ()) -> review.StudyCard | None:
        settings = self.settings()
        with self._session() as s:
            return review.next_card(s, deck_ids=deck_ids, now=self.now(), tz=self.ws.tz,
                                    new_per_day=settings.new_per_day, exclude=exclude)

    def card(self, card_id: int) -> review.StudyCard:
        with self._session() as s:
            return review.load_card(s, card_id=card_id)

    def answer(self, card_id: int, chosen: Sequence[int] = (), *, rating: int | None = None,
               duration_ms: int = 0, mode: review.Mode = "review") -> review.AnswerResult:
        with self._session() as s:
            return review.answer(s, card_id=card_id, chosen=chosen, rating=rating, now=self.now(),
                                 duration_ms=duration_ms, mode=mode, scheduler_settings=self.scheduler_settings(),
                                 tz=self.ws.tz)

    def intervals(self, card: review.StudyCard) -> dict[int, timedelta]:
        """Time until the card would return under each rating, if answered now (in exam-date
        mode, where the planner would place it)."""
        from certdrill.core import scheduling
        from certdrill.study.exam_date import planned_intervals, planned_states

        now, scheduler = self.now(), scheduling.make_scheduler(self.scheduler_settings())
        if card.exam_date is not None:
            with self._session() as s:
                states = planned_states(s, deck_id=card.deck_id, before=card.state, now=now, scheduler=scheduler,
                                        tz=self.ws.tz, card_id=card.card_id)
            if states is not None:
                return planned_intervals(states, now)
        return scheduling.preview(card.state, now, scheduler)

    def rerate(self, review_id: int, rating: int) -> review.AnswerResult:
        with self._session() as s:
            return review.rerate(s, review_id=review_id, rating=rating, scheduler_settings=self.scheduler_settings(),
                                 tz=self.ws.tz)

    def undo(self, deck_ids: Sequence[str] | None = None) -> int | None:
        with self._session() as s:
            return review.undo_last(s, deck_ids=deck_ids)

    def set_flagged(self, card_id: int, flagged: bool) -> None:
        with self._session() as s:
            review.set_flagged(s, card_id=card_id, flagged=flagged)

    def set_suspended(self, card_id: int, suspended: bool) -> None:
        with self._session() as s:
            review.set_suspended(s, card_id=card_id, suspended=suspended)

    def bury(self, card_id: int) -> None:
        with self._session() as s:
            review.bury(s, card_id=card_id, now=self.now(), tz=self.ws.tz)

    def reset(self, card_id: int) -> None:
        with self._session() as s:
            review.reset_card(s, card_id=card_id)

    def practice_cards(self, slice: practice.Slice, seed: int) -> list[int]:
        with self._session() as s:
            return practice.practice_cards(s, slice=slice, seed=seed)

    # -- mock exams --------------------------------------------------------
    def start_exam(self, deck_id: str, *, seed: int, size: int | None = None, minutes: int | None = None) -> exam.ExamPaper:
        with self._session() as s:
            return exam.start_exam(s, deck_id=deck_id, now=self.now(), seed=seed, size=size, minutes=minutes)

    def unseen_mocks_left(self, deck_id: str, size: int | None = None) -> int:
        """Full mock papers that can still be drawn from unseen questions only."""
        with self._session() as s:
            return exam.unseen_mocks_left(s, deck_id=deck_id, size=size)

    def exam_paper(self, attempt_id: int) -> exam.ExamPaper:
        with self._session() as s:
            return exam.load_paper(s, attempt_id=attempt_id)

    def save_exam_answer(self, attempt_id: int, position: int, chosen: Sequence[int], flagged: bool,
                         duration_ms: int = 0) -> None:
        with self._session() as s:
            exam.save_exam_answer(s, attempt_id=attempt_id, position=position, chosen=list(chosen), flagged=flagged,
                                  duration_ms=duration_ms)

    def submit_exam(self, attempt_id: int) -> exam.ExamResult:
        with self._session() as s:
            return exam.submit_exam(s, attempt_id=attempt_id, now=self.now())

    def exam_result(self, attempt_id: int) -> exam.ExamResult:
        with self._session() as s:
            return exam.exam_result(s, attempt_id=attempt_id)

    def exam_attempts(self, deck_id: str | None = None) -> list[exam.AttemptSummary]:
        with self._session() as s:
            return exam.exam_attempts(s, deck_id=deck_id)

    # -- browsing and importing -------------------------------------------
    def browse(self, where: browsing.BrowseFilter) -> list[browsing.BrowseRow]:
        with self._session() as s:
            return browsing.browse(s, where=where)

    def import_source(self, source: str, *, dry_run: bool) -> ImportReport:
        from certdrill.study.importing import ImportOptions, import_source

        with self._session() as s:
            return import_source(s, source=source, options=ImportOptions(dry_run=dry_run), now=self.now())

    # -- trends for the stats screen -----------------------------------------
    def weekly_retention(self, weeks: int) -> list[tuple[date, int, int]]:
        """Per week (oldest first): review answers and right answers."""
        today = self.today()
        monday = today - timedelta(days=today.weekday())
        start = monday - timedelta(weeks=weeks - 1)
        rows: dict[date, list[int]] = {start + timedelta(weeks=i): [0, 0] for i in range(weeks)}
        since = day_start(self.now(), self.ws.tz) - timedelta(days=(today - start).days)
        with self._session() as s:
            for at, correct in s.execute(
                select(col(ReviewRow.reviewed_at), col(ReviewRow.correct)).where(
                    col(ReviewRow.reviewed_at) >= since, col(ReviewRow.mode) == "review",
                    col(ReviewRow.correct).is_not(None),
                )
            ):
                day = date.fromisoformat(study_date(at, self.ws.tz))
                week = day - timedelta(days=day.weekday())
                if week in rows:
                    rows[week][0] += 1
                    rows[week][1] += bool(correct)
        return [(week, n, right) for week, (n, right) in sorted(rows.items())]

    def domain_accuracy_trend(self) -> list[tuple[str, str, str, float | None, float | None]]:
        """(deck, domain id, domain name, accuracy last 28 days, accuracy the 28 days before)."""
        now = self.now()
        names = {(deck.id, d.id): d.name for deck in self.decks() for d in deck.domains}
        counts: dict[tuple[str, str], list[int]] = {}
        with self._session() as s:
            for deck_id, domain, at, correct in s.execute(
                select(col(ReviewRow.deck_id), col(QuestionRow.domain_id), col(ReviewRow.reviewed_at),
                       col(ReviewRow.correct))
                .join(QuestionRow, col(QuestionRow.pk) == col(ReviewRow.card_id))
                .where(col(ReviewRow.reviewed_at) >= now - timedelta(days=56), col(ReviewRow.correct).is_not(None))
            ):
                slot = 0 if at >= now - timedelta(days=28) else 2
                c = counts.setdefault((deck_id, domain), [0, 0, 0, 0])
                c[slot] += 1
                c[slot + 1] += bool(correct)
        return [
            (deck_id, domain, names.get((deck_id, domain), domain),
             c[1] / c[0] if c[0] else None, c[3] / c[2] if c[2] else None)
            for (deck_id, domain), c in sorted(counts.items())
        ]

    def tasks(self, deck_id: str, domain_id: str) -> list[tuple[str, str]]:
        with self._session() as s:
            row = s.get(DomainRow, (deck_id, domain_id))
            return [(t, n) for t, n in row.tasks] if row else []

    def tags(self, deck_id: str) -> list[str]:
        """The deck's tags, most used first."""
        from collections import Counter

        counts: Counter[str] = Counter()
        with self._session() as s:
            for (tags,) in s.execute(select(col(QuestionRow.tags)).where(
                    col(QuestionRow.deck_id) == deck_id, col(QuestionRow.retired).is_(False))):
                counts.update(tags)
        return [tag for tag, _ in counts.most_common()]
