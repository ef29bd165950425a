"""What screens give back when they close: small typed results (None only for "cancelled")."""

from __future__ import annotations

from dataclasses import dataclass

from certdrill.study.session import Answered


@dataclass(frozen=True, slots=True)
class NewExam:
    """Start a new mock exam of this size and time."""

    size: int
    minutes: int


@dataclass(frozen=True, slots=True)
class OpenAttempt:
    """Open a past attempt: resume it, or show its result when it is over."""

    attempt_id: int


ExamChoice = NewExam | OpenAttempt


@dataclass(frozen=True, slots=True)
class ExamClosed:
    """The mock exam left the screen: submitted (or out of time), or paused with its clock running."""

    attempt_id: int
    submitted: bool


@dataclass(frozen=True, slots=True)
class SubmitExam:
    """Submit the mock exam now."""


@dataclass(frozen=True, slots=True)
class GoToQuestion:
    """Go back to this question of the mock exam (its index on the paper)."""

    index: int


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """A review or practice session is over: its answers, and whether it ran out of questions
    (rather than the learner leaving)."""

    answers: list[Answered]
    exhausted: bool
