"""`forum serve` with configuration values the environment cannot set yet (bench only).

    FORUM_BENCH_CONFIG='{"PROPOSAL_LIST_CACHE_SECONDS": 0}' .venv/bin/python bench/forum_serve.py serve --port 8502

The proposal list's cache is switched off by `PROPOSAL_LIST_CACHE_SECONDS = 0`, which
Config.from_env() does not read from any variable (forum/proposals/pagecache.py). This wrapper
sets the values of FORUM_BENCH_CONFIG (JSON) on every Config built from the environment, then
runs the same entry point as the `forum` command, so arguments like `--workers N` pass through.
A value the configuration already has from the environment is left alone: once the forum reads
e.g. FORUM_PROPOSAL_LIST_CACHE_SECONDS itself, set that variable and this wrapper changes nothing.
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

    def from_env(cls, **given):
        cfg = original(cls, **given)
        for key, value in overrides.items():
            if key not in given and key not in vars(cfg):
                setattr(cfg, key, value)
        return cfg

    config.Config.from_env = classmethod(from_env)
    print(f"bench/forum_serve.py: config overrides {overrides}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.argv[0] = "forum"
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        from gevent import monkey  # before anything else loads, as forum.cli.main does

        monkey.patch_all()
    _patch_config()
    from forum.cli import main

    main()
