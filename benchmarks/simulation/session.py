"""A learner's study under a scheduling policy: certdrill's queue, the learner's habits, and what the database keeps.

`simulate(learner, behaviour, policy)` returns the `History` certdrill would hold (card states by its own
FSRS scheduler, every answer with its mode and state before, mock papers) and `truth(learner, history)`
the learner's true state on exam morning. Exam-date planning and the readiness study share both.

`simulate` changes the learner (its memories and random stream): to compare two policies on the same
learner, draw it twice from the same seed (`Scenario.learner(seed, deck)` gives the same learner, exam
and habits each time)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import fsrs

from benchmarks.simulation.learners import Learner
from certdrill.core import planner, retention, sampling, scheduling
from certdrill.core.retention import Curve, Retention, ReviewOutcome
from certdrill.core.scheduling import CardState

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
DAY = timedelta(days=1)
NEW_SECONDS, RIGHT_SECONDS, WRONG_SECONDS, MOCK_SECONDS = 60, 20, 35, 90
LEARN_AHEAD = timedelta(minutes=20)
REVIEW_SECONDS = 25  # what the app would measure as the median time of an answer


@dataclass(frozen=True)
class Behaviour:
    """One learner's study habits until the exam (on the morning after the last day)."""

    days: int
    minutes: int  # a day, on an ordinary study day
    new_per_day: int
    skip_prob: float = 0.0  # chance of skipping an ordinary day altogether
    stop_after: int | None = None  # stops studying after this many days
    cram_days: int = 0  # the last days before the exam: three times the minutes, then practice (cram) mode
    early_share: float = 1.0  # share of the minutes spent on days before the cram
    mock_days: tuple[int, ...] = ()  # days on which a full mock exam is sat (before the day's study)
    mock_size: int = 65


@dataclass(frozen=True)
class Answer:
    """One answer as certdrill's review table keeps it."""

    at: datetime
    mode: str  # review | practice | exam
    correct: bool  # flashcards: rated above Again
    rating: int
    before: CardState | None  # the card's state before the answer (review mode only)


@dataclass(frozen=True)
class MockPaper:
    at: datetime
    items: tuple[tuple[int, bool], ...]  # (question index, right)
    reused: int  # questions that were not unseen when drawn


@dataclass
class History:
    """What certdrill's database holds for one learner and one deck at the exam."""

    start: datetime
    exam_at: datetime
    cards: list[CardState]
    answers: list[list[Answer]]  # per question, in time order
    mocks: list[MockPaper] = field(default_factory=list)
    seconds: int = 0


@dataclass(frozen=True)
class PlanContext:
    """What a scheduling policy may look at when it chooses a card's next due date."""

    exam_at: datetime
    scheduler: fsrs.Scheduler
    load: Callable[[datetime], float]  # share of the day's review capacity already planned
    retention: Retention = field(default_factory=Retention)  # the learner's recent reviews against FSRS
    attendance: planner.Attendance = field(default_factory=planner.Attendance)


Policy = Callable[[CardState, datetime, PlanContext], datetime | None]
"""After each answer in review mode: the card's new due date (None: keep FSRS's)."""


def fsrs_policy(card: CardState, now: datetime, ctx: PlanContext) -> datetime | None:
    return None


def exam_date_policy(card: CardState, now: datetime, ctx: PlanContext) -> datetime | None:
    """certdrill's exam-date mode (core/planner.py)."""
    return planner.exam_due(card, now=now, exam_at=ctx.exam_at, scheduler=ctx.scheduler, load=ctx.load,
                            retention=ctx.retention, attendance=ctx.attendance)


def attendance(studied: dict[int, int], today: int) -> planner.Attendance:
    """Days with answers among the last 30 (today, when answering, counts as one), as the app counts them."""
    days = {d for d in studied if today - 30 < d < today} | {today}
    return planner.Attendance(len(days), today - min(days) + 1)


RECENT = timedelta(days=30)


def observed_retention(outcomes: list[tuple[datetime, ReviewOutcome]], at: datetime, curve: Curve) -> Retention:
    """The learner's review-mode answers of the last 30 days to cards in review, as the app counts them."""
    since = at - RECENT
    return retention.observe((o for when, o in outcomes if since <= when <= at), curve)


