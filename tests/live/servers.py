"""Real `forum serve` processes (gevent, WebSocket) for the live tests that need a real network."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

FORUM = str(Path(sys.executable).with_name("forum"))
SECRET = "live-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ForumProcess:
    """One `forum serve` with its own instance folder; `env` names the database (and queue) and may
    override the other settings. The browser and operations tests' servers build on it."""

    def __init__(self, root: Path, env: dict[str, str]):
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "FORUM_INSTANCE_PATH": str(root / "instance"), "FORUM_SECRET_KEY": SECRET,
                    "FORUM_ENV": "development", **env}
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str) -> str:
        result = subprocess.run([FORUM, *args], env=self.env, capture_output=True, text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"forum {' '.join(args)} failed: {result.stderr[-3000:]}")
        return result.stdout

    def start(self) -> "ForumProcess":
        self._log = open(self.root / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([FORUM, "serve", "--port", str(self.port)], env=self.env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("forum serve did not come up:\n" + (self.root / "server.log").read_text()[-3000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "_log", None):
            self._log.close()


def create_user(server: ForumProcess, email: str, **options) -> int:
    """A verified person in the server's database, as `forum create-user` makes one (in-process)."""
    from tests.conftest import create_user_in

    return create_user_in(server.env["FORUM_DATABASE_URL"], email, name=options.get("name", email.split("@")[0]),
                          password="live-passwort", stakeholder=options.get("stakeholder", "citizen"),
                          role=options.get("role", "member"), organisation=options.get("organisation"))


def api_token(server: ForumProcess, email: str) -> str:
    import requests

    response = requests.post(server.url + "/api/v1/tokens", json={"email": email, "password": "live-passwort"},
                             timeout=5)
    response.raise_for_status()
    return response.json()["token"]


def browser_session(server: ForumProcess, email: str):
    """A requests.Session signed in through the real login form (with its CSRF token)."""
    import requests

    session = requests.Session()
    page = session.get(server.url + "/login", timeout=5).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(server.url + "/login", data={"email": email, "password": "live-passwort",
                                                         "csrf_token": token}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    return session


def csrf_from(session, url: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', session.get(url, timeout=5).text).group(1)


class Listener:
    """A python-socketio client on /live that records what it hears."""

    def __init__(self, url: str, *, auth=None, headers=None, origin: str | None = None):
        import socketio

        # websocket-client sends its own Origin header; `origin` replaces it (a second header would merge)
        extra = {"origin": origin} if origin else {}
        self.client = socketio.Client(reconnection=False, websocket_extra_options=extra)
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        for name in ("message", "message_hidden", "presence", "votes", "agenda"):
            self.client.on(name, self._recorder(name), namespace="/live")
        self.disconnected = threading.Event()
        self.client.on("disconnect", lambda *args: self.disconnected.set(), namespace="/live")
        self.client.connect(url, namespaces=["/live"], transports=["websocket"], auth=auth, headers=headers or {},
                            wait_timeout=10)

    def _recorder(self, name):
        def record(payload):
            with self.changed:
                self.events.append((name, payload))
                self.changed.notify_all()
        return record

    def call(self, event: str, data: dict) -> dict:
        return self.client.call(event, data, namespace="/live", timeout=10)

    def wait_for(self, predicate, timeout: float = 10) -> list:
        """Wait until some recorded events satisfy `predicate`; returns the matching ones."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [e for e in self.events if predicate(e)]
                if found or time.monotonic() > deadline:
                    return found
                self.changed.wait(timeout=max(0.05, deadline - time.monotonic()))

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()
