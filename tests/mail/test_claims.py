"""Several workers on PostgreSQL: each claims other rows (SELECT … FOR UPDATE SKIP LOCKED), none
waits for another, and no mail leaves twice."""
import threading

import pytest
from sqlalchemy import text

from forum.extensions import db
from forum.mail import queue_mail
from forum.mail.worker import deliver_batch, deliver_due

pytestmark = pytest.mark.postgres


def test_a_row_another_worker_holds_is_skipped_not_waited_for(app, smtp):
    assert db.engine.dialect.name == "postgresql"
    for n in range(3):
        queue_mail(f"m{n}@example.org", f"Mail {n}", "Text")
    db.session.commit()
    with db.engine.connect() as other:
        other.begin()
        held = other.execute(text("SELECT id FROM mail_outbox ORDER BY id LIMIT 1 FOR UPDATE")).scalar()
        assert deliver_batch().sent == 2  # returns at once: the held row is skipped
        assert sorted(m["To"] for m in smtp.messages) == ["m1@example.org", "m2@example.org"]
        other.rollback()
    assert held and deliver_batch().sent == 1
    assert sorted(m["To"] for m in smtp.messages) == ["m0@example.org", "m1@example.org", "m2@example.org"]


def test_four_workers_at_once_send_every_mail_exactly_once(app, smtp):
    for n in range(60):
        queue_mail(f"p{n}@example.org", f"Mail {n}", "Text")
    db.session.commit()
    errors = []

    def worker():
        try:
            with app.app_context():
                deliver_due(limit=5)
                db.session.remove()
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    addresses = sorted(m["To"] for m in smtp.messages)
    assert addresses == sorted(f"p{n}@example.org" for n in range(60))
