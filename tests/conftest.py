"""Fixtures that read like the domain: app, client, login(user), make_user(...), make_council(...).

The suite runs on a fresh SQLite database per test by default. With FORUM_TEST_DATABASE_URL set
(CI sets it), the `pg_app` fixture and tests marked `postgres` run against that PostgreSQL.
"""
from __future__ import annotations

import itertools
import os
import re
import shutil

import jinja2
import pytest
from flask import current_app
from flask.globals import _cv_app
from flask_sqlalchemy.session import Session as _FlaskSession
from flask.testing import FlaskClient
from sqlalchemy import event, text

from config import TestConfig
from forum import create_app
from forum.extensions import db as _db
from forum.extensions import limiter, socketio

_counter = itertools.count(1)


def _per_worker_services() -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database and Redis db number,
    derived from FORUM_TEST_DATABASE_URL / FORUM_TEST_REDIS_URL, so workers never share state."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    index = int(re.sub(r"\D", "", worker) or 0)
    database_url = os.environ.get("FORUM_TEST_DATABASE_URL")
    if database_url and "_gw" not in database_url:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        name = f"{url.database}_gw{index}"
        admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["FORUM_TEST_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    redis_url = os.environ.get("FORUM_TEST_REDIS_URL")
    if redis_url and not os.environ.get("FORUM_TEST_REDIS_WORKER"):
        base, _, db_number = redis_url.rpartition("/")
        os.environ["FORUM_TEST_REDIS_URL"] = f"{base}/{max(0, int(db_number or 0) - index - 1)}"
        os.environ["FORUM_TEST_REDIS_WORKER"] = worker


_per_worker_services()
PASSWORD = "richtig-geheim"


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh app context (its own `g` and database session), as in
    production, although the test itself holds an app context for its factories.
    Objects a test loaded before a request may be stale after it: re-read them, or
    call `db.session.expire_all()`."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


class _SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates shared by every app this worker makes: each test builds a fresh app,
    whose Jinja environment would otherwise compile base.html and every other template it renders
    again (~50 ms a page). Jinja checks each entry against the template source's checksum."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_template_code = _SharedTemplateCode()


def _make_app(tmp_path, database_url: str | None = None, **overrides):
    cfg = TestConfig()
    cfg.INSTANCE_PATH = str(tmp_path / "instance")
    cfg.SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{tmp_path / 'test.db'}"
    for key, value in overrides.items():
        setattr(cfg, key, value)
    application = create_app(cfg)
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = _template_code
    return application


@pytest.fixture
def app_factory(tmp_path, request):
    """Build further apps (other config) in this test's tmp folder, on a migrated SQLite database of
    their own (a copy of the template) unless the test names another database. In a `committed`
    test they share the test's database file, so they see what the test committed."""
    def factory(**overrides):
        database = tmp_path / "test.db"
        if "SQLALCHEMY_DATABASE_URI" not in overrides and not database.exists():
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), database)
        application = _make_app(tmp_path, **overrides)
        _remember_extensions(application)
        # An app on the test's own database joins the test's connection: it sees what the test wrote.
        for worker_app, connection in list(_joined.items()):
            if overrides.get("SQLALCHEMY_DATABASE_URI") == worker_app.config["SQLALCHEMY_DATABASE_URI"]:
                _joined[application] = connection
        return application
    return factory


_side_apps: dict = {}


def create_user_in(database_url: str, email: str, *, name: str, password: str, stakeholder: str = "citizen",
                   role: str = "member", organisation: str | None = None, verified: bool = True) -> int:
    """What `forum create-user` does (tests/test_cli.py runs the command itself), from the test process:
    a confirmed person in the database of a server the test started, committed at once; returns the id.
    Saves a Python start-up per person."""
    import tempfile
    from pathlib import Path

    from forum.accounts.services import create_confirmed_user

    application = _side_apps.get(database_url)
    if application is None:
        application = _make_app(Path(tempfile.mkdtemp(prefix="forum-side-")), database_url)
        _remember_extensions(application)
        _side_apps[database_url] = application
    with application.app_context():
        try:
            user = create_confirmed_user(email=email, name=name, password=password, stakeholder=stakeholder,
                                         organisation=organisation, role=role, verified=verified)
            _db.session.commit()
            return user.id
        finally:
            _db.session.remove()
            _db.engine.dispose()  # no idle connection outlives the call (a server may drop the database)


