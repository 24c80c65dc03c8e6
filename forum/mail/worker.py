"""The mail worker: sends due outbox rows in batches over one connection, retries with backoff.

A batch is claimed with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; several workers each get
other rows, none waits for another) and stays locked until its outcome is committed: each row is
then `sent`, `failed` (refused for good, or out of attempts) or `pending` again with a later
`next_attempt_at`. A row is sent once; only a worker killed between handing a batch to the SMTP
server and committing it would send that batch again (at most BATCH mails). SQLite has no row
locks: run one worker there (the one `forum serve` starts)."""
from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, func, select

from ..database import utcnow
from ..extensions import db
from . import transport
from .message import build
from .models import OutboxMail
from .render import render_batch

log = logging.getLogger("forum.mail")

BATCH = 100
MAX_ATTEMPTS = 12  # with the backoff below: about a day and a half of trying
FIRST_DELAY = 30  # seconds; doubles per attempt
MAX_DELAY = 4 * 3600
KEEP_SENT = timedelta(days=7)


@dataclass
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))


def _give_up(row: OutboxMail, err: BaseException, outcome: Outcome) -> None:
    error = _describe(err)
    row.status, row.last_error, row.attempts = "failed", error, row.attempts + 1
    outcome.failed += 1
    outcome.errors.append(error)
    log.error("mail %s to %s failed for good: %s", row.id, row.to_addr, _detail(err))


def _retry(row: OutboxMail, err: BaseException, now, outcome: Outcome, *, quiet: bool = False) -> None:
    """Another attempt later (or give up after MAX_ATTEMPTS). `quiet`: the caller logged the cause
    once for a whole batch (the server is away)."""
    error = _describe(err)
    row.attempts += 1
    row.last_error = error
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        outcome.failed += 1
        log.error("mail %s to %s failed after %s attempts: %s", row.id, row.to_addr, row.attempts, _detail(err))
    else:
        row.next_attempt_at = now + backoff(row.attempts)
        outcome.retrying += 1
        if not quiet:
            log.warning("mail %s to %s will be tried again: %s", row.id, row.to_addr, _detail(err))
    outcome.errors.append(error)


def _codes(err: BaseException) -> list[int]:
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return sorted({code for code, _msg in err.recipients.values()})
    code = getattr(err, "smtp_code", None)
    return [code] if isinstance(code, int) and code > 0 else []


def _describe(err: BaseException) -> str:
    """What is stored in `mail_outbox.last_error` and shown on the public `GET /healthz`: the
    error's class and SMTP code(s) only, e.g. `SMTPRecipientsRefused: 550`. Never the server's text
    or the exception's message: they name recipients (`{'maria@…': (550, …)}`) or addresses of a
    malformed header. The full detail goes to the log (`_detail`)."""
    codes = _codes(err)
    name = err.__class__.__name__
    return f"{name}: {', '.join(map(str, codes))}" if codes else name


def _detail(err: BaseException) -> str:
    """The whole error, for the log (stderr) only."""
    return f"{err.__class__.__name__}: {err}".strip()


_PUBLIC = re.compile(r"[A-Za-z_]\w*(: \d{3}(, \d{3})*)?")
_SMTP_CODE = re.compile(r"\((\d{3}),")


def public_error(stored: str | None) -> str | None:
    """A stored `last_error` as /healthz may show it. Rows written before errors were stored as
    `_describe` makes them hold the whole message (with recipients): only its class and the SMTP
    codes in it are kept."""
    if not stored or _PUBLIC.fullmatch(stored):
        return stored
    name = re.match(r"[A-Za-z_]\w*", stored)
    codes = sorted({int(code) for code in _SMTP_CODE.findall(stored)})
    label = name.group(0) if name else "Error"
    return f"{label}: {', '.join(map(str, codes))}" if codes else label


