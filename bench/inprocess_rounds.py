"""bench/pages_inprocess.py several times, interleaved with an earlier checkout, medians per page (not a test).

    git archive <commit> | tar -x -C bench/results/base        # the "before" tree (bench/results is not committed)
    .venv/bin/python bench/inprocess_rounds.py --base bench/results/base --rounds 5 --database forum_bench_pages

Each round runs `pages_inprocess.py --skip-heavy` of this checkout and, with `--base`, of the other
tree (same venv, same database; the other tree's `forum` package is imported from its own folder),
alternating which goes first, so load drifting on a shared machine affects both alike. It prints
one table: per render case the median over the rounds of each run's median (wall ms, CPU ms, SQL
ms), queries, and per page the queries; plus the load average before each run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def run(tree: Path, database: str, repeat: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        target = Path(out.name)
    load = os.getloadavg()[0]
    subprocess.run([sys.executable, str(tree / "bench" / "pages_inprocess.py"), "--skip-heavy", "--database",
                    database, "--repeat", str(repeat), "--json", str(target)], check=True, cwd=tree,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(tree)})
    data = json.loads(target.read_text())
    target.unlink()
    data["load"] = load
    return data


def summary(runs: list[dict]) -> dict:
    cases = {}
    for data in runs:
        for row in data["render"]:
            cases.setdefault((row["case"], row["as"]), []).append(row)
    render = {key: {field: statistics.median(r[field] for r in rows)
                    for field in ("ms_median", "cpu_ms_median", "sql_ms_median")} | {"queries": max(r["queries"] for r in rows)}
              for key, rows in cases.items()}
    queries = {}
    for data in runs:
        for row in data["queries"]:
            if row["status"] == 200:
                queries[(row["path"], row["as"])] = max(queries.get((row["path"], row["as"]), 0), row["queries"])
    return {"render": render, "queries": queries, "loads": [round(d["load"], 1) for d in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, help="an earlier checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--database", default="forum_bench_pages")
    args = parser.parse_args()
    trees = {"after": HERE} | ({"before": args.base.resolve()} if args.base else {})
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for round_no in range(args.rounds):
        order = list(trees) if round_no % 2 == 0 else list(reversed(trees))
        for name in order:
            runs[name].append(run(trees[name], args.database, args.repeat))
            print(f"round {round_no + 1} {name} done (load {runs[name][-1]['load']:.1f})", file=sys.stderr, flush=True)
    sums = {name: summary(r) for name, r in runs.items()}
    names = list(trees)
    print(f"Medians over {args.rounds} rounds (each a median of {args.repeat} requests); load average before each "
          "run: " + "; ".join(f"{n} {sums[n]['loads']}" for n in names))
    print()
    print("| page | as | " + " | ".join(f"{n}: ms (CPU ms, SQL ms), queries" for n in names) + " |")
    print("| --- | --- |" + " ---: |" * len(names))
    for key in sums["after"]["render"]:
        cells = []
        for n in names:
            row = sums[n]["render"].get(key)
            cells.append("" if row is None else f"{row['ms_median']:.1f} ({row['cpu_ms_median']:.1f}, "
                                                f"{row['sql_ms_median']:.1f}), {row['queries']}")
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    print()
    print("| page | as | " + " | ".join(f"{n}: queries" for n in names) + " |")
    print("| --- | --- |" + " ---: |" * len(names))
    keys = list(dict.fromkeys([k for n in names for k in sums[n]["queries"]]))
    for key in keys:
        print(f"| `{key[0]}` | {key[1]} | " + " | ".join(str(sums[n]["queries"].get(key, "")) for n in names) + " |")


if __name__ == "__main__":
    main()