def migrate_to_head() -> None:
    """The schema users get: every migration run on the current app's database (`forum db upgrade`)."""
    from flask_migrate import upgrade

    upgrade()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    """An SQLite file migrated to head, made once per worker; committed tests get a copy."""
    return _sqlite_template_path(tmp_path_factory)


# The schema the migrations made in this worker's PostgreSQL database, as (relations, triggers):
# while the database still has exactly that schema, emptying the tables is enough for the next test.
_pg_schema: list = []

_PG_SCHEMA = text("""
    SELECT (SELECT string_agg(c.relname || ':' || c.relkind::text, ',' ORDER BY c.relname, c.relkind)
              FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
           (SELECT string_agg(t.tgname, ',' ORDER BY t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal)
""")
# Every table but Alembic's version emptied, every sequence back at 1; with replication role
# "replica" neither foreign keys nor triggers (the audit log's append-only guard) fire. One round trip.
_PG_EMPTY = text("""
    DO $$ DECLARE r record; BEGIN
      SET LOCAL session_replication_role = replica;
      FOR r IN SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                                     AND relname <> 'alembic_version' LOOP
        EXECUTE format('DELETE FROM %I', r.relname);
      END LOOP;
      PERFORM setval(c.oid, 1, false) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S';
    END $$
""")


def _reset_postgres():
    _db.session.remove()
    with _db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _fresh_postgres():
    """An empty database migrated to head: emptied when the previous test left the schema as the
    migrations made it, migrated anew from an empty schema otherwise (a test dropped or changed it)."""
    with _db.engine.begin() as conn:
        if _pg_schema and tuple(conn.execute(_PG_SCHEMA).one()) == _pg_schema[0]:
            conn.execute(_PG_EMPTY)
            return
    _reset_postgres()
    migrate_to_head()
    with _db.engine.connect() as conn:
        _pg_schema[:] = [tuple(conn.execute(_PG_SCHEMA).one())]


# --- One app per worker, each test in a transaction rolled back at its end ----------------------------
#
# The worker's app runs on a database migrated once. Each test opens one connection and begins a
# transaction on it; every session the test makes (its own, and the fresh one of each request the
# IsolatedClient runs, each socket event, each listener's own app context) joins that connection
# with join_transaction_mode="create_savepoint", so a commit in the code under test releases a
# SAVEPOINT and a rollback returns to one, while the outer transaction is rolled back when the test
# ends. Tests that need data really committed — visible to another connection, thread or process —
# are marked `committed` and get an app of their own on a fresh database, as before.

_joined: dict = {}  # app -> the Connection its sessions join during a test


class _JoiningSession(_FlaskSession):
    """Flask-SQLAlchemy's session, bound to the test's connection while one is open for its app."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _joined:
            connection = _joined.get(current_app._get_current_object())
            if connection is not None:
                return connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


_db.session.session_factory.class_ = _JoiningSession
_db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"


def _sqlite_savepoints(engine) -> None:
    """pysqlite opens transactions lazily and knows nothing of SAVEPOINT; SQLAlchemy's recipe: let
    the driver emit no BEGIN of its own and emit it when SQLAlchemy begins
    ("Serializable isolation / Savepoints / Transactional DDL" in the SQLite dialect docs)."""
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


# Extensions that keep the state of the app they were last bound to on themselves (the Socket.IO
# server, the limiter's storage): remembered per app, put back when a test uses that app again.
_EXTENSIONS = (socketio, limiter)
_extension_state: dict = {}


def _remember_extensions(application) -> None:
    _extension_state[application] = [dict(ext.__dict__) for ext in _EXTENSIONS]


def _use_extensions_of(application) -> None:
    for ext, state in zip(_EXTENSIONS, _extension_state[application]):
        if ext.__dict__ != state:
            ext.__dict__.clear()
            ext.__dict__.update(state)


def _backend(request) -> str:
    if request.node.get_closest_marker("postgres") or os.environ.get("FORUM_TEST_BACKEND") == "postgres":
        if not os.environ.get("FORUM_TEST_DATABASE_URL"):
            pytest.skip("FORUM_TEST_DATABASE_URL is not set")
        return "postgres"
    return "sqlite"


_worker_apps: dict = {}


def _worker_app(backend: str, tmp_path_factory):
    """This worker's app for `backend`, made (and its database migrated) on first use."""
    application = _worker_apps.get(backend)
    if application is not None:
        return application
    folder = tmp_path_factory.mktemp(f"worker-{backend}")
    if backend == "postgres":
        application = _make_app(folder, os.environ["FORUM_TEST_DATABASE_URL"])
        with application.app_context():
            _pg_schema.clear()
            _fresh_postgres()
            _db.session.remove()
            _db.engine.dispose()
    else:
        shutil.copyfile(_sqlite_template_path(tmp_path_factory), folder / "test.db")
        application = _make_app(folder, f"sqlite:///{folder / 'test.db'}")
        with application.app_context():
            _db.engine.dispose()
            _sqlite_savepoints(_db.engine)
    _remember_extensions(application)
    _worker_apps[backend] = application
    return application


