"""What re-checking sockets after an access change costs (forum/live/access.py), in one process.

    .venv/bin/python bench/live_eviction.py [--sockets 500]

Opens `--sockets` Flask-SocketIO test clients (half anonymous, half signed in as different
members) in one council room, then measures a commit that announces (a) one person's access
change (re-checks that person's sockets: the cost of a removal, a revoked token, a logout) and
(b) a visibility change (re-checks every socket of the process). Nobody loses the room here, so
what is measured is the re-check itself. Prints milliseconds per change, the median of 5.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=500)
    args = parser.parse_args()

    from config import TestConfig
    from forum import create_app
    from forum.accounts.services import create_confirmed_user
    from forum.councils.models import Council, Membership
    from forum.extensions import db, socketio
    from forum.rooms import NAMESPACE

    folder = Path(tempfile.mkdtemp())
    cfg = TestConfig()
    cfg.INSTANCE_PATH = str(folder / "instance")
    cfg.SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.db'}"
    cfg.LIVE_PRESENCE_DELAY = 0
    cfg.LIVE_EVENT_LIMIT = "100000/10"
    app = create_app(cfg)
    with app.app_context():
        db.create_all()
        council = Council(slug="bench", name="Bench", mandate="", description="", visibility="public",
                          join_policy="open")
        db.session.add(council)
        db.session.flush()
        members = []
        for n in range(args.sockets // 2):
            user = create_confirmed_user(email=f"m{n}@example.org", name=f"M {n}", password="bench-passwort",
                                         stakeholder="citizen")
            db.session.add(Membership(council_id=council.id, user_id=user.id, role="member"))
            members.append(user.id)
        db.session.commit()
        clients = []
        for n in range(args.sockets):
            http = app.test_client()
            if n % 2:
                with http.session_transaction() as session:
                    user = db.session.get(__import__("forum.accounts.models", fromlist=["User"]).User, members[n // 2])
                    session["_user_id"] = user.get_id()
                    session["_fresh"] = True
            client = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=http)
            assert client.emit("join", {"room": "council:bench"}, namespace=NAMESPACE, callback=True)["ok"]
            clients.append(client)

        from forum import access

        def timed(change) -> float:
            started = time.perf_counter()
            change()
            db.session.commit()
            return (time.perf_counter() - started) * 1000

        one = [timed(lambda uid=uid: access.user_changed(uid)) for uid in members[:5]]
        everyone = [timed(access.rooms_changed) for _ in range(5)]
        print(f"{args.sockets} sockets in one room: one person's change {statistics.median(one):.1f} ms, "
              f"a visibility change (every socket) {statistics.median(everyone):.1f} ms")


if __name__ == "__main__":
    main()
