"""The readiness trend: the readiness of chosen past days, counted in one pass over the history (plain sqlite3).

Each day's figure is what the per-question path (`readiness._evidence` then `assess`) gives for the answers
up to the end of that day, to the last bit of every count: the same first tries, the same recall bin of
every studied question, the same recent answers. What changes is how they are found. The history is read
once, not once per day: questions with their first answer (one index seek each), the review answers of
the last days with the three fields of their stored state that recall needs, the mock papers. A memory
state holds from one review to the next, and its recall bin can only fall as the days pass, so fsrs is
asked at the two ends of a state's days and, where the bin changes, to find where (bisection), not once
per question and day. Counts that start on a day (a first try) or last for a span (a recent answer, a
state) are recorded where they start and stop, and each day's tally is the running sum. A day's tally holds
what its point reads (no due counts, no tasks: a point has no actions and no weakest tasks).

Days already known (from the trend's cache, `trend_cache`) lend what their answers add to a recent window,
so that today's point reads only the answers of the days its window does not hold whole.
"""

from __future__ import annotations

import bisect
import hashlib
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs

from certdrill.core import scheduling
from certdrill.core.exam_readiness import assess_tallies
from certdrill.core.model import Deck
from certdrill.core.readiness import EXAM_GUESS, DomainTally, memory_fit_counts, mock_memory, recall_bin
from certdrill.core.readiness_model import Tries
from certdrill.storage.timefmt import from_db_time, to_db_time
from certdrill.study.readiness import _GUESS, RECENT_DAYS, TREND_DRAWS, ReadinessPoint, _guess

# Questions in the deck's order with their card's memory state and their first answer outside mock exams
# (time, review id and whether it was right, packed in one text: one index seek per card).
_QUESTIONS = f"""
SELECT c.id, q.domain_id, {_GUESS}, c.state, c.stability, c.last_review,
       (SELECT r.reviewed_at || ' ' || r.id || ' ' || COALESCE(r.correct, r.rating > 1) FROM review r
        WHERE r.card_id = c.id AND r.mode != 'exam' ORDER BY r.reviewed_at, r.id LIMIT 1)
FROM question q JOIN card c ON c.id = q.pk
WHERE q.deck_id = :deck AND NOT q.retired
ORDER BY q.position
"""

# Review-mode answers (since the first day's recent window opens), with what recall needs of the state before.
_REVIEWS = """
SELECT card_id, id, reviewed_at, COALESCE(correct, rating > 1), json_extract(state_before, '$.state'),
       json_extract(state_before, '$.stability'), json_extract(state_before, '$.last_review')
FROM review
WHERE deck_id = :deck AND mode = 'review' AND state_before IS NOT NULL AND state_before != ''
"""

_PAPERS = """
SELECT ea.card_id, ea.correct, x.started_at, x.finished_at FROM exam_answer ea
JOIN exam_attempt x ON x.id = ea.attempt_id
WHERE x.deck_id = :deck AND x.finished_at IS NOT NULL
ORDER BY x.started_at
"""

_NEVER = recall_bin(0.0)  # the recall bin of a question tried but never studied
_FETCH = 20_000  # rows per fetch: the answers are streamed, never all held as objects

_State = tuple[int, float | None, datetime | None]
"""What readiness reads of a memory state: (state, stability, last review)."""


class _Recall:
    """FSRS's recall of a memory state at a moment, as `core.readiness.recall_at` gives it, asked of the
    fsrs package through one card object (building one for every question and day cost most of the trend)."""

    def __init__(self, scheduler: fsrs.Scheduler) -> None:
        self.scheduler = scheduler
        self.card = fsrs.Card(card_id=0)  # fsrs reads its stability and last review only

    def __call__(self, state: _State, at: datetime) -> float:
        kind, stability, last_review = state
        if kind == scheduling.NEW:
            return 0.0
        if last_review is not None and at < last_review:
            return 1.0
        if stability is None:
            return 0.0
        self.card.stability, self.card.last_review = stability, last_review
        return float(self.scheduler.get_card_retrievability(self.card, at))


