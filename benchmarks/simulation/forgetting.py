"""Forgetting models unlike FSRS that decide what a simulated learner remembers: exponential, ACT-R, a power law
with its own decay, and exponential memories that interfere with their siblings (questions of the same task)."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from typing import Protocol

MINUTE = 1 / 1440  # times are in days since the start of study


class Memory(Protocol):
    """The true memory of one question's material: recall probability at a time, and a study event."""

    def recall(self, t: float) -> float: ...

    def study(self, t: float, recalled: bool) -> None: ...


@dataclass
class ExponentialMemory:
    """R(t) = exp(-elapsed / S). S starts at `s0` and grows on each successful recall by
    1.1 + growth * (1 - R) (spaced recalls grow it more than massed ones); a lapse cuts it to `lapse` * S."""

    s0: float
    growth: float
    lapse: float
    stability: float = 0.0
    last: float | None = None

    def recall(self, t: float) -> float:
        if self.last is None:
            return 0.0
        return math.exp(-max(0.0, t - self.last) / self.stability)

    def study(self, t: float, recalled: bool) -> None:
        _restudy(self, t, recalled, base=1.1)


@dataclass
class PowerLawMemory:
    """R(t) = (1 + elapsed / (k * S)) ** -decay, with k chosen so that R(S) = 0.9 (S is the interval to 90%
    recall, as FSRS's stability, but the curve's shape is the learner's own decay, 0.3-1.5, where FSRS
    fixes it). S starts at `s0`, grows on a recall by 1.2 + growth * (1 - R) and a lapse cuts it to `lapse` * S."""

    s0: float
    decay: float
    growth: float
    lapse: float
    stability: float = 0.0
    last: float | None = None

    def recall(self, t: float) -> float:
        if self.last is None:
            return 0.0
        k = 1.0 / (0.9 ** (-1.0 / self.decay) - 1.0)
        return (1.0 + max(0.0, t - self.last) / (k * self.stability)) ** -self.decay

    def study(self, t: float, recalled: bool) -> None:
        _restudy(self, t, recalled, base=1.2)


def _restudy(memory: ExponentialMemory | PowerLawMemory, t: float, recalled: bool, *, base: float) -> None:
    """A study at `t` of a memory whose stability grows: the first sets it to `s0`; a recall grows it by
    base + growth * (1 - R) (R at `t`, by the memory's own curve); a lapse cuts it to `lapse` times
    (never below s0 / 2)."""
    if memory.last is None:
        memory.stability = memory.s0
    else:
        r = memory.recall(t)
        memory.stability = (memory.stability * (base + memory.growth * (1.0 - r)) if recalled
                            else max(memory.s0 / 2, memory.stability * memory.lapse))
    memory.last = t


@dataclass
class InterferingMemory(ExponentialMemory):
    """Exponential memory that similar material interferes with: each study of another question of the same
    task since this one's last study multiplies its recall by (1 - interference). `siblings` holds the study
    times of the whole task (shared by its questions, in time order)."""

    interference: float = 0.0
    siblings: list[float] = field(default_factory=list)

    def recall(self, t: float) -> float:
        own = super().recall(t)
        if self.last is None:
            return own
        others = bisect.bisect_right(self.siblings, t) - bisect.bisect_right(self.siblings, self.last)
        return own * (1.0 - self.interference) ** others

    def study(self, t: float, recalled: bool) -> None:
        super().study(t, recalled)
        self.siblings.append(t)


@dataclass
class ActRMemory:
    """ACT-R declarative memory with the spacing effect (Pavlik & Anderson 2005): activation
    m(t) = ln(sum_j (t - t_j)^-d_j), each trace's decay d_j = c * exp(m(t_j)) + a (massed study decays
    faster), and P(recall) = 1 / (1 + exp((tau - m) / s))."""

    a: float
    c: float
    tau: float
    s: float
    traces: list[tuple[float, float]] = field(default_factory=list)  # (time, decay)

    def activation(self, t: float) -> float:
        total = sum(max(MINUTE, t - tj) ** -d for tj, d in self.traces if tj <= t)
        return math.log(total) if total > 0 else -math.inf

    def recall(self, t: float) -> float:
        if not self.traces:
            return 0.0
        m = self.activation(t)
        z = (self.tau - m) / self.s
        return 1.0 / (1.0 + math.exp(min(50.0, z)))

    def study(self, t: float, recalled: bool) -> None:
        m = self.activation(t)
        decay = self.a + (self.c * math.exp(m) if m > -math.inf else 0.0)
        self.traces.append((t, min(decay, 2.0)))


@dataclass(frozen=True)
class ForgettingFamily:
    """How to draw one learner's memory parameters and make a memory per question."""

    name: str

    def learner(self, rng: random.Random) -> dict[str, float]:
        if self.name == "exponential":
            return {"s0": math.exp(rng.gauss(math.log(6.0), 0.5)), "growth": rng.uniform(4.0, 10.0),
                    "lapse": rng.uniform(0.2, 0.5)}
        if self.name == "act-r":
            return {"a": rng.uniform(0.15, 0.3), "c": rng.uniform(0.15, 0.3), "tau": rng.gauss(-0.45, 0.25),
                    "s": rng.uniform(0.25, 0.45)}
        if self.name == "power-law":
            return {"s0": math.exp(rng.gauss(math.log(3.0), 0.5)), "decay": rng.uniform(0.3, 1.5),
                    "growth": rng.uniform(3.0, 8.0), "lapse": rng.uniform(0.2, 0.5)}
        if self.name == "interference":
            return {"s0": math.exp(rng.gauss(math.log(6.0), 0.5)), "growth": rng.uniform(4.0, 10.0),
                    "lapse": rng.uniform(0.2, 0.5), "interference": rng.uniform(0.01, 0.04)}
        raise ValueError(f"unknown forgetting family {self.name}")

    def memory(self, params: dict[str, float], siblings: list[float]) -> Memory:
        """A question's memory; `siblings` is shared by the questions of its task (only interference uses it)."""
        if self.name == "exponential":
            return ExponentialMemory(params["s0"], params["growth"], params["lapse"])
        if self.name == "power-law":
            return PowerLawMemory(params["s0"], params["decay"], params["growth"], params["lapse"])
        if self.name == "interference":
            return InterferingMemory(params["s0"], params["growth"], params["lapse"],
                                     interference=params["interference"], siblings=siblings)
        return ActRMemory(params["a"], params["c"], params["tau"], params["s"])


EXPONENTIAL = ForgettingFamily("exponential")
ACT_R = ForgettingFamily("act-r")
POWER_LAW = ForgettingFamily("power-law")
INTERFERENCE = ForgettingFamily("interference")
