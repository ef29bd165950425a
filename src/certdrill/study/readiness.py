"""Readiness of a deck for its exam, now (counted in SQL) and at the end of each past study day (plain sqlite3)."""

from __future__ import annotations

import bisect
import itertools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

import fsrs

from certdrill.core import scheduling
from certdrill.core.clock import day_start, next_day_start, study_date
from certdrill.core.exam_readiness import Readiness, assess_tallies
from certdrill.core.model import Deck
from certdrill.core.readiness import (
    EXAM_GUESS,
    DomainTally,
    MockAnswer,
    QuestionEvidence,
    ReviewAnswer,
    TaskTally,
    guess_for,
    memory_fit_counts,
    mock_memory,
    recall_at,
    recall_bin,
)
from certdrill.core.readiness_model import Tries
from certdrill.core.scheduling import CardState, SchedulerSettings
from certdrill.errors import CertdrillError
from certdrill.storage import queries, queue
from certdrill.storage.database import read_beside
from certdrill.storage.timefmt import from_db_time, to_db_time

RECENT_DAYS = 30
EXAM_HOUR = 9  # exam-day recall is taken on the morning of the exam, local time
TREND_DRAWS = 100
"""Draws per day of the trend: a line, not a bet, so a quarter of the report's precision will do."""
RATIO_STEPS = 20
"""Elapsed days over stability is counted in steps of 1/20 (FSRS's recall depends on that ratio only):
the report asks fsrs for one recall per step, not one per card."""
RATIO_CAP = 100 * RATIO_STEPS
REFERENCE_STABILITY = 1000.0
_END_OF_TIME = "9999-12-31T23:59:59.999999Z"  # an upper bound for stored times
J2000 = (datetime(2000, 1, 1, 12, tzinfo=UTC), 2451545.0)  # a moment and its Julian day (SQLite's julianday)


def exam_moment(exam_date: date, tz: tzinfo) -> datetime:
    return datetime.combine(exam_date, time(EXAM_HOUR), tzinfo=tz)


def _deck(con: sqlite3.Connection, deck_id: str) -> tuple[Deck, str | None]:
    found = queries.deck_outline(con, deck_id=deck_id)
    if found is None:
        raise CertdrillError(f"no deck '{deck_id}' (see `certdrill decks`)")
    return found


# -- the report: counted in SQL -------------------------------------------------------------------------

# The number of choices and of right ones, read from the answer key ("single:4:0", "multiple:5:0,2"):
# parsing the choices' JSON for every question would cost more than the rest of the report.
_CHOICES = "CAST(substr(q.answer_key, length(q.kind) + 2) AS INTEGER)"
_PICK = ("COALESCE(q.pick, CASE q.kind WHEN 'multiple' THEN length(q.answer_key) - length(replace(q.answer_key, ',', '')) + 1 "
         "END)")  # only multiple response reads it (`guess_for`)
_GUESS = f"q.kind, {_CHOICES}, {_PICK}"

# One pass over the deck's questions and cards (question rows are wide: read them once). Per card: its
# elapsed-over-stability step on exam morning (-1 for a new card), whether it is due and its first try (the
# first answer outside mock exams, found by one index seek, asked once per card), also for questions on a
# finished mock paper: those are few, and `_tallies` takes their first tries back out and judges them in
# Python (a paper before the first study is their first try). The per-card values are packed into one
# integer (`_card_key` unpacks it): SQLite groups by sorting, and sorts one column faster than three.
_CARDS = f"""
SELECT q.domain_id, q.task_id, {_GUESS},
       ((CASE WHEN c.state = 0 THEN -1
               WHEN c.stability IS NULL OR c.last_review IS NULL THEN -3
               WHEN c.last_review > :exam THEN -2
               ELSE MIN(:cap, CAST(CAST(:exam_day - julianday(c.last_review) AS INTEGER) * :steps / c.stability AS INTEGER))
          END + 3) * 2 + COALESCE({queue.due_now('c', 'q')}, 0)) * 3
       + COALESCE((SELECT COALESCE(r.correct, r.rating > 1) FROM review r WHERE r.card_id = c.id AND r.mode != 'exam'
                   AND r.reviewed_at <= :now ORDER BY r.reviewed_at, r.id LIMIT 1) + 1, 0),
       COUNT(*)
FROM question q JOIN card c ON c.id = q.pk
WHERE q.deck_id = :deck AND NOT q.retired AND q.pk BETWEEN :first_pk AND :last_pk
GROUP BY 1, 2, 3, 4, 5, 6
"""


