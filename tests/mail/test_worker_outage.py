"""The mail worker during a database outage: one line per interval with a count, not a traceback
every poll (661 lines in 25 s before), and a line when it works again."""
from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from forum.mail import loop


def test_failing_rounds_are_reported_once_per_interval_without_a_traceback(app, monkeypatch, caplog):
    clock = [1000.0]
    monkeypatch.setattr(loop.time, "monotonic", lambda: clock[0])
    down = OperationalError("SELECT 1", {}, Exception('connection to server at "127.0.0.1", port 5432 failed\nDETAIL'))
    failing = [True]

    def deliver_due(**_kwargs):
        if failing[0]:
            raise down

    monkeypatch.setattr("forum.mail.worker.deliver_due", deliver_due)
    state: dict = {}
    with caplog.at_level(logging.INFO, logger="forum.mail"):
        for _ in range(6):  # 25 s of polls every 5 s
            loop._round(app, state)
            clock[0] += 5
        assert [r.exc_info for r in caplog.records] == [None]
        assert caplog.records[0].getMessage() == (
            'mail worker round failed, database unavailable: OperationalError: connection to server at '
            '"127.0.0.1", port 5432 failed')
        clock[0] += 5  # 35 s after the first report
        loop._round(app, state)
        assert len(caplog.records) == 2 and "(and 5 more failed rounds since the last report)" in caplog.text
        failing[0] = False
        loop._round(app, state)
        assert caplog.records[-1].getMessage() == "mail worker rounds work again (after 7 failed rounds)"
        loop._round(app, state)
        assert len(caplog.records) == 3


def test_an_unexpected_error_keeps_its_traceback_but_is_throttled_too(app, monkeypatch, caplog):
    monkeypatch.setattr(loop.time, "monotonic", lambda: 50.0)

    def broken(**_kwargs):
        raise KeyError("bug")

    monkeypatch.setattr("forum.mail.worker.deliver_due", broken)
    state: dict = {}
    with caplog.at_level(logging.INFO, logger="forum.mail"):
        for _ in range(3):
            loop._round(app, state)
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is not None
