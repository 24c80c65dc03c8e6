"""Profiles of the real app in-process (not a test): where a page's time goes (bench/PROFILE.md).

    .venv/bin/python bench/profile_pages.py [--requests 200] [--cases list-anon proposal-50]

For each case, the same requests as bench/pages_inprocess.py (Flask test client, PostgreSQL bench
database `forum_bench_pages`, list cache off) run under pyinstrument (call tree, wall time) and
under cProfile (flat, by own time and by cumulative time). Output in bench/results/profile-<case>.*:
`.txt` (pyinstrument call tree), `.cprofile.txt` (pstats), `.html` with `--html` (large), and
bench/results/profile-summary.md: per case, milliseconds per request spent under each part of the
work (SQL, Babel, macros, live panel …, see profile_summary.py) and own time per library.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_db  # noqa: E402
import pages_inprocess  # noqa: E402
import profile_summary  # noqa: E402

RESULTS = pages_db.BENCH / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", action="store_true", help="also pyinstrument's HTML (10–30 MB each)")
    parser.add_argument("--cases", nargs="+", default=["list-anon", "list-signed-in", "proposal-50",
                                                       "proposal-50-signed-in"])
    args = parser.parse_args()
    from pyinstrument import Profiler

    pages_db.ensure(args.database)
    ids = pages_db.ids(args.database)
    app = pages_inprocess.make_app(args.database)
    anonymous = app.test_client()
    citizen = pages_inprocess.log_in(app, ids["signed_in_email"])
    fifty = [f"/proposals/{pid}" for pid in ids["fifty_ids"]]
    cases = {"list-anon": (anonymous, ["/proposals"]), "list-signed-in": (citizen, ["/proposals"]),
             "proposal-50": (anonymous, fifty), "proposal-50-signed-in": (citizen, fifty)}
    RESULTS.mkdir(exist_ok=True)
    base = pages_inprocess.BASE
    summaries = {}
    for name in args.cases:
        client, paths = cases[name]
        for n in range(20):  # warm: templates compiled, markdown cache filled, pool connected
            client.get(paths[n % len(paths)], base_url=base)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(args.requests):
            client.get(paths[n % len(paths)], base_url=base)
        profiler.stop()
        (RESULTS / f"profile-{name}.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            (RESULTS / f"profile-{name}.html").write_text(profiler.output_html())
        summaries[name] = profile_summary.summarise(profiler.last_session, args.requests)
        stats = cProfile.Profile()
        stats.enable()
        for n in range(args.requests):
            client.get(paths[n % len(paths)], base_url=base)
        stats.disable()
        out = io.StringIO()
        printed = pstats.Stats(stats, stream=out)
        out.write(f"{args.requests} requests of {name}; divide times by that for one request\n")
        printed.sort_stats("tottime").print_stats(60)
        printed.sort_stats("cumulative").print_stats(120)
        (RESULTS / f"profile-{name}.cprofile.txt").write_text(out.getvalue())
        print(f"{name}: bench/results/profile-{name}.txt, .cprofile.txt", file=sys.stderr)
    text = profile_summary.markdown(summaries, args.requests)
    (RESULTS / "profile-summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
