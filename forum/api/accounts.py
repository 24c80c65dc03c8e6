"""API: tokens and the signed-in person."""
from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services
from ..errors import DomainError
from ..extensions import db, limiter
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


PATHS = {
    "/tokens": {"post": {
        "summary": "Create an API token", "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["email", "password"],
            "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"201": {"description": "The token", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"token": {"type": "string"}}}}}},
            "401": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}},
    }},
    "/tokens/current": {"delete": {
        "summary": "Revoke the token in use",
        "responses": {"204": {"description": "Revoked"}, "401": {"$ref": "#/components/responses/Error"}},
    }},
    "/me": {"get": {
        "summary": "The signed-in person",
        "responses": {"200": {"description": "Profile", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/Me"}}}}, "401": {"$ref": "#/components/responses/Error"}},
    }},
}
