"""The Smart-City-Forum application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: object | None = None) -> Flask:
    """Build the app. `config` is a Config object; by default it is read from the environment."""
    if config is None:
        config = Config.from_env()
    instance_path = getattr(config, "INSTANCE_PATH", None) or str(ROOT / "instance")
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=instance_path,
    )
    app.config.from_object(config)
    app.jinja_env.add_extension("jinja2.ext.do")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from . import assets, database, effects, errors, i18n, ops, security, urls
    from .extensions import csrf, db, limiter, login_manager, migrate, socketio

    db.init_app(app)
    effects.init_app(app)  # the one after-commit queue: mail, live emits, access announcements
    database.configure_engine(app)
    # compare_*: `forum db migrate`/`check` and tests/test_schema.py see column types and defaults.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True,
                     compare_server_default=database.compare_server_default)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    i18n.init_app(app)
    _init_login(app, login_manager)
    from .live import init_app as init_live
    from .live.access import queue_manager

    # Flask-SocketIO keeps the previous app's queue manager in server_options when the next app has
    # no queue (several apps in one process: tests, CLI); drop it so every app gets its own.
    socketio.server_options.pop("client_manager", None)
    socketio.server_options.pop("channel", None)
    queue = app.config.get("MESSAGE_QUEUE")
    # The forum makes its own queue manager: Flask-SocketIO's, plus the relay of access changes
    # (forum/live/access.py) on the same channel, so they keep their order with the emits.
    managers = {"client_manager": queue_manager(app, queue)} if queue else {}
    # cors_allowed_origins: None is Engine.IO's "same origin only" (the request's own Host); with a
    # FORUM_BASE_URL the own origin is that one, whatever Host a request names. [] would switch it off.
    base_origin = urls.base_origin(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=queue,
        **managers,
        cors_allowed_origins=app.config.get("ALLOWED_ORIGINS") or ([base_origin] if base_origin else None),
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )
    from .live.origin import init_app as init_origin_guard

    init_origin_guard(app)  # a refused origin's WebSocket upgrade: 403 before the switch
    urls.init_app(app)  # after Socket.IO: ProxyFix wraps its middleware too
    security.init_app(app)
    assets.init_app(app)  # content-hashed static URLs, cached for a year
    ops.init_app(app)
    from . import mail

    mail.init_app(app)  # the outbox's worker: metrics and `forum mail-worker`
    errors.init_app(app)
    _init_areas(app)
    _register_models()
    init_live(app)

    from .cli import register_commands
    from .permissions import template_helpers
    from .permissions.viewer import mark_reading_request

    register_commands(app)
    app.context_processor(template_helpers)
    app.before_request(mark_reading_request)
    return app


def _init_login(app: Flask, login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    from .accounts.auth import load_user, load_user_from_request

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Bitte melde dich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_request)

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import flash, redirect, request, url_for

        from .errors import error_response, wants_json

        if wants_json():
            return error_response(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _init_areas(app: Flask) -> None:
    """Each area registers its pages and plugs itself into the core registries (report targets,
    export, erasure: forum/registry.py) from its own `init_app`."""
    from . import controlling, councils, files, meetings, moderation, notifications, oparl, proposals
    from .accounts.routes import bp as accounts_bp
    from .api import bp as api_bp
    from .main import bp as main_bp

    app.register_blueprint(main_bp)
    notifications.init_app(app)
    files.init_app(app)  # before the content areas: its erasure reads their rows before they go
    app.register_blueprint(accounts_bp)
    councils.init_app(app)
    moderation.init_app(app)
    meetings.init_app(app)
    controlling.init_app(app)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    proposals.init_app(app)
    oparl.init_app(app)  # the read-only OParl 1.1 source; a presentation layer, nothing imports it


def _register_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    from . import models  # noqa: F401
