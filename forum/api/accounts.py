"""API: tokens, the signed-in person, the password."""
from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..accounts import services
from ..accounts.schemas import me as serialize_me
from ..councils.queries import roles_of
from ..database import iso
from ..errors import DomainError
from ..extensions import db, limiter
from ..handlers import allow, anyone, signed_in
from ..apidoc import (NO_AUTH, STAKEHOLDERS, errors, json_response, line, no_content, obj, optional_line,
                      path_param, ref)
from ..apidoc import json_body as json_request
from . import bp
from .helpers import field, json_body


class BadCredentials(DomainError):
    code, status = "invalid_credentials", 401


def serialize_token(token, current_id: int | None = None) -> dict:
    """A token as its owner sees it: never the secret, only the first characters."""
    return {"id": token.id, "label": token.label, "prefix": token.prefix, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at), "current": token.id == current_id}


@bp.post("/tokens")
@allow(anyone)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def create_token():
    data = json_body()
    email = field(data, "email", max_length=254)
    password = field(data, "password", max_length=200)
    label = field(data, "label", required=False, max_length=services.LABEL_MAX)
    user = services.authenticate(email, password)
    if user is None:
        raise BadCredentials(_("E-Mail-Adresse oder Passwort ist falsch."))
    token = services.issue_token(user, label)
    db.session.commit()
    return jsonify(token=token), 201


@bp.delete("/tokens/current")
@allow(signed_in)
def revoke_current_token():
    token = g.get("api_token")
    if token is None:
        raise DomainError(_("Diese Anfrage nutzt kein API-Token."), "no_token")
    services.revoke_token(token)
    db.session.commit()
    return "", 204


@bp.get("/me")
@allow(signed_in)
def get_me():
    return jsonify(serialize_me(current_user, roles_of(current_user)))


@bp.patch("/me")
@allow(signed_in)
def update_me():
    """`{name?, language?}`: the name others see, the language of pages, notices and mails; a field
    given as null counts as not given (as everywhere in the API), other keys are refused."""
    data = json_body()
    unknown = set(data) - {"name", "language"}
    if unknown:
        raise DomainError(_("Unbekannte Felder: %(fields)s", fields=", ".join(sorted(unknown))), "unknown_fields")
    person = current_user._get_current_object()
    if data.get("name") is not None:
        services.change_name(person, field(data, "name", max_length=120))
    if data.get("language") is not None:
        services.change_language(person, field(data, "language", max_length=2))
    db.session.commit()
    return jsonify(serialize_me(person, roles_of(person)))


@bp.get("/me/tokens")
@allow(signed_in)
def list_tokens():
    current = g.get("api_token")
    tokens = services.user_tokens(current_user)
    return jsonify(items=[serialize_token(t, current.id if current is not None else None) for t in tokens])


@bp.delete("/me/tokens")
@allow(signed_in)
def revoke_all_tokens():
    services.revoke_all_tokens(current_user)
    db.session.commit()
    return "", 204


@bp.delete("/me/tokens/<int:token_id>")
@allow(signed_in)
def revoke_token(token_id: int):
    services.revoke_token_of(current_user, token_id)
    db.session.commit()
    return "", 204


@bp.put("/me/password")
@allow(signed_in)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def change_password():
    """The same service as the profile form: every other session ends, every token (this one
    too) is revoked, their sockets follow. A cookie session that asked keeps going."""
    data = json_body()
    current = field(data, "current_password", max_length=200)
    new = field(data, "new_password", max_length=200)
    person = current_user._get_current_object()
    by_token = g.get("api_token") is not None
    services.change_password(person, current, new)
    db.session.commit()
    if not by_token:
        login_user(person)  # this cookie session carries the new session version
    return "", 204


