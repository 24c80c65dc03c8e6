"""One mail's failure never drops the others, and no stored text can break a mail header (issue 13, item 8)."""
import email
import email.policy
import logging
from datetime import timedelta

from forum.database import utcnow
from forum.extensions import db
from forum.mail import queue_mail


def test_a_legacy_title_with_a_line_break_cannot_break_the_publication_mails(app, client, api_token, make_user,
                                                                              make_council, make_meeting, outbox):
    """A title stored before single-line fields were checked still ends in one clean Subject line."""
    first, second = make_user(), make_user()
    council = make_council(members=[first, second])
    meeting = make_meeting("Sitzung", council=council, status="draft")
    meeting.title = "Sitzung\r\nBcc: alle@example.org"
    db.session.commit()
    published = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=api_token(make_user(role="managing_director")))
    assert published.status_code == 200, published.get_json()
    mails = outbox()
    assert len([m for m in mails if first.email in m]) == 1 and len([m for m in mails if second.email in m]) == 1
    for mail in mails:
        message = email.message_from_string(mail, policy=email.policy.default)
        assert message["Bcc"] is None
        assert "\n" not in message["Subject"] and "Sitzung Bcc: alle@example.org" in message["Subject"]


def test_one_failing_mail_is_logged_and_the_others_still_go(app, make_user, outbox, caplog):
    queue_mail("erste@example.org", "Eins", "Text")
    queue_mail("kaputt@example.org\r\nBcc: x@example.org", "Zwei", "Text")
    queue_mail("dritte@example.org", "Drei", "Text")
    db.session.commit()
    with caplog.at_level(logging.ERROR, logger="forum.mail"):
        sent = outbox()
    assert len(sent) == 2
    assert any("erste@example.org" in m for m in sent) and any("dritte@example.org" in m for m in sent)
    assert any("kaputt@example.org" in record.getMessage() for record in caplog.records)


def test_a_surprise_while_sending_one_mail_spares_the_next_and_is_retried(app, make_user, outbox, monkeypatch, caplog):
    import forum.mail.worker as worker

    real = worker.build
    calls = []

    def flaky(to, mail):
        calls.append(to)
        if len(calls) == 1:
            raise RuntimeError("unexpected")
        return real(to, mail)

    monkeypatch.setattr(worker, "build", flaky)
    queue_mail("erste@example.org", "Eins", "Text")
    queue_mail("zweite@example.org", "Zwei", "Text")
    db.session.commit()
    with caplog.at_level(logging.ERROR, logger="forum.mail"):
        assert [m for m in outbox() if "zweite@example.org" in m]
    assert calls == ["erste@example.org", "zweite@example.org"]
    assert worker.deliver_due(now=utcnow() + timedelta(minutes=5)).sent == 1  # the first, on its next attempt
    assert len([m for m in outbox() if "erste@example.org" in m]) == 1
