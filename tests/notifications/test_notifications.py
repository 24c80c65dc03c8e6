"""Notices: stored per person, e-mailed only after commit, listed and marked read."""
from forum.extensions import db
from forum.notifications import services


def test_notify_mails_only_after_commit(app, make_user, outbox):
    actor, a, b = make_user(), make_user(), make_user()
    with app.test_request_context():
        assert services.notify([a, b, a, actor], "Neu", "Etwas ist passiert", "/proposals/1", category="own_proposals", exclude=actor) == 2
        assert outbox() == []
        db.session.commit()
    mails = outbox()
    assert len(mails) == 2 and all("Etwas ist passiert" in m for m in mails)
    assert services.unread_count(a) == 1 and services.unread_count(actor) == 0


def test_rollback_drops_mail(app, make_user, outbox):
    a = make_user()
    with app.test_request_context():
        services.notify([a], "Neu", "x", category="own_proposals")
        db.session.rollback()
        db.session.commit()
    assert outbox() == []
    assert services.unread_count(a) == 0


def test_page_lists_and_marks_read(app, client, make_user, login):
    a = make_user()
    with app.test_request_context():
        services.notify([a], "Dein Vorschlag wurde beantwortet", "Antwort liegt vor", "/proposals/7", category="own_proposals")
        db.session.commit()
    login(a)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Dein Vorschlag wurde beantwortet" in page and 'href="/proposals/7"' in page
    assert "ungelesen" in client.get("/").get_data(as_text=True)
    client.post("/notifications/read")
    assert services.unread_count(a) == 0


def test_notifications_need_login(client):
    assert client.get("/notifications").status_code == 302