def _card_key(key: int) -> tuple[int, bool, bool | None]:
    """(step, due, first try right or None) packed by `_CARDS`."""
    key, first = divmod(key, 3)
    key, due = divmod(key, 2)
    return key - 3, bool(due), None if first == 0 else first == 2


# Recent reviews of studied questions, with the elapsed-over-stability step of the state before.
_RECENT = f"""
SELECT q.domain_id, {_GUESS}, COALESCE(r.correct, r.rating > 1) AS ok,
       MIN(:cap, CAST(CAST(julianday(r.reviewed_at) - julianday(json_extract(r.state_before, '$.last_review')) AS INTEGER)
           * :steps / json_extract(r.state_before, '$.stability') AS INTEGER)) AS bucket,
       COUNT(*)
FROM review r JOIN question q ON q.pk = r.card_id
WHERE r.deck_id = :deck AND r.mode = 'review' AND r.reviewed_at >= :since AND r.reviewed_at < :until
  AND r.reviewed_at <= :now
  AND json_extract(r.state_before, '$.state') = 2 AND json_extract(r.state_before, '$.stability') > 0
GROUP BY 1, 2, 3, 4, 5, 6
"""

_MOCK = """
SELECT ea.card_id, q.domain_id, ea.correct, x.id, x.started_at, x.finished_at
FROM exam_answer ea JOIN exam_attempt x ON x.id = ea.attempt_id JOIN question q ON q.pk = ea.card_id
WHERE x.deck_id = :deck AND x.finished_at IS NOT NULL AND x.finished_at <= :now AND NOT q.retired
ORDER BY x.started_at, x.id
"""



class _Recall:
    """FSRS's recall for an elapsed-over-stability step, asked of the fsrs package once per step."""

    def __init__(self, scheduler: fsrs.Scheduler) -> None:
        self.scheduler = scheduler
        self.cache: dict[int, float] = {}
        self.origin = datetime(2000, 1, 1, tzinfo=UTC)

    def __call__(self, bucket: int) -> float:
        if bucket == -2:  # reviewed after the exam moment
            return 1.0
        if bucket == -3:  # answered without a memory state (practice mode only)
            return 0.0
        if bucket not in self.cache:
            days = round((bucket + 0.5) / RATIO_STEPS * REFERENCE_STABILITY) if bucket >= 0 else 0
            card = CardState(state=scheduling.REVIEW, stability=REFERENCE_STABILITY, difficulty=5.0,
                             due=self.origin, last_review=self.origin)
            self.cache[bucket] = scheduling.retrievability(card, self.origin + timedelta(days=days), self.scheduler)
        return self.cache[bucket]


@dataclass
class _PaperCard:
    """A question that was on a mock paper: what readiness needs to judge its answers there."""

    domain: str
    task: str | None
    guess: float
    self_rated: bool
    current: CardState
    first_study: datetime | None  # its first answer outside mock exams
    first_ok: bool  # and whether it was right (flashcards: rated above Again)
    reviews: list[tuple[str, str]]  # (time, state before), as stored, of its review-mode answers

    def state_at(self, at: datetime) -> CardState:
        # Times and states are parsed only here (stored times are fixed-width UTC text: they sort as
        # text): most papers never ask, and parsing every review of every question on a paper cost
        # more than the rest of the report.
        moment = to_db_time(at)
        for when, before in self.reviews:
            if when > moment:
                return CardState.from_json(json.loads(before))
        return self.current