_template: list = []


def _sqlite_template_path(tmp_path_factory):
    if not _template:
        folder = tmp_path_factory.mktemp("template")
        application = _make_app(folder)
        with application.app_context():
            migrate_to_head()
            with _db.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            _db.session.remove()
            _db.engine.dispose()
        _template.append(folder / "test.db")
    return _template[0]


def _reset_process_state() -> None:
    """What lives outside the database and outlives a request: caches and in-process counters."""
    from forum.proposals import pagecache

    pagecache.clear()
    try:
        limiter.reset()
    except Exception:  # noqa: BLE001 - a test may have pointed the limiter at a storage that is gone
        pass


@pytest.fixture
def app(tmp_path, request, tmp_path_factory):
    backend = _backend(request)
    if request.node.get_closest_marker("committed"):
        yield from _committed_app(backend, tmp_path, request)
        return
    application = _worker_app(backend, tmp_path_factory)
    _use_extensions_of(application)
    config = dict(application.config)
    instance_path = application.instance_path
    application.instance_path = str(tmp_path / "instance")  # the outbox and other files: per test
    extensions = dict(application.extensions)
    _reset_process_state()
    with application.app_context():
        live_state = extensions.get("forum_live_state")
        if type(live_state).__name__ == "MemoryState":
            application.extensions["forum_live_state"] = type(live_state)()
        connection = _db.engine.connect()
        outer = connection.begin()
        _joined[application] = connection
        try:
            yield application
        finally:
            try:
                _db.session.remove()
            finally:
                for joined_app in [a for a, c in _joined.items() if c is connection]:
                    del _joined[joined_app]
                try:
                    outer.rollback()
                except Exception:  # noqa: BLE001 - a broken connection must not outlive the test
                    connection.invalidate()
                connection.close()
                # caches the test filled (token touches, live presence, a fresh live state) go
                application.extensions.clear()
                application.extensions.update(extensions)
                application.config.clear()
                application.config.update(config)
                application.instance_path = instance_path
                _reset_process_state()


def _committed_app(backend, tmp_path, request):
    """A fresh app on a fresh database for this test alone, whose commits are real."""
    database_url = None
    if backend == "postgres":
        database_url = os.environ["FORUM_TEST_DATABASE_URL"]
    else:
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), tmp_path / "test.db")
    application = _make_app(tmp_path, database_url)
    _remember_extensions(application)
    _reset_process_state()
    with application.app_context():
        if database_url:
            _fresh_postgres()
        yield application
        _db.session.remove()
        if database_url:
            _fresh_postgres()  # what it committed must not show in the next test's transaction
        _db.engine.dispose()
    _extension_state.pop(application, None)
    worker_app = _worker_apps.get(backend)
    if worker_app is not None and backend == "postgres":
        # the test may have dropped and migrated the schema anew: no pooled connection keeps old plans
        with worker_app.app_context():
            _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection switched on (for tests that prove it)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def make_user(app):
    from forum.accounts.services import create_confirmed_user

    def make(stakeholder: str = "citizen", role: str = "member", verified: bool = True, *, name: str | None = None,
             email: str | None = None, organisation: str | None = None, confirmed: bool = True, password: str = PASSWORD):
        n = next(_counter)
        if stakeholder != "citizen" and organisation is None:
            organisation = f"Organisation {n}"
        user = create_confirmed_user(
            email=email or f"person{n}@example.org", name=name or f"Person {n}", password=password,
            stakeholder=stakeholder, organisation=organisation, role=role, verified=verified,
        )
        if not confirmed:
            user.email_confirmed_at = None
        _db.session.commit()
        return user

    return make


