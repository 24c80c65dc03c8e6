"""API: tokens and the signed-in person."""
from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services
from ..errors import DomainError
from ..extensions import db, limiter
from ..apidoc import NO_AUTH, STAKEHOLDERS, errors, json_response, no_content, obj, ref
from ..apidoc import json_body as json_request
from . import bp
from .helpers import field, json_body
from .serializers import me as serialize_me


class BadCredentials(DomainError):
    code, status = "invalid_credentials", 401


@bp.post("/tokens")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_token():
    data = json_body()
    email = field(data, "email", max_length=254)
    password = field(data, "password", max_length=200)
    user = services.authenticate(email, password)
    if user is None:
        raise BadCredentials(_("E-Mail-Adresse oder Passwort ist falsch."))
    token = services.issue_token(user)
    db.session.commit()
    return jsonify(token=token), 201


@bp.delete("/tokens/current")
@login_required
def revoke_current_token():
    token = g.get("api_token")
    if token is None:
        raise DomainError(_("Diese Anfrage nutzt kein API-Token."), "no_token")
    services.revoke_token(token)
    db.session.commit()
    return "", 204


@bp.get("/me")
@login_required
def get_me():
    return jsonify(serialize_me(current_user))


SCHEMAS = {
    "Me": obj({
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "stakeholder": {"type": "string", "enum": STAKEHOLDERS},
        "organisation": {"type": "string", "nullable": True}, "verified": {"type": "boolean"},
        "verification": {"type": "string", "nullable": True}, "email_confirmed": {"type": "boolean"},
        "role": {"type": "string", "enum": ["member", "managing_director", "chair", "admin"]},
        "councils": {"type": "array", "items": obj({"slug": {"type": "string"},
                                                    "role": {"type": "string", "enum": ["member", "moderator"]}},
                                                   ["slug", "role"])}},
        ["id", "name", "email", "stakeholder", "organisation", "verified", "role", "councils"]),
    "Token": obj({"token": {"type": "string"}}, ["token"]),
}
PATHS = {
    "/tokens": {"post": {
        "summary": "Create an API token", "security": NO_AUTH,
        "description": "Limited per client address (FORUM_LOGIN_RATE_LIMIT): 429 beyond it; 503 while the "
                       "limit's storage is unreachable (signing in fails closed).",
        "requestBody": json_request(obj({"email": {"type": "string", "maxLength": 254},
                                      "password": {"type": "string", "maxLength": 200}}, ["email", "password"])),
        "responses": {"201": json_response(ref("Token"), "The token"), **errors(401, 429, 503)},
    }},
    "/tokens/current": {"delete": {
        "summary": "Revoke the token in use",
        "responses": {"204": no_content("Revoked"), **errors(400)},
    }},
    "/me": {"get": {
        "summary": "The signed-in person",
        "responses": {"200": json_response(ref("Me"), "Profile")},
    }},
}
