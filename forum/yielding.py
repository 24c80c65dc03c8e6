"""Long work inside a request lets the other connections of its worker go on.

A `forum serve` worker runs every connection as a greenlet on one thread: CPU work (building an
export, a calendar, an open data file) runs until it blocks, and every other connection of that
worker waits meanwhile. Loops over many items call `idle()` now and then (or iterate through
`yielding()`), which hands the hub one turn under `forum serve` and does nothing otherwise
(threads: Flask's development server, tests).

The turn is a 1 ms timer, not `gevent.sleep(0)`: a zero sleep only queues the greenlet behind the
other ready callbacks, and gevent polls for I/O only every 50 callbacks, so new requests and
connections would still wait for the whole loop. The timer makes the event loop poll first.
"""
from __future__ import annotations

from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
EVERY = 100  # items between two turns: a few ms of work at most
TURN = 0.001  # seconds


def idle() -> None:
    """Let the other connections of this gevent worker (their I/O included) have a turn."""
    from gevent import monkey

    if monkey.is_module_patched("socket"):
        import gevent

        gevent.sleep(TURN)


def yielding(items: Iterable[T], every: int = EVERY) -> Iterator[T]:
    for index, item in enumerate(items):
        if index and index % every == 0:
            idle()
        yield item