@dataclass(slots=True)  # not frozen: a hundred thousand are made, and a frozen one is slow to make
class _Question:
    card_id: int
    domain: int
    guess: float
    self_rated: bool
    current: _State
    first: tuple[str, int, bool] | None  # its first answer outside mock exams: (stored time, review id, right)
    group: float  # its guess rate as first tries are grouped by it


class _Days:
    """Counts per day, recorded as spans of days (`add`); `changes` turns them into each day's rises and falls."""

    def __init__(self, ends: Sequence[datetime]) -> None:
        self.n = len(ends)
        self.ends = [to_db_time(e) for e in ends]  # stored times sort as text
        self.opens = [to_db_time(e - timedelta(days=RECENT_DAYS)) for e in ends]  # each day's recent window
        self.spans: dict[tuple[tuple[object, ...], int, int], int] = defaultdict(int)  # (key, first, stop) -> count
        # Recent answers' predicted recall, summed per stretch between window edges (no float is
        # subtracted again, so each day's sum is as exact as a plain one).
        self.edges = sorted(set(self.ends) | set(self.opens))
        self.predicted: dict[int, list[float]] = defaultdict(lambda: [0.0] * (2 * len(self.edges) + 1))
        self.extra: list[dict[int, float]] = [defaultdict(float) for _ in range(self.n)]

    def since(self, at: str) -> int:
        """The first day whose end is at or after `at`."""
        return bisect.bisect_left(self.ends, at)

    def add(self, key: tuple[object, ...], first: int, stop: int, count: int = 1) -> None:
        """`count` more of `key` on days [first, stop)."""
        if first < stop:
            self.spans[(key, first, stop)] += count

    def changes(self) -> list[dict[tuple[object, ...], int]]:
        """Per day, how much each key rises (or falls) from the day before."""
        diff: list[dict[tuple[object, ...], int]] = [defaultdict(int) for _ in range(self.n + 1)]
        for (key, first, stop), count in self.spans.items():
            diff[first][key] += count
            diff[stop][key] -= count
        return diff

    def recent(self, at: str) -> tuple[int, int]:
        """The days whose recent window holds an answer made at `at`."""
        return bisect.bisect_left(self.ends, at), bisect.bisect_right(self.opens, at)

    def add_predicted(self, domain: int, at: str, value: float) -> None:
        i = bisect.bisect_left(self.edges, at)
        self.predicted[domain][2 * i + 1 if i < len(self.edges) and self.edges[i] == at else 2 * i] += value

    def predicted_on(self, day: int, domain: int) -> float:
        lo, hi = bisect.bisect_left(self.edges, self.opens[day]), bisect.bisect_left(self.edges, self.ends[day])
        buckets = self.predicted.get(domain)
        return (sum(buckets[2 * lo + 1: 2 * hi + 2]) if buckets else 0.0) + self.extra[day].get(domain, 0.0)


def _questions(con: sqlite3.Connection, deck: Deck) -> list[_Question]:
    index = {d.id: i for i, d in enumerate(deck.domains)}
    guesses: dict[tuple[str, int | None, int | None], float] = {}
    out = []
    for card_id, domain, kind, choices, pick, state, stability, last_review, first in con.execute(
            _QUESTIONS, {"deck": deck.id}):
        if domain not in index:
            continue
        found = None
        if first is not None:
            at, review_id, right = first.split(" ")
            found = (at, int(review_id), right == "1")
        guess = guesses.get((kind, choices, pick))
        if guess is None:
            guess = guesses[(kind, choices, pick)] = _guess(kind, choices, pick)
        out.append(_Question(card_id, index[domain], guess, kind == "flashcard",
                             (state, stability, from_db_time(last_review) if state else None), found, round(guess, 6)))
    return out