def _permanent(err: smtplib.SMTPException) -> bool:
    """A 5xx answer about this mail (refused recipient, rejected data) will not change by waiting."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in err.recipients.values())
    code = getattr(err, "smtp_code", None)
    return isinstance(err, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) and bool(code) and code >= 500


def deliver_batch(limit: int = BATCH, now=None) -> Outcome:
    """Send up to `limit` due mails over one connection and commit their outcome."""
    now = now or utcnow()
    outcome = Outcome()
    rows = list(db.session.scalars(
        select(OutboxMail).where(OutboxMail.status == "pending", OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.id).limit(limit).with_for_update(skip_locked=True)))
    if not rows:
        db.session.commit()
        return outcome
    try:
        rendered = render_batch(rows)
    except Exception as err:  # noqa: BLE001 - a renderer's bug must not stop the queue for good
        log.exception("could not render mails")
        rendered = {}
        for row in rows:
            _retry(row, err, now, outcome, quiet=True)
        db.session.commit()
        return outcome
    waiting = list(rows)
    try:
        with transport.connection(current_app.config.get("MAIL_URL")) as send:
            while waiting:
                row = waiting[0]
                mail = rendered.get(row.id)
                if mail is None:  # nothing to say any more (turned off, gone): done without a mail
                    row.status, row.sent_at = "sent", None
                    outcome.skipped += 1
                    waiting.pop(0)
                    continue
                try:
                    send(build(row.to_addr, mail))
                except (ValueError, TypeError) as err:  # a malformed address or header: this mail alone
                    _give_up(row, err, outcome)
                except smtplib.SMTPServerDisconnected:
                    raise  # the connection is gone: this row and the rest wait for the next round
                except smtplib.SMTPException as err:  # (an OSError too: handled before the next line)
                    if _permanent(err):
                        _give_up(row, err, outcome)
                    else:
                        _retry(row, err, now, outcome)
                except OSError:
                    raise
                except Exception as err:  # noqa: BLE001 - one mail's surprise must not cost the others
                    log.exception("mail %s to %s could not be sent", row.id, row.to_addr)
                    _retry(row, err, now, outcome, quiet=True)
                else:
                    row.status, row.sent_at = "sent", utcnow()
                    outcome.sent += 1
                waiting.pop(0)
    except (OSError, smtplib.SMTPException, ValueError) as err:  # the server is away or refused us
        log.warning("mail server unavailable, %s mails wait: %s", len(waiting), _detail(err))
        for row in waiting:
            _retry(row, err, now, outcome, quiet=True)
    db.session.commit()
    return outcome


def deliver_due(now=None, limit: int = BATCH, max_batches: int | None = None) -> Outcome:
    """Batches until nothing is due (or a batch made no progress: the server is away)."""
    total = Outcome()
    batches = 0
    while max_batches is None or batches < max_batches:
        outcome = deliver_batch(limit, now)
        batches += 1
        for name in ("sent", "retrying", "failed", "skipped"):
            setattr(total, name, getattr(total, name) + getattr(outcome, name))
        total.errors += outcome.errors
        if outcome.handled < limit or outcome.retrying == outcome.handled:
            break
    _count(total)
    return total


def prune(now=None) -> int:
    """Forget sent mails after a week (failed ones stay for the operator to see)."""
    result = db.session.execute(delete(OutboxMail).where(
        OutboxMail.status == "sent", OutboxMail.created_at < (now or utcnow()) - KEEP_SENT))
    db.session.commit()
    return result.rowcount or 0


def _count(outcome: Outcome) -> None:
    from .metrics import counted

    counted(outcome)


def status() -> dict:
    """The outbox at a glance, for /healthz and the metrics: one grouped query."""
    now = utcnow()
    counts = {"pending": 0, "retrying": 0, "failed": 0}
    oldest = None
    retried = func.sum(case((OutboxMail.attempts > 0, 1), else_=0))
    for state, number, again, first in db.session.execute(
            select(OutboxMail.status, func.count(), retried, func.min(OutboxMail.created_at))
            .where(OutboxMail.status != "sent").group_by(OutboxMail.status)):
        if state == "pending":
            counts["retrying"], counts["pending"], oldest = int(again or 0), number - int(again or 0), first
        else:
            counts["failed"] += number
    last_error = db.session.scalar(
        select(OutboxMail.last_error).where(OutboxMail.status != "sent", OutboxMail.last_error.is_not(None))
        .order_by(OutboxMail.id.desc()).limit(1)) if counts["retrying"] or counts["failed"] else None
    counts["oldest_pending_seconds"] = int((now - oldest).total_seconds()) if oldest else 0
    counts["last_error"] = public_error(last_error)
    return counts