def elapsed_days(card: CardState, at: datetime) -> int:
    """Whole days since the card's last review, as FSRS counts them."""
    return max(0, (at - card.last_review).days) if card.last_review is not None else 0


def days_at(at: datetime, start: datetime = START) -> float:
    return (at - start).total_seconds() / 86400


def _pick(cards: list[CardState], now: datetime, new_left: int, day_end: datetime, order: list[int]) -> int | None:
    """certdrill's queue order: learning steps due, reviews due today, new questions, learning steps due soon
    (one pass over the cards; the earliest due first, the first card on ties)."""
    learning = review = ahead = None
    learn_by = now + LEARN_AHEAD
    for i, c in enumerate(cards):
        due = c.due
        if due is None or c.state == 0:
            continue
        if c.state == 2:
            if due <= day_end and (review is None or due < cards[review].due):  # type: ignore[operator]
                review = i
        elif due <= learn_by:
            if due <= now and (learning is None or due < cards[learning].due):  # type: ignore[operator]
                learning = i
            if ahead is None or due < cards[ahead].due:  # type: ignore[operator]
                ahead = i
    if learning is not None:
        return learning
    if review is not None:
        return review
    if new_left > 0:
        return next((i for i in order if cards[i].state == 0), None)
    return ahead


def _next_learning(cards: list[CardState], until: datetime) -> datetime | None:
    times = [c.due for c in cards if c.state in (1, 3) and c.due is not None and c.due <= until]
    return min(times) if times else None


def _rating(learner: Learner, i: int, right: bool) -> int:
    return 3 if right else 1


def sit_mock(learner: Learner, history: History, at: datetime, size: int, rng: random.Random) -> MockPaper:
    """A full mock exam drawn as certdrill draws it (unseen questions first, then the least recently seen)."""
    deck = learner.deck
    pools: dict[str, list[int]] = {d.id: [] for d in deck.domains}
    last_seen: dict[int, datetime] = {}
    for i, it in enumerate(learner.items):
        if it.question.kind == "flashcard":
            continue
        pools[it.domain].append(i)
        times = [a.at for a in history.answers[i]]
        times += [p.at for p in history.mocks if any(j == i for j, _ in p.items)]
        if times:
            last_seen[i] = max(times)
    weights = {d.id: d.weight for d in deck.domains}
    chosen = sampling.draw(size, pools, weights, rng, fresh={i for p in pools.values() for i in p} - set(last_seen),
                           last_seen=last_seen)
    t = days_at(at, history.start)
    items = tuple((i, learner.answer(i, t)) for i in chosen)
    for i, right in items:
        history.answers[i].append(Answer(at, "exam", right, 3 if right else 1, None))
    paper = MockPaper(at, items, sum(i in last_seen for i in chosen))
    history.mocks.append(paper)
    return paper