def _paper_cards(con: sqlite3.Connection, ids: set[int], since: datetime) -> dict[int, _PaperCard]:
    """The questions on mock papers: their first study and the review-mode answers after `since` (only
    papers started since then are judged against the state before an answer)."""
    marks = ", ".join("?" * len(ids))
    out = {
        card_id: _PaperCard(domain, task, _guess(kind, choices, pick), kind == "flashcard", queries.card_state_from(state),
                            None, False, [])
        for card_id, domain, task, kind, choices, pick, *state in con.execute(
            f"SELECT c.id, q.domain_id, q.task_id, {_GUESS}, {', '.join('c.' + c for c in queries.CARD_COLUMNS.split(', '))} "
            f"FROM card c JOIN question q ON q.pk = c.id WHERE c.id IN ({marks})", tuple(ids),
        )
    }
    for card_id, at, correct, rating in con.execute(
        f"SELECT c.id, r.reviewed_at, r.correct, r.rating FROM card c JOIN review r ON r.id = "
        f"(SELECT f.id FROM review f WHERE f.card_id = c.id AND f.mode != 'exam' ORDER BY f.reviewed_at, f.id LIMIT 1) "
        f"WHERE c.id IN ({marks})", tuple(ids),
    ):
        out[card_id].first_study = _time(at)
        out[card_id].first_ok = bool(correct if correct is not None else rating > 1)
    for card_id, at, state_before in con.execute(
        f"SELECT card_id, reviewed_at, state_before FROM review WHERE card_id IN ({marks}) AND mode = 'review' "
        "AND reviewed_at > ? ORDER BY reviewed_at, id", (*ids, to_db_time(since)),
    ):
        if state_before:
            out[card_id].reviews.append((at, state_before))
    return out


def _time(value: str) -> datetime:
    when = from_db_time(value)
    assert when is not None
    return when


def _guess(kind: str, choices: int | None, pick: int | None) -> float:
    return guess_for(kind, choices or 0, pick or 1)


