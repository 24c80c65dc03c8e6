"""The outbox (issue 15, items 1 and 5): mails are rows written with the change, sent by the worker
to a real SMTP server, retried while it is away, never twice, failures visible."""
from datetime import timedelta

from sqlalchemy import func, select

from forum.database import utcnow
from forum.extensions import db
from forum.mail import queue_mail
from forum.mail.models import OutboxMail


def _publish(client, api_token, make_user, make_council, make_meeting, members):
    council = make_council(members=members)
    meeting = make_meeting("Haushaltssitzung", council=council, status="draft")
    db.session.commit()
    answer = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=api_token(make_user(role="managing_director")))
    assert answer.status_code == 200, answer.get_json()
    return meeting


def test_mails_wait_while_the_server_is_away_and_arrive_once_when_it_is_back(
        app, client, api_token, make_user, make_council, make_meeting, smtp, deliver):
    members = [make_user() for _ in range(3)]
    smtp.stop()
    _publish(client, api_token, make_user, make_council, make_meeting, members)
    first = deliver()
    assert first.sent == 0 and first.retrying == 3
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["mail"]["retrying"] == 3
    assert health["mail"]["last_error"] == "ConnectionRefusedError"
    smtp.start()
    assert deliver().sent == 0  # not due yet: the backoff holds the next attempt back
    later = utcnow() + timedelta(minutes=5)
    assert deliver(now=later).sent == 3
    assert deliver(now=later + timedelta(hours=2)).handled == 0
    for member in members:
        assert len(smtp.to(member.email)) == 1
    assert len(smtp.messages) == 3
    assert client.get("/healthz").get_json()["mail"]["retrying"] == 0


def test_a_batch_goes_over_one_connection(app, client, api_token, make_user, make_council, make_meeting, smtp, deliver):
    members = [make_user() for _ in range(5)]
    _publish(client, api_token, make_user, make_council, make_meeting, members)
    assert deliver().sent == 5
    assert smtp.handler.connections == 1 and len(smtp.messages) == 5


def test_mail_is_multipart_with_the_headers_clients_expect(app, client, api_token, make_user, make_council,
                                                          make_meeting, smtp, deliver):
    app.config["MAIL_SENDER"] = "Forum Braunschweig <forum@braunschweig.example>"
    app.config["BASE_URL"] = "https://forum.braunschweig.example"
    member = make_user()
    _publish(client, api_token, make_user, make_council, make_meeting, [member])
    deliver()
    [message] = smtp.to(member.email)
    assert message["From"] == "Forum Braunschweig <forum@braunschweig.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@forum.braunschweig.example>")
    assert message["Date"] and message["Content-Language"] == "de"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Haushaltssitzung" in text and "Haushaltssitzung" in html
    assert '<a href="https://forum.braunschweig.example/meetings/' in html


