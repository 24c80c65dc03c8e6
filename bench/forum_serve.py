"""`forum serve` with configuration values the environment cannot set yet (bench only).

    FORUM_BENCH_CONFIG='{"PROPOSAL_LIST_CACHE_SECONDS": 0}' .venv/bin/python bench/forum_serve.py serve --port 8502

The proposal list's cache is switched off by `PROPOSAL_LIST_CACHE_SECONDS = 0`, which
Config.from_env() does not read from any variable (forum/proposals/pagecache.py). This wrapper
sets the values of FORUM_BENCH_CONFIG (JSON) on every Config built from the environment, then
runs the same entry point as the `forum` command, so arguments like `--workers N` pass through.
A value the configuration already has from the environment is left alone: once the forum reads
e.g. FORUM_PROPOSAL_LIST_CACHE_SECONDS itself, set that variable and this wrapper changes nothing.

FORUM_BENCH_GC_STATS=FILE additionally times every garbage collection of the process (gc.callbacks)
and writes the pauses per generation as JSON to FILE when the server stops: collections stop every
connection of a gevent worker, so they show in the tail latency. FORUM_BENCH_GC_FREEZE=1 is the
what-if for that: gc.collect() and gc.freeze() just before serving (the app's own objects leave
the collector's generations), optionally FORUM_BENCH_GC_THRESHOLD=N[,N1[,N2]] setting the thresholds.
FORUM_BENCH_FAIR=1 is the what-if for keep-alive fairness: gevent's pywsgi handler yields to the
hub (gevent.sleep(0)) before reading each next request of a connection, so a client that always has
its next request ready cannot keep the worker to itself.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _patch_config() -> None:
    import config

    overrides = json.loads(os.environ.get("FORUM_BENCH_CONFIG") or "{}")
    original = config.Config.from_env.__func__

    def from_env(cls, env=None, **given):
        cfg = original(cls, env, **given)
        for key, value in overrides.items():
            if key not in given and key not in vars(cfg):
                setattr(cfg, key, value)
        return cfg

    config.Config.from_env = classmethod(from_env)
    print(f"bench/forum_serve.py: config overrides {overrides}", file=sys.stderr, flush=True)


def _time_gc(path: str) -> None:
    import atexit
    import gc
    import time

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def callback(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append((time.perf_counter() - started[0]) * 1000)

    def write():
        summary = {f"gen{g}": {"count": len(v), "total_ms": round(sum(v), 1), "max_ms": round(max(v, default=0), 2)}
                   for g, v in pauses.items()}
        summary["objects_tracked"] = len(gc.get_objects())
        Path(path).write_text(json.dumps(summary, indent=2))

    gc.callbacks.append(callback)
    atexit.register(write)


def _fair_keep_alive() -> None:
    import gevent
    from gevent import pywsgi

    original = pywsgi.WSGIHandler.handle_one_request

    def handle_one_request(self):
        gevent.sleep(0)  # let the other connections' greenlets run first
        return original(self)

    pywsgi.WSGIHandler.handle_one_request = handle_one_request
    print("bench/forum_serve.py: keep-alive requests yield first", file=sys.stderr, flush=True)


def _freeze_before_serving(threshold: tuple[int, ...]) -> None:
    import gc

    import forum.server

    serve = forum.server.serve

    def frozen_serve(app, host, port, **options):
        gc.collect()
        gc.freeze()
        if threshold:
            gc.set_threshold(*threshold, *gc.get_threshold()[len(threshold):])
        print(f"bench/forum_serve.py: gc frozen ({gc.get_freeze_count()} objects), thresholds {gc.get_threshold()}",
              file=sys.stderr, flush=True)
        return serve(app, host, port, **options)

    forum.server.serve = frozen_serve


if __name__ == "__main__":
    sys.argv[0] = "forum"
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        from gevent import monkey  # before anything else loads, as forum.cli.main does

        monkey.patch_all()
    _patch_config()
    if os.environ.get("FORUM_BENCH_GC_STATS"):
        _time_gc(os.environ["FORUM_BENCH_GC_STATS"])
    if os.environ.get("FORUM_BENCH_FAIR") == "1":
        _fair_keep_alive()
    if os.environ.get("FORUM_BENCH_GC_FREEZE") == "1":
        _freeze_before_serving(tuple(int(n) for n in (os.environ.get("FORUM_BENCH_GC_THRESHOLD") or "").split(",") if n))
    from forum.cli import main

    main()
