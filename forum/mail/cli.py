"""`forum mail-worker`: the outbox's sender, for installations that run it as its own process."""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Send what is due (and due digests), then exit.")
@click.option("--poll", type=float, default=None, help="Seconds between looks at the outbox [FORUM_MAIL_POLL_SECONDS].")
@with_appcontext
def mail_worker_command(once, poll):
    """Send queued mails until SIGTERM/SIGINT: batches over one connection, retries with backoff."""
    from ..ops.requestlog import configure_stdout_logging
    from .loop import run

    app = current_app._get_current_object()
    configure_stdout_logging()
    stop = threading.Event()
    event = threading.Event()

    def _stop(*_args):
        stop.set()
        event.set()

    if not once:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        click.echo("Mail-Worker läuft.", err=True)
    run(app, poll=poll or float(app.config["MAIL_POLL_SECONDS"]), stop=stop, event=event, once=once)
    if once:
        from .worker import status

        now = status()
        click.echo(f"Warteschlange: {now['pending']} wartend, {now['retrying']} im neuen Versuch, "
                   f"{now['failed']} gescheitert.")


COMMANDS = [mail_worker_command]
