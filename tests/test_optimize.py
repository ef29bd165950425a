"""`certdrill optimize`: fits FSRS to the learner's reviews, or says how to get the optimizer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import fsrs
import pytest

from certdrill.errors import CertdrillError
from certdrill.study import optimize
from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from helpers import Clock

FITTED = [round(p * 1.01, 4) for p in fsrs.Scheduler().parameters]


class FakeOptimizer:
    """Stands in for fsrs.optimizer.Optimizer (which needs PyTorch) and records what it was given."""

    seen: list[fsrs.ReviewLog] = []

    def __init__(self, logs: Sequence[fsrs.ReviewLog]) -> None:
        FakeOptimizer.seen = list(logs)

    def compute_optimal_parameters(self) -> list[float]:
        return FITTED


def many_reviews(ws: Workspace, clock: Clock, n: int) -> None:
    desk = StudyDesk(ws)
    for i in range(n):
        desk.answer(1 + i % 4, [0] if i % 3 else [1], rating=3)
        clock.advance(hours=7)


def test_too_little_history_is_a_clear_refusal(workspace: Workspace, clock: Clock) -> None:
    many_reviews(workspace, clock, 10)
    with workspace.session() as s, pytest.raises(CertdrillError, match="only 10 reviews so far"):
        optimize.fit_parameters(s, apply=False, make_optimizer=FakeOptimizer)


def test_fitted_parameters_are_applied_to_later_answers(workspace: Workspace, clock: Clock,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optimize, "MIN_REVIEWS", 20)
    many_reviews(workspace, clock, 24)
    with workspace.session() as s:
        result = optimize.fit_parameters(s, apply=True, make_optimizer=FakeOptimizer)
    assert result.reviews == 24 and len(FakeOptimizer.seen) == 24
    assert all(isinstance(log.rating, fsrs.Rating) for log in FakeOptimizer.seen)
    assert workspace.scheduler_settings().parameters == tuple(FITTED)


def test_without_the_extra_the_message_says_how_to_install_it(workspace: Workspace, clock: Clock,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optimize, "MIN_REVIEWS", 1)
    many_reviews(workspace, clock, 2)
    import builtins

    real_import = builtins.__import__

    def no_optimizer(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "fsrs.optimizer":
            raise ImportError("no torch")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_optimizer)
    with workspace.session() as s, pytest.raises(CertdrillError, match=r"pip install 'certdrill\[optimizer\]'"):
        optimize.fit_parameters(s, apply=False)