@dataclass
class Questions:
    """The deck's questions (not retired) in its order, each with its card's state and first answer, and
    the answers on finished mock papers: read once, for the fingerprints and for the days computed."""

    deck: Deck
    questions: list[_Question]
    papers: list[tuple[_Question, bool, str, str]]  # (question, right, paper started, paper finished)
    first_paper: dict[int, str]  # card id -> when a paper first showed it

    @classmethod
    def read(cls, con: sqlite3.Connection, deck: Deck) -> Questions:
        questions = _questions(con, deck)
        by_card = {q.card_id: q for q in questions}
        first_paper: dict[int, str] = {}
        papers = []
        for card_id, correct, started, finished in con.execute(_PAPERS, {"deck": deck.id}):
            if card_id in by_card:
                first_paper.setdefault(card_id, started)
                papers.append((by_card[card_id], bool(correct), started, finished))
        return cls(deck, questions, papers, first_paper)

    def digest(self) -> str:
        """What the figures read of the questions themselves (not of their cards or answers)."""
        h = hashlib.sha256(array("q", [q.card_id for q in self.questions]).tobytes())
        h.update(array("q", [q.domain * 2 + q.self_rated for q in self.questions]).tobytes())
        h.update(array("d", [q.guess for q in self.questions]).tobytes())
        return h.hexdigest()


Made = dict[int, tuple[int, int, float]]
"""Review answers made during one day that count as recent answers, per domain (by its index in the deck):
(answers, right, summed predicted P(right)). A later day's recent window adds them up as they are."""


@dataclass(frozen=True, slots=True)
class KnownDay:
    """A day before the ones to compute whose answers are already summed up (from the cache)."""

    start: datetime
    end: datetime
    made: Made


