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

    cli = FlaskGroup(create_app=lambda: create_app(), help="Smart-City-Forum")
    cli.add_command(check_command)  # on the group itself: it must run when the app cannot be built
    cli.main(prog_name="forum")


def register_commands(app: Flask) -> None:
    from .ops.check import check_command

    app.cli.add_command(check_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(serve_command)
    from .ops.cli import COMMANDS as ops_commands

    for command in ops_commands:
        app.cli.add_command(command)


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", required=True)
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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@with_appcontext
def serve_command(host, port):
    """Run the production server (gevent: HTTP and Socket.IO over WebSocket in one process)."""
    from flask import current_app

    from .server import serve

    if current_app.config["SOCKETIO_ASYNC_MODE"] != "gevent":
        raise click.ClickException("forum serve muss als 'forum serve' gestartet werden (gevent).")
    serve(current_app._get_current_object(), host, port)