@pytest.fixture
def make_council(app):
    from forum.councils.models import Council, Membership

    def make(name: str | None = None, *, visibility: str = "public", join_policy: str = "open",
             members=(), moderators=(), slug: str | None = None):
        n = next(_counter)
        name = name or f"Fachbeirat {n}"
        council = Council(slug=slug or f"fachbeirat-{n}", name=name, mandate=f"Auftrag von {name}",
                          description="", visibility=visibility, join_policy=join_policy)
        _db.session.add(council)
        _db.session.flush()
        for user in members:
            _db.session.add(Membership(council_id=council.id, user_id=user.id, role="member"))
        for user in moderators:
            _db.session.add(Membership(council_id=council.id, user_id=user.id, role="moderator"))
        council.members_count = len(members) + len(moderators)
        _db.session.commit()
        return council

    return make


@pytest.fixture
def make_proposal(app, make_user):
    from forum.database import utcnow
    from forum.proposals.models import Proposal

    def make(title: str | None = None, *, author=None, council=None, status: str = "published", body: str = "Text"):
        n = next(_counter)
        author = author or make_user()
        proposal = Proposal(title=title or f"Vorschlag {n}", body=body, status=status, author_id=author.id,
                            council_id=council.id if council else None,
                            published_at=None if status == "draft" else utcnow())
        _db.session.add(proposal)
        _db.session.commit()
        return proposal

    return make


def sign_in(client, user) -> None:
    """Put `user`'s login into the client's session cookie, as Flask-Login's login_user() does
    (the id carries the session version, forum/accounts/auth.py), without a request."""
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def login(client):
    """Sign `user` in (session cookie set directly; tests/accounts tests the login form itself);
    returns the client."""
    def do_login(user, password: str = PASSWORD):
        sign_in(client, user)
        return client
    return do_login


@pytest.fixture
def api_token(client):
    """An API token for `user` from POST /api/v1/tokens; returns the Authorization headers."""
    def issue(user, password: str = PASSWORD):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}
    return issue


@pytest.fixture
def outbox(app):
    """The mails written to the instance outbox, newest last, as text: the mail worker sends
    what the outbox table holds first (tests have no worker running beside them)."""
    from pathlib import Path

    from forum.mail.worker import deliver_due

    def read():
        # A real worker's session cannot see an uncommitted transaction; here every session shares
        # one connection, so the worker runs only when the test's session has no mail queued in an
        # open transaction (its effects wait for the commit).
        if not _db.session().info.get("forum_effects"):
            deliver_due()
        folder = Path(app.instance_path) / "outbox"
        files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
        return [f.read_text() for f in files]
    return read


def mail_text(raw: str) -> str:
    """A mail as a reader sees it: its headers, then every text part decoded. The standard library
    picks quoted-printable or base64 per part by what is shorter, so a test must not assume one."""
    from email import message_from_string, policy

    message = message_from_string(raw, policy=policy.default)
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return headers + "\n" + "\n".join(parts)


def extract_link(raw_mail: str, path_prefix: str) -> str:
    """The first link in a mail whose path starts with `path_prefix`, as a path."""
    decoded = mail_text(raw_mail)
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", decoded)
    assert match, f"no link to {path_prefix} in mail"
    return match.group(1)


# Tests that need data really committed — read by another connection, thread or process (servers
# in subprocesses, backups through their own connection, parallel writers), or that change the app
# itself (a route added). They get a fresh app on a fresh database (`committed` marker); every other
# test runs in the worker's app inside a transaction rolled back at its end. Browser tests and the
# process tests in tests/ops and tests/live start servers on databases of their own.
COMMITTED = (
    "tests/ops/test_backup.py",
    "tests/ops/test_backup_safety.py",
    "tests/proposals/test_races.py",
    "tests/mail/test_claims.py",  # several workers' own connections
    "tests/test_schema.py",  # migrations from empty, schema comparisons, the CLI's own transactions
    "tests/test_app.py::test_unexpected_error_is_a_clean_500",
    "tests/live/test_routes.py::test_a_page_of_another_feature_can_show_the_panel",
)