def trend_points(
    con: sqlite3.Connection, *, read: Questions, days: Sequence[tuple[str, datetime]], exam_at: datetime | None,
    scheduler: fsrs.Scheduler, stop: Callable[[], bool] | None = None, starts: Sequence[datetime] = (),
    known: Sequence[KnownDay] = (),
) -> tuple[list[ReadinessPoint], list[Made]]:
    """Readiness at the end of each of `days` ((study date, end moment) in time order; each starting at
    `starts`, when given) from the answers up to then, and what each day's answers add to a later recent window.
    The answers of `known` days (just before) are not read again where every window holds them whole.
    `stop` is asked between steps, and the days done so far are returned when it says so."""
    if not days:
        return [], []
    stopped = stop or (lambda: False)
    deck, questions, first_paper = read.deck, read.questions, read.first_paper
    ends = [end for _, end in days]
    book = _Days(ends)
    recall = _Recall(scheduler)
    by_card = {q.card_id: q for q in questions}
    skipped = _whole_in_every_window(known, starts[0] if starts else None, book)
    for whole in skipped:
        for d, (answers, right, predicted) in whole.made.items():
            book.add(("recent", d, True), 0, book.n, right)
            book.add(("recent", d, False), 0, book.n, answers - right)
            for extra in book.extra:
                extra[d] += predicted
    # Each review answer closes its question's previous state (the state before it held since the last
    # one) and may be a recent answer: counted as it streams past, never kept.
    start = dict.fromkeys(by_card, 0)  # the first day of each question's current state
    tried = {q.card_id: book.since(q.first[0]) if q.first is not None and _tried(q, first_paper.get(q.card_id))
             else book.n for q in questions}  # the first day each question has a first try
    at_of = [exam_at if exam_at is not None and exam_at > end else end for end in ends]
    made: list[Made] = [{} for _ in days]
    opened = [to_db_time(start) for start in starts] if starts else book.ends  # each day's first moment
    # The answers since the first window opens, but for the known days' (the answers after them only).
    parts = [_REVIEWS + " AND reviewed_at >= :since AND reviewed_at < :start", _REVIEWS + " AND reviewed_at > :end"] \
        if skipped else [_REVIEWS + " AND reviewed_at >= :since"]
    bounds = {"deck": deck.id, "since": book.opens[0]}
    if skipped:
        bounds.update(start=to_db_time(skipped[0].start), end=to_db_time(skipped[-1].end))
    for sql in parts:
        cursor = con.execute(sql + " ORDER BY reviewed_at, id", bounds)
        while rows := cursor.fetchmany(_FETCH):
            if stopped():
                return [], []
            for card_id, review_id, at, right, kind, stability, last_review in rows:
                q = by_card.get(card_id)
                if q is None:
                    continue
                before = (kind, stability, datetime.fromisoformat(last_review) if last_review else None)
                day = book.since(at)  # the days ending before this answer held the state before it
                if day > start[card_id]:
                    _count_state(book, q.domain, before, start[card_id], day, tried[card_id], at_of, recall)
                    start[card_id] = day
                if kind == scheduling.REVIEW and not (q.first is not None and review_id == q.first[1]):
                    predicted = _count_recent(book, q, at, bool(right), before, recall)
                    if day < book.n and at >= opened[day]:  # made that day
                        n, r, p = made[day].get(q.domain, (0, 0, 0.0))
                        made[day][q.domain] = (n + 1, r + bool(right), p + predicted)
    spans, n = book.spans, book.n
    for q in questions:  # (inlined: a hundred thousand questions, most with one day to count)
        d, first, begin, state = q.domain, tried[q.card_id], start[q.card_id], q.current
        if first < n:  # its first try, from its day on
            right = q.first[2]  # type: ignore[index]
            spans[(("first", d, right), first, n)] += 1
            spans[(("rated", d, right) if q.self_rated else ("try", d, q.group, right), first, n)] += 1
        if state[0] != scheduling.NEW and begin == n - 1:
            spans[(("seen", d), begin, n)] += 1
            spans[(("bin", d, recall_bin(recall(state, at_of[begin]))), begin, n)] += 1
        elif begin < n:
            _count_state(book, d, state, begin, n, first, at_of, recall)
    _count_met_on_papers(book, read, scheduler, at_of, recall)
    if stopped():
        return [], []
    guess = _domain_guess(deck, questions)
    kept = _paper_reviews(con, read, since=book.opens[0])
    for q, correct, started, finished in read.papers:
        _count_mock_answer(book, q, correct, started, finished, first_paper[q.card_id], guess[q.domain],
                           kept.get(q.card_id, ()), recall)
    points = _points(deck, days, book, questions, guess, exam_at, stopped)
    return points, made[:len(points)]


def _whole_in_every_window(known: Sequence[KnownDay], first_start: datetime | None, book: _Days) -> list[KnownDay]:
    """The known days, just before the first day to compute, that every day's recent window holds whole."""
    out: list[KnownDay] = []
    follows = first_start
    for day in reversed(known):
        if follows is None or day.end + timedelta(microseconds=1) != follows or to_db_time(day.start) < book.opens[-1]:
            break
        out.append(day)
        follows = day.start
    return out[::-1]


def _paper_reviews(con: sqlite3.Connection, read: Questions, *, since: str) -> dict[int, list[tuple[str, _State]]]:
    """The review answers (time, state before) since `since` of the questions on mock papers."""
    out: dict[int, list[tuple[str, _State]]] = defaultdict(list)
    ids = sorted(read.first_paper)
    for part in range(0, len(ids), 500):
        chunk = ids[part:part + 500]
        for card_id, at, kind, stability, last_review in con.execute(
                f"SELECT card_id, reviewed_at, json_extract(state_before, '$.state'), json_extract(state_before, "
                f"'$.stability'), json_extract(state_before, '$.last_review') FROM review WHERE card_id IN "
                f"({', '.join('?' * len(chunk))}) AND mode = 'review' AND state_before IS NOT NULL AND state_before != '' "
                f"AND reviewed_at >= ? ORDER BY reviewed_at, id", (*chunk, since)):
            out[card_id].append((at, (kind, stability, datetime.fromisoformat(last_review) if last_review else None)))
    return out


