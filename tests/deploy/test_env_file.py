"""deploy/forum.env.example is read the same by systemd's EnvironmentFile= and by POSIX sh
(`set -a; . /etc/forum/forum.env; set +a`, the README's recipe without systemd): as shipped, and
with every commented-out setting switched on."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .envfile import parse

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "forum.env.example"
SETTING = re.compile(r"^# (FORUM_[A-Z_]+=.*)$")


def _switched_on(text: str) -> str:
    """The example with its commented-out `# FORUM_…=value` lines as settings."""
    return "\n".join(SETTING.sub(r"\1", line) for line in text.splitlines()) + "\n"


def _sourced(path: Path) -> dict[str, str]:
    result = subprocess.run(["sh", "-c", 'set -a; . "$1"; set +a; env', "sh", str(path)],
                            env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return dict(line.split("=", 1) for line in result.stdout.splitlines()
                if line.startswith("FORUM_") and "=" in line)


@pytest.mark.parametrize("variant", ["as shipped", "every setting on"])
def test_systemd_and_sh_read_the_example_alike(tmp_path, variant):
    text = EXAMPLE.read_text()
    if variant == "every setting on":
        text = _switched_on(text)
    path = tmp_path / "forum.env"
    path.write_text(text)
    systemd = parse(text)
    assert systemd == _sourced(path)
    assert systemd["FORUM_MAIL_FROM"] == "Smart-City-Forum <forum@braunschweig.example>"
    if variant == "every setting on":
        assert systemd["FORUM_LOGIN_RATE_LIMIT"] == "10 per minute"
        assert len(systemd) > 20


def test_values_with_characters_special_to_the_shell_are_double_quoted():
    """What sh would read otherwise (spaces, < >, ;, &, |, quotes, $ …) stands in double quotes,
    the one quoting both read the same; `$`, `` ` `` and `\\` do not appear (sh would expand them)."""
    for line in _switched_on(EXAMPLE.read_text()).splitlines():
        if not line.startswith("FORUM_"):
            continue
        name, _, value = line.partition("=")
        if re.search(r"[\s<>;&|()'\"*$`\\]", value):
            assert value.startswith('"') and value.endswith('"') and '"' not in value[1:-1], line
            assert not re.search(r"[$`\\]", value), line


def test_the_reader_follows_systemd_on_quotes_and_escapes():
    assert parse('A="x y"\nB=\'a $b\'\n C = plain value  \n# D=no\n;E=no\nF="q\\"\\$\\n"\nG=a\\ b') == {
        "A": "x y", "B": "a $b", "C": "plain value", "F": 'q"$\\n', "G": "a b"}
