"""The Markdown report of bench/pages_bench.py: figures beside issue 18's targets.

    .venv/bin/python bench/pages_report.py bench/results/pages-<time>.json   # print an earlier run again
"""
from __future__ import annotations

import json
import sys

# case: (ratio to the ceiling at least, p99 in ms at most)
TARGETS = {
    "list": (0.25, 100.0),
    "list-nocache": (0.12, None),
    "proposal-50": (0.10, None),
    "list-signed-in": (0.10, None),
    "list+open-data": (None, 100.0),
    "list-fair": (0.25, 100.0),
    "list-2proc": (0.25, 100.0),  # what-if: two one-process servers, connections split  # what-if (bench/forum_serve.py FORUM_BENCH_FAIR=1), same targets as list  # issue 18 item 3: one long request must not stall the others
}
# Which cases a server with the list cache off answers (pages_bench.py): every figure is there with
# the cache off too; "on" rows are the anonymous list from the 2-second cache (issue 18 item 4).
CACHE_OFF = ("list-nocache", "proposal-50", "list-signed-in", "list+open-data-nocache")
TARGETS["list+open-data-nocache"] = (None, None)
WORKERS_TARGET = 1.6  # list with --workers 2 / with --workers 1
RENDER_TARGETS_MS = {"list-uncached": 8.0, "proposal-50": 10.0}
QUERY_TARGET = 6


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "**missed**")