def _domain_guess(deck: Deck, questions: Sequence[_Question]) -> list[float]:
    """A domain's exam guess rate: the mean over its multiple-choice questions (as `tally_domain` takes it)."""
    rates: list[list[float]] = [[] for _ in deck.domains]
    for q in questions:
        if not q.self_rated and q.guess > 0:
            rates[q.domain].append(q.guess)
    return [sum(r) / len(r) if r else EXAM_GUESS for r in rates]


def _tried(q: _Question, paper: str | None) -> bool:
    """Whether its first answer is a first try: made before any mock paper showed the question."""
    return q.first is not None and not (paper is not None and paper <= q.first[0])


def _count_recent(book: _Days, q: _Question, at: str, right: bool, before: _State, recall: _Recall) -> float:
    """A review answer to a studied question, on the days whose recent window holds it; returns the P(right)
    the memory model predicted for it."""
    predicted = q.guess + (1 - q.guess) * recall(before, from_db_time(at))  # type: ignore[arg-type]
    lo, hi = book.recent(at)
    if lo < hi:
        book.add(("recent", q.domain, right), lo, hi)
        book.add_predicted(q.domain, at, predicted)
    return predicted


def _count_state(book: _Days, domain: int, state: _State, start: int, stop: int, tried: int,
                 at_of: Sequence[datetime], recall: _Recall) -> None:
    """A question in `state` over days [start, stop): seen (studied, or tried from day `tried` on), and its
    recall bin."""
    if state[0] == scheduling.NEW:
        start = max(start, tried)  # seen once tried; recall 0
        if start < stop:
            book.add(("seen", domain), start, stop)
            book.add(("bin", domain, _NEVER), start, stop)
        return
    book.add(("seen", domain), start, stop)
    if stop - start == 1:  # one day (today's point alone, most often)
        book.add(("bin", domain, recall_bin(recall(state, at_of[start]))), start, stop)
        return
    known: dict[int, float] = {}

    def bin_on(day: int) -> float:
        if day not in known:
            known[day] = recall_bin(recall(state, at_of[day]))
        return known[day]

    # The bin never rises from one day to the next (later moment, same state): find where it falls.
    day = start
    while day < stop:
        value = bin_on(day)
        lo, hi = day, stop - 1
        if bin_on(hi) != value:
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if bin_on(mid) == value:
                    lo = mid
                else:
                    hi = mid
        else:
            lo = hi
        book.add(("bin", domain, value), day, lo + 1)
        day = lo + 1


def _count_met_on_papers(book: _Days, read: Questions, scheduler: fsrs.Scheduler, at_of: Sequence[datetime],
                         recall: _Recall) -> None:
    """A question met only on mock papers counts as studied there (`core.readiness.mock_memory`), from the day
    a paper showed it until its first answer outside mock exams (from then on its own states count)."""
    shown: dict[int, tuple[_Question, list[tuple[str, str, bool]]]] = {}  # card -> (question, its papers)
    for q, correct, started, finished in read.papers:
        shown.setdefault(q.card_id, (q, []))[1].append((finished, started, correct))
    for q, papers in shown.values():
        if q.first is None and q.current[0] != scheduling.NEW:
            continue  # a state without answers to show for it: the per-question path keeps it too
        until = book.since(q.first[0]) if q.first is not None else book.n
        papers.sort()
        for k, (finished, _, _) in enumerate(papers):
            begin = book.since(finished)
            stop = min(until, book.since(papers[k + 1][0]) if k + 1 < len(papers) else book.n)
            if begin < stop:  # the papers finished by then, as `mock_memory` reads them
                memory = mock_memory([(t, ok) for _, s, ok in papers[:k + 1] if (t := from_db_time(s))], scheduler)
                _count_state(book, q.domain, (memory.state, memory.stability, memory.last_review), begin, stop,
                             book.n, at_of, recall)


