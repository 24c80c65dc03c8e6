"""The stack's floor (bench/floor_bench.py): what Flask, Flask-SQLAlchemy, psycopg and Jinja need
for the least a proposal list page and a proposal page do, served like the ceiling (gunicorn, 2
sync workers, no gevent). The list: one COUNT and one page of 20 proposals with their authors
(ORM objects at `/`, Core rows at `/core`) in a 20-item template with links, dates and counts. The
proposal page (`/proposals/<id>`): the proposal and its comments with their authors, bodies as
plain text. No layout, no session, no CSRF, no rate limiter, no translations, no filters, no
Markdown, no votes.

    FLOOR_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/forum_bench_pages \\
        .venv/bin/gunicorn -w 2 -k sync -b 127.0.0.1:8509 --chdir bench floor_app:app

The forum's list does all of this and more (layout, navigation, filter form with the visible
councils, tags, translations, session and CSRF token, rate limit, request log and metrics), so its
ratio to the ceiling cannot be above this app's: the floor tells which targets this stack can
reach on this machine at all.
"""
from __future__ import annotations

import os
from datetime import datetime

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
    "FLOOR_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/forum_bench_pages")
db = SQLAlchemy(app)
LISTED = ("published", "voting", "accepted", "rejected", "implementing", "done")


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    stakeholder: Mapped[str] = mapped_column(String(20))


class Comment(db.Model):
    __tablename__ = "proposal_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str]
    created_at: Mapped[datetime]
    author: Mapped[User] = relationship()


class Proposal(db.Model):
    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    excerpt: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    council_id: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str]
    created_at: Mapped[datetime]
    votes_count: Mapped[int]
    comments_count: Mapped[int]
    author: Mapped[User] = relationship()


PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Vorschläge</title></head><body>
<h1>Vorschläge</h1><p>{{ total }} Vorschläge</p><ol>
{% for p in proposals %}<li><article><h2><a href="/proposals/{{ p.id }}">{{ p.title }}</a></h2>
<p>{{ p.excerpt or "" }}</p><p>{{ p.author.name }} ({{ p.author.stakeholder }}),
<time datetime="{{ p.created_at.isoformat() }}">{{ p.created_at.strftime("%d.%m.%Y") }}</time>,
{{ p.status }}, {{ p.votes_count }} Stimmen, {{ p.comments_count }} Kommentare</p></article></li>
{% endfor %}</ol></body></html>"""


@app.get("/")
def proposals():
    visible = (Proposal.status.in_(LISTED), Proposal.council_id.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(*visible))
    page = db.session.scalars(select(Proposal).options(joinedload(Proposal.author)).where(*visible)
                              .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(20)).all()
    return TEMPLATES["orm"].render(proposals=page, total=total)


@app.get("/core")
def proposals_core():
    """The same page from SQLAlchemy Core rows instead of ORM objects (the cheapest way in this stack)."""
    p, u = Proposal.__table__.c, User.__table__.c
    where = (p.status.in_(LISTED), p.council_id.is_(None))
    total = db.session.execute(select(func.count()).select_from(Proposal.__table__).where(*where)).scalar()
    rows = db.session.execute(
        select(p.id, p.title, p.excerpt, p.status, p.created_at, p.votes_count, p.comments_count,
               u.name.label("author_name"), u.stakeholder.label("author_stakeholder"))
        .join_from(Proposal.__table__, User.__table__, p.author_id == u.id).where(*where)
        .order_by(p.created_at.desc(), p.id.desc()).limit(20)).all()
    return TEMPLATES["core"].render(proposals=rows, total=total)


DETAIL = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{{ p.title }}</title></head><body>
<article><h1>{{ p.title }}</h1><p>{{ p.author.name }} ({{ p.author.stakeholder }}), {{ p.status }},
{{ p.votes_count }} Stimmen</p><div>{{ p.body }}</div></article><h2>{{ comments|length }} Kommentare</h2><ol>
{% for c in comments %}<li><article><p>{{ c.author.name }} ({{ c.author.stakeholder }}),
<time datetime="{{ c.created_at.isoformat() }}">{{ c.created_at.strftime("%d.%m.%Y %H:%M") }}</time></p>
<div>{{ c.body }}</div></article></li>{% endfor %}</ol></body></html>"""


@app.get("/proposals/<int:proposal_id>")
def proposal(proposal_id: int):
    """A proposal with its comments: one statement each, authors joined; bodies as plain text (no Markdown)."""
    item = db.session.scalars(select(Proposal).options(joinedload(Proposal.author))
                              .where(Proposal.id == proposal_id)).one()
    comments = db.session.scalars(select(Comment).options(joinedload(Comment.author))
                                  .where(Comment.proposal_id == proposal_id)
                                  .order_by(Comment.created_at, Comment.id)).all()
    return TEMPLATES["detail"].render(p=item, comments=comments)


# compiled once, as Flask's render_template does for files (render_template_string compiles every time)
TEMPLATES = {"orm": app.jinja_env.from_string(PAGE),
             "core": app.jinja_env.from_string(PAGE.replace("p.author.name", "p.author_name")
                                               .replace("p.author.stakeholder", "p.author_stakeholder")),
             "detail": app.jinja_env.from_string(DETAIL)}
