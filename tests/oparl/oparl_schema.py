"""The official OParl 1.1 JSON schemas (vendored in schema/, see schema/README.md) as validators.

`validate(obj)` checks an object against the schema its `type` names, and every object embedded in
it (agenda items, memberships, files, legislative terms) against its own type's schema too; the
schemas' `$ref`s ("File.json", "AgendaItem.json") resolve to the vendored files, never the network.
Formats are checked as well: `url` (the schemas' own word: an absolute http(s) address), `date-time`
with a time zone, and `date`."""
from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
BASE = "https://schema.oparl.org/1.1/"
TYPES = ("System", "Body", "LegislativeTerm", "Organization", "Membership", "Person", "Meeting", "AgendaItem",
         "Paper", "File", "Location", "Consultation")

checker = FormatChecker()


@checker.checks("url")
def _is_url(value) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@checker.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and parsed.tzinfo is not None


@checker.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return bool(date.fromisoformat(value)) and len(value) == 10


@lru_cache(maxsize=1)
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        resource = Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT7)
        resources += [(BASE + path.name, resource), (BASE + path.stem, resource)]
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(type_name: str) -> Draft7Validator:
    return Draft7Validator({"$ref": BASE + type_name + ".json"}, registry=_registry(), format_checker=checker)


def type_of(obj: dict) -> str:
    """The type's name ("Meeting"); the schema of that name then checks the whole URL is 1.1's."""
    return obj.get("type", "").rsplit("/", 1)[-1]


def validate(obj: dict, seen: list | None = None) -> list[dict]:
    """Raise `jsonschema.ValidationError` unless `obj` and everything embedded in it is valid.
    Returns every object checked (`obj` first), so a test can see which types it covered."""
    seen = [] if seen is None else seen
    validator(type_of(obj)).validate(obj)
    seen.append(obj)
    for value in obj.values():
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, dict) and "type" in inner:
                validate(inner, seen)
    return seen