def _count_mock_answer(book: _Days, q: _Question, correct: bool, started: str, finished: str, first_paper: str,
                       guess: float, reviews: Sequence[tuple[str, _State]], recall: _Recall) -> None:
    n, d = book.n, q.domain
    shown = book.since(finished)
    fresh = first_paper >= started and not (q.first is not None and q.first[0] < started)
    book.add(("mock", d, correct, not fresh), shown, n)
    if fresh:  # a first try at a new question
        book.add(("try", d, round(guess, 6), correct), shown, n)
        return
    last = bisect.bisect_right(book.opens, started)  # days whose recent window holds the paper
    if shown >= last:
        return
    before = next((state for at, state in reviews if at > started), q.current)  # its state then
    if before[0] != scheduling.REVIEW:
        return
    book.add(("recent", d, correct), shown, last)
    predicted = q.guess + (1 - q.guess) * recall(before, from_db_time(started))  # type: ignore[arg-type]
    for day in range(shown, last):
        book.extra[day][d] += predicted


def _points(deck: Deck, days: Sequence[tuple[str, datetime]], book: _Days, questions: Sequence[_Question],
            guess: Sequence[float], exam_at: datetime | None, stopped: Callable[[], bool]) -> list[ReadinessPoint]:
    size = [0] * len(deck.domains)
    for q in questions:
        size[q.domain] += 1
    running: dict[tuple[object, ...], int] = defaultdict(int)
    points = []
    changes = book.changes()
    for day, (label, end) in enumerate(days):
        if stopped():
            break
        for key, change in changes[day].items():
            running[key] += change
        per: list[dict[tuple[object, ...], int]] = [{} for _ in deck.domains]
        bins: list[list[tuple[float, int]]] = [[] for _ in deck.domains]
        tries: list[dict[float, list[int]]] = [defaultdict(lambda: [0, 0]) for _ in deck.domains]
        for key, count in running.items():
            if not count:
                continue
            kind, d = key[0], key[1]
            assert isinstance(d, int)
            if kind == "bin":
                bins[d].append((key[2], count))  # type: ignore[arg-type]
            elif kind == "try":
                tries[d][key[2]][0 if key[3] else 1] += count  # type: ignore[index]
            else:
                per[d][(kind, *key[2:])] = count
        tallies = {}
        answers = right = 0
        predicted = 0.0
        for d, domain in enumerate(deck.domains):
            def get(*key: object, c: dict[tuple[object, ...], int] = per[d]) -> int:
                return c.get(key, 0)

            recent = (get("recent", False) + get("recent", True), get("recent", True))
            recent_predicted = book.predicted_on(day, d)
            answers, right, predicted = answers + recent[0], right + recent[1], predicted + recent_predicted
            groups = tuple((g, float(v[0] + v[1]), float(v[0])) for g, v in sorted(tries[d].items()) if v[0] or v[1])
            rated = get("rated", False) + get("rated", True)
            mock = [get("mock", ok, reused) for ok in (False, True) for reused in (False, True)]
            tallies[domain.id] = DomainTally(
                questions=size[d], seen=get("seen"), due=0, guess=guess[d],
                tries=Tries(groups, float(rated), float(get("rated", True))),
                first_tries=get("first", False) + get("first", True), first_try_correct=get("first", True),
                recall=tuple(sorted(bins[d])), recent=recent, recent_predicted=recent_predicted,
                mock=(sum(mock), mock[2] + mock[3], mock[1] + mock[3]), tasks_total=len(domain.tasks),
            )
        r = assess_tallies(deck, tallies, fit=memory_fit_counts(answers, predicted, right), now=end, exam_at=exam_at,
                           action_count=0, draws=TREND_DRAWS)
        points.append(ReadinessPoint(label, r.score.raw, r.score.raw_low, r.score.raw_high, r.score.p_pass,
                                     {x.id: x.estimate for x in r.domains}))
    return points
