"""`forum check`: one line per problem naming the variable, exit 0 only on a safe production
configuration; `forum serve` in production refuses to start on one that fails it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum.ops.check import problems

from ..deploy.envfile import parse

FORUM = str(Path(sys.executable).with_name("forum"))
ROOT = Path(__file__).resolve().parents[2]
GOOD = {"FORUM_ENV": "production", "FORUM_SECRET_KEY": "k" * 64, "FORUM_BASE_URL": "https://forum.example.org",
        "FORUM_DATABASE_URL": "postgresql+psycopg://forum@/forum", "FORUM_WORKERS": "2",
        "FORUM_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0", "FORUM_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/1",
        "FORUM_MAIL_URL": "smtp://mail.example.org:25", "FORUM_TRUSTED_PROXIES": "1"}


def variables(lines: list[str]) -> list[str]:
    return [line.split(":", 1)[0] for line in lines]


def test_a_good_production_configuration_has_no_problem(tmp_path):
    assert problems({**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path)}) == []


@pytest.mark.parametrize(("change", "variable"), [
    ({"FORUM_SECRET_KEY": ""}, "FORUM_SECRET_KEY"),
    ({"FORUM_SECRET_KEY": "CHANGE-ME"}, "FORUM_SECRET_KEY"),
    ({"FORUM_BASE_URL": ""}, "FORUM_BASE_URL"),
    ({"FORUM_BASE_URL": "http://forum.example.org"}, "FORUM_BASE_URL"),
    ({"FORUM_BASE_URL": "forum.example.org"}, "FORUM_BASE_URL"),
    ({"FORUM_DATABASE_URL": ""}, "FORUM_DATABASE_URL"),
    ({"FORUM_DATABASE_URL": "sqlite:////var/lib/forum/forum.db"}, "FORUM_DATABASE_URL"),
    ({"FORUM_MESSAGE_QUEUE": ""}, "FORUM_MESSAGE_QUEUE"),
    ({"FORUM_RATELIMIT_STORAGE_URL": ""}, "FORUM_RATELIMIT_STORAGE_URL"),
    ({"FORUM_RATELIMIT_STORAGE_URL": "memory://"}, "FORUM_RATELIMIT_STORAGE_URL"),
    ({"FORUM_MAIL_URL": ""}, "FORUM_MAIL_URL"),
    ({"FORUM_ENV": "development"}, "FORUM_ENV"),
    ({"FORUM_WORKERS": "two"}, "FORUM_WORKERS"),
    ({"FORUM_TRUSTED_PROXIES": "-1"}, "FORUM_TRUSTED_PROXIES"),
])
def test_each_problem_is_one_line_naming_its_variable(tmp_path, change, variable):
    found = problems({**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), **change})
    assert variables(found) == [variable], found


def test_one_worker_may_use_sqlite_and_memory_without_a_queue(tmp_path):
    env = {**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_WORKERS": "1", "FORUM_DATABASE_URL": "",
           "FORUM_MESSAGE_QUEUE": "", "FORUM_RATELIMIT_STORAGE_URL": ""}
    assert problems(env) == []
    assert variables(problems(env, workers=3)) == ["FORUM_DATABASE_URL", "FORUM_MESSAGE_QUEUE",
                                                   "FORUM_RATELIMIT_STORAGE_URL"]


def test_workers_come_from_the_command_line_or_the_environment(tmp_path, monkeypatch):
    from forum.ops.check import worker_count, workers_argument

    assert workers_argument(["--port", "8000", "--workers", "3"]) == 3
    assert workers_argument(["--workers=2"]) == 2 and workers_argument(["--port", "1"]) is None
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert worker_count("auto") == 4 and worker_count("0") is None and worker_count("x") is None
    env = {**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_WORKERS": "auto", "FORUM_MESSAGE_QUEUE": ""}
    assert variables(problems(env)) == ["FORUM_MESSAGE_QUEUE"] and "4 workers" in problems(env)[0]
    assert problems(env, workers=1) == []


def test_development_is_told_it_is_not_production(tmp_path):
    """Without FORUM_ENV the production-only items (key, base URL, mail) are not repeated."""
    assert variables(problems({"FORUM_INSTANCE_PATH": str(tmp_path)})) == ["FORUM_ENV"]


def test_forwarded_headers_noted_by_the_app_reach_the_check(app_factory, tmp_path):
    """With FORUM_TRUSTED_PROXIES=0 the first request with X-Forwarded-For is noted in the instance
    folder and on /healthz; `forum check` then names FORUM_TRUSTED_PROXIES, and stops once it is 1."""
    app = app_factory(TRUSTED_PROXIES=0)
    client = app.test_client()
    assert "warnings" not in client.get("/healthz").get_json()
    assert problems({**GOOD, "FORUM_INSTANCE_PATH": app.instance_path, "FORUM_TRUSTED_PROXIES": "0"}) == []
    client.get("/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    noted = json.loads((Path(app.instance_path) / "forwarded-headers-seen").read_text())
    assert noted["headers"] == ["X-Forwarded-For", "X-Forwarded-Proto"]
    assert client.get("/healthz").get_json()["warnings"] == [
        "FORUM_TRUSTED_PROXIES: X-Forwarded-* headers arrive and are ignored"]
    found = problems({**GOOD, "FORUM_INSTANCE_PATH": app.instance_path, "FORUM_TRUSTED_PROXIES": "0"})
    assert variables(found) == ["FORUM_TRUSTED_PROXIES"] and "X-Forwarded-For" in found[0]
    assert problems({**GOOD, "FORUM_INSTANCE_PATH": app.instance_path}) == []


def test_trusted_proxies_note_nothing(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)
    app.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not (Path(app.instance_path) / "forwarded-headers-seen").exists()


def _env(tmp_path, **values) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_") or k.startswith("FORUM_TEST")}
    return {**env, "FORUM_INSTANCE_PATH": str(tmp_path / "instance"), **values}


def _documented_configuration(tmp_path) -> dict[str, str]:
    """deploy/forum.env.example as an operator fills it in (the CHANGE-ME values replaced)."""
    values = {}
    for name, value in parse((ROOT / "deploy" / "forum.env.example").read_text()).items():  # as systemd reads it
        value = value.replace("CHANGE-ME", "x" * 64 if name == "FORUM_SECRET_KEY" else "secret")
        values[name] = value.replace(".example", ".example.org")  # the real names
    values["FORUM_INSTANCE_PATH"] = str(tmp_path / "instance")
    return _env(tmp_path, **values)


def test_the_command_passes_the_documented_configuration_and_fails_a_bad_one(tmp_path):
    good = subprocess.run([FORUM, "check"], env=_documented_configuration(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout == ""
    # no secret key: the app cannot even be built, and the check still explains everything
    bad = subprocess.run([FORUM, "check"], env=_env(tmp_path, FORUM_ENV="production", FORUM_WORKERS="2",
                                                    FORUM_BASE_URL="http://forum.example.org"),
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert variables(bad.stdout.splitlines()) == [
        "FORUM_SECRET_KEY", "FORUM_BASE_URL", "FORUM_DATABASE_URL", "FORUM_MESSAGE_QUEUE",
        "FORUM_RATELIMIT_STORAGE_URL", "FORUM_MAIL_URL"], bad.stdout


def test_serve_in_production_refuses_a_configuration_that_fails_the_check(tmp_path):
    env = {**_documented_configuration(tmp_path), "FORUM_MAIL_URL": ""}
    result = subprocess.run([FORUM, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 78  # EX_CONFIG: forum.service does not restart it in a loop
    assert result.stderr.splitlines()[0].startswith("FORUM_MAIL_URL:"), result.stderr
    assert "forum check" in result.stderr


def test_forwarded_headers_noted_by_the_app_do_not_keep_serve_from_starting(tmp_path, capsys):
    """Any visitor can send X-Forwarded-For: the marker it leaves is a warning for `forum serve`
    (which would otherwise exit 78 and stay down under RestartPreventExitStatus=78), while `forum
    check` still names it."""
    from forum.ops.check import refuse_unsafe_production

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "forwarded-headers-seen").write_text(json.dumps({"at": "2026-12-07T03:00:00Z",
                                                                 "headers": ["X-Forwarded-For"]}))
    env = {**GOOD, "FORUM_INSTANCE_PATH": str(instance), "FORUM_TRUSTED_PROXIES": "0"}
    assert variables(problems(env)) == ["FORUM_TRUSTED_PROXIES"]
    refuse_unsafe_production(env=env)  # no SystemExit
    warning = capsys.readouterr().err
    assert warning.startswith("warning: FORUM_TRUSTED_PROXIES:") and "delete that file" in warning
    # a real configuration problem beside it still refuses, and names only the problem
    with pytest.raises(SystemExit) as refused:
        refuse_unsafe_production(env={**env, "FORUM_MAIL_URL": ""})
    assert refused.value.code == 78
    assert variables(capsys.readouterr().err.splitlines()[:-1]) == ["FORUM_MAIL_URL"]


# Values `forum check` used to pass and `forum serve` then died on (traceback, exit 1), or that
# silently disabled a limit: the check runs the app's own parsing (Config.from_env).
UNUSABLE = [
    ("FORUM_MAIL_WORKER", "maybe"),
    ("FORUM_METRICS_PORT", "abc"),
    ("FORUM_METRICS_PORT", "70000"),
    ("FORUM_MAIL_URL", "smtp://u:p@mail.example.org:25"),
    ("FORUM_MAIL_URL", "mail.example.org"),
    ("FORUM_LOGIN_RATE_LIMIT", "10 pro Minute"),
    ("FORUM_ACCOUNT_PASSWORD_LIMIT", "zehn"),
    ("FORUM_PASSWORD_RESET_LIMIT", "5 per fortnight"),
    ("FORUM_LIVE_POST_LIMIT", "10 per 10"),
    ("FORUM_MAIL_POLL_SECONDS", "bald"),
    ("FORUM_UPLOAD_MAX_MB", "0"),
    ("FORUM_REPORT_THRESHOLD", "drei"),
    ("FORUM_OPEN_DATA_MAX_AGE", "-5"),
    ("FORUM_DATABASE_URL", "nicht eine URL"),
]


@pytest.mark.parametrize(("variable", "value"), UNUSABLE)
def test_the_check_refuses_what_the_app_cannot_parse(tmp_path, variable, value):
    found = problems({**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), variable: value})
    assert variables(found) == [variable], found
    # the value is quoted, except in the URLs, which may hold a password
    assert value in found[0] or variable in ("FORUM_MAIL_URL", "FORUM_DATABASE_URL"), found


def test_mail_worker_takes_the_usual_words_for_on_and_off(tmp_path):
    from config import Config

    for value, on in (("false", False), ("no", False), ("0", False), ("OFF", False), ("true", True), ("on", True)):
        env = {**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_MAIL_WORKER": value}
        assert problems(env) == []
        assert Config.from_env(env).MAIL_WORKER is on


@pytest.mark.parametrize(("variable", "value"), [UNUSABLE[1], UNUSABLE[3], UNUSABLE[5]])
@pytest.mark.parametrize("mode", ["production", "development"])
def test_serve_turns_a_configuration_error_into_one_line_and_status_78(tmp_path, variable, value, mode):
    env = {**_documented_configuration(tmp_path), "FORUM_ENV": mode, variable: value}
    result = subprocess.run([FORUM, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 78, result.stderr
    assert "Traceback" not in result.stderr
    assert variables(result.stderr.splitlines()[:-1]) == [variable], result.stderr
    check = subprocess.run([FORUM, "check"], env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and variable in variables(check.stdout.splitlines()), check.stdout


def test_other_commands_name_the_variable_without_a_traceback(tmp_path):
    env = _env(tmp_path, FORUM_METRICS_PORT="abc")
    result = subprocess.run([FORUM, "db", "current"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 78 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "FORUM_METRICS_PORT: must be a port number (1-65535), not 'abc'."


def test_placeholders_of_the_example_are_problems_in_production(tmp_path):
    env = {**GOOD, "FORUM_INSTANCE_PATH": str(tmp_path), "FORUM_BASE_URL": "https://forum.braunschweig.example",
           "FORUM_MAIL_URL": "smtp://forum:CHANGE-ME@mail.braunschweig.example:587?starttls=1",
           "FORUM_MAIL_FROM": "Smart-City-Forum <forum@braunschweig.example>", "FORUM_METRICS_TOKEN": "CHANGE-ME"}
    assert variables(problems(env)) == ["FORUM_MAIL_URL", "FORUM_METRICS_TOKEN", "FORUM_BASE_URL", "FORUM_MAIL_FROM"]
    assert "secret" not in "".join(problems({**env, "FORUM_MAIL_URL": "smtp://u:secret@mail.example.org:25"}))
    assert variables(problems({**env, "FORUM_ENV": "development"})) == ["FORUM_ENV"]


def test_the_example_file_as_shipped_fails_the_check(tmp_path):
    """Copied and not edited: the check names every value still to fill in."""
    env = _documented_configuration(tmp_path)
    for name, value in parse((ROOT / "deploy" / "forum.env.example").read_text()).items():
        if name in ("FORUM_SECRET_KEY", "FORUM_BASE_URL", "FORUM_MAIL_URL", "FORUM_MAIL_FROM"):
            env[name] = value
    result = subprocess.run([FORUM, "check"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert sorted(set(variables(result.stdout.splitlines()))) == [
        "FORUM_BASE_URL", "FORUM_MAIL_FROM", "FORUM_MAIL_URL", "FORUM_SECRET_KEY"], result.stdout
