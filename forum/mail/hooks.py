"""Work that other areas hang on the mail worker's rounds (digests: forum/notifications/digests.py)."""
from __future__ import annotations

from typing import Callable

_scheduled: list[Callable[[], None]] = []


def on_schedule(job: Callable[[], None]) -> None:
    """`job()` runs in every worker round, in an app context; it decides itself whether anything is due."""
    if job not in _scheduled:
        _scheduled.append(job)


def scheduled() -> list[Callable[[], None]]:
    return list(_scheduled)