# What behaves differently on PostgreSQL than on SQLite: the SQL of every area (services, queries,
# visibility filters, counters, exports), search, locking and parallel writers, backups, and the
# HTTP smoke of every route. With FORUM_TEST_BACKEND=postgres only these run (`db_specific`); the
# permission tables and page tests ran on SQLite and ask the same predicates of the same rows.
# Tests marked `postgres` ran on PostgreSQL in the first pass already and are not repeated.
DB_SPECIFIC = (
    "tests/mail/test_outbox.py",
    "tests/accounts/test_recovery.py",
    "tests/api/test_accounts_api.py::test_last_used_at",
    "tests/api/test_proposals.py::test_list_api_filters",
    "tests/controlling/test_open_data.py",
    "tests/controlling/test_scoring.py",
    "tests/controlling/test_services.py",
    "tests/councils/test_candidate_search.py",
    "tests/councils/test_services.py",
    "tests/councils/test_visibility.py",
    "tests/files/test_api.py",
    "tests/files/test_lifecycle.py",
    "tests/live/test_services.py",
    "tests/meetings/test_calendar.py",
    "tests/meetings/test_services.py",
    "tests/moderation/test_privacy.py",
    "tests/moderation/test_report_threshold.py",
    "tests/moderation/test_services.py",
    "tests/notifications/",
    "tests/oparl/",
    "tests/ops/test_backup.py",
    "tests/ops/test_backup_safety.py",
    "tests/proposals/test_races.py",
    "tests/proposals/test_routes.py::test_list_",
    "tests/proposals/test_services.py",
    "tests/test_isolation.py",
    "tests/test_query_budget.py",
    "tests/test_route_smoke.py",
)


# Tests that wait on real processes (servers, browsers, the CLI) go first, so that the last tests of
# a run are short ones both workers share; modules that start a server for all their tests
# (module-scoped fixtures) stay on one worker (`--dist loadgroup`, the Makefile passes it).
SLOW_FIRST = ("tests/deploy/", "tests/browser/", "tests/ops/", "tests/live/test_multiprocess.py", "tests/live/test_server.py",
              "tests/proposals/test_races.py", "tests/test_cli.py", "tests/test_schema.py")
