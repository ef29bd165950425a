"""Show the learner's own problems (database busy or full, an import refused) as notices, not crashes."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from certdrill.errors import CertdrillError

T = TypeVar("T", bound=type[Any])


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except CertdrillError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                return None

        return async_wrapper

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except CertdrillError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return None

    return wrapper


def reports_user_errors(cls: T) -> T:
    """Class decorator: every action_* and on_* method turns a CertdrillError into a notification.

    The screen stays where it was, so nothing looks saved that was not.
    """
    for name, member in list(vars(cls).items()):
        if callable(member) and (name.startswith("action_") or name.startswith("on_")):
            setattr(cls, name, _guard(member))
    return cls


def guarded(node: Any, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """A screen-result callback that reports a CertdrillError on `node` instead of crashing."""

    def run(result: Any) -> None:
        try:
            callback(result)
        except CertdrillError as exc:
            node.notify(str(exc), severity="error", timeout=10)

    return run
