"""The learner's desk: every use case the TUI needs, each in its own short transaction.

Screens talk to this object only; they never open a database session themselves. What start-up
and review need (the counts, the deck panel, next card, answer) reads and writes with plain
sqlite3; the rest opens ORM sessions, so SQLAlchemy is imported only when one of those is used.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certdrill.core.clock import study_date
from certdrill.storage.database import database_errors
from certdrill.study import outline, progress, reports, review
from certdrill.study.reports import DeckSummary, Stats, daily_counts, deck_summaries, stats, study_streak
from certdrill.study.settings import Settings, save_setting, set_deck_new_limit
from certdrill.study.workspace import Workspace

if TYPE_CHECKING:
    from sqlmodel import Session

    from certdrill.core.exam_readiness import Readiness
    from certdrill.core.scheduling import SchedulerSettings
    from certdrill.study import browse as browsing
    from certdrill.study import exam, practice
    from certdrill.study.editing import EditOutcome, QuestionDraft
    from certdrill.study.exam_date import ExamPlan
    from certdrill.study.history import CardHistory
    from certdrill.study.library import ImportReport
    from certdrill.study.progress import DomainProgress
    from certdrill.study.readiness import ReadinessPoint
    from certdrill.study.sync import SyncReport


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

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """This thread's plain sqlite3 connection in a read transaction, failures made clear as above."""
        with database_errors(), self.ws.reading() as con:
            yield con

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
            save_setting(s, name=name, value=value, now=self.now())
        self._settings = None
        if name == "rollover_hour":
            self.ws.use_rollover_hour(value)

    def set_exam_date(self, deck_id: str, when: date | None, minutes_per_day: int | None = None) -> ExamPlan | None:
        """Store the deck's exam date (None clears it); returns the plan it makes, if any."""
        from certdrill.study.exam_date import exam_plan, set_exam_date

        with self._session() as s:
            set_exam_date(s, deck_id=deck_id, exam_date=when, minutes_per_day=minutes_per_day, today=self.today(),
                          now=self.now())
            return exam_plan(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz)

    def exam_plan(self, deck_id: str) -> ExamPlan | None:
        """The deck's exam date and what it asks of each day (None without a date in the future)."""
        from certdrill.study.exam_date import exam_plan

        with self._session() as s:
            return exam_plan(s, deck_id=deck_id, now=self.now(), tz=self.ws.tz)

    def set_deck_new_limit(self, deck_id: str, limit: int | None) -> None:
        """The deck's own daily new limit (None: the learner's default)."""
        with self._session() as s:
            set_deck_new_limit(s, deck_id=deck_id, limit=limit, now=self.now())

    # -- overview ----------------------------------------------------------
    def decks(self) -> list[DeckSummary]:
        settings = self.settings()
        with self._reading() as con:
            return deck_summaries(con, now=self.now(), tz=self.ws.tz, new_per_day=settings.new_per_day)

    def stats(self) -> Stats:
        with self._reading() as con:
            return stats(con, now=self.now(), tz=self.ws.tz)

    def daily_counts(self, days: int, deck_id: str | None = None) -> dict[str, int]:
        with self._reading() as con:
            return daily_counts(con, now=self.now(), tz=self.ws.tz, days=days, deck_id=deck_id)

    def streak(self, deck_id: str | None = None) -> int:
        with self._reading() as con:
            return study_streak(con, deck_id=deck_id, now=self.now(), tz=self.ws.tz)

    def queue_counts(self, deck_ids: Sequence[str]) -> tuple[int, int]:
        """Due now and new questions left today over these decks: cheap enough for every question."""
        with self._reading() as con:
            return reports.queue_counts(con, deck_ids=deck_ids, now=self.now(), tz=self.ws.tz,
                                        new_per_day=self.settings().new_per_day)

    def domain_progress(self, deck_id: str) -> list[DomainProgress]:
        """Coverage and first-try accuracy per domain (review and practice answers)."""
        with self._reading() as con:
            return progress.domain_progress(con, deck_id=deck_id)

    def readiness(self, deck_id: str) -> Readiness:
        """The readiness model's view of the deck: the report `certdrill readiness` prints (a topic deck
        has no pass mark, so no score or P(pass))."""
        from certdrill.study.readiness import readiness_report

        scheduler_settings = self.scheduler_settings()
        with self._reading() as con:
            return readiness_report(con, deck_id=deck_id, now=self.now(), tz=self.ws.tz,
                                    scheduler_settings=scheduler_settings)

    def readiness_trend(self, deck_id: str, days: int = 60,
                        stop: Callable[[], bool] | None = None) -> list[ReadinessPoint]:
        """The readiness of each past study day; `stop` ends the replay early (the days so far). Past days
        whose inputs have not changed come from a cache file beside the database (study/trend_cache.py)."""
        from certdrill.study.readiness import readiness_history
        from certdrill.study.trend_cache import FILE_NAME

        scheduler_settings = self.scheduler_settings()
        with self._reading() as con:
            return readiness_history(con, deck_id=deck_id, now=self.now(), tz=self.ws.tz, days=days,
                                     scheduler_settings=scheduler_settings, stop=stop,
                                     cache=self.ws.db_path.with_name(FILE_NAME))

    def domain_names(self, deck_ids: Sequence[str]) -> dict[str, str]:
        """Domain id -> name over these decks (cheap, unlike the full deck summaries)."""
        with self._reading() as con:
            return outline.domain_names(con, deck_ids=deck_ids)

    def due_tomorrow(self, deck_ids: Sequence[str]) -> int:
        with self._reading() as con:
            return reports.due_tomorrow(con, deck_ids=deck_ids, now=self.now(), tz=self.ws.tz)

    # -- reviewing ---------------------------------------------------------
    def next_card(self, deck_ids: Sequence[str], exclude: Sequence[int] = ()) -> review.StudyCard | None:
        settings = self.settings()
        with database_errors():
            return review.next_card(self.ws.db, deck_ids=deck_ids, now=self.now(), tz=self.ws.tz,
                                    new_per_day=settings.new_per_day, exclude=exclude)

    def card(self, card_id: int) -> review.StudyCard:
        with database_errors():
            return review.load_card(self.ws.db, card_id=card_id)

    def answer(self, card_id: int, chosen: Sequence[int] = (), *, rating: int | None = None,
               duration_ms: int = 0, mode: review.Mode = "review",
               options: review.RatingOptions | None = None) -> review.AnswerResult:
        with database_errors():
            return review.answer(self.ws.db, card_id=card_id, chosen=chosen, rating=rating, now=self.now(),
                                 duration_ms=duration_ms, mode=mode, scheduler_settings=self.scheduler_settings(),
                                 tz=self.ws.tz, options=options)

    def rating_options(self, card: review.StudyCard) -> review.RatingOptions:
        """What each rating would store if the card were answered now (pass them to `answer`)."""
        with database_errors():
            return review.rating_options(self.ws.db, card=card, now=self.now(), scheduler_settings=self.scheduler_settings(),
                                         tz=self.ws.tz)

    def intervals(self, card: review.StudyCard) -> dict[int, timedelta]:
        """Time until the card would return under each rating, if answered now (in exam-date
        mode, where the planner would place it)."""
        return self.rating_options(card).intervals()

    def rerate(self, review_id: int, rating: int, *,
               options: review.RatingOptions | None = None) -> review.AnswerResult:
        with self._session() as s:
            return review.rerate(s, review_id=review_id, rating=rating, scheduler_settings=self.scheduler_settings(),
                                 tz=self.ws.tz, options=options, now=self.now())

    def undo(self, deck_ids: Sequence[str] | None = None) -> int | None:
        """Take back the latest answer in these decks; returns its card (None: nothing to undo)."""
        with self._session() as s:
            return review.undo_last(s, deck_ids=deck_ids, now=self.now())

    def undo_answer(self, review_id: int) -> int:
        """Take back exactly this answer; returns its card."""
        with self._session() as s:
            return review.undo_answer(s, review_id=review_id, now=self.now())

    def set_flagged(self, card_id: int, flagged: bool) -> None:
        with self._session() as s:
            review.set_flagged(s, card_id=card_id, flagged=flagged, now=self.now())

    def set_suspended(self, card_id: int, suspended: bool) -> None:
        with self._session() as s:
            review.set_suspended(s, card_id=card_id, suspended=suspended, now=self.now())

    def bury(self, card_id: int) -> None:
        with self._session() as s:
            review.bury(s, card_id=card_id, now=self.now(), tz=self.ws.tz)

    def unbury(self, card_id: int) -> None:
        with self._session() as s:
            review.unbury(s, card_id=card_id, now=self.now())

    def reset(self, card_id: int) -> None:
        with self._session() as s:
            review.reset_card(s, card_id=card_id, now=self.now())

    def card_history(self, card_id: int) -> CardHistory:
        """Every answer of the card, oldest first, with the interval each left it with."""
        from certdrill.study.history import card_history

        with self._session() as s:
            return card_history(s, card_id=card_id)

    def begin_edit(self, card_id: int) -> QuestionDraft:
        """Write a question of the learner's own deck to a file for their editor (beside the database)."""
        from certdrill.study.editing import begin_edit

        with self._session() as s:
            return begin_edit(s, card_id=card_id, workdir=self.ws.db_path.parent / "edits")

    def finish_edit(self, draft: QuestionDraft) -> EditOutcome:
        """Check the edited file and save it if nothing is wrong (the draft stays for another try)."""
        from certdrill.study.editing import finish_edit

        with self._session() as s:
            return finish_edit(s, draft=draft, now=self.now())

    def practice_cards(self, slice: practice.Slice, seed: int) -> list[int]:
        from certdrill.study.practice import practice_cards

        with self._session() as s:
            return practice_cards(s, slice=slice, seed=seed)

    # -- mock exams --------------------------------------------------------
    def start_exam(self, deck_id: str, *, seed: int, size: int | None = None, minutes: int | None = None) -> exam.ExamPaper:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.start_exam(s, deck_id=deck_id, now=self.now(), seed=seed, size=size, minutes=minutes)

    def unseen_mocks_left(self, deck_id: str, size: int | None = None) -> int:
        """Full mock papers that can still be drawn from unseen questions only."""
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.unseen_mocks_left(s, deck_id=deck_id, size=size)

    def exam_paper(self, attempt_id: int) -> exam.ExamPaper:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.load_paper(s, attempt_id=attempt_id)

    def save_exam_answer(self, attempt_id: int, position: int, chosen: Sequence[int], flagged: bool,
                         duration_ms: int = 0) -> None:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            exam_service.save_exam_answer(s, attempt_id=attempt_id, position=position, chosen=list(chosen),
                                          flagged=flagged, duration_ms=duration_ms, now=self.now())

    def submit_exam(self, attempt_id: int) -> exam.ExamResult:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.submit_exam(s, attempt_id=attempt_id, now=self.now())

    def exam_result(self, attempt_id: int) -> exam.ExamResult:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.exam_result(s, attempt_id=attempt_id)

    def exam_attempts(self, deck_id: str | None = None) -> list[exam.AttemptSummary]:
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.exam_attempts(s, deck_id=deck_id)

    def mock_trend(self, deck_id: str) -> list[exam.TrendPoint]:
        """The deck's latest submitted mock exams, oldest first."""
        from certdrill.study import exam as exam_service

        with self._session() as s:
            return exam_service.mock_trend(s, deck_id=deck_id)

    # -- browsing and importing -------------------------------------------
    def browse(self, where: browsing.BrowseFilter) -> list[browsing.BrowseRow]:
        from certdrill.study.browse import browse

        with self._session() as s:
            return browse(s, where=where)

    def import_source(self, source: str, *, dry_run: bool) -> ImportReport:
        from certdrill.study.importing import ImportOptions, import_source

        with self._session() as s:
            return import_source(s, source=source, options=ImportOptions(dry_run=dry_run), now=self.now())

    # -- sync with the learner's other machines ------------------------------
    def sync_folder(self) -> str | None:
        return self.settings().sync_folder

    def set_sync_folder(self, text: str) -> str | None:
        """Keep the folder to sync through (empty: no sync); returns it as kept (absolute)."""
        from certdrill.study.sync import shared_folder

        folder = str(shared_folder(text)) if text.strip() else None
        self.save_setting("sync_folder", folder)
        return folder

    def sync(self) -> SyncReport:
        """Send this device's changes to the sync folder and apply the other devices' (one line: summary())."""
        import socket

        from certdrill.errors import CertdrillError
        from certdrill.study.sync import sync

        folder = self.sync_folder()
        if not folder:
            raise CertdrillError("no sync folder yet: set one in the settings (,)")
        with self._session() as s:
            report = sync(s, folder=Path(folder), now=self.now(), host=socket.gethostname())
        self._settings = None  # a setting may have come from another device
        return report

    def device_name(self) -> str:
        from certdrill.storage.event_log import local_device
        from certdrill.storage.lanes import raw

        with self._session() as s:
            return local_device(raw(s))[1] or ""

    def rename_device(self, name: str) -> str:
        from certdrill.study.sync import rename

        with self._session() as s:
            return rename(s, name=name, now=self.now())

    # -- trends for the stats screen -----------------------------------------
    def weekly_retention(self, weeks: int) -> list[progress.WeekRetention]:
        """Per week (oldest first): review answers and right answers."""
        with self._reading() as con:
            return progress.weekly_retention(con, now=self.now(), tz=self.ws.tz, weeks=weeks)

    def domain_accuracy_trend(self) -> list[progress.DomainTrend]:
        """(deck, domain id, domain name, accuracy last 28 days, accuracy the 28 days before)."""
        with self._reading() as con:
            return progress.domain_accuracy_trend(con, now=self.now())

    def tasks(self, deck_id: str, domain_id: str) -> list[tuple[str, str]]:
        with self._reading() as con:
            return outline.tasks(con, deck_id=deck_id, domain_id=domain_id)

    def tags(self, deck_id: str) -> list[tuple[str, int]]:
        """The deck's tags with their number of questions, most used first."""
        with self._reading() as con:
            return outline.tags(con, deck_id=deck_id)