ONE_WORKER_PER_MODULE = ("tests/deploy/", "tests/browser/", "tests/ops/test_redis_outage.py", "tests/ops/test_database_outage.py",
                         "tests/live/test_multiprocess.py", "tests/live/test_server.py", "tests/test_i18n.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(COMMITTED):
            item.add_marker(pytest.mark.committed)
        if item.nodeid.startswith(DB_SPECIFIC):
            item.add_marker(pytest.mark.db_specific)
        if item.nodeid.startswith(ONE_WORKER_PER_MODULE):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))
    if os.environ.get("FORUM_TEST_BACKEND") != "postgres":
        return
    keep, drop = [], []
    for item in items:
        wanted = item.get_closest_marker("db_specific") and not item.get_closest_marker("postgres")
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    """In CI (FORUM_TEST_NO_SKIP=1) a skipped PostgreSQL, Redis or browser test fails the run,
    and the counts of those tests are printed so the log shows they ran."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    stats = reporter.stats
    ran = [r for key in ("passed", "failed") for r in stats.get(key, []) if getattr(r, "when", "call") == "call"]
    counts = {marker: sum(1 for r in ran if marker in r.keywords) for marker in ("postgres", "redis", "browser")}
    if os.environ.get("FORUM_TEST_BACKEND") == "postgres":
        counts["postgres"] = len(ran)
    reporter.write_sep("-", "forum: ran {postgres} PostgreSQL, {redis} Redis and {browser} browser tests".format(**counts))
    skipped = stats.get("skipped", [])
    if skipped and os.environ.get("FORUM_TEST_NO_SKIP") == "1":
        reporter.write_line(f"forum: {len(skipped)} tests were skipped, which CI does not allow", red=True)
        if exitstatus == 0:
            session.exitstatus = 1


# The one cast of actors every permission table is checked for (see make_actor).
ACTORS = ("anonymous", "citizen", "business", "research", "culture", "association", "unverified_organisation",
          "council_member", "moderator", "other_moderator", "managing_director", "chair", "admin")


def representatives(expected_of, actors) -> list[str]:
    """For HTTP tables whose every cell the predicate tables check already: the first and the last
    actor (in `actors` order) of every distinct expected outcome, and anonymous (sent to log in)."""
    actors = list(actors)
    by_outcome: dict = {}
    for kind in actors:
        by_outcome.setdefault((kind == "anonymous", expected_of(kind)), []).append(kind)
    chosen = {kind for kinds in by_outcome.values() for kind in (kinds[0], kinds[-1])}
    return sorted(chosen, key=actors.index)


@pytest.fixture
def make_actor(make_user, make_council):
    """`make_actor(kind, council)`: a person of one of ACTORS relative to `council` (None for anonymous).
    `council_member` / `moderator` belong to `council`; `other_moderator` moderates a new council.
    One more kind for the live rooms: `unverified_member`, an unverified organisation in `council`."""
    from forum.councils.models import Membership

    def make(kind: str, council):
        if kind == "anonymous":
            return None
        if kind in ("citizen", "business", "research", "culture", "association"):
            return make_user(stakeholder=kind)
        if kind == "unverified_organisation":
            return make_user(stakeholder="business", verified=False)
        if kind in ("managing_director", "chair", "admin"):
            return make_user(role=kind)
        user = make_user(stakeholder="business", verified=False) if kind == "unverified_member" else make_user()
        if kind == "other_moderator":
            make_council(moderators=[user])
        elif kind in ("council_member", "moderator", "unverified_member"):
            _db.session.add(Membership(council_id=council.id, user_id=user.id,
                                       role="moderator" if kind == "moderator" else "member"))
            council.members_count += 1
            _db.session.commit()
        else:
            raise ValueError(kind)
        return user

    return make


@pytest.fixture
def signed_in_actor(make_actor, login):
    """`signed_in_actor(kind, council)`: `make_actor(kind, council)`, signed in on `client` unless
    anonymous (None)."""
    def make(kind: str, council):
        actor = make_actor(kind, council)
        if actor is not None:
            login(actor)
        return actor
    return make


# --- Meetings ---------------------------------------------------------------------------------------

@pytest.fixture
def make_meeting(app, make_user):
    """`make_meeting(title, council=..., status=..., items=("TOP A", ...), days=7)` → a meeting stored directly
    (no notifications), starting `days` from now for two hours."""
    from datetime import timedelta

    from forum.database import utcnow
    from forum.meetings.models import AgendaItem, Meeting

    def make(title: str | None = None, *, council=None, status: str = "published", items=("Begrüßung", "Bericht"),
             days: float = 7, proposals=(), location: str = "Rathaus Braunschweig"):
        n = next(_counter)
        starts = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
        meeting = Meeting(title=title or f"Sitzung {n}", council_id=council.id if council else None,
                          starts_at=starts, ends_at=starts + timedelta(hours=2), location=location, status=status,
                          published_at=None if status == "draft" else utcnow())
        for position, item_title in enumerate(items, start=1):
            meeting.items.append(AgendaItem(position=position, title=item_title, duration_minutes=15,
                                            proposals=list(proposals) if position == 1 else []))
        _db.session.add(meeting)
        _db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_project(app, make_user):
    """make_project(title=..., visibility="public", status="running", councils=(), proposals=()) → Project."""
    from forum.controlling.models import Project, ProjectCouncil, ProjectProposal

    def make(title: str | None = None, *, visibility: str = "public", status: str = "running",
             department: str = "Stabsstelle Digitalisierung und Smart City", budget_eur: int | None = 1000,
             spent_eur: int = 0, councils=(), proposals=(), description: str = "Beschreibung"):
        n = next(_counter)
        project = Project(title=title or f"Projekt {n}", department=department, status=status, visibility=visibility,
                          budget_eur=budget_eur, spent_eur=spent_eur, description=description)
        project.council_links = [ProjectCouncil(council_id=c.id) for c in councils]
        project.proposal_links = [ProjectProposal(proposal_id=p.id) for p in proposals]
        _db.session.add(project)
        _db.session.commit()
        return project

    return make
