"""The OpenAPI 3 description, merged from the PATHS of each API module (a test keeps it true)."""
from __future__ import annotations

import importlib

from flask import jsonify

from . import bp

# Each module under forum.api that serves routes lists its paths in a PATHS dict.
MODULES = ["accounts", "councils", "proposals", "meetings", "projects"]

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
        "Me": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
            "stakeholder": {"type": "string", "enum": ["citizen", "business", "research", "culture", "association"]},
            "organisation": {"type": "string", "nullable": True}, "verified": {"type": "boolean"},
            "role": {"type": "string", "enum": ["member", "managing_director", "chair", "admin"]},
            "councils": {"type": "array", "items": {"type": "object", "properties": {
                "slug": {"type": "string"}, "role": {"type": "string", "enum": ["member", "moderator"]}}}}}},
        "Page": {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
            "items": {"type": "array", "items": {}}, "page": {"type": "integer"},
            "per_page": {"type": "integer", "maximum": 100}, "total": {"type": "integer"}}},
    },
    "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Error"}}}}},
    "parameters": {
        "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        "per_page": {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    },
}


def spec() -> dict:
    paths: dict = {"/openapi.json": {"get": {"summary": "This description", "security": [],
                                             "responses": {"200": {"description": "OpenAPI 3 document"}}}}}
    for name in MODULES:
        module = importlib.import_module(f"forum.api.{name}")
        for path, ops in module.PATHS.items():
            paths.setdefault(path, {}).update(ops)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Smart-City-Forum API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {}],
        "paths": paths,
        "components": COMPONENTS,
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())
