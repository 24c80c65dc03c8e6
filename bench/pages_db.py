"""The database of the pages benchmark (bench/pages_bench.py, bench/pages_inprocess.py, bench/profile_pages.py).

`forum_bench_pages` on the local PostgreSQL holds what bench/proposals_seed.py seeds for the
proposals benchmark (10,000 proposals, 200,000 votes, 50,000 comments), plus:

- the demo content (`forum seed-demo`: councils, meetings, projects, live rooms …) so that every
  page can be counted; its proposals are moved 60 days back so the list's first page is the
  bench's own proposals, as in bench/proposals_bench.py;
- 20 forum-wide proposals in voting topped up to exactly 50 comments each (30 % of them replies),
  the "proposal page with 50 comments" of issue 18.

It is seeded once (~2 min) and reused while it still looks seeded (`--reseed` forces a new one).
Ids are read back from the database, so no file caches them. Nothing here writes during a run.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "forum_bench_pages"
FIFTY = 50
FIFTY_PROPOSALS = 20
PASSWORD = "bench-passwort"  # every seeded person's (bench/proposals_seed.py)
# The signed-in person: a confirmed citizen (302 % 100 → "citizen" in proposals_seed.GROUPS) and a
# member of the private council 11 (membership 202), so visibility checks have something to do.
SIGNED_IN_ID = 302
DIRECTOR_ID = 1  # the managing director: the moderation and controlling pages


def _sh(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# A production configuration that passes `forum check` (which `forum serve` runs first): a long key,
# an https base URL (the benchmark talks plain HTTP to the port, sending the https Origin the forum
# expects; Secure cookies are passed on by hand), a mail server that is never called (no mail worker).
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"


def bench_env(database: str, port: int, instance: Path, **extra: str) -> dict:
    """The environment of every forum process of the benchmark (as in bench/proposals_bench.py)."""
    return {**os.environ, "FORUM_DATABASE_URL": PG + database, "FORUM_INSTANCE_PATH": str(instance),
            "FORUM_SECRET_KEY": SECRET, "FORUM_ENV": "production", "FORUM_BASE_URL": f"https://127.0.0.1:{port}",
            "FORUM_MAIL_URL": "smtp://127.0.0.1:9", "FORUM_MAIL_WORKER": "off", **extra}


def forum_bin() -> str:
    return str(Path(sys.executable).with_name("forum"))


def _psql(database: str, sql: str) -> str:
    return _sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql).strip()


def looks_seeded(database: str) -> bool:
    exists = _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists != "1":
        return False
    try:
        got = _psql(database, "SELECT (SELECT count(*) FROM proposals) >= 10000 AND "
                              f"(SELECT count(*) FROM proposals WHERE comments_count = {FIFTY}) >= {FIFTY_PROPOSALS} "
                              "AND (SELECT count(*) FROM meetings) > 0")
    except SystemExit:
        return False
    return got == "t"


def _top_up_comments(app, rng: random.Random) -> None:
    """Exactly FIFTY comments on FIFTY_PROPOSALS forum-wide proposals in voting."""
    from sqlalchemy import text

    from forum.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        ids = conn.execute(text(
            "SELECT id FROM proposals WHERE status = 'voting' AND council_id IS NULL AND comments_count < :n "
            "AND id <= 10000 ORDER BY id LIMIT :k"), {"n": FIFTY, "k": FIFTY_PROPOSALS}).scalars().all()
        next_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM proposal_comments")).scalar() + 1
        now = conn.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar()
        words = "Radweg Haltestelle WLAN offene Daten Innenstadt Bibliothek Klima Energie Quartier Verein".split()
        rows = []
        for pid in ids:
            have = conn.execute(text("SELECT id, parent_id FROM proposal_comments WHERE proposal_id = :p "
                                     "ORDER BY created_at"), {"p": pid}).all()
            tops = [cid for cid, parent in have if parent is None]
            for n in range(FIFTY - len(have)):
                parent = rng.choice(tops) if tops and rng.random() < 0.3 else None
                rows.append({"id": next_id, "proposal_id": pid, "author_id": rng.randint(1, 3000),
                             "parent_id": parent, "body": " ".join(rng.choice(words) for _ in range(25)),
                             "created_at": now - timedelta(minutes=FIFTY - n)})
                if parent is None:
                    tops.append(next_id)
                next_id += 1
        conn.execute(text("INSERT INTO proposal_comments (id, proposal_id, author_id, parent_id, body, created_at) "
                          "VALUES (:id, :proposal_id, :author_id, :parent_id, :body, :created_at)"), rows)
        conn.execute(text("UPDATE proposals SET comments_count = :n WHERE id = ANY(:ids)"), {"n": FIFTY, "ids": ids})
        conn.execute(text("SELECT setval(pg_get_serial_sequence('proposal_comments', 'id'), :m)"), {"m": next_id})


def seed(database: str, port: int = 8500) -> None:
    """Drop, create, migrate and fill the database (~2 min)."""
    import tempfile

    from sqlalchemy import text

    instance = Path(tempfile.mkdtemp(prefix="pages-bench-seed-"))
    env = bench_env(database, port, instance)
    _sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database)
    _sh("createdb", "-h", "127.0.0.1", "-U", "postgres", database)
    # "heads": main had two heads for a while (0010_trust_tokens, 0010_search_repair); fine with one too
    _sh(forum_bin(), "db", "upgrade", "heads", env=env)
    started = time.monotonic()
    os.environ.update({k: v for k, v in env.items() if k.startswith("FORUM_")})
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    from config import Config
    from forum import create_app
    from forum.extensions import db
    from proposals_seed import seed as seed_proposals

    app = create_app(Config.from_env())
    counts = seed_proposals(app)["counts"]
    _sh(forum_bin(), "seed-demo", env=env)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE proposals SET created_at = created_at - interval '60 days', "
                          "published_at = published_at - interval '60 days' WHERE id > 10000"))
    _top_up_comments(app, random.Random(7))
    _sh(forum_bin(), "recount-votes", env=env)
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"seeded {database}: {counts} + demo + {FIFTY_PROPOSALS} proposals with {FIFTY} comments "
          f"in {time.monotonic() - started:.0f} s", file=sys.stderr)


def ensure(database: str, reseed: bool = False) -> None:
    if reseed or not looks_seeded(database):
        seed(database)


def ids(database: str) -> dict:
    """What the load scripts and the page survey need, read from the seeded database."""
    def column(sql: str) -> list[str]:
        return [line for line in _psql(database, sql).splitlines() if line]

    return {
        "fifty_ids": [int(v) for v in column(f"SELECT id FROM proposals WHERE comments_count = {FIFTY} "
                                             "AND council_id IS NULL AND status = 'voting' ORDER BY id")],
        "signed_in_email": column(f"SELECT email FROM users WHERE id = {SIGNED_IN_ID}")[0],
        "director_email": column(f"SELECT email FROM users WHERE id = {DIRECTOR_ID}")[0],
        "public_council": column("SELECT slug FROM councils WHERE visibility = 'public' ORDER BY id LIMIT 1")[0],
        "private_council": column("SELECT c.slug FROM councils c JOIN memberships m ON m.council_id = c.id "
                                  f"WHERE m.user_id = {SIGNED_IN_ID} AND c.visibility = 'private' LIMIT 1")[0],
        "meeting_id": int(column("SELECT id FROM meetings ORDER BY id LIMIT 1")[0]),
        "project_id": int((column("SELECT id FROM projects ORDER BY id LIMIT 1") or ["0"])[0]),
    }
