"""notify_selected (INSERT … SELECT) writes exactly the rows notify() writes for the same people."""
import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from forum.accounts.models import User
from forum.extensions import db
from forum.mail.models import OutboxMail
from forum.notifications import services
from forum.notifications.models import Notification
from forum.notifications.settings import set_modes

NOTICE = ("user_id", "kind", "category", "params", "url", "digest", "subject", "body", "read_at")
MAIL = ("user_id", "to_addr", "kind", "params", "status", "attempts", "subject", "body", "language", "sent_at")


def _rows(model, columns):
    table = model.__table__
    return [tuple(row) for row in db.session.execute(select(*(table.c[c] for c in columns)).order_by(table.c.id))]


def _written(send):
    db.session.execute(delete(Notification))
    db.session.execute(delete(OutboxMail))
    count = send()
    return count, _rows(Notification, NOTICE), _rows(OutboxMail, MAIL)


@pytest.mark.parametrize("email", [True, False])
def test_same_rows_as_notify(app, make_user, email):
    with app.test_request_context():
        _compare(make_user, email)


def _compare(make_user, email):
    actor, instant, off, daily, weekly, other_category = (make_user() for _ in range(6))
    outsider = make_user()
    set_modes(off.id, {"meetings": "off"})
    set_modes(daily.id, {"meetings": "daily"})
    set_modes(weekly.id, {"meetings": "weekly"})
    set_modes(other_category.id, {"own_proposals": "off"})
    people = [actor, instant, off, daily, weekly, other_category]
    ids = [u.id for u in people]
    subject = _l("Neue Sitzung: %(title)s", title="Haushalt")
    options = dict(url="/meetings/9", category="meetings", kind="meeting.published", email=email, exclude=actor)
    expected = _written(lambda: services.notify(people + [instant], subject, "Text", **options))
    chosen = select(User.id).where(User.id.in_(ids)).union_all(select(User.id).where(User.id == instant.id))
    got = _written(lambda: services.notify_selected(chosen, subject, "Text", **options))
    assert got == expected
    count, notices, mails = got
    assert count == 5 and outsider.id not in {n[0] for n in notices}
    assert {n[0]: n[5] for n in notices}[daily.id] == ("daily" if email else None)
    assert sorted(m[0] for m in mails) == ([instant.id, other_category.id] if email else [])


def test_nobody(app, outbox):
    with app.test_request_context():
        assert services.notify_selected(select(User.id).where(User.id == -1), "Neu", category="meetings") == 0
        db.session.commit()
    assert outbox() == []
