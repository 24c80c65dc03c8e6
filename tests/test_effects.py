"""The one after-commit queue (forum/effects.py): effects run after the outermost commit, in order,
never for a rollback; a rolled-back savepoint drops only its own; failures are logged, not raised."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from forum import access, effects
from forum.extensions import db
from forum import broadcast


@pytest.fixture
def ran(app):
    return []


def note(ran, label):
    effects.after_commit(ran.append, label)


def test_effects_run_after_the_commit_in_the_order_they_were_queued(ran):
    note(ran, "one")
    note(ran, "two")
    db.session.execute(text("SELECT 1"))
    assert ran == []
    db.session.commit()
    assert ran == ["one", "two"]
    db.session.commit()
    assert ran == ["one", "two"]  # each effect runs once


def test_a_rollback_drops_the_effects_of_its_transaction(ran):
    note(ran, "lost")
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_closing_the_session_without_commit_drops_them_too(ran):
    db.session.execute(text("SELECT 1"))
    note(ran, "lost")
    db.session.close()
    db.session.commit()
    assert ran == []


def test_a_rolled_back_savepoint_drops_only_what_was_queued_inside_it(ran):
    note(ran, "before")
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            note(ran, "inside")
            raise RuntimeError("the savepoint fails")
    note(ran, "after")
    db.session.commit()
    assert ran == ["before", "after"]


def test_a_released_savepoint_runs_nothing_before_the_outer_commit(ran):
    note(ran, "before")
    with db.session.begin_nested():
        note(ran, "inside")
    assert ran == []
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_first_effects_run_before_the_others_of_the_commit(ran):
    note(ran, "emit")
    effects.after_commit(ran.append, "access", first=True)
    db.session.commit()
    assert ran == ["access", "emit"]


def test_a_later_effect_with_the_same_key_replaces_the_earlier(ran):
    effects.after_commit(ran.append, "votes 1", key=("votes", 7))
    note(ran, "other")
    effects.after_commit(ran.append, "votes 2", key=("votes", 7))
    db.session.commit()
    assert ran == ["other", "votes 2"]


def test_collect_delivers_the_distinct_items_once(ran):
    effects.collect("changes", {"user": 1}, ran.append)
    effects.collect("changes", {"user": 2}, ran.append)
    effects.collect("changes", {"user": 1}, ran.append)
    db.session.commit()
    assert ran == [[{"user": 1}, {"user": 2}]]


def test_a_failing_effect_is_logged_and_the_next_still_runs(ran, caplog):
    def broken():
        raise RuntimeError("the mail server is away")

    effects.after_commit(broken)
    note(ran, "next")
    with caplog.at_level(logging.ERROR, logger="forum.effects"):
        db.session.commit()  # does not raise
    assert ran == ["next"]
    assert any("broken" in record.getMessage() for record in caplog.records)


def test_access_changes_reach_listeners_before_the_live_emits_of_the_same_commit(app, monkeypatch):
    """forum/access.py's order rule: the emit was queued first, the access change still goes first."""
    seen = []
    monkeypatch.setattr(broadcast, "emit_to_room", lambda room, event, payload: seen.append(("emit", room, event)))
    monkeypatch.setattr(access, "_listeners", [lambda changes: seen.append(("access", changes))])
    broadcast.emit_after_commit("council:geheim", "message", {"id": 1})
    access.user_changed(5)
    access.user_changed(5)
    access.rooms_changed()
    db.session.commit()
    assert seen == [("access", [{"kind": "user", "user_id": 5}, {"kind": "rooms"}]),
                    ("emit", "council:geheim", "message")]


def test_access_changes_of_a_rolled_back_transaction_are_never_announced(app, monkeypatch):
    seen = []
    monkeypatch.setattr(access, "_listeners", [seen.append])
    access.user_changed(5)
    db.session.rollback()
    db.session.commit()
    assert seen == []


def test_a_session_joined_into_an_outer_test_transaction_runs_effects_on_its_commit(app, monkeypatch, ran):
    """The rolled-back-test-transaction pattern (join_transaction_mode="create_savepoint"): the
    session's commit only releases a savepoint of the outer transaction, and still sets off its
    effects, as a real commit would; its rollback drops them."""
    with db.engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        monkeypatch.setattr(effects, "_session", lambda: session)
        session.execute(text("SELECT 1"))
        note(ran, "committed")
        session.commit()
        note(ran, "rolled back")
        session.rollback()
        session.commit()
        session.close()
        outer.rollback()
    assert ran == ["committed"]