def _tallies(con: sqlite3.Connection, deck: Deck, *, now: datetime, exam_at: datetime,
             scheduler: fsrs.Scheduler) -> tuple[dict[str, DomainTally], tuple[int, float, float]]:
    recall = _Recall(scheduler)
    # The exam moment as a Julian day number, computed once rather than parsed again for every card.
    exam_day = J2000[1] + (exam_at - J2000[0]).total_seconds() / 86400
    params = {"deck": deck.id, **queue.moments(now), "exam": to_db_time(exam_at), "exam_day": exam_day,
              "steps": RATIO_STEPS,
              "cap": RATIO_CAP, "since": to_db_time(now - timedelta(days=RECENT_DAYS))}
    questions: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = defaultdict(int)
    due: dict[str, int] = defaultdict(int)
    mc_guess: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    hist: dict[tuple[str, bool], dict[float, int]] = defaultdict(lambda: defaultdict(int))
    tasks: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0.0]))
    counts: dict[str, dict[tuple[float, bool], int]] = defaultdict(lambda: defaultdict(int))
    rated: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    first: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    # The card pass and the recent reviews are each read in two halves (questions by key, reviews by time),
    # three of the four on connections of their own, so that two idle cores share them.
    first_pk, last_pk = con.execute("SELECT min(pk), max(pk) FROM question WHERE deck_id = :deck", params).fetchone()
    middle_pk = (first_pk + last_pk) // 2 if first_pk is not None else 0
    middle_at = to_db_time(now - timedelta(days=RECENT_DAYS / 2))
    recent_parts = [read_beside(con, _RECENT, {**params, "until": middle_at}),
                    read_beside(con, _RECENT, {**params, "since": middle_at, "until": _END_OF_TIME})]
    cards_part = read_beside(con, _CARDS, {**params, "first_pk": middle_pk + 1, "last_pk": last_pk or 0})
    card_rows = con.execute(_CARDS, {**params, "first_pk": first_pk or 0, "last_pk": middle_pk}).fetchall()
    card_rows += cards_part()
    for domain, task, kind, choices, pick, key, n in card_rows:
        bucket, is_due, first_ok = _card_key(key)
        if bucket == -1 and first_ok is not None:
            bucket = -3  # a new card answered in practice only: no memory state
        questions[domain] += n
        g = _guess(kind, choices, pick)
        if g > 0:
            mc_guess[domain][0] += g * n
            mc_guess[domain][1] += n
        if first_ok is not None:
            first[domain][0] += n
            first[domain][1] += n * bool(first_ok)
            if kind == "flashcard":
                rated[domain][0] += n
                rated[domain][1] += n * bool(first_ok)
            else:
                counts[domain][(g, bool(first_ok))] += n
        t = tasks[domain][task] if task else None
        if t is not None:
            t[0] += n
        if bucket == -1:
            continue
        r = recall(bucket)
        seen[domain] += n
        due[domain] += n if is_due else 0
        hist[(domain, bool(is_due))][recall_bin(r)] += n
        if t is not None:
            t[1] += n
            t[2] += r * n
    guess = {d: (v[0] / v[1]) if v[1] else EXAM_GUESS for d, v in mc_guess.items()}
    mock: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    recent: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    papers = [(card, domain, bool(correct), _time(started))
              for card, domain, correct, _, started, _ in con.execute(_MOCK, params)]
    fit_n, fit_predicted, fit_observed = 0, 0.0, 0.0
    if papers:
        since = now - timedelta(days=RECENT_DAYS)
        cards = _paper_cards(con, {card for card, *_ in papers}, since)
        first_paper: dict[int, datetime] = {}
        for card, _, _, started in papers:
            first_paper.setdefault(card, started)
        for card, started in first_paper.items():
            info = cards[card]
            if info.first_study is not None and info.first_study <= now:  # counted by the card pass: taken back out
                first[info.domain][0] -= 1
                first[info.domain][1] -= info.first_ok
                if info.self_rated:
                    rated[info.domain][0] -= 1
                    rated[info.domain][1] -= info.first_ok
                else:
                    counts[info.domain][(info.guess, info.first_ok)] -= 1
            if info.first_study is not None and info.first_study < started and info.first_study <= now:
                first[info.domain][0] += 1  # studied before its first paper: its first try counts
                first[info.domain][1] += info.first_ok
                counts[info.domain][(info.guess, info.first_ok)] += 1
        met_on_papers: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
        for card, _, correct, started in papers:
            info = cards[card]
            if info.current.state == scheduling.NEW and (info.first_study is None or info.first_study > now):
                met_on_papers[card].append((started, correct))
        for card, answers in met_on_papers.items():  # met only on mock papers: studied there (`mock_memory`)
            info = cards[card]
            memory = mock_memory(answers, scheduler)
            r = recall_at(memory, exam_at, scheduler)
            seen[info.domain] += 1  # never due: review serves it as a new question
            hist[(info.domain, False)][recall_bin(r)] += 1
            if info.task:
                tasks[info.domain][info.task][1] += 1
                tasks[info.domain][info.task][2] += r
        for card, domain, correct, started in papers:
            info = cards[card]
            fresh = first_paper[card] >= started and not (info.first_study is not None and info.first_study < started)
            m = mock[domain]
            m[0] += 1
            m[1] += correct
            m[2] += not fresh
            if fresh:
                counts[domain][(guess.get(domain, EXAM_GUESS), correct)] += 1
            elif started >= since and (before := info.state_at(started)).state == scheduling.REVIEW:  # reused: a review
                predicted = info.guess + (1 - info.guess) * scheduling.retrievability(before, started, scheduler)
                fit_n += 1
                fit_predicted += predicted
                fit_observed += correct
                recent[domain][0] += 1
                recent[domain][1] += correct
                recent[domain][2] += predicted
    for domain, kind, choices, pick, ok, bucket, n in itertools.chain(*(part() for part in recent_parts)):
        g = _guess(kind, choices, pick)
        predicted = n * (g + (1 - g) * recall(bucket))
        recent[domain][0] += n
        recent[domain][1] += n * bool(ok)
        recent[domain][2] += predicted
        fit_n += n
        fit_predicted += predicted
        fit_observed += n * bool(ok)
    out = {}
    for d in deck.domains:
        groups = tuple((g, float(right + wrong), float(right)) for g, right, wrong in _grouped(counts[d.id]))
        out[d.id] = DomainTally(
            questions=questions[d.id], seen=seen[d.id], due=due[d.id], guess=guess.get(d.id, EXAM_GUESS),
            tries=Tries(groups, float(rated[d.id][0]), float(rated[d.id][1])),
            first_tries=first[d.id][0], first_try_correct=first[d.id][1],
            recall=tuple(sorted(hist[(d.id, False)].items())), due_recall=tuple(sorted(hist[(d.id, True)].items())),
            recent=(int(recent[d.id][0]), int(recent[d.id][1])), recent_predicted=recent[d.id][2], mock=(mock[d.id][0], mock[d.id][1], mock[d.id][2]),
            tasks=tuple(TaskTally(t, int(v[0]), int(v[1]), v[2]) for t, v in sorted(tasks[d.id].items())),
            tasks_total=len(d.tasks),
        )
    return out, (fit_n, fit_predicted, fit_observed)


