"""tests/conformance/run_schemathesis.py fails a hollow run: an operation behind the sign-in check
that answered a phase's schema-valid requests only with 401 (the run's token was revoked and
nothing fetched a new one) was never tested, however green Schemathesis reports it."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_PATH = Path(__file__).parent / "conformance" / "run_schemathesis.py"
_SPEC = importlib.util.spec_from_file_location("run_schemathesis", _PATH)
runner = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(runner)

DOCUMENT = {
    "security": [{"bearer": []}],
    "paths": {
        "/me": {"get": {"operationId": "get_me", "responses": {"200": {}, "401": {}}}},
        "/proposals": {"get": {"operationId": "list_proposals", "security": [{"bearer": []}, {}],
                               "parameters": [{"name": "q", "in": "query"}], "responses": {"200": {}}}},
        "/tokens": {"post": {"operationId": "create_token", "security": [], "requestBody": {},
                             "responses": {"201": {}, "401": {}}}},
        "/tokens/current": {"delete": {"operationId": "revoke_current_token", "responses": {"204": {}}}},
        "/openapi.json": {"get": {"operationId": "openapi_json", "security": [], "responses": {"200": {}}}},
    },
}


def _log(tmp_path, lines: list[str]) -> Path:
    path = tmp_path / "statuses.tsv"
    path.write_text("".join(line.replace(" | ", "\t") + "\n" for line in lines))  # op | phase | mode | sent | status
    return path


def test_a_real_run_is_not_hollow(tmp_path, capsys):
    log = _log(tmp_path, ["GET /me | coverage | positive | token | 200",
                          "GET /me | fuzzing | positive | token | 401", "GET /me | fuzzing | positive | token | 200",
                          "GET /proposals | fuzzing | positive | token | 200",
                          "POST /tokens | fuzzing | positive | token | 401"])
    assert runner.coverage(DOCUMENT, log, "citizen") == []
    out = capsys.readouterr().out
    assert "4 operations documenting a 2xx, 2 answered a 2xx, 0 hollow" in out
    assert "no 2xx: POST /tokens (401×1)" in out  # wrong passwords: no token needed, nothing hollow
    assert "no 2xx: GET /openapi.json (not called: nothing to generate for it)" in out


@pytest.mark.parametrize("lines", [
    [],  # never called
    # refused before the sign-in check
    ["GET /me | coverage | positive | token | 401", "GET /me | coverage | negative | token | 400"],
    ["GET /me | coverage | positive | token | 200", "GET /me | fuzzing | positive | token | 401"],  # revoked mid-run
    ["GET /me | coverage | positive | anonymous | 401"],  # only the check that sign-in is enforced
])
def test_an_operation_that_only_answered_401_fails_the_run(tmp_path, capsys, lines):
    assert runner.coverage(DOCUMENT, _log(tmp_path, lines), "citizen") == ["GET /me"]
    assert "HOLLOW: GET /me" in capsys.readouterr().out


def test_the_run_signs_in_again_after_a_revocation(tmp_path):
    (tmp_path / "openapi.json").write_text('{"paths": {}}')
    config = runner.write_config(tmp_path).read_text()
    assert "[auth.dynamic.openapi.bearer]" in config and 'path = "/tokens"' in config
    assert "retry_on = [401]" in config and "${FORUM_CONFORMANCE_EMAIL}" in config


def test_only_the_uploads_may_refuse_schema_valid_content_with_415(tmp_path):
    import tomllib

    ops = {"/a": {"post": {"operationId": "create_meeting", "x-unprocessable": "an end before the start"}},
           "/m": {"post": {"operationId": "attach_meeting_file", "x-unprocessable": "an unknown TOP"}},
           "/p": {"post": {"operationId": "attach_proposal_file", "x-unprocessable": "more than 50 files"}},
           "/b": {"get": {"operationId": "get_me"}}}
    (tmp_path / "openapi.json").write_text(json.dumps({"paths": ops}))
    entries = tomllib.loads(runner.write_config(tmp_path).read_text())["operations"]
    expected = {op_id: entry["checks"]["positive_data_acceptance"]["expected-statuses"]
                for entry in entries for op_id in entry["include-operation-id"]}
    assert sum(len(entry["include-operation-id"]) for entry in entries) == len(expected) == 3  # one entry each
    assert "415" not in expected["create_meeting"] and "422" in expected["create_meeting"]
    assert {"415", "422"} <= set(expected["attach_meeting_file"]) and "get_me" not in expected
    assert expected["attach_meeting_file"] == expected["attach_proposal_file"]
