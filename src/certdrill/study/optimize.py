"""Fit FSRS parameters to the learner's own review history (fsrs[optimizer], optional extra)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import fsrs
from sqlmodel import Session, col, select

from certdrill.errors import CertdrillError
from certdrill.storage.tables import ReviewRow
from certdrill.study.settings import save_setting

MIN_REVIEWS = 400  # below this the fit mostly returns the defaults; the optimizer itself wants more
INSTALL_HINT = "install it with: pip install 'certdrill[optimizer]' (it brings PyTorch)"


@dataclass(frozen=True, slots=True)
class FitResult:
    reviews: int
    parameters: tuple[float, ...]
    applied: bool


def review_logs(session: Session) -> list[fsrs.ReviewLog]:
    """Every scheduled answer (review mode) as an fsrs ReviewLog, oldest first."""
    rows = session.execute(
        select(col(ReviewRow.card_id), col(ReviewRow.rating), col(ReviewRow.reviewed_at), col(ReviewRow.duration_ms))
        .where(col(ReviewRow.mode) == "review").order_by(col(ReviewRow.id))
    )
    return [fsrs.ReviewLog(card_id, fsrs.Rating(rating), at, duration or None) for card_id, rating, at, duration in rows]


def _default_optimizer(logs: Sequence[fsrs.ReviewLog]) -> Any:
    try:
        from fsrs.optimizer import Optimizer

        return Optimizer(list(logs))
    except ImportError:
        raise CertdrillError(f"the FSRS optimizer is not installed; {INSTALL_HINT}") from None


def fit_parameters(
    session: Session, *, apply: bool, make_optimizer: Callable[[Sequence[fsrs.ReviewLog]], Any] = _default_optimizer,
) -> FitResult:
    """Fit parameters to the history; with `apply`, store them so every later answer uses them."""
    logs = review_logs(session)
    if len(logs) < MIN_REVIEWS:
        raise CertdrillError(f"only {len(logs)} reviews so far; fitting FSRS needs at least {MIN_REVIEWS}")
    parameters = tuple(float(p) for p in make_optimizer(logs).compute_optimal_parameters())
    fsrs.Scheduler(parameters=parameters)  # the package validates them (count and bounds)
    if apply:
        save_setting(session, name="fsrs_parameters", value=list(parameters))
    return FitResult(len(logs), parameters, apply)
