"""Mail benchmark (issue 15): publish a meeting to a public council of 2,000 members, then let the
mail worker send the 2,000 mails to a local SMTP server.

    .venv/bin/python bench/mail_bench.py                       # SQLite in a temporary folder
    .venv/bin/python bench/mail_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/forum_mail_bench

Reports: the publish request's time through Flask's test client (the API call `POST
/api/v1/meetings/<id>/publish` with a bearer token, median of `--rounds` meetings, each to all
members), its CPU time in this process and its SQL statement count (the database server's time
is in the wall time only); then the worker's time for all queued mails over one SMTP
connection per batch of 100 to aiosmtpd (`aiosmtpd.handlers.Sink`, its own process) and mails per
second. A PostgreSQL database given by URL is emptied and migrated first. Not a test: asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _smtp_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("aiosmtpd did not start")


def _app(database_url: str, port: int):
    from config import Config
    from forum import create_app

    os.environ.setdefault("FORUM_SECRET_KEY", "mail-bench")
    config = Config.from_env(SQLALCHEMY_DATABASE_URI=database_url, MAIL_URL=f"smtp://127.0.0.1:{port}",
                             MAIL_WORKER=False, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                             BASE_URL="https://forum.braunschweig.example")
    return create_app(config)


def _prepare(app, members: int, rounds: int) -> tuple[str, list[int]]:
    from flask_migrate import upgrade
    from sqlalchemy import insert, text
    from werkzeug.security import generate_password_hash

    from forum.accounts.credentials import issue_token
    from forum.accounts.models import User
    from forum.councils.models import Council, Membership
    from forum.database import utcnow
    from forum.extensions import db
    from forum.meetings.models import AgendaItem, Meeting

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        now = utcnow()
        password = generate_password_hash("bench-passwort", method="pbkdf2:sha256:1000")
        rows = [{"id": n, "email": f"mitglied{n}@bench.example", "name": f"Mitglied {n}", "password_hash": password,
                 "stakeholder": "citizen", "role": "member", "verification": "not_required",
                 "email_confirmed_at": now, "created_at": now, "session_version": 1,
                 "language": "en" if n % 4 == 0 else None} for n in range(1, members + 1)]
        rows.append({**rows[0], "id": members + 1, "email": "gf@bench.example", "name": "Geschäftsführung",
                     "role": "managing_director", "language": None})
        db.session.execute(insert(User), rows)
        council = Council(slug="bench", name="Bench-Beirat", visibility="public", members_count=members)
        db.session.add(council)
        db.session.flush()
        db.session.execute(insert(Membership), [{"council_id": council.id, "user_id": n, "role": "member"}
                                                for n in range(1, members + 1)])
        meetings = []
        for r in range(rounds):
            starts = (now + timedelta(days=7 + r)).replace(second=0, microsecond=0)
            meeting = Meeting(title=f"Sitzung {r + 1}", council_id=council.id, starts_at=starts,
                              ends_at=starts + timedelta(hours=2), location="Rathaus", status="draft")
            meeting.items.append(AgendaItem(position=1, title="Begrüßung", duration_minutes=15))
            db.session.add(meeting)
            meetings.append(meeting)
        if db.engine.dialect.name == "postgresql":
            db.session.flush()
            for table in ("users", "councils", "meetings", "agenda_items"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
        token = issue_token(db.session.get(User, members + 1))
        db.session.commit()
        return token, [m.id for m in meetings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="meetings published (each to every member)")
    parser.add_argument("--smtp-port", type=int, default=8290)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="mail-bench-")
    os.environ.setdefault("FORUM_INSTANCE_PATH", folder)
    database_url = args.database_url or f"sqlite:///{folder}/bench.db"
    smtp = _smtp_server(args.smtp_port)
    try:
        app = _app(database_url, args.smtp_port)
        token, meeting_ids = _prepare(app, args.members, args.rounds)
        from sqlalchemy import event, func, select

        from forum.extensions import db
        from forum.mail.models import OutboxMail
        from forum.mail.worker import deliver_due

        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/me", headers=headers)  # warm: first request, token touch
        timings, cpu, statements = [], [], []
        with app.app_context():
            engine = db.engine
        counter = {"n": 0}

        def count(*_args, **_kwargs):
            counter["n"] += 1

        event.listen(engine, "before_cursor_execute", count)
        for meeting_id in meeting_ids:
            counter["n"] = 0
            start, start_cpu = time.perf_counter(), time.process_time()
            answer = client.post(f"/api/v1/meetings/{meeting_id}/publish", headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            statements.append(counter["n"])
            assert answer.status_code == 200, answer.get_data(as_text=True)
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            queued = db.session.scalar(select(func.count()).select_from(OutboxMail).where(OutboxMail.status == "pending"))
            start, start_cpu = time.perf_counter(), time.process_time()
            outcome = deliver_due()
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(f"database: {engine.dialect.name}; members: {args.members}; meetings published: {len(meeting_ids)}")
        print(f"publish (POST /api/v1/meetings/<id>/publish, test client): median {statistics.median(timings):.1f} ms, "
              f"each {', '.join(f'{t:.1f}' for t in timings)} ms; CPU of this process median "
              f"{statistics.median(cpu):.1f} ms; SQL statements per publish: {statements}")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"worker: {outcome.sent} of {queued} mails sent in {elapsed:.2f} s = {outcome.sent / elapsed:.0f} mails/s "
              f"(batches of 100, one SMTP connection each; retrying {outcome.retrying}, failed {outcome.failed}); "
              f"the worker's CPU: {elapsed_cpu:.2f} s = {outcome.sent / elapsed_cpu:.0f} mails per CPU second")
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)


if __name__ == "__main__":
    main()