def _grouped(counts: dict[tuple[float, bool], int]) -> list[tuple[float, int, int]]:
    by_guess: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for (g, ok), n in counts.items():
        by_guess[round(g, 6)][0 if ok else 1] += n
    return [(g, v[0], v[1]) for g, v in sorted(by_guess.items()) if v[0] or v[1]]


def readiness_report(
    con: sqlite3.Connection, *, deck_id: str, now: datetime, tz: tzinfo, exam_date: date | None = None,
    scheduler_settings: SchedulerSettings | None = None,
) -> Readiness:
    """Readiness for the deck's exam on `exam_date` (default: the date set for the deck, else today),
    counted in SQL: the cost grows with the number of distinct states, not with cards and reviews."""
    deck, set_date = _deck(con, deck_id)
    exam_date = exam_date or (date.fromisoformat(set_date) if set_date else None)
    exam_at = exam_moment(exam_date, tz) if exam_date else None
    at = exam_at if exam_at is not None and exam_at > now else now
    scheduler = scheduling.make_scheduler(scheduler_settings or SchedulerSettings(fuzz=False))
    tallies, (n, predicted, observed) = _tallies(con, deck, now=now, exam_at=at, scheduler=scheduler)
    return assess_tallies(deck, tallies, fit=memory_fit_counts(n, predicted, observed), now=now, exam_at=exam_at)


# -- the trend: replayed from the loaded history ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Question:
    card_id: int
    domain: str
    task: str | None
    guess: float
    self_rated: bool


@dataclass(frozen=True, slots=True)
class _Answer:
    card_id: int
    at: datetime
    mode: str
    correct: bool  # flashcards: rated above Again
    before: CardState | None


@dataclass
class _History:
    """A deck's questions and every answer to them, loaded once."""

    deck: Deck
    exam_date: date | None
    questions: list[_Question]
    cards: dict[int, CardState]
    suspended: set[int]
    answers: dict[int, list[_Answer]]  # card id -> answers in time order (no mock answers)
    mock: list[tuple[int, str, bool, datetime, datetime]]  # card, domain, right, paper start, paper end
    # Looked up by bisection, once per question and day (scanning every answer each day took a third of a trend):
    times: dict[int, list[datetime]] = field(default_factory=dict)  # card id -> its answers' times
    reviews: dict[int, tuple[list[datetime], list[CardState]]] = field(default_factory=dict)
    """card id -> times and states before of its review-mode answers that stored one"""
    recall: dict[tuple[int, int], float] = field(default_factory=dict)
    """(card id, answer index) -> predicted recall at that answer: the same on every day that counts it"""

    def __post_init__(self) -> None:
        for card_id, answers in self.answers.items():
            self.times[card_id] = [a.at for a in answers]
            kept = [a for a in answers if a.mode == "review" and a.before is not None]
            self.reviews[card_id] = ([a.at for a in kept], [a.before for a in kept if a.before is not None])


