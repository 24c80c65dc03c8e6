"""A reader of systemd's EnvironmentFile= format, for the tests of deploy/forum.env.example.

It follows systemd.exec(5) and systemd's parser (src/basic/env-file.c) for what the example can
hold: `KEY=VALUE` a line, lines starting with `#` or `;` are comments, whitespace around the key and
before the value is dropped; a value in double quotes may hold spaces, and inside it a backslash
escapes `"`, `\\`, `` ` `` and `$` (any other backslash stays); a value in single quotes is taken as
written; outside quotes a backslash escapes the next character and trailing whitespace is dropped.
No `$VAR` is expanded (systemd never does in EnvironmentFile=). Text after a closing quote is
appended, as systemd does, but the tests refuse it (sh would read it differently)."""
from __future__ import annotations

SHELL_NEED_ESCAPE = '"\\`$'


def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, rest = line.partition("=")
        if not sep:
            raise ValueError(f"not KEY=VALUE: {raw!r}")
        values[key.strip()] = _value(rest.lstrip())
    return values


def _value(rest: str) -> str:
    out: list[str] = []
    i = 0
    state = "plain"
    while i < len(rest):
        c = rest[i]
        if state == "plain":
            if c == '"' and not out:
                state = "double"
            elif c == "'" and not out:
                state = "single"
            elif c == "\\" and i + 1 < len(rest):
                i += 1
                out.append(rest[i])
            else:
                out.append(c)
        elif state == "double":
            if c == '"':
                state = "after"
            elif c == "\\" and i + 1 < len(rest):
                i += 1
                out.append(rest[i] if rest[i] in SHELL_NEED_ESCAPE else "\\" + rest[i])
            else:
                out.append(c)
        elif state == "single":
            if c == "'":
                state = "after"
            else:
                out.append(c)
        else:  # after a closing quote
            out.append(c)
        i += 1
    if state in ("double", "single"):
        raise ValueError(f"unterminated quote: {rest!r}")
    return "".join(out).rstrip() if state == "plain" else "".join(out)