def _metric(client, name: str) -> float:
    import re

    text = client.get("/metrics", headers={"Authorization": "Bearer geheim"}).get_data(as_text=True)
    match = re.search(r"^" + re.escape(name) + r" ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_a_refused_recipient_fails_alone_and_shows_in_health_and_metrics(app, client, make_user, smtp, deliver):
    app.config["METRICS_TOKEN"] = "geheim"
    sent_before, failed_before = _metric(client, "forum_mail_sent_total"), _metric(client, "forum_mail_failed_total")
    smtp.handler.refuse.add("weg@example.org")
    queue_mail("erste@example.org", "Eins", "Text")
    queue_mail("weg@example.org", "Zwei", "Text")
    queue_mail("dritte@example.org", "Drei", "Text")
    db.session.commit()
    outcome = deliver()
    assert (outcome.sent, outcome.failed) == (2, 1)
    assert {m["To"] for m in smtp.messages} == {"erste@example.org", "dritte@example.org"}
    health = client.get("/healthz").get_json()["mail"]
    assert health["failed"] == 1 and health["last_error"] == "SMTPRecipientsRefused: 550"
    assert _metric(client, 'forum_mail_outbox{state="failed"}') == 1
    assert _metric(client, "forum_mail_sent_total") == sent_before + 2
    assert _metric(client, "forum_mail_failed_total") == failed_before + 1
    assert deliver(now=utcnow() + timedelta(days=3)).handled == 0  # given up: never tried again


def test_a_rollback_drops_the_mail(app, smtp, deliver):
    queue_mail("niemand@example.org", "Nie", "Text")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert deliver().handled == 0 and smtp.messages == []


def test_a_mail_is_given_up_after_its_last_attempt(app, smtp, deliver):
    from forum.mail import worker

    smtp.stop()
    queue_mail("geduld@example.org", "Warten", "Text")
    db.session.commit()
    now = utcnow()
    for _ in range(worker.MAX_ATTEMPTS):
        deliver(now=now)
        now += timedelta(seconds=worker.MAX_DELAY)
    row = db.session.scalar(select(OutboxMail))
    assert row.status == "failed" and row.attempts == worker.MAX_ATTEMPTS


def test_the_mail_worker_command_sends_what_is_due(app, smtp):
    queue_mail("cli@example.org", "Von der Kommandozeile", "Text")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "0 wartend" in result.output
    assert [m["Subject"] for m in smtp.to("cli@example.org")] == ["Von der Kommandozeile"]


def test_without_a_mail_url_the_mails_are_files_in_the_instance_outbox(app, outbox):
    queue_mail("datei@example.org", "Als Datei", "Text")
    db.session.commit()
    [mail] = outbox()
    assert "datei@example.org" in mail and "Als Datei" in mail


def test_the_mail_url_is_checked_and_a_password_never_travels_in_clear():
    from forum.mail.transport import check_url

    assert check_url("smtp://mail.example.org:25") is None
    assert check_url("smtps://u:p@mail.example.org:465") is None
    assert check_url("smtp://u:p@mail.example.org:587?starttls=1") is None
    assert check_url("smtp://u:p@127.0.0.1:25") is None  # the machine itself
    assert "unencrypted" in check_url("smtp://u:p@mail.example.org:587")
    assert "smtp://" in check_url("http://mail.example.org")
    assert "port" in check_url("smtp://mail.example.org:zwei")


def test_no_recipient_address_reaches_the_health_report_only_the_log(app, client, smtp, deliver, caplog):
    """/healthz is public: a refused recipient shows as its error class and SMTP code only; the
    whole error (with the address) is in the log (stderr)."""
    smtp.handler.refuse.add("maria.muster@web.example")
    queue_mail("maria.muster@web.example", "Eins", "Text")
    db.session.commit()
    with caplog.at_level("WARNING", logger="forum.mail"):
        assert deliver().failed == 1
    report = client.get("/healthz").get_data(as_text=True)
    assert "maria.muster" not in report and "web.example" not in report
    assert client.get("/healthz").get_json()["mail"]["last_error"] == "SMTPRecipientsRefused: 550"
    assert db.session.scalar(select(OutboxMail.last_error)) == "SMTPRecipientsRefused: 550"
    assert "maria.muster@web.example" in caplog.text and "no such mailbox" in caplog.text


def test_errors_stored_before_the_fix_are_shown_without_their_addresses(app, client):
    """Rows that already hold a whole message (as stored before) are cut down when shown."""
    from forum.mail.worker import public_error

    queue_mail("maria.muster@web.example", "Eins", "Text")
    db.session.flush()
    row = db.session.scalar(select(OutboxMail))
    row.status, row.attempts = "failed", 1
    row.last_error = "SMTPRecipientsRefused: {'maria.muster@web.example': (550, b'5.1.1 no such mailbox')}"
    db.session.commit()
    mail = client.get("/healthz").get_json()["mail"]
    assert mail["last_error"] == "SMTPRecipientsRefused: 550"
    assert public_error("ValueError: Invalid address 'a@b.example'") == "ValueError"
    assert public_error("SMTPDataError: (554, b'no <x@y.example>')") == "SMTPDataError: 554"
    assert public_error("ConnectionRefusedError") == "ConnectionRefusedError" and public_error(None) is None