def _load(con: sqlite3.Connection, deck_id: str) -> _History:
    deck, exam_date = _deck(con, deck_id)
    rows = con.execute(
        f"SELECT c.id, q.domain_id, q.task_id, {_GUESS}, c.suspended, {', '.join('c.' + c for c in queries.CARD_COLUMNS.split(', '))} "
        "FROM question q JOIN card c ON c.id = q.pk WHERE q.deck_id = ? AND NOT q.retired ORDER BY q.position", (deck_id,),
    ).fetchall()
    questions = [_Question(card_id, domain, task, _guess(kind, choices, pick), kind == "flashcard")
                 for card_id, domain, task, kind, choices, pick, *_ in rows]
    domain_of = {q.card_id: q.domain for q in questions}
    answers: dict[int, list[_Answer]] = {}
    for card_id, at, mode, correct, rating, state_before in con.execute(
        "SELECT card_id, reviewed_at, mode, correct, rating, state_before FROM review WHERE deck_id = ? "
        "AND mode != 'exam' ORDER BY reviewed_at, id", (deck_id,),
    ):
        right = correct if correct is not None else rating > 1
        before = CardState.from_json(json.loads(state_before)) if state_before else None
        answers.setdefault(card_id, []).append(_Answer(card_id, _time(at), mode, bool(right), before))
    mock = [
        (card_id, domain_of[card_id], bool(correct), _time(started), _time(finished))
        for card_id, correct, started, finished in con.execute(
            "SELECT ea.card_id, ea.correct, x.started_at, x.finished_at FROM exam_answer ea "
            "JOIN exam_attempt x ON x.id = ea.attempt_id WHERE x.deck_id = ? AND x.finished_at IS NOT NULL "
            "ORDER BY x.started_at", (deck_id,),
        ).fetchall()
        if card_id in domain_of
    ]
    return _History(
        deck, date.fromisoformat(exam_date) if exam_date else None, questions,
        {row[0]: queries.card_state_from(row[7:]) for row in rows}, {row[0] for row in rows if row[6]},
        answers, mock,
    )


def _state_at(history: _History, card_id: int, at: datetime) -> CardState:
    """The card's state at `at`: the state before its next review, or its current state."""
    times, befores = history.reviews.get(card_id, ((), ()))
    i = bisect.bisect_right(times, at)
    return befores[i] if i < len(befores) else history.cards[card_id]


def _evidence(history: _History, *, at: datetime, scheduler: fsrs.Scheduler) -> tuple[
        list[QuestionEvidence], list[ReviewAnswer], list[MockAnswer]]:
    """The same evidence as the SQL report, from the answers up to `at`."""
    first_paper: dict[int, datetime] = {}
    for card, _, _, started, _ in history.mock:
        first_paper.setdefault(card, started)
    met_on_papers: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    for card, _, correct, started, finished in history.mock:
        if finished <= at:
            met_on_papers[card].append((started, correct))
    questions, reviews = [], []
    recent_from = at - timedelta(days=RECENT_DAYS)
    for q in history.questions:
        times = history.times.get(q.card_id, ())
        answered = history.answers.get(q.card_id, [])[: bisect.bisect_right(times, at)]
        state = _state_at(history, q.card_id, at)
        served = state.state != scheduling.NEW  # review serves it as due when its time comes (new ones: never)
        if state.state == scheduling.NEW and not answered and q.card_id in met_on_papers:  # met only on mock papers
            state = mock_memory(met_on_papers[q.card_id], scheduler)
        paper = first_paper.get(q.card_id)
        first = answered[0].correct if answered and not (paper is not None and paper <= answered[0].at) else None
        # As the review queue counts due (storage.queue.DUE), but burial, which the history does not keep.
        ahead = queue.LEARN_AHEAD if state.state != scheduling.REVIEW else timedelta(0)
        due = served and state.due is not None and state.due <= at + ahead and q.card_id not in history.suspended
        questions.append(QuestionEvidence(q.domain, q.task, q.guess, state, first, due, q.self_rated))
        for i in range(max(1, bisect.bisect_left(times, recent_from)), len(answered)):
            a = answered[i]
            if a.mode == "review" and a.before is not None and a.before.state == scheduling.REVIEW:
                r = history.recall.get((q.card_id, i))
                if r is None:
                    r = history.recall[(q.card_id, i)] = scheduling.retrievability(a.before, a.at, scheduler)
                reviews.append(ReviewAnswer(q.domain, a.correct, q.guess + (1 - q.guess) * r))
    mock = []
    guess_of = {q.card_id: q.guess for q in history.questions}
    for card, domain, correct, started, finished in history.mock:
        if finished > at:
            continue
        studied = history.answers.get(card, ())
        fresh = first_paper[card] >= started and not (studied and studied[0].at < started)
        mock.append(MockAnswer(domain, correct, finished, fresh))
        before = _state_at(history, card, started)
        if not fresh and started >= recent_from and before.state == scheduling.REVIEW:  # reused: a review
            guess = guess_of[card]
            reviews.append(ReviewAnswer(domain, correct, guess + (1 - guess) * scheduling.retrievability(before, started, scheduler)))
    return questions, reviews, mock


