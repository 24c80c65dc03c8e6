"""The suite's own promise (tests/conftest.py): every test starts from the migrated, empty database and
the worker app's pristine state, whatever the tests before it committed, configured or sent. The three
rounds run one after another on one worker; each finds nothing of the round before."""
import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db, limiter

pytestmark = pytest.mark.xdist_group("tests/test_isolation.py")


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_each_test_starts_clean(round_, app, client, outbox, make_user):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert "ISOLATION_MARK" not in app.config and outbox() == []
    # leave traces of every kind: rows committed by the test and by a request, a config change,
    # a mail in the outbox, a used rate limit
    make_user(email=f"runde{round_}@example.org")
    assert client.post("/register", data={"email": f"neu{round_}@example.org", "name": "Neu",
                                          "stakeholder": "citizen", "organisation": "", "password": "sicheres-passwort",
                                          "password_confirm": "sicheres-passwort"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User)) == 2 and len(outbox()) == 1
    app.config["ISOLATION_MARK"] = round_
    for _ in range(3):
        client.post("/login", data={"email": "niemand@example.org", "password": "falsch-falsch"})
    assert limiter.enabled


def test_a_rollback_in_the_code_under_test_keeps_what_was_committed_before(app, make_user):
    """A commit in the test is a released savepoint; a later rollback returns only to its own start."""
    make_user(email="bleibt@example.org")
    db.session.add(User(email="geht@example.org", name="x", password_hash="x", stakeholder="citizen"))
    db.session.flush()
    db.session.rollback()
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"bleibt@example.org"}
