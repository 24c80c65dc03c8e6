"""What-if timings behind bench/PROFILE.md's ranked list (not a test; changes no file of the forum).

    .venv/bin/python bench/profile_whatif.py [--repeat 60]

Each variant changes the running app in this process only (a Jinja filter or global swapped, a
query helper wrapped), then times whole requests through the test client as
bench/pages_inprocess.py does (list cache off). Variants add up in the order listed, so each row's
gain is over the row above; they are switched on and off round by round (interleaved), so a
machine whose load drifts affects them alike. Also: the cost of single operations (a Babel date, a lazy label, a
gettext call, the COUNT) in microseconds. The query count of every variant is printed, so a
variant that makes the page lazy-load more shows it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages_db  # noqa: E402
import pages_inprocess  # noqa: E402

BASE = pages_inprocess.BASE


def per_call_us(fn, n: int = 2000) -> tuple[float, float]:
    """(wall, CPU) microseconds per call, each the best of 5 batches."""
    wall = cpu = float("inf")
    for _ in range(5):
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn()
        wall = min(wall, (time.perf_counter() - started) / n)
        cpu = min(cpu, (time.process_time() - cpu_started) / n)
    return wall * 1e6, cpu * 1e6


def fast_dates(app):
    """Date filters with the locale, time zone and patterns resolved once per (locale, format)."""
    from babel import Locale
    from babel.dates import get_timezone, parse_pattern
    from flask_babel import get_locale

    zone = get_timezone(app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))
    utc = get_timezone("UTC")
    cache: dict = {}

    def patterns(fmt: str):
        key = (str(get_locale()), fmt)
        hit = cache.get(key)
        if hit is None:
            locale = Locale.parse(key[0])
            hit = cache[key] = (locale, parse_pattern(locale.date_formats[fmt]),
                                parse_pattern(locale.time_formats[fmt]), str(locale.datetime_formats[fmt]))
        return hit

    def local(value):
        return utc.localize(value).astimezone(zone) if value.tzinfo is None else value.astimezone(zone)

    def datetimeformat(value, fmt="medium"):
        if not value:
            return ""
        locale, date_p, time_p, joined = patterns(fmt)
        value = local(value)
        return joined.replace("{1}", date_p.apply(value, locale)).replace("{0}", time_p.apply(value, locale))

    def dateformat(value, fmt="medium"):
        if not value:
            return ""
        locale, date_p, _, _ = patterns(fmt)
        return date_p.apply(local(value), locale)

    return datetimeformat, dateformat


def resolved_labels(app):
    """The label dicts of the templates with every lazy string resolved once (per locale in a real change)."""
    globals_ = app.jinja_env.globals
    return {name: {k: str(v) for k, v in globals_[name].items()}
            for name in ("status_labels", "stakeholder_labels", "group_labels", "choice_labels")}


def time_page(client, meter, paths: list[str], repeat: int) -> tuple[float, float, int]:
    result = pages_inprocess.time_requests(client, meter, paths, repeat, warmup=10)
    return result["ms_median"], result["cpu_ms_median"], result["queries"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=pages_db.DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=10, help="requests per page, variant and round")
    parser.add_argument("--rounds", type=int, default=8, help="rounds over all variants (interleaved)")
    args = parser.parse_args()
    pages_db.ensure(args.database)
    ids = pages_db.ids(args.database)
    app = pages_inprocess.make_app(args.database)
    meter = pages_inprocess.SqlMeter(app)
    anonymous = app.test_client()
    citizen = pages_inprocess.log_in(app, ids["signed_in_email"])
    fifty = [f"/proposals/{pid}" for pid in ids["fifty_ids"]]
    pages = [("list, anonymous", anonymous, ["/proposals"]), ("list, citizen", citizen, ["/proposals"]),
             ("proposal-50, anonymous", anonymous, fifty), ("proposal-50, citizen", citizen, fifty)]

    # --- single operations ------------------------------------------------------------------
    from datetime import datetime

    from flask_babel import format_date, format_datetime, get_translations

    from forum.i18n import request_translations
    from forum.proposals import queries
    from forum.proposals.lifecycle import STATUS_LABELS

    moment = datetime(2026, 11, 30, 17, 45)
    fast_dt, fast_d = fast_dates(app)
    ops = []
    with app.test_request_context("/proposals", base_url=BASE):
        assert fast_dt(moment) == format_datetime(moment, "medium"), (fast_dt(moment), format_datetime(moment))
        assert fast_d(moment) == format_date(moment, "medium")
        translations = get_translations()
        ops += [("flask_babel.format_datetime (a comment's date)", per_call_us(lambda: format_datetime(moment))),
                ("… patterns resolved once (what-if)", per_call_us(lambda: fast_dt(moment))),
                ("flask_babel.format_date (a list item's date)", per_call_us(lambda: format_date(moment))),
                ("… patterns resolved once (what-if)", per_call_us(lambda: fast_d(moment))),
                ("lazy label resolved: str(STATUS_LABELS['voting'])", per_call_us(lambda: str(STATUS_LABELS["voting"]))),
                ("template _(): request_translations().ugettext", per_call_us(
                    lambda: request_translations().ugettext("Vorschläge"))),
                ("… catalogue bound once: translations.ugettext", per_call_us(lambda: translations.ugettext("Vorschläge")))]
        from flask_login import current_user

        filters = queries.parse_filters({}, current_user)
        stmt = queries.list_statement(filters, current_user)
        ops.append(("list COUNT query (anonymous, 10,000 proposals)", per_call_us(lambda: queries.count(stmt), 50)))
        ops.append(("list page query, ORM with joinedload (anonymous)", per_call_us(
            lambda: queries.page_of(filters, current_user, 1, 20), 50)))

    # --- whole pages, variants cumulative, interleaved --------------------------------------
    from sqlalchemy.orm import joinedload, load_only, selectinload

    from forum.accounts.models import User
    from forum.councils.models import Council
    from forum.proposals.models import Proposal

    env = app.jinja_env
    original = {"filters": dict(env.filters), "globals": dict(env.globals), "details": queries.with_list_details}
    labels = resolved_labels(app)

    def lean_details(stmt):
        return stmt.options(
            load_only(Proposal.id, Proposal.title, Proposal.excerpt, Proposal.status, Proposal.council_id,
                      Proposal.author_id, Proposal.created_at, Proposal.hidden_at, Proposal.hide_votes,
                      Proposal.votes_count, Proposal.comments_count),
            joinedload(Proposal.author).load_only(User.id, User.name, User.stakeholder),
            joinedload(Proposal.council).load_only(Council.id, Council.slug, Council.name, Council.visibility),
            selectinload(Proposal.tags))

    def bound_gettext(on: bool) -> None:
        if on:
            env.globals.update(gettext=lambda s, **kw: (translations.ugettext(s) % kw) if kw else translations.ugettext(s))
        for name in ("gettext", "ngettext", "pgettext", "npgettext", "_"):
            env.globals[name] = original["globals"][name]
        if on:
            env.install_gettext_callables(
                gettext=lambda s: translations.ugettext(s), ngettext=lambda s, p, n: translations.ungettext(s, p, n),
                pgettext=lambda c, s: translations.upgettext(c, s),
                npgettext=lambda c, s, p, n: translations.unpgettext(c, s, p, n), newstyle=True)

    changes = [
        ("+ date filters with patterns resolved once",
         lambda on: env.filters.update({"datetimeformat": fast_dt, "dateformat": fast_d} if on else
                                       {k: original["filters"][k] for k in ("datetimeformat", "dateformat")})),
        ("+ label dicts resolved (no lazy strings in templates)",
         lambda on: env.globals.update(labels if on else {k: original["globals"][k] for k in labels})),
        ("+ template gettext bound to the catalogue once", bound_gettext),
        ("+ list query loads only the columns the list shows",
         lambda on: setattr(queries, "with_list_details", lean_details if on else original["details"])),
    ]
    levels = ["as it is (main)"] + [label for label, _ in changes]
    cpu: dict = {(lv, n): [] for lv in range(len(levels)) for n in range(len(pages))}
    wall: dict = {(lv, n): [] for lv in range(len(levels)) for n in range(len(pages))}
    query_counts: dict = {}
    for _round in range(args.rounds):
        for level in range(len(levels)):
            for k, (_, switch) in enumerate(changes):
                switch(k < level)
            for n, (_, client, paths) in enumerate(pages):
                got = pages_inprocess.time_requests(client, meter, paths, args.repeat, warmup=2)
                cpu[level, n].append(got["cpu_ms_median"])
                wall[level, n].append(got["ms_median"])
                query_counts[level, n] = got["queries"]
        print(f"round {_round + 1} of {args.rounds}", file=sys.stderr, flush=True)
    rows = [(levels[lv], [(statistics.median(wall[lv, n]), statistics.median(cpu[lv, n]), query_counts[lv, n])
                          for n in range(len(pages))]) for lv in range(len(levels))]
    # --- round trips: no pre-ping, no BEGIN/ROLLBACK (autocommit reads); a second app ---------------
    lean_app = pages_inprocess.make_app(args.database, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_pre_ping": False, "isolation_level": "AUTOCOMMIT"})
    for k, (_, switch) in enumerate(changes):
        switch(False)
    lean_meter = pages_inprocess.SqlMeter(lean_app)
    lean_pages = [(label, lean_app.test_client() if client is anonymous else
                   pages_inprocess.log_in(lean_app, ids["signed_in_email"]), paths) for label, client, paths in pages]
    trips = {(which, n): [] for which in (0, 1) for n in range(len(pages))}
    for _round in range(args.rounds):
        for which, (each_pages, each_meter) in enumerate(((pages, meter), (lean_pages, lean_meter))):
            for n, (_, client, paths) in enumerate(each_pages):
                trips[which, n].append(pages_inprocess.time_requests(client, each_meter, paths, args.repeat,
                                                                     warmup=2))
    rows.append(("as it is, again (for the next row)", [
        (statistics.median(r["ms_median"] for r in trips[0, n]), statistics.median(r["cpu_ms_median"] for r in trips[0, n]),
         trips[0, n][-1]["queries"]) for n in range(len(pages))]))
    rows.append(("no pool pre-ping, autocommit reads (no BEGIN/ROLLBACK): −3 round trips", [
        (statistics.median(r["ms_median"] for r in trips[1, n]), statistics.median(r["cpu_ms_median"] for r in trips[1, n]),
         trips[1, n][-1]["queries"]) for n in range(len(pages))]))
    rows_out = ["| variant | " + " | ".join(name for name, _, _ in pages) + " |",
                "| --- |" + " ---: |" * len(pages)]
    for label, figures in rows:
        rows_out.append(f"| {label} | " + " | ".join(f"{cpu:.1f} / {ms:.1f} ({q} q)" for ms, cpu, q in figures) + " |")
    print("Single operations (best of 5 batches, in a request context):\n")
    print("| operation | µs per call (wall) | µs CPU |\n| --- | ---: | ---: |")
    for label, (wall, cpu) in ops:
        print(f"| {label} | {wall:,.1f} | {cpu:,.1f} |")
    print(f"\nWhole requests: CPU ms of this process / wall ms (queries); medians over {args.rounds} interleaved "
          f"rounds of {args.repeat} requests each; variants cumulative:\n")
    print("\n".join(rows_out))


if __name__ == "__main__":
    main()