@dataclass(frozen=True, slots=True)
class ReadinessPoint:
    """Readiness at the end of one past study day (for the dashboard's trend)."""

    day: str
    raw: float
    low: float
    high: float
    p_pass: float | None
    domains: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "raw": round(self.raw, 4), "interval": [round(self.low, 4), round(self.high, 4)],
                "p_pass": None if self.p_pass is None else round(self.p_pass, 4),
                "domains": {k: round(v, 4) for k, v in self.domains.items()}}


def readiness_history(
    con: sqlite3.Connection, *, deck_id: str, now: datetime, tz: tzinfo, days: int = 90, exam_date: date | None = None,
    scheduler_settings: SchedulerSettings | None = None, stop: Callable[[], bool] | None = None,
    cache: Path | None = None,
) -> list[ReadinessPoint]:
    """Readiness at the end of each study day from the first answer (at most `days` back) to today,
    computed only from the answers up to that day; each day is judged for the exam date if one is set.
    `stop` is asked between steps: when it says so, the days so far are returned (nobody waits).
    With a `cache` file, past days whose inputs have not changed are read from it (see trend_cache)."""
    from certdrill.study import trend_cache
    from certdrill.study.readiness_trend import KnownDay, Questions, trend_points

    deck, set_date = _deck(con, deck_id)
    (first_answer,) = con.execute("SELECT min(reviewed_at) FROM review WHERE deck_id = ? AND mode != 'exam'",
                                  (deck_id,)).fetchone()
    if first_answer is None:
        return []
    first = _time(first_answer)
    exam_date = exam_date or (date.fromisoformat(set_date) if set_date else None)
    exam_at = exam_moment(exam_date, tz) if exam_date else None
    settings = scheduler_settings or SchedulerSettings(fuzz=False)
    scheduler = scheduling.make_scheduler(settings)
    wanted = study_days(first, now=now, tz=tz, days=days)
    read = Questions.read(con, deck)
    past = [day for day in wanted if day[1] < now]  # days over: their figures can be kept
    keys = trend_cache.day_keys(con, deck=deck, questions=read.digest(), days=past, exam_at=exam_at,
                                settings=settings) if cache else {}
    stored = trend_cache.load(cache, deck_id) if cache else {}
    kept = {label: (point, made) for label, (key, point, made) in stored.items() if keys.get(label) == key}
    wanted_ends = dict(wanted)
    needed = [day for day in wanted if day[0] not in kept]
    index = {d.id: i for i, d in enumerate(deck.domains)}
    known = [KnownDay(day_start(wanted_ends[label], tz), wanted_ends[label],
                      {index[d]: v for d, v in made.items() if d in index})
             for label, (_, made) in sorted(kept.items())]
    computed, made = trend_points(
        con, read=read, days=needed, exam_at=exam_at, scheduler=scheduler, stop=stop, known=known,
        starts=[day_start(end, tz) for _, end in needed])
    found = {label: point for label, (point, _) in kept.items()}
    found.update((p.day, p) for p in computed)
    if cache:
        sums = {label: m for label, (_, m) in kept.items()}
        sums.update((p.day, {deck.domains[i].id: v for i, v in m.items()}) for p, m in zip(computed, made, strict=True))
        trend_cache.save(cache, deck_id, {label: (key, found[label], sums[label]) for label, key in keys.items()
                                          if label in found})
    return [found[label] for label, _ in wanted if label in found]


def study_days(first: datetime, *, now: datetime, tz: tzinfo, days: int) -> list[tuple[str, datetime]]:
    """(study date, end moment) of each study day from the one holding `first` (at most `days` back) to
    today, whose end is today's `now`."""
    out = []
    start = max(day_start(first, tz), day_start(now, tz) - timedelta(days=days - 1))
    while start <= now:
        end = min(next_day_start(start, tz) - timedelta(microseconds=1), now)
        if first <= end:
            out.append((study_date(end, tz), end))
        start = next_day_start(start, tz)
    return out


def studied_deck_ids(con: sqlite3.Connection) -> list[str]:
    """Decks with at least one answer, or every deck when nothing has been studied yet."""
    studied = [d for (d,) in con.execute("SELECT DISTINCT deck_id FROM review ORDER BY deck_id")]
    return studied or [d for (d,) in con.execute("SELECT id FROM deck ORDER BY id")]
