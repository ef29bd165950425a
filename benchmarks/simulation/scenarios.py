"""The named scenarios of the readiness study: a learner family, a deck and the habits learners are drawn with."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from benchmarks.simulation.forgetting import ACT_R, EXPONENTIAL, INTERFERENCE, POWER_LAW, ForgettingFamily
from benchmarks.simulation.holdout import TransferLearner
from benchmarks.simulation.learners import ExamWorld, Learner, LearnerFamily, make_deck
from benchmarks.simulation.session import START, Behaviour
from certdrill.core import planner
from certdrill.core.model import Deck

Habits = Callable[[random.Random, Deck], Behaviour]


def regular(rng: random.Random, deck: Deck, **changes: object) -> Behaviour:
    """10-60 days, 10-45 minutes a day, new questions paced to meet the deck a week before (or half that)."""
    days = rng.randint(14, 60)
    pace = planner.new_per_day(unseen=len(deck.questions), today=START.date(),
                               exam_date=(START + timedelta(days=days)).date())
    values: dict[str, object] = {
        "days": days, "minutes": rng.choice([10, 20, 30, 45]),
        "new_per_day": max(1, int(pace * rng.choice([0.5, 1.0, 1.0]))),
    }
    values.update(changes)
    return Behaviour(**values)  # type: ignore[arg-type]


def stops_early(rng: random.Random, deck: Deck) -> Behaviour:
    b = regular(rng, deck)
    return replace(b, stop_after=int(b.days * rng.uniform(0.3, 0.7)))


def skips_days(rng: random.Random, deck: Deck) -> Behaviour:
    return regular(rng, deck, skip_prob=rng.uniform(0.2, 0.5))


def crams(rng: random.Random, deck: Deck) -> Behaviour:
    return regular(rng, deck, cram_days=rng.randint(3, 5), early_share=rng.uniform(0.2, 0.5),
                   skip_prob=rng.uniform(0.1, 0.4))


def takes_mocks(rng: random.Random, deck: Deck) -> Behaviour:
    b = regular(rng, deck)
    count = rng.randint(2, 4)
    first = max(1, b.days - 21)
    days = tuple(sorted(rng.sample(range(first, b.days), min(count, b.days - first))))
    return replace(b, mock_days=days)


def anything(rng: random.Random, deck: Deck) -> Behaviour:
    return rng.choice([regular, stops_early, skips_days, crams, takes_mocks])(rng, deck)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    habits: Habits
    forgetting: tuple[ForgettingFamily, ...] = (EXPONENTIAL,)
    flashcards: float = 0.0
    family: dict[str, object] = field(default_factory=dict)
    kind: type[Learner] = Learner

    def deck(self) -> Deck:
        return make_deck(flashcards=self.flashcards)

    def learner(self, seed: int, deck: Deck) -> tuple[Learner, Behaviour]:
        """The learner and habits drawn for `seed` (the same seed gives the same learner, exam and habits)."""
        rng = random.Random(seed)
        family = LearnerFamily(rng.choice(self.forgetting), **self.family)  # type: ignore[arg-type]
        exam = ExamWorld.draw(rng, deck)
        learner = self.kind.create(rng, deck, family, exam)
        return learner, self.habits(rng, deck)


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("steady-exponential", "studies every day; exponential forgetting", regular),
    Scenario("steady-act-r", "studies every day; ACT-R power-law forgetting", regular, (ACT_R,)),
    Scenario("stops-early", "stops studying after 30-70% of the days", stops_early, (EXPONENTIAL, ACT_R)),
    Scenario("skips-days", "skips 20-50% of the days", skips_days, (ACT_R,)),
    Scenario("crams", "studies little, then crams the last 3-5 days (practice mode)", crams, (EXPONENTIAL,)),
    Scenario("mocks", "sits 2-4 full mock exams in the last three weeks", takes_mocks, (ACT_R, EXPONENTIAL)),
    Scenario("flashcards", "30% of the deck is self-rated flashcards, rated optimistically", regular,
             (EXPONENTIAL, ACT_R), flashcards=0.3),
    Scenario("mixed", "any of the habits, either memory, 30% flashcards", anything, (EXPONENTIAL, ACT_R),
             flashcards=0.3),
    Scenario("holdout", "hold-out family, never tuned on: learning transfers within a domain, 2PL items, "
             "slips, power-law or interfering memory, any habit", anything, (POWER_LAW, INTERFERENCE),
             kind=TransferLearner),
)}

MEMORY: dict[str, Scenario] = {s.name: s for s in (
    Scenario("power-law", "studies every day; power-law forgetting with the learner's own decay (0.3-1.5)",
             regular, (POWER_LAW,)),
    Scenario("interference", "studies every day; exponential forgetting, and each study of a question of the "
             "same task costs 1-4% of recall", regular, (INTERFERENCE,)),
)}
"""Memories further from FSRS, for the exam-date comparison only (the readiness matrix keeps its published set)."""