def _num(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "" if value is None else f"{value:.0%}"


def _load(report: dict) -> str:
    loads = [r[key] for runs in report["runs"].values() for r in runs for key in ("load_before", "load_after")]
    return f"{min(loads):.2f}–{max(loads):.2f}" if loads else "?"


def load_table(report: dict) -> list[str]:
    medians, ceiling = report["medians"], report["medians"].get("ceiling", {}).get("rps")
    lines = ["| case | list cache | workers | req/s | × ceiling | target | p50 ms | p99 ms | p99 target | | "
             "timeouts + non-2xx | server CPU ms/req | PostgreSQL CPU ms/req | server cores | wrk CPU ms/req | "
             "machine busy |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | "
             "---: |"]
    for name, m in medians.items():
        case, _, workers = name.partition("@w")
        ratio = m["rps"] / ceiling if ceiling else None
        want_ratio, want_p99 = TARGETS.get(case, (None, None))
        verdicts = []
        if want_ratio is not None and ratio is not None:
            verdicts.append(ratio >= want_ratio)
        if want_p99 is not None:
            verdicts.append(m["p99_ms"] <= want_p99)
        lines.append(
            f"| {case} | {'' if case == 'ceiling' else ('off' if case in CACHE_OFF else 'on')} | "
            f"{workers or '2 (gunicorn sync)'} | {m['rps']:,.1f} | "
            f"{'' if case == 'ceiling' or ratio is None else f'{ratio:.3f}'} | "
            f"{'' if want_ratio is None else f'≥ {want_ratio}'} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f} | "
            f"{'' if want_p99 is None else f'≤ {want_p99:.0f}'} | {_mark(all(verdicts) if verdicts else None)} | "
            f"{m.get('timeouts', 0) + m.get('non_2xx', 0) or ''} | {_num(m.get('server_cpu_ms_per_request'), 2)} | "
            f"{_num(m.get('postgres_cpu_ms_per_request'), 2)} | "
            f"{_num(m.get('cores_busy_server'), 2)} | {_num(m.get('wrk_cpu_ms_per_request'), 2)} | "
            f"{_pct(m.get('machine_busy'))} |")
    for name, runs in report["runs"].items():
        downloads = [r["background"] for r in runs if r.get("background")]
        if downloads:
            lines.append("")
            lines.append(f"{name}: meanwhile {sum(d['downloads'] for d in downloads)} downloads of "
                         f"`{downloads[0]['path']}`, median " + ", ".join(
                             f"{d['median_s']:.2f} s" for d in downloads if d["median_s"] is not None) + " per round")
    return lines


def workers_line(report: dict) -> str:
    medians = report["medians"]
    one, two = medians.get("list@w1"), medians.get("list@w2")
    stand_in = ""
    if medians.get("list-2proc@w1") and one:
        base = medians.get("list-fair@w1") or one
        stand_in = (f" Stand-in, two separate processes / one: {medians['list-2proc@w1']['rps'] / base['rps']:.2f}"
                    f"{' (both fair)' if medians.get('list-fair@w1') else ''}.")
    if not (one and two):
        why = "" if report.get("forum_serve_has_workers") else " (`forum serve` has no `--workers` yet)"
        return f"list, --workers 2 / --workers 1: not measured{why}; target ≥ {WORKERS_TARGET}.{stand_in}"
    ratio = two["rps"] / one["rps"]
    return (f"list, --workers 2 / --workers 1: {ratio:.2f} (target ≥ {WORKERS_TARGET}: "
            f"{_mark(ratio >= WORKERS_TARGET)}).{stand_in}")


def inprocess_tables(data: dict) -> list[str]:
    lines = ["", "In-process (Flask test client, PostgreSQL bench database, list cache off; "
             f"median of {data['repeat']} requests after {data['warmup']} warm-up):", "",
             "| page | as | ms median | ms p90 | CPU ms median | of it in SQL ms | queries | target ms | |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in data["render"]:
        want = RENDER_TARGETS_MS.get(row["case"])
        lines.append(f"| {row['case']} | {row['as']} | {row['ms_median']:.1f} | {row['ms_p90']:.1f} | "
                     f"{_num(row.get('cpu_ms_median'), 1)} | "
                     f"{row['sql_ms_median']:.1f} | {row['queries']} | {'' if want is None else f'≤ {want:.0f}'} | "
                     f"{_mark(None if want is None else row['ms_median'] <= want)} |")
    lines += ["", f"SQL queries per page (target ≤ {QUERY_TARGET} for every page):", "",
              "| page | as | status | queries | ms | |", "| --- | --- | ---: | ---: | ---: | --- |"]
    for row in data["queries"]:
        lines.append(f"| `{row['path']}` | {row['as']} | {row['status']} | {row['queries']} | {row['ms']:.1f} | "
                     f"{_mark(row['queries'] <= QUERY_TARGET) if row['status'] == 200 else ''} |")
    if data.get("heavy"):
        lines += ["", "Long requests (each one blocks its gevent process for this long; one run each):", "",
                  "| request | as | status | ms | bytes |", "| --- | --- | ---: | ---: | ---: |"]
        for row in data["heavy"]:
            lines.append(f"| `{row['path']}` | {row['as']} | {row['status']} | {row['ms']:.0f} | {row['bytes']:,} |")
    return lines


def markdown(report: dict) -> str:
    lines = [f"Run of {report['started']} ({report['seconds']} s): wrk -t2 -c{report['connections']}, "
             f"{report['rounds']} interleaved rounds of {report['duration_s']} s per case, medians; "
             f"load average during the runs {_load(report)} "
             f"(before: {' '.join(f'{v:.2f}' for v in report['machine_before']['loadavg'])}).", ""]
    lines += load_table(report)
    lines += ["", workers_line(report)]
    for workers, rows in (report.get("stalls") or {}).items():
        lines += ["", f"Stall probe ({workers}, no other load): /favicon.ico every 10 ms while a long request runs "
                  "(median of 3 downloads); the probe's longest wait is how long everyone else waited:", "",
                  "| long request | its duration ms | probes | probe median ms | probe max ms |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows:
            lines.append(f"| `{row['path']}` | {_num(row['download_ms'], 0)} | {row['probes']} | "
                         f"{row['probe_median_ms']:.1f} | {row['probe_max_ms']:.0f} |")
    if report.get("inprocess"):
        lines += inprocess_tables(report["inprocess"])
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(open(sys.argv[1]).read())))
