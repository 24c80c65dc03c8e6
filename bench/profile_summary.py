"""Sums of a pyinstrument session for bench/profile_pages.py: milliseconds per request by part of the work.

Two views of the same samples (wall time, so waiting for PostgreSQL counts):
- parts: time under matching frames, counted once at the outermost match (a part's figure holds
  everything it calls; parts may nest in each other, e.g. Babel dates inside the comment macro);
- libraries: own time (not in callees) of every frame, by the package its file belongs to (adds up
  to the whole request).
"""
from __future__ import annotations

import re

# (label, regex on "file_path:function"); first match wins for nothing: each part is summed on its own.
PARTS = [
    ("whole request (test client → response)", r"werkzeug/test\.py:(FlaskClient\.)?get$"),
    ("SQL: SQLAlchemy + psycopg, incl. waiting for PostgreSQL", r"/(sqlalchemy|psycopg)/"),
    ("… of it in psycopg (libpq calls, waiting for answers)", r"/psycopg/"),
    ("Jinja template rendering (all, incl. what templates call)", r"jinja2/environment\.py:(Template\.)?render$"),
    ("Babel date and time formatting", r"flask_babel/__init__\.py:format_"),
    ("translations: gettext calls and lazy labels", r"forum/i18n\.py:request_translations|flask_babel/(speaklater|__init__)\.py:"
     r"(LazyString|get_translations|gettext|ngettext|lazy)"),
    ("MarkupSafe escape (incl. lazy labels resolved there)", r"markupsafe/__init__\.py:escape"),
    ("Markdown + sanitiser (forum/text.py)", r"forum/text\.py:"),
    ("person loaded from the session (Flask-Login load_user)", r"flask_login/login_manager\.py:.*_load_user"),
    ("session cookie read and written", r"flask/sessions\.py:"),
    ("CSRF token (flask_wtf generate_csrf)", r"flask_wtf/csrf\.py:generate_csrf"),
    ("WTForms: forms built and rendered", r"/wtforms/"),
    ("permission predicates (forum/permissions)", r"forum/permissions/"),
    ("url_for", r"flask/helpers\.py:url_for"),
    ("notification count (context processor)", r"forum/notifications/routes\.py:unread_for_nav"),
    ("list: page_of (COUNT + page + tags)", r"forum/proposals/queries\.py:page_of"),
    ("… COUNT query", r"forum/proposals/queries\.py:count"),
    ("list: _list_body.html", r"templates/proposals/_list_body\.html:root"),
    ("list: visible councils for the filter", r"forum/councils/visibility\.py:visible_councils"),
    ("detail: load_visible (proposal, author, council, tags)", r"forum/proposals/routes\.py:load_visible"),
    ("detail: comments query and threads", r"forum/proposals/comments\.py:threads"),
    ("detail: comment macro (× 50)", r"templates/proposals/_comment\.html:(.*\.)?macro$"),
    ("detail: report link macro", r"templates/_macros/moderation\.html:(.*\.)?macro$"),
    ("detail: vote chart", r"templates/proposals/_votes\.html:|forum/proposals/chart\.py:"),
    ("detail: live panel (macro, history query)", r"templates/_macros/live\.html:(.*\.)?macro$"),
    ("detail: projects block", r"forum/controlling/routes\.py:controlling_projects_for"),
    ("detail: meetings block", r"forum/meetings/routes\.py:meeting_discussions"),
    ("detail: own vote, following", r"forum/proposals/(voting\.py:vote_of|services\.py:is_following)"),
    ("detail: forms (comment, status, action, vote)", r"wtforms/form\.py:.*__call__"),
    ("rate limiter", r"/(flask_limiter|limits)/"),
    ("request log, metrics (forum/ops)", r"forum/ops/"),
]
LIBRARIES = [
    ("forum (app code)", r"/forum/"), ("templates (compiled Jinja code)", r"/templates/"),
    ("jinja2", r"/jinja2/"), ("markupsafe", r"/markupsafe/"), ("flask_babel", r"/flask_babel/"),
    ("babel", r"/babel/"), ("pytz", r"/pytz/"), ("sqlalchemy", r"/sqlalchemy/"), ("psycopg", r"/psycopg"),
    ("werkzeug", r"/werkzeug/"), ("flask", r"/flask/"), ("flask_login", r"/flask_login/"),
    ("flask_wtf + wtforms", r"/(flask_wtf|wtforms)/"), ("itsdangerous", r"/itsdangerous/"),
    ("socketio / engineio", r"/(engineio|socketio|flask_socketio)/"), ("flask_limiter / limits", r"/(flask_limiter|limits)/"),
    ("bleach / html5lib / markdown_it", r"/(bleach|html5lib|markdown_it)/"),
    ("python stdlib", r"/lib/python3\.\d+/(?!site-packages)"), ("built-ins / C", r"^<|^$"),
]


def _key(frame) -> str:
    return f"{frame.file_path or ''}:{frame.function}"


def summarise(session, requests: int) -> dict:
    root = session.root_frame()
    parts = {label: 0.0 for label, _ in PARTS}
    libraries = {label: 0.0 for label, _ in LIBRARIES} | {"other": 0.0}
    compiled_parts = [(label, re.compile(pattern)) for label, pattern in PARTS]
    compiled_libraries = [(label, re.compile(pattern)) for label, pattern in LIBRARIES]

    def walk(frame, active: frozenset) -> None:
        if frame.is_synthetic:
            return
        key = _key(frame)
        now = set(active)
        for label, pattern in compiled_parts:
            if label not in active and pattern.search(key):
                parts[label] += frame.time
                now.add(label)
        for label, pattern in compiled_libraries:
            if pattern.search(frame.file_path or ""):
                libraries[label] += frame.total_self_time
                break
        else:
            libraries["other"] += frame.total_self_time
        for child in frame.children:
            walk(child, frozenset(now))

    walk(root, frozenset())
    per = 1000.0 / requests
    return {"total_ms": root.time * per, "cpu_s": session.cpu_time, "wall_s": session.duration,
            "parts": {k: v * per for k, v in parts.items()}, "libraries": {k: v * per for k, v in libraries.items()}}


def _cell(value: float, total: float) -> str:
    return "" if value < 0.05 else f"{value:.1f} ({value / total:.0%})"


def markdown(summaries: dict, requests: int) -> str:
    names = list(summaries)
    lines = [f"Milliseconds per request and share of the whole request (pyinstrument, wall time, "
             f"{requests} requests per case; CPU time / wall time of the run: "
             "CPU time / wall time of the run: " + ", ".join(
                 f"{n} {s['cpu_s'] / s['wall_s']:.0%}" for n, s in summaries.items()) + ")", "",
             "| part | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for label, _ in PARTS:
        values = [summaries[n]["parts"][label] for n in names]
        if max(values) >= 0.05:
            lines.append(f"| {label} | " + " | ".join(_cell(v, summaries[n]["total_ms"]) for v, n in zip(values, names))
                         + " |")
    lines += ["", "Own time by library (adds up to the whole request):", "",
              "| library | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for label in summaries[names[0]]["libraries"]:
        values = [summaries[n]["libraries"][label] for n in names]
        if max(values) >= 0.05:
            lines.append(f"| {label} | " + " | ".join(_cell(v, summaries[n]["total_ms"]) for v, n in zip(values, names))
                         + " |")
    return "\n".join(lines)
