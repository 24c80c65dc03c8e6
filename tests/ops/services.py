"""Real services the operations tests start, stop and restart themselves: a private PostgreSQL
cluster (port 5440+), a private Redis (port 6390+) and `forum serve` processes.

Never the machine's PostgreSQL on 5432 or Redis on 6379: those serve everyone else.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.live.servers import ForumProcess

FORUM = str(Path(sys.executable).with_name("forum"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port(start: int | None = None, end: int | None = None) -> int:
    """A free TCP port on 127.0.0.1: the first free one in [start, end) or any."""
    candidates = range(start, end) if start else [0]
    for candidate in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {start}-{end}")


def _worker_range(start: int, width: int = 20) -> tuple[int, int]:
    """Each pytest-xdist worker scans its own slice of a port range, so two never pick the same."""
    index = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "")) or 0)
    return start + index * width, start + (index + 1) * width


def wait_until(check, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as err:  # noqa: BLE001 - keep trying until the deadline
            last = err
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


class PostgresCluster:
    """A throw-away PostgreSQL cluster under /tmp that a test may stop and start at will."""

    def __init__(self, root: Path | None = None):
        # Under /tmp directly: pytest's tmp folders are private to root, and the server runs as postgres.
        self.root = root or Path(tempfile.mkdtemp(prefix="forum-ops-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port(*_worker_range(5440))
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/forum"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_postgres(list(args)), capture_output=True, text=True, timeout=120, check=check)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        result = self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                           "--no-sync", "-E", "UTF8", check=False)
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr[-2000:]}")
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "forum")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                   "-c fsync=off -c max_connections=200")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "pg.log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A private redis-server on its own port (never 6379), restartable on the same port."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port(*_worker_range(6390))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.root), "--logfile", str(self.root / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_until(lambda: redis.Redis(port=self.port, socket_connect_timeout=0.5).ping(), 20, what="redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class ForumServer(ForumProcess):
    """One `forum serve` process; its stdout (JSON request log) and stderr go to files named after it."""

    def __init__(self, root: Path, name: str, env: dict[str, str]):
        super().__init__(root, {"FORUM_SECRET_KEY": "ops-test-secret", **env})
        self.name = name

    @property
    def stdout_path(self) -> Path:
        return self.root / f"{self.name}.out"

    @property
    def stderr_path(self) -> Path:
        return self.root / f"{self.name}.err"

    def start(self, wait: bool = True) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._out = open(self.stdout_path, "a")  # noqa: SIM115 - closed in stop()
        self._err = open(self.stderr_path, "a")  # noqa: SIM115
        self.process = subprocess.Popen([FORUM, "serve", "--port", str(self.port)], env=self.env,
                                        stdout=self._out, stderr=self._err)
        if wait:
            wait_until(self._answers, 60, what=f"{self.name} to answer")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited:\n{self.stderr_path.read_text()[-3000:]}")
        return requests.get(self.url + "/healthz", timeout=2).status_code in (200, 503)

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        code = None
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                code = self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait(timeout=10)
        for handle in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if handle:
                handle.close()
        return code

    def request_log(self) -> list[str]:
        return self.stdout_path.read_text().splitlines() if self.stdout_path.exists() else []

    def errors_log(self) -> str:
        return self.stderr_path.read_text() if self.stderr_path.exists() else ""


def start_all(servers) -> None:
    """Start several servers at once and wait until each answers."""
    for server in servers:
        server.start(wait=False)
    for server in servers:
        wait_until(server._answers, 60, what=f"{server.name} to answer")


@contextmanager
def server_pair(root: Path, env: dict[str, str]) -> Iterator[list[ForumServer]]:
    """Two `forum serve` processes, "first" and "second", on the same settings (one database),
    started together and stopped when the block ends."""
    servers = [ForumServer(root, "first", env), ForumServer(root, "second", env)]
    start_all(servers)
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def prepare_database(root: Path, url: str, people: list[dict]) -> list[str]:
    """Migrate the database at `url` in this process and create confirmed accounts (a fast
    password hash: the server verifies any); returns an API token per person."""
    from flask_migrate import upgrade

    from forum.accounts.services import create_confirmed_user, issue_token
    from forum.extensions import db

    from ..conftest import _make_app

    app = _make_app(root / "setup", url)
    tokens = []
    with app.app_context():
        upgrade()
        for person in people:
            tokens.append(issue_token(create_confirmed_user(**person)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(base: str, email: str, password: str) -> requests.Session:
    """A requests session signed in through the real login form (with its CSRF token)."""
    session = requests.Session()
    page = session.get(base + "/login", timeout=10)
    response = session.post(base + "/login", data={"email": email, "password": password,
                                                   "csrf_token": csrf_token(page.text)},
                            allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return session


def api_token(base: str, email: str, password: str) -> dict[str, str]:
    response = requests.post(base + "/api/v1/tokens", json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