SCHEMAS = {
    "Me": obj({
        "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
        "stakeholder": {"type": "string", "enum": STAKEHOLDERS},
        "organisation": {"type": "string", "nullable": True}, "verified": {"type": "boolean"},
        "verification": {"type": "string", "nullable": True}, "email_confirmed": {"type": "boolean"},
        "role": {"type": "string", "enum": ["member", "managing_director", "chair", "admin"]},
        "language": {"type": "string", "enum": ["de", "en"],
                     "description": "Pages, notices and mails are in this language"},
        "councils": {"type": "array", "items": obj({"slug": {"type": "string"},
                                                    "role": {"type": "string", "enum": ["member", "moderator"]}},
                                                   ["slug", "role"])}},
        ["id", "name", "email", "stakeholder", "organisation", "verified", "role", "language", "councils"]),
    "Token": obj({"token": {"type": "string"}}, ["token"]),
    "ApiToken": obj({
        "id": {"type": "integer"}, "label": {"type": "string", "nullable": True},
        "prefix": {"type": "string", "nullable": True, "description": "The token's first characters"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": "string", "format": "date-time", "nullable": True,
                         "description": "Noted at most once a minute"},
        "current": {"type": "boolean", "description": "The token this request uses"}},
        ["id", "label", "prefix", "created_at", "last_used_at", "current"]),
}
PATHS = {
    "/tokens": {"post": {
        "summary": "Create an API token", "security": NO_AUTH,
        "description": "Limited per client address (FORUM_LOGIN_RATE_LIMIT): 429 beyond it; 503 while the "
                       "limit's storage is unreachable (signing in fails closed).",
        "requestBody": json_request(obj({"email": {"type": "string", "maxLength": 254},
                                      "password": {"type": "string", "maxLength": 200},
                                      "label": optional_line(80, description="A name to recognise the token by")},
                                     ["email", "password"])),
        "responses": {"201": json_response(ref("Token"), "The token"), **errors(401, 429, 503)},
    }},
    "/tokens/current": {"delete": {
        "summary": "Revoke the token in use",
        "responses": {"204": no_content("Revoked"), **errors(400)},
    }},
    "/me": {
        "get": {
            "summary": "The signed-in person",
            "responses": {"200": json_response(ref("Me"), "Profile")},
        },
        "patch": {
            "summary": "Change your name or language",
            "description": "`language` is that of your pages, notices and mails. A field given as null is "
                           "left as it is; any other key is a 400 `unknown_fields`.",
            "requestBody": json_request(obj({"name": line(120),
                                             "language": {"type": "string", "enum": ["de", "en"]}}, closed=True)),
            "responses": {"200": json_response(ref("Me"), "Profile"), **errors(400, 422)},
        },
    },
    "/me/tokens": {
        "get": {
            "summary": "The signed-in person's API tokens",
            "responses": {"200": json_response(obj({"items": {"type": "array", "items": ref("ApiToken")}}, ["items"]),
                                               "Tokens, newest first (never their secrets)")},
        },
        "delete": {
            "summary": "Revoke every API token of the signed-in person (the one used too)",
            "description": "Sockets opened with these tokens go on as anonymous at once.",
            "responses": {"204": no_content("Revoked")},
        },
    },
    "/me/tokens/{token_id}": {"delete": {
        "summary": "Revoke one of your API tokens",
        "parameters": [path_param("token_id")],
        "responses": {"204": no_content("Revoked")},
    }},
    "/me/password": {"put": {
        "summary": "Change your password",
        "description": "Ends every other session and revokes every API token of the person, the one used "
                       "included; their open sockets lose those rights at once. A wrong current password is "
                       "403 `wrong_password`, a weak new one 422 `weak_password`; failed checks of the current "
                       "password are limited per account (429).",
        "requestBody": json_request(obj({"current_password": {"type": "string", "maxLength": 200},
                                         "new_password": {"type": "string", "minLength": 8, "maxLength": 200}},
                                        ["current_password", "new_password"])),
        "responses": {"204": no_content("Changed"), **errors(403, 429, 503)},
    }},
}
