"""The `forum` command: Flask's CLI bound to the app factory, plus the forum's own commands."""
from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def main() -> None:
    """Console-script entry. `forum serve` needs gevent's monkey patching before anything else loads."""
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        # In production a configuration that fails `forum check` is refused before the app is built,
        # with one line per problem (a missing secret key would otherwise end in a traceback).
        from .ops.check import refuse_unsafe_production, workers_argument

        refuse_unsafe_production(workers_argument(sys.argv[2:]))
        from gevent import monkey

        monkey.patch_all()
        os.environ["FORUM_ASYNC_MODE"] = "gevent"
    from . import create_app

    from .ops.check import check_command

    from config import ConfigError

    cli = FlaskGroup(create_app=lambda: create_app(), help="Smart-City-Forum")
    cli.add_command(check_command)  # on the group itself: it must run when the app cannot be built
    try:
        cli.main(prog_name="forum")
    except ConfigError as err:  # any other command: one line per variable, no traceback
        for line in str(err).splitlines():
            click.echo(f"{line}.", err=True)
        sys.exit(EX_CONFIG)


def register_commands(app: Flask) -> None:
    from .ops.check import check_command

    app.cli.add_command(check_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(permissions_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(serve_command)
    from .ops.cli import COMMANDS as ops_commands

    for command in ops_commands:
        app.cli.add_command(command)


@click.command("permissions")
@with_appcontext
def permissions_command():
    """List every route with the permission predicate it declares (forum/handlers.py: allow)."""
    from flask import current_app

    from .handlers import route_permissions

    for methods, rule, predicate in route_permissions(current_app):
        click.echo(f"{methods:<12} {rule:<60} {predicate}")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", prompt="Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen",
              help="The password; without it the command asks for it (hidden, twice), so it stays out of the "
                   "shell's history and the process list.")
@click.option("--stakeholder", required=True,
              type=click.Choice(["citizen", "business", "research", "culture", "association"]))
@click.option("--organisation", default=None)
@click.option("--role", default="member", type=click.Choice(["member", "managing_director", "chair", "admin"]))
@click.option("--verified", is_flag=True, help="Verify an organisation account at once.")
@with_appcontext
def create_user_command(email, name, password, stakeholder, organisation, role, verified):
    """Create a confirmed account and print its id last."""
    from .accounts.services import create_confirmed_user
    from .errors import DomainError
    from .extensions import db

    try:
        user = create_confirmed_user(email=email, name=name, password=password, stakeholder=stakeholder,
                                     organisation=organisation, role=role, verified=verified)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(user.id)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Fill the database with demo content from the Braunschweig article (idempotent)."""
    from .demo import seed_demo
    from .extensions import db

    added = seed_demo()
    db.session.commit()
    click.echo(f"Demo-Daten: {added} neue Einträge." if added else "Demo-Daten sind schon vorhanden.")


class WorkerCount(click.ParamType):
    """A whole number of at least 1, or `auto`: one per CPU core this process may use."""

    name = "N|auto"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            count = value
        elif str(value).strip().lower() == "auto":
            count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        elif str(value).strip().isdigit():
            count = int(str(value).strip())
        else:
            self.fail(f"{value!r} ist keine Zahl und nicht 'auto'", param, ctx)
        if count < 1:
            self.fail("mindestens 1", param, ctx)
        return count


EX_CONFIG = 78  # sysexits.h: configuration error; systemd's RestartPreventExitStatus=78 stops a restart loop


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option("--workers", default="1", type=WorkerCount(), envvar="FORUM_WORKERS", show_default=True,
              show_envvar=True, help="Processes sharing the port (auto: one per CPU core); more than 1 needs "
                                     "FORUM_MESSAGE_QUEUE.")
@with_appcontext
def serve_command(host, port, workers):
    """Run the production server (gevent: HTTP and Socket.IO over WebSocket; N processes with --workers)."""
    from flask import current_app

    from .server import serve

    if current_app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
        raise click.ClickException("forum serve muss als 'forum serve' gestartet werden (gevent).")
    if workers > 1 and not current_app.config.get("MESSAGE_QUEUE"):
        click.echo(f"forum serve --workers {workers}: mehrere Prozesse brauchen FORUM_MESSAGE_QUEUE "
                   "(z. B. redis://127.0.0.1:6379/0), damit Live-Nachrichten alle Prozesse erreichen. "
                   "Ohne Warteschlange: --workers 1.", err=True)
        sys.exit(EX_CONFIG)
    serve(current_app._get_current_object(), host, port, workers=workers)