def simulate(learner: Learner, behaviour: Behaviour, policy: Policy = fsrs_policy, *,
             scheduler: fsrs.Scheduler | None = None, start: datetime = START,
             on_day_end: Callable[[int, datetime, History], None] | None = None,
             habits: random.Random | None = None) -> History:
    """Run the study days under `policy`; each day works through certdrill's queue until the minutes are spent.

    `habits` draws which days are skipped; by default the learner's own stream does (as in the published
    readiness study), so the skipped days depend on the answers before them. Paired comparisons pass a
    stream of their own, so that both arms skip the same days."""
    scheduler = scheduler or scheduling.make_scheduler(scheduling.SchedulerSettings(fuzz=False))
    rng = learner.rng
    n = len(learner.items)
    cards = [CardState() for _ in range(n)]
    history = History(start, start + behaviour.days * DAY, cards, [[] for _ in range(n)])
    order = list(range(n))
    rng.shuffle(order)  # the order new questions are met in
    load: Counter[int] = Counter()
    curve = planner.recall_curve(scheduler)
    outcomes: list[tuple[datetime, ReviewOutcome]] = []  # reviews of cards in review, for observed retention
    studied: dict[int, int] = {}  # seconds spent on each day with answers
    new_met: dict[int, int] = {}  # new questions met on each of those days
    ctx = PlanContext(history.exam_at, scheduler, lambda m: 0.0)
    cram_from = behaviour.days - behaviour.cram_days
    for day in range(behaviour.days):
        begin = start + day * DAY
        if day in behaviour.mock_days:
            sit_mock(learner, history, begin, behaviour.mock_size, rng)
            begin += timedelta(seconds=MOCK_SECONDS * behaviour.mock_size)
        if policy is not fsrs_policy:
            recent = [v / 60 for d, v in studied.items() if day - 14 <= d < day]
            met = [v for d, v in new_met.items() if day - 14 <= d < day]
            work = planner.Workload(planner.daily_minutes(behaviour.minutes, recent), REVIEW_SECONDS, behaviour.new_per_day,
                                    sum(c.state == scheduling.NEW for c in cards), sum(met) / len(met) if met else None)
            ctx = replace(ctx, retention=observed_retention(outcomes, begin, curve), attendance=attendance(studied, day),
                          load=lambda m, work=work, day=day: work.share(load[(m - start).days], (m - start).days - day))
        stopped = behaviour.stop_after is not None and day >= behaviour.stop_after
        cramming = behaviour.cram_days > 0 and day >= cram_from
        if stopped or (not cramming and (habits or rng).random() < behaviour.skip_prob):
            if on_day_end:
                on_day_end(day, begin + timedelta(hours=12), history)
            continue
        minutes = behaviour.minutes * (3 if cramming else behaviour.early_share if behaviour.cram_days else 1)
        new_limit = behaviour.new_per_day * (3 if cramming else 1)
        now, spent, new_today = begin, 0, 0
        day_end = start + day * DAY + timedelta(hours=14)
        while now < day_end:
            i = _pick(cards, now, new_limit - new_today, day_end, order)
            if i is None:
                later = _next_learning(cards, day_end)
                if later is None:
                    break
                now = later
                continue
            card = cards[i]
            was_new = card.state == 0
            if spent + (NEW_SECONDS if was_new else WRONG_SECONDS) > minutes * 60:
                break
            right = learner.answer(i, days_at(now, start))
            rating = _rating(learner, i, right)
            history.answers[i].append(Answer(now, "review", right, rating, card))
            if card.state == scheduling.REVIEW and policy is not fsrs_policy:
                outcomes.append((now, planner.outcome(elapsed_days(card, now), card.stability or 0.0, rating > 1, curve)))
            after = scheduling.review(card, rating, now, scheduler)
            due = policy(after, now, ctx)
            if due is not None and due != after.due:
                after = replace(after, due=due)
            if card.due is not None and card.state == 2:
                load[(card.due - start).days] -= 1
            if after.state == 2 and after.due is not None:
                load[(after.due - start).days] += 1
            cards[i] = after
            seconds = NEW_SECONDS if was_new else (RIGHT_SECONDS if right else WRONG_SECONDS)
            spent += seconds
            new_today += was_new
            now += timedelta(seconds=seconds)
        if cramming:  # what time is left goes to practice mode over everything met so far, schedule untouched
            met = [i for i in range(n) if cards[i].state != 0]
            rng.shuffle(met)
            for i in met:
                if spent + WRONG_SECONDS > minutes * 60:
                    break
                right = learner.answer(i, days_at(now, start))
                history.answers[i].append(Answer(now, "practice", right, _rating(learner, i, right), None))
                seconds = RIGHT_SECONDS if right else WRONG_SECONDS
                spent += seconds
                now += timedelta(seconds=seconds)
        history.seconds += spent
        if spent:
            studied[day] = spent
            new_met[day] = new_today
        if on_day_end:
            on_day_end(day, now, history)
    return history


@dataclass(frozen=True)
class Truth:
    """The learner on exam morning: true P(right) on a new exam question per domain, and one sampled exam."""

    rates: dict[str, float]
    raw: float
    passed: bool
    pass_raw: float


def truth(learner: Learner, history: History) -> Truth:
    t = days_at(history.exam_at, history.start)
    rates = {d.id: learner.true_rate(d.id, t) for d in learner.deck.domains}
    raw, passed = learner.sit_exam(rates)
    return Truth(rates, raw, passed, learner.exam.pass_raw)
