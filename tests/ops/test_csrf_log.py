"""A refused CSRF check is logged with its reason (the users all see "form expired")."""
from __future__ import annotations


def test_a_csrf_failure_is_logged_with_its_reason_and_no_secret(csrf_app, caplog):
    client = csrf_app.test_client()
    with caplog.at_level("WARNING", logger="forum.errors"):
        answer = client.post("/login", data={"email": "a@example.org", "password": "geheim-123",
                                             "csrf_token": "made-up"})
    assert answer.status_code == 400
    [record] = [r for r in caplog.records if r.name == "forum.errors"]
    assert record.getMessage() == "CSRF check failed on POST accounts.login: The CSRF session token is missing."
    assert "geheim" not in caplog.text and "made-up" not in caplog.text
