"""The operations tests that run real processes (servers, a private PostgreSQL cluster, a private
Redis) bring their own databases, so the backend of the suite does not change what they test.
CI runs the suite on SQLite and then the `db_specific` tests with FORUM_TEST_BACKEND=postgres
(tests/conftest.py); these run in the first pass only and are deselected (not skipped) in the second."""
from __future__ import annotations

import os

PROCESS_TESTS = (
    "tests/ops/test_database_outage.py",
    "tests/ops/test_redis_outage.py",
    "tests/ops/test_sqlite_writers.py",
    "tests/ops/test_live_restart.py",
    "tests/ops/test_backup.py::test_cli_carries_a_sqlite_forum_into_postgresql",
)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("FORUM_TEST_BACKEND") != "postgres":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.nodeid.startswith(PROCESS_TESTS) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
