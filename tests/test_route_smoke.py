"""Every route over HTTP once for a person its permission lets through and once for a person it
turns away (issue 19, item 5). Who may do what in detail is proven by the predicate tables
(tests/*/test_permissions.py) and the area tests; this proves each route asks its gate at all, and
`test_every_route_has_a_smoke_case` makes a new route come with its case.

A case names the route as Flask does ("METHOD /rule"), the URL in the shared world, the actor let
through (the answer must be neither a refusal nor a server error: the route did its work or said
what was wrong with the input) and the actor turned away with the answer that refusal is:
"login" (sent to the login page), 401 (API without credentials), 403, or 404 (private things stay
invisible). `refused=None` marks a page everyone may open.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Callable

import pytest

from forum.extensions import db
from tests.conftest import sign_in

COOPERATION_TOPIC = "open_data"


@dataclass(frozen=True)
class Smoke:
    url: Callable  # world -> path
    allowed: str
    refused: str | None
    refusal: int | str = 403
    data: Callable | None = None  # world -> form data (HTML) or JSON body (API)
    refused_url: Callable | None = None  # where the refused actor knocks, when not at `url`


def S(url, allowed, refused=None, refusal=403, data=None, refused_url=None):  # noqa: N802 - reads as a table
    return Smoke(url if callable(url) else (lambda w, u=url: u), allowed, refused, refusal,
                 data if callable(data) or data is None else (lambda w, d=data: d), refused_url)


P = "/proposals/{w.proposal.id}"
M = "/meetings/{w.meeting.id}"
J = "/projects/{w.project.id}"
C = "/councils/{w.council.slug}"
A = "/api/v1"
O = "/oparl/v1"


def f(template):
    return lambda w: template.format(w=w)


HTML = {
    "GET /": S("/", "anonymous"),
    "GET /favicon.ico": S("/favicon.ico", "anonymous"),
    "GET /healthz": S("/healthz", "anonymous"),
    "GET /static/<path:filename>": S("/static/favicon.ico", "anonymous"),
    # with FORUM_METRICS_TOKEN set (the world sets it): the scraper's bearer token, never a session
    "GET /metrics": S("/metrics", "metrics_scraper", "admin", 404),
    "POST /language": S("/language", "anonymous", data={"lang": "en", "next": "/"}),
    # accounts
    "GET /login": S("/login", "anonymous"),
    "POST /login": S("/login", "anonymous", data=lambda w: {"email": w.people["citizen"].email,
                                                            "password": "richtig-geheim"}),
    "POST /logout": S("/logout", "citizen"),
    "GET /register": S("/register", "anonymous"),
    "POST /register": S("/register", "anonymous", data={"email": "neu@example.org", "name": "Neu",
                                                        "stakeholder": "citizen", "organisation": "",
                                                        "password": "sicheres-passwort",
                                                        "password_confirm": "sicheres-passwort"}),
    "GET /register/sent": S("/register/sent", "anonymous"),
    "GET /confirm/<token>": S("/confirm/falsch", "anonymous"),
    "POST /confirm/<token>": S("/confirm/falsch", "anonymous"),
    "POST /confirm/resend": S("/confirm/resend", "citizen", "anonymous", "login"),
    "GET /password/forgot": S("/password/forgot", "anonymous"),
    "POST /password/forgot": S("/password/forgot", "anonymous", data={"email": "niemand@example.org"}),
    "GET /password/reset/<token>": S("/password/reset/falsch", "anonymous"),
    "POST /password/reset/<token>": S("/password/reset/falsch", "anonymous"),
    "GET /profile": S("/profile", "citizen", "anonymous", "login"),
    "POST /profile/name": S("/profile/name", "citizen", "anonymous", "login", data={"name": "Neuer Name"}),
    "POST /profile/language": S("/profile/language", "citizen", "anonymous", "login", data={"language": "en"}),
    "POST /profile/password": S("/profile/password", "citizen", "anonymous", "login"),
    "POST /profile/listing": S("/profile/listing", "citizen", "anonymous", "login", data={"public_listing": "y"}),
    "POST /profile/tokens/<int:token_id>/revoke": S(f("/profile/tokens/{w.token_id}/revoke"), "citizen", "anonymous",
                                                    "login"),
    "POST /profile/tokens/revoke-all": S("/profile/tokens/revoke-all", "citizen", "anonymous", "login"),
    "POST /profile/export": S("/profile/export", "citizen", "anonymous", "login"),
    "POST /profile/delete": S("/profile/delete", "citizen", "anonymous", "login"),
    "GET /verifications": S("/verifications", "managing_director", "citizen"),
    "POST /verifications/<int:user_id>": S(f("/verifications/{w.people[unverified_organisation].id}"),
                                           "managing_director", "citizen", data={"decision": "verify"}),
    # councils
    "GET /councils": S("/councils", "anonymous"),
    "GET /councils/new": S("/councils/new", "managing_director", "citizen"),
    "POST /councils/new": S("/councils/new", "managing_director", "citizen",
                            data={"name": "Fachbeirat Neu", "mandate": "Neu", "description": "",
                                  "visibility": "public", "join_policy": "open"}),
    "GET /councils/<slug>": S(f("/councils/{w.private.slug}"), "council_member", "citizen", 404),
    "GET /councils/<slug>/edit": S(f(C + "/edit"), "managing_director", "moderator"),
    "POST /councils/<slug>/edit": S(f(C + "/edit"), "managing_director", "moderator"),
    "POST /councils/<slug>/archive": S(f(C + "/archive"), "managing_director", "moderator"),
    "POST /councils/<slug>/restore": S(f("/councils/{w.archived.slug}/restore"), "managing_director", "moderator"),
    "GET /councils/<slug>/members": S(f(C + "/members"), "moderator", "council_member"),
    "POST /councils/<slug>/members": S(f(C + "/members"), "moderator", "council_member",
                                       data=lambda w: {"email": w.people["citizen"].email, "role": "member"}),
    "POST /councils/<slug>/members/<int:user_id>/remove": S(
        f(C + "/members/{w.people[council_member].id}/remove"), "moderator", "citizen"),
    "POST /councils/<slug>/members/<int:user_id>/role": S(
        f(C + "/members/{w.people[council_member].id}/role"), "managing_director", "moderator",
        data=lambda w: {f"m{w.people['council_member'].id}-role": "moderator"}),
    "POST /councils/<slug>/join": S(f(C + "/join"), "citizen", "unverified_organisation"),
    "POST /councils/<slug>/leave": S(f(C + "/leave"), "council_member", "anonymous", "login"),
    "POST /councils/<slug>/request": S(f("/councils/{w.by_request.slug}/request"), "citizen",
                                       "unverified_organisation", data={"message": "Ich möchte mitarbeiten."}),
    "POST /councils/<slug>/request/withdraw": S(f("/councils/{w.by_request.slug}/request/withdraw"), "requester",
                                                "anonymous", "login"),
    "POST /councils/<slug>/requests/<int:request_id>": S(
        f("/councils/{w.by_request.slug}/requests/{w.join_request_id}"), "managing_director", "citizen",
        data=lambda w: {f"r{w.join_request_id}-accept": "x"}),
    "GET /councils/<slug>/calendar.ics": S(f("/councils/{w.private.slug}/calendar.ics"), "council_member",
                                           "citizen", 404),
    # proposals
    "GET /proposals": S("/proposals", "anonymous"),
    "GET /proposals/new": S("/proposals/new", "citizen", "anonymous", "login"),
    "POST /proposals/new": S("/proposals/new", "citizen", "unverified_organisation",
                             data={"title": "Neuer Vorschlag", "body": "Text", "council": "", "tags": ""}),
    "GET /proposals/<int:proposal_id>": S(f("/proposals/{w.private_proposal.id}"), "council_member", "citizen", 404),
    "GET /proposals/<int:proposal_id>/edit": S(f(P + "/edit"), "author", "citizen"),
    "POST /proposals/<int:proposal_id>/edit": S(f(P + "/edit"), "author", "citizen",
                                                data={"title": "Geändert", "body": "Neu", "tags": ""}),
    "GET /proposals/<int:proposal_id>/history": S(f("/proposals/{w.private_proposal.id}/history"), "council_member",
                                                  "citizen", 404),
    "GET /proposals/<int:proposal_id>/votes": S(f("/proposals/{w.private_proposal.id}/votes"), "council_member",
                                                "citizen", 404),
    "POST /proposals/<int:proposal_id>/vote": S(f("/proposals/{w.voting.id}/vote"), "citizen",
                                                "unverified_organisation", data={"choice": "for"}),
    "POST /proposals/<int:proposal_id>/vote/withdraw": S(f("/proposals/{w.voting.id}/vote/withdraw"), "citizen",
                                                         "anonymous", "login"),
    "POST /proposals/<int:proposal_id>/status": S(f(P + "/status"), "moderator", "citizen",
                                                  data={"status": "voting", "response": ""}),
    "POST /proposals/<int:proposal_id>/follow": S(f(P + "/follow"), "citizen", "anonymous", "login"),
    "POST /proposals/<int:proposal_id>/unfollow": S(f(P + "/unfollow"), "citizen", "anonymous", "login"),
    "POST /proposals/<int:proposal_id>/comments": S(f(P + "/comments"), "citizen", "unverified_organisation",
                                                    data={"body": "Ein Kommentar"}),
    "GET /proposals/<int:proposal_id>/comments/<int:comment_id>/edit": S(
        f(P + "/comments/{w.comment.id}/edit"), "author", "citizen"),
    "POST /proposals/<int:proposal_id>/comments/<int:comment_id>/edit": S(
        f(P + "/comments/{w.comment.id}/edit"), "author", "citizen", data={"body": "Geändert"}),
    "POST /proposals/<int:proposal_id>/comments/<int:comment_id>/delete": S(
        f(P + "/comments/{w.comment.id}/delete"), "author", "moderator"),
    # live
    "GET /live/rooms/<kind>/<key>": S(f("/live/rooms/council/{w.private.slug}"), "council_member", "citizen", 404),
    "POST /live/rooms/<kind>/<key>/messages": S(f("/live/rooms/council/{w.private.slug}/messages"), "council_member",
                                                "citizen", 404, data={"body": "Hallo"}),
    "POST /live/messages/<int:message_id>/hide": S(f("/live/messages/{w.live_message_id}/hide"), "moderator",
                                                   "citizen", data={"reason": "Beleidigend"}),
    # meetings
    "GET /meetings": S("/meetings", "anonymous"),
    "GET /calendar.ics": S("/calendar.ics", "anonymous"),
    "GET /meetings/new": S("/meetings/new", "managing_director", "citizen"),
    "POST /meetings/new": S("/meetings/new", "managing_director", "citizen",
                            data={"title": "Sitzung", "starts_at": "2030-05-04T18:00", "ends_at": "2030-05-04T20:00",
                                  "location": "Rathaus", "online_url": "", "description": "", "council": ""}),
    "GET /meetings/<int:meeting_id>": S(f("/meetings/{w.private_meeting.id}"), "council_member", "citizen", 404),
    "GET /meetings/<int:meeting_id>.ics": S(f("/meetings/{w.private_meeting.id}.ics"), "council_member", "citizen",
                                            404),
    # files (forum/files/): visible as what they belong to; attached by those who may change it
    "GET /files/<int:file_id>": S(f("/files/{w.private_file_id}"), "council_member", "citizen", 404),
    "POST /<any(meetings, proposals):area>/<int:owner_id>/files": S(f(P + "/files"), "author", "citizen"),
    "POST /files/<int:file_id>/delete": S(f("/files/{w.proposal_file_id}/delete"), "author", "citizen"),
    "GET /meetings/<int:meeting_id>/print": S(f("/meetings/{w.private_meeting.id}/print"), "council_member",
                                              "citizen", 404),
    "GET /meetings/<int:meeting_id>/edit": S(f(M + "/edit"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/edit": S(f(M + "/edit"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/publish": S(f("/meetings/{w.draft_meeting.id}/publish"), "managing_director",
                                                 "moderator"),
    "POST /meetings/<int:meeting_id>/cancel": S(f(M + "/cancel"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/delete": S(f("/meetings/{w.draft_meeting.id}/delete"), "moderator", "citizen",
                                                404),
    "POST /meetings/<int:meeting_id>/current-item": S(f(M + "/current-item"), "managing_director", "moderator",
                                                      data=lambda w: {"item_id": w.item_id}),
    "POST /meetings/<int:meeting_id>/next": S(f(M + "/next"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/end": S(f(M + "/end"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/follow": S(f(M + "/follow"), "citizen", "anonymous", "login"),
    "POST /meetings/<int:meeting_id>/unfollow": S(f(M + "/unfollow"), "citizen", "anonymous", "login"),
    "POST /meetings/<int:meeting_id>/items": S(f(M + "/items"), "managing_director", "moderator",
                                               data={"item-title": "Neu"}),
    "GET /meetings/<int:meeting_id>/items/<int:item_id>/edit": S(f(M + "/items/{w.item_id}/edit"),
                                                                  "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/items/<int:item_id>/edit": S(f(M + "/items/{w.item_id}/edit"),
                                                                   "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/items/<int:item_id>/move": S(f(M + "/items/{w.item_id}/move"),
                                                                   "managing_director", "moderator",
                                                                   data={"direction": "down"}),
    "POST /meetings/<int:meeting_id>/items/<int:item_id>/delete": S(f(M + "/items/{w.item_id}/delete"),
                                                                     "managing_director", "moderator"),
    "GET /meetings/<int:meeting_id>/minutes": S(f(M + "/minutes"), "managing_director", "moderator"),
    "POST /meetings/<int:meeting_id>/minutes": S(f(M + "/minutes"), "managing_director", "moderator",
                                                 data={"minutes": "Protokoll"}),
    # moderation, site pages, people
    "GET /moderation": S("/moderation", "moderator", "citizen"),
    "POST /moderation/<kind>/<int:item_id>/<action>": S(f("/moderation/comment/{w.comment.id}/hide"), "moderator",
                                                        "citizen", data={"reason": "Beleidigend"}),
    "GET /report/<kind>/<int:item_id>": S(f("/report/comment/{w.comment.id}"), "citizen", "anonymous", "login"),
    "POST /report/<kind>/<int:item_id>": S(f("/report/comment/{w.comment.id}"), "citizen", "anonymous", "login",
                                           data={"reason": "Beleidigend"}),
    "GET /audit": S("/audit", "admin", "moderator"),
    "GET /people": S("/people", "admin", "moderator"),
    "POST /people/<int:user_id>/suspension": S(f("/people/{w.people[business].id}/suspension"), "admin", "moderator",
                                               data={"days": "7", "reason": "Spam"}),
    "POST /people/<int:user_id>/suspension/lift": S(f("/people/{w.people[business].id}/suspension/lift"), "admin",
                                                    "moderator", data={"reason": "Geklärt"}),
    "GET /transparency": S("/transparency", "anonymous"),
    "GET /privacy": S("/privacy", "anonymous"),
    "GET /imprint": S("/imprint", "anonymous"),
    "GET /privacy/edit": S("/privacy/edit", "admin", "managing_director"),
    "POST /privacy/edit": S("/privacy/edit", "admin", "managing_director", data={"body": "Datenschutz"}),
    "GET /imprint/edit": S("/imprint/edit", "admin", "managing_director"),
    "POST /imprint/edit": S("/imprint/edit", "admin", "managing_director", data={"body": "Impressum"}),
    "GET /accessibility": S("/accessibility", "anonymous"),
    "GET /accessibility/edit": S("/accessibility/edit", "admin", "managing_director"),
    "POST /accessibility/edit": S("/accessibility/edit", "admin", "managing_director", data={"body": "Erklärung"}),
    "GET /accessibility/edit/en": S("/accessibility/edit/en", "admin", "managing_director"),
    "POST /accessibility/edit/en": S("/accessibility/edit/en", "admin", "managing_director",
                                     data={"body": "Statement"}),
    # notifications
    "GET /notifications": S("/notifications", "citizen", "anonymous", "login"),
    "POST /notifications/read": S("/notifications/read", "citizen", "anonymous", "login"),
    "GET /notifications/settings": S("/notifications/settings", "citizen", "anonymous", "login"),
    "POST /notifications/settings": S("/notifications/settings", "citizen", "anonymous", "login",
                                      data={"meetings": "daily"}),
    # the signed link is the proof (no sign-in); a link not signed by this forum is a 404
    "GET /unsubscribe/<token>": S(lambda w: _unsubscribe_url(w), "anonymous", "citizen", 404,
                                  refused_url=lambda w: "/unsubscribe/nicht-signiert"),
    "POST /unsubscribe/<token>": S(lambda w: _unsubscribe_url(w), "anonymous", "citizen", 404,
                                   refused_url=lambda w: "/unsubscribe/nicht-signiert"),
    # controlling
    "GET /projects": S("/projects", "anonymous"),
    "GET /projects/<int:project_id>": S(f("/projects/{w.internal.id}"), "managing_director", "citizen", 404),
    "GET /projects/new": S("/projects/new", "managing_director", "admin"),
    "POST /projects/new": S("/projects/new", "managing_director", "admin"),
    "GET /projects/<int:project_id>/edit": S(f(J + "/edit"), "chair", "admin"),
    "POST /projects/<int:project_id>/edit": S(f(J + "/edit"), "chair", "admin"),
    "POST /projects/<int:project_id>/councils": S(f(J + "/councils"), "managing_director", "moderator",
                                                  data=lambda w: {"council": w.council.slug}),
    "POST /projects/<int:project_id>/councils/<int:council_id>/delete": S(
        f(J + "/councils/{w.council.id}/delete"), "managing_director", "moderator"),
    "POST /projects/<int:project_id>/proposals": S(f(J + "/proposals"), "managing_director", "moderator",
                                                   data=lambda w: {"proposal_id": str(w.proposal.id)}),
    "POST /projects/<int:project_id>/proposals/<int:proposal_id>/delete": S(
        f(J + "/proposals/{w.proposal.id}/delete"), "managing_director", "moderator"),
    "POST /projects/<int:project_id>/milestones": S(f(J + "/milestones"), "managing_director", "moderator",
                                                    data={"title": "Start", "due_date": "2030-01-01"}),
    "POST /projects/<int:project_id>/milestones/<int:milestone_id>/toggle": S(
        f(J + "/milestones/{w.milestone_id}/toggle"), "managing_director", "moderator"),
    "POST /projects/<int:project_id>/milestones/<int:milestone_id>/delete": S(
        f(J + "/milestones/{w.milestone_id}/delete"), "managing_director", "moderator"),
    "POST /projects/<int:project_id>/partners": S(f(J + "/partners"), "managing_director", "moderator",
                                                  data={"name": "TU Braunschweig", "kind": "research"}),
    "POST /projects/<int:project_id>/partners/<int:partner_id>/delete": S(
        f(J + "/partners/{w.partner_id}/delete"), "managing_director", "moderator"),
    "POST /projects/from-proposal/<int:proposal_id>": S(f("/projects/from-proposal/{w.accepted.id}"),
                                                        "managing_director", "moderator"),
    "GET /controlling": S("/controlling", "admin", "moderator"),
    "GET /controlling/ranking": S("/controlling/ranking", "evaluator", "citizen"),
    "GET /controlling/evaluators": S("/controlling/evaluators", "chair", "admin"),
    "POST /controlling/evaluators": S("/controlling/evaluators", "chair", "admin",
                                      data=lambda w: {"email": w.people["research"].email}),
    "POST /controlling/evaluators/<int:evaluator_id>/remove": S(
        f("/controlling/evaluators/{w.evaluator_id}/remove"), "chair", "admin"),
    "GET /criteria": S("/criteria", "anonymous"),
    "GET /criteria/edit": S("/criteria/edit", "managing_director", "admin"),
    "POST /criteria/edit": S("/criteria/edit", "managing_director", "admin"),
    "GET /evaluate/<kind>/<int:subject_id>": S(f("/evaluate/project/{w.project.id}"), "evaluator", "citizen"),
    "POST /evaluate/<kind>/<int:subject_id>": S(f("/evaluate/project/{w.project.id}"), "evaluator", "citizen"),
    "GET /cooperation": S("/cooperation", "anonymous"),
    "POST /cooperation": S("/cooperation", "business", "anonymous", "login",
                           data={"topic": COOPERATION_TOPIC, "organisation": "Firma", "message": "Wir möchten mitmachen."}),
    "GET /cooperation/requests": S("/cooperation/requests", "business", "anonymous", "login"),
    "GET /cooperation/<int:request_id>": S(f("/cooperation/{w.cooperation_id}"), "business", "citizen", 404),
    "GET /controlling/requests": S("/controlling/requests", "admin", "moderator"),
    "GET /controlling/requests/<int:request_id>": S(f("/controlling/requests/{w.cooperation_id}"), "admin",
                                                    "moderator"),
    "POST /controlling/requests/<int:request_id>/assign": S(f("/controlling/requests/{w.cooperation_id}/assign"),
                                                            "admin", "moderator"),
    "POST /controlling/requests/<int:request_id>/reply": S(f("/controlling/requests/{w.cooperation_id}/reply"),
                                                           "admin", "moderator", data={"body": "Danke"}),
    "POST /controlling/requests/<int:request_id>/status": S(f("/controlling/requests/{w.cooperation_id}/status"),
                                                            "admin", "moderator", data={"status": "in_progress"}),
    "GET /open-data": S("/open-data", "anonymous"),
    "GET /open-data/<name>.csv": S("/open-data/projects.csv", "anonymous"),
    "GET /open-data/<name>.json": S("/open-data/projects.json", "anonymous"),
    # OParl (read-only, the same for everyone: a private council's member sees its things there as 404 too)
    "GET /oparl/v1/system": S(O + "/system", "anonymous"),
    "GET /oparl/v1/bodies": S(O + "/bodies", "anonymous"),
    "GET /oparl/v1/body/forum": S(O + "/body/forum", "anonymous"),
    "GET /oparl/v1/body/forum/legislativeterm": S(O + "/body/forum/legislativeterm", "anonymous"),
    "GET /oparl/v1/legislativeterm/<int:term_id>": S(O + "/legislativeterm/1", "anonymous"),
    "GET /oparl/v1/body/forum/organization": S(O + "/body/forum/organization", "anonymous"),
    "GET /oparl/v1/organization/<int:council_id>": S(f(O + "/organization/{w.council.id}"), "anonymous",
                                                     "council_member", 404,
                                                     refused_url=f(O + "/organization/{w.private.id}")),
    "GET /oparl/v1/organization/<int:council_id>/meeting": S(f(O + "/organization/{w.council.id}/meeting"),
                                                             "anonymous", "council_member", 404,
                                                             refused_url=f(O + "/organization/{w.private.id}/meeting")),
    "GET /oparl/v1/membership/<int:membership_id>": S(f(O + "/membership/{w.public_membership_id}"), "anonymous",
                                                      "council_member", 404,
                                                      refused_url=f(O + "/membership/{w.private_membership_id}")),
    "GET /oparl/v1/body/forum/person": S(O + "/body/forum/person", "anonymous"),
    "GET /oparl/v1/person/<int:person_id>": S(f(O + "/person/{w.people[moderator].id}"), "anonymous",
                                              "council_member", 404,
                                              refused_url=f(O + "/person/{w.people[council_member].id}")),
    "GET /oparl/v1/body/forum/meeting": S(O + "/body/forum/meeting", "anonymous"),
    "GET /oparl/v1/meeting/<int:meeting_id>": S(f(O + "/meeting/{w.meeting.id}"), "anonymous", "council_member",
                                                404, refused_url=f(O + "/meeting/{w.private_meeting.id}")),
    "GET /oparl/v1/location/<int:meeting_id>": S(f(O + "/location/{w.meeting.id}"), "anonymous", "council_member",
                                                 404, refused_url=f(O + "/location/{w.private_meeting.id}")),
    "GET /oparl/v1/agendaitem/<int:item_id>": S(f(O + "/agendaitem/{w.item_id}"), "anonymous", "council_member",
                                                404, refused_url=f(O + "/agendaitem/{w.private_meeting.items[0].id}")),
    "GET /oparl/v1/consultation/<int:item_id>/<int:paper_id>": S(
        f(O + "/consultation/{w.item_id}/{w.proposal.id}"), "anonymous", "council_member", 404,
        refused_url=f(O + "/consultation/{w.private_meeting.items[0].id}/{w.proposal.id}")),
    "GET /oparl/v1/body/forum/paper": S(O + "/body/forum/paper", "anonymous"),
    "GET /oparl/v1/file/<int:file_id>": S(f(O + "/file/{w.meeting_file_id}"), "anonymous", "council_member", 404,
                                          refused_url=f(O + "/file/{w.private_file_id}")),
    "GET /oparl/v1/paper/<int:paper_id>": S(f(O + "/paper/{w.proposal.id}"), "anonymous", "council_member", 404,
                                            refused_url=f(O + "/paper/{w.private_proposal.id}")),
}

API = {
    "GET /api/v1/openapi.json": S(A + "/openapi.json", "anonymous"),
    "POST /api/v1/tokens": S(A + "/tokens", "anonymous", data=lambda w: {"email": w.people["citizen"].email,
                                                                         "password": "richtig-geheim"}),
    "DELETE /api/v1/tokens/current": S(A + "/tokens/current", "citizen", "anonymous", 401),
    "GET /api/v1/me": S(A + "/me", "citizen", "anonymous", 401),
    "PATCH /api/v1/me": S(A + "/me", "citizen", "anonymous", 401, data={"language": "en"}),
    "GET /api/v1/me/notification-settings": S(A + "/me/notification-settings", "citizen", "anonymous", 401),
    "PUT /api/v1/me/notification-settings": S(A + "/me/notification-settings", "citizen", "anonymous", 401,
                                              data={"settings": {"meetings": "weekly"}}),
    "DELETE /api/v1/me": S(A + "/me", "citizen", "anonymous", 401, data={"password": "richtig-geheim"}),
    "GET /api/v1/me/export": S(A + "/me/export", "citizen", "anonymous", 401),
    "PUT /api/v1/me/password": S(A + "/me/password", "citizen", "anonymous", 401,
                                 data={"current_password": "richtig-geheim", "new_password": "ganz-neu-geheim"}),
    "GET /api/v1/me/tokens": S(A + "/me/tokens", "citizen", "anonymous", 401),
    "DELETE /api/v1/me/tokens": S(A + "/me/tokens", "citizen", "anonymous", 401),
    "DELETE /api/v1/me/tokens/<int:token_id>": S(f(A + "/me/tokens/{w.token_id}"), "citizen", "business", 404),
    "GET /api/v1/audit": S(A + "/audit", "admin", "moderator"),
    "GET /api/v1/councils": S(A + "/councils", "anonymous"),
    "POST /api/v1/councils": S(A + "/councils", "managing_director", "citizen",
                               data={"name": "Fachbeirat Neu", "description": "", "visibility": "public"}),
    "GET /api/v1/councils/<slug>": S(f(A + "/councils/{w.private.slug}"), "council_member", "citizen", 404),
    "PATCH /api/v1/councils/<slug>": S(f(A + C + ""), "managing_director", "moderator", data={"mandate": "Neu"}),
    "POST /api/v1/councils/<slug>/archive": S(f(A + C + "/archive"), "managing_director", "moderator"),
    "DELETE /api/v1/councils/<slug>/archive": S(f(A + "/councils/{w.archived.slug}/archive"), "managing_director",
                                                "moderator"),
    "POST /api/v1/councils/<slug>/join": S(f(A + C + "/join"), "citizen", "unverified_organisation"),
    "DELETE /api/v1/councils/<slug>/join": S(f(A + C + "/join"), "council_member", "anonymous", 401),
    "GET /api/v1/councils/<slug>/join-requests": S(f(A + "/councils/{w.by_request.slug}/join-requests"),
                                                   "managing_director", "citizen"),
    "POST /api/v1/councils/<slug>/join-requests": S(f(A + "/councils/{w.by_request.slug}/join-requests"), "citizen",
                                                    "unverified_organisation", data={"message": "Bitte"}),
    "DELETE /api/v1/councils/<slug>/join-requests/<int:request_id>": S(
        f(A + "/councils/{w.by_request.slug}/join-requests/{w.join_request_id}"), "requester", "citizen", 404),
    "POST /api/v1/councils/<slug>/join-requests/<int:request_id>/decision": S(
        f(A + "/councils/{w.by_request.slug}/join-requests/{w.join_request_id}/decision"), "managing_director",
        "citizen", data={"decision": "accept"}),
    "GET /api/v1/councils/<slug>/members": S(f(A + C + "/members"), "moderator", "council_member"),
    "POST /api/v1/councils/<slug>/members": S(f(A + C + "/members"), "moderator", "council_member",
                                              data=lambda w: {"user_id": w.people["citizen"].id, "role": "member"}),
    "DELETE /api/v1/councils/<slug>/members/<int:user_id>": S(f(A + C + "/members/{w.people[council_member].id}"),
                                                              "moderator", "citizen"),
    "GET /api/v1/proposals": S(A + "/proposals", "anonymous"),
    "POST /api/v1/proposals": S(A + "/proposals", "citizen", "unverified_organisation",
                                data={"title": "Neuer Vorschlag", "body": "Text"}),
    "GET /api/v1/proposals/<int:proposal_id>": S(f(A + "/proposals/{w.private_proposal.id}"), "council_member",
                                                 "citizen", 404),
    "PATCH /api/v1/proposals/<int:proposal_id>": S(f(A + P), "author", "citizen", data={"title": "Geändert"}),
    "GET /api/v1/proposals/<int:proposal_id>/revisions": S(f(A + "/proposals/{w.private_proposal.id}/revisions"),
                                                           "council_member", "citizen", 404),
    "GET /api/v1/proposals/<int:proposal_id>/comments": S(f(A + "/proposals/{w.private_proposal.id}/comments"),
                                                          "council_member", "citizen", 404),
    "POST /api/v1/proposals/<int:proposal_id>/comments": S(f(A + P + "/comments"), "citizen",
                                                           "unverified_organisation", data={"body": "Kommentar"}),
    "PATCH /api/v1/proposals/<int:proposal_id>/comments/<int:comment_id>": S(
        f(A + P + "/comments/{w.comment.id}"), "author", "citizen", data={"body": "Geändert"}),
    "DELETE /api/v1/proposals/<int:proposal_id>/comments/<int:comment_id>": S(
        f(A + P + "/comments/{w.comment.id}"), "author", "moderator"),
    "PUT /api/v1/proposals/<int:proposal_id>/follow": S(f(A + P + "/follow"), "citizen", "anonymous", 401),
    "DELETE /api/v1/proposals/<int:proposal_id>/follow": S(f(A + P + "/follow"), "citizen", "anonymous", 401),
    "PUT /api/v1/proposals/<int:proposal_id>/vote": S(f(A + "/proposals/{w.voting.id}/vote"), "citizen",
                                                      "unverified_organisation", data={"choice": "for"}),
    "DELETE /api/v1/proposals/<int:proposal_id>/vote": S(f(A + "/proposals/{w.voting.id}/vote"), "citizen",
                                                         "anonymous", 401),
    "GET /api/v1/meetings": S(A + "/meetings", "anonymous"),
    "POST /api/v1/meetings": S(A + "/meetings", "managing_director", "citizen",
                               data={"title": "Sitzung", "starts_at": "2030-05-04T16:00:00Z",
                                     "ends_at": "2030-05-04T18:00:00Z", "location": "Rathaus"}),
    "GET /api/v1/meetings/<int:meeting_id>": S(f(A + "/meetings/{w.private_meeting.id}"), "council_member",
                                               "citizen", 404),
    "PATCH /api/v1/meetings/<int:meeting_id>": S(f(A + M), "managing_director", "moderator",
                                                 data={"location": "Rathaus, Saal 2"}),
    "DELETE /api/v1/meetings/<int:meeting_id>": S(f(A + "/meetings/{w.draft_meeting.id}"), "moderator", "citizen",
                                                  404),
    "POST /api/v1/meetings/<int:meeting_id>/publish": S(f(A + "/meetings/{w.draft_meeting.id}/publish"),
                                                        "managing_director", "moderator"),
    "POST /api/v1/meetings/<int:meeting_id>/cancel": S(f(A + M + "/cancel"), "managing_director", "moderator"),
    "PUT /api/v1/meetings/<int:meeting_id>/current-item": S(f(A + M + "/current-item"), "managing_director",
                                                            "moderator", data=lambda w: {"item_id": w.item_id}),
    "POST /api/v1/meetings/<int:meeting_id>/end": S(f(A + M + "/end"), "managing_director", "moderator"),
    "PUT /api/v1/meetings/<int:meeting_id>/follow": S(f(A + M + "/follow"), "citizen", "anonymous", 401),
    "DELETE /api/v1/meetings/<int:meeting_id>/follow": S(f(A + M + "/follow"), "citizen", "anonymous", 401),
    "POST /api/v1/meetings/<int:meeting_id>/items": S(f(A + M + "/items"), "managing_director", "moderator",
                                                      data={"title": "Neu"}),
    "PATCH /api/v1/meetings/<int:meeting_id>/items/<int:item_id>": S(f(A + M + "/items/{w.item_id}"),
                                                                     "managing_director", "moderator",
                                                                     data={"title": "Geändert"}),
    "DELETE /api/v1/meetings/<int:meeting_id>/items/<int:item_id>": S(f(A + M + "/items/{w.item_id}"),
                                                                      "managing_director", "moderator"),
    "PUT /api/v1/meetings/<int:meeting_id>/items/order": S(f(A + M + "/items/order"), "managing_director",
                                                           "moderator", data=lambda w: {"item_ids": w.item_ids[::-1]}),
    "PUT /api/v1/meetings/<int:meeting_id>/minutes": S(f(A + M + "/minutes"), "managing_director", "moderator",
                                                       data={"minutes": "Protokoll"}),
    "POST /api/v1/meetings/<int:meeting_id>/files": S(f(A + "/meetings/{w.draft_meeting.id}/files"), "moderator",
                                                      "citizen", 404),
    "DELETE /api/v1/meetings/<int:meeting_id>/files/<int:file_id>": S(f(A + M + "/files/{w.meeting_file_id}"),
                                                                      "managing_director", "moderator"),
    "POST /api/v1/proposals/<int:proposal_id>/files": S(f(A + P + "/files"), "author", "citizen"),
    "DELETE /api/v1/proposals/<int:proposal_id>/files/<int:file_id>": S(f(A + P + "/files/{w.proposal_file_id}"),
                                                                        "author", "citizen"),
    "GET /api/v1/moderation/reports": S(A + "/moderation/reports", "moderator", "citizen"),
    "POST /api/v1/moderation/<target>/<int:item_id>/hide": S(f(A + "/moderation/comment/{w.comment.id}/hide"),
                                                             "moderator", "citizen", data={"reason": "Beleidigend"}),
    "POST /api/v1/moderation/<target>/<int:item_id>/restore": S(
        f(A + "/moderation/comment/{w.comment.id}/restore"), "moderator", "citizen", data={"reason": "Geprüft"}),
    "POST /api/v1/moderation/<target>/<int:item_id>/dismiss": S(
        f(A + "/moderation/comment/{w.comment.id}/dismiss"), "moderator", "citizen", data={"reason": "Geprüft"}),
    "POST /api/v1/reports": S(A + "/reports", "citizen", "anonymous", 401,
                              data=lambda w: {"target": "comment", "id": w.comment.id, "reason": "Beleidigend"}),
    "POST /api/v1/users/<int:user_id>/suspension": S(f(A + "/users/{w.people[business].id}/suspension"), "admin",
                                                     "moderator", data={"days": 7, "reason": "Spam"}),
    "DELETE /api/v1/users/<int:user_id>/suspension": S(f(A + "/users/{w.people[business].id}/suspension"), "admin",
                                                       "moderator"),
    "GET /api/v1/projects": S(A + "/projects", "anonymous"),
    # the API shows public projects only, to everyone alike
    "GET /api/v1/projects/<int:project_id>": S(f(A + "/projects/{w.project.id}"), "anonymous", "managing_director",
                                               404, refused_url=f(A + "/projects/{w.internal.id}")),
}

CASES = {**HTML, **API}
ACTOR_KINDS = ("anonymous", "citizen", "business", "research", "unverified_organisation", "council_member",
               "moderator", "managing_director", "chair", "admin", "author", "requester", "evaluator",
               "metrics_scraper")
METRICS_TOKEN = "smoke-metrics-token"


def route_keys(app) -> set[str]:
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_smoke_case(app):
    """A new route needs its case here (and its predicate table in its area)."""
    missing = sorted(route_keys(app) - set(CASES))
    assert missing == [], f"routes without an HTTP smoke case: {missing}"
    gone = sorted(set(CASES) - route_keys(app))
    assert gone == [], f"smoke cases for routes that no longer exist: {gone}"
    for key, case in CASES.items():
        assert case.allowed in ACTOR_KINDS and case.refused in (None, *ACTOR_KINDS), key
        assert case.refused is None or case.refused != case.allowed, key


def _unsubscribe_url(w) -> str:
    from forum.notifications.settings import unsubscribe_token

    return "/unsubscribe/" + unsubscribe_token(w.people["citizen"].id, "meetings")


@pytest.fixture
def world(app, make_user, make_council, make_proposal, make_meeting, make_project):
    """One of everything a route can act on, and the people the cases name."""
    from forum.accounts.credentials import issue_token
    from forum.controlling.cooperation_models import CooperationRequest
    from forum.controlling.models import Milestone, ProjectPartner
    from forum.controlling.scoring_models import Evaluator
    from forum.councils.models import JoinRequest
    from forum.live.models import LiveMessage
    from forum.proposals.comments import add_comment
    from forum.text import render_markdown

    from forum.controlling.scoring import CriterionSpec, publish_catalogue
    from forum.files import storage
    from forum.files.models import StoredFile
    from tests.files import samples

    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    people = {"anonymous": None, "metrics_scraper": None}
    for kind in ("citizen", "business", "research", "author", "requester", "evaluator"):
        people[kind] = make_user(stakeholder=kind if kind in ("business", "research") else "citizen",
                                 name=f"Person {kind}")
    people["unverified_organisation"] = make_user(stakeholder="business", verified=False)
    for role in ("managing_director", "chair", "admin"):
        people[role] = make_user(role=role)
    people["council_member"], people["moderator"] = make_user(), make_user()
    council = make_council("Fachbeirat Mobilität", members=[people["council_member"]],
                           moderators=[people["moderator"]])
    private = make_council("Geheimer Kreis", visibility="private", members=[people["council_member"]],
                           moderators=[people["moderator"]])
    by_request = make_council("Fachbeirat Auf Anfrage", join_policy="request", moderators=[people["moderator"]])
    archived = make_council("Fachbeirat Archiv", moderators=[people["moderator"]])
    archived.archived_at = archived.created_at
    join_request = JoinRequest(council_id=by_request.id, user_id=people["requester"].id, status="pending",
                               message="Bitte")
    db.session.add(join_request)
    db.session.add(Evaluator(user_id=people["evaluator"].id))
    proposal = make_proposal("Handy-Parken", author=people["author"], council=council)
    private_proposal = make_proposal("Geheimer Vorschlag", council=private)
    voting = make_proposal("Abstimmung", council=council, status="voting")
    accepted = make_proposal("Angenommen", council=council, status="accepted")
    comment = add_comment(proposal, people["author"], "Ein Kommentar")
    meeting = make_meeting("Sitzung", council=council)
    private_meeting = make_meeting("Geheime Sitzung", council=private)
    draft_meeting = make_meeting("Entwurf", council=council, status="draft")
    meeting.items[0].proposals = [proposal]
    private_meeting.items[0].proposals = [proposal]
    project = make_project("Braunschweig-App", councils=[council], proposals=[proposal])
    internal = make_project("Interne Strategie", visibility="internal")
    milestone = Milestone(project_id=project.id, title="Start", due_date=date.today() + timedelta(days=30))
    partner = ProjectPartner(project_id=project.id, name="Hochschule", kind="research")
    cooperation = CooperationRequest(requester_id=people["business"].id, topic=COOPERATION_TOPIC, organisation="Firma",
                                     message="Wir möchten Daten teilen.")
    message = LiveMessage(room=f"council:{council.slug}", author_id=people["council_member"].id, body="Hallo",
                          body_html=render_markdown("Hallo"))
    db.session.add_all([milestone, partner, cooperation, message])
    stored = storage.store(io.BytesIO(samples.PDF))
    files = [StoredFile(name="Vorlage.pdf", content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                        **owner) for owner in ({"meeting_id": private_meeting.id}, {"meeting_id": meeting.id},
                                               {"proposal_id": proposal.id, "uploaded_by_id": people["author"].id})]
    db.session.add_all(files)
    db.session.flush()
    issue_token(people["citizen"], "Smoke")
    publish_catalogue(people["managing_director"], [CriterionSpec("Nutzen", 60), CriterionSpec("Kosten", 40)])
    db.session.commit()
    evaluator_id = db.session.scalar(db.select(Evaluator.id).where(Evaluator.user_id == people["evaluator"].id))
    from forum.accounts.models import ApiToken

    token_id = db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == people["citizen"].id))
    return SimpleNamespace(
        people=people, council=council, private=private, by_request=by_request, archived=archived,
        join_request_id=join_request.id, proposal=proposal, private_proposal=private_proposal, voting=voting,
        accepted=accepted, comment=comment, meeting=meeting, private_meeting=private_meeting,
        draft_meeting=draft_meeting, item_id=meeting.items[0].id, item_ids=[i.id for i in meeting.items],
        project=project, internal=internal, milestone_id=milestone.id, partner_id=partner.id,
        cooperation_id=cooperation.id, live_message_id=message.id, token_id=token_id, evaluator_id=evaluator_id,
        public_membership_id=_membership_id(council, people["moderator"]),
        private_membership_id=_membership_id(private, people["moderator"]),
        private_file_id=files[0].id, meeting_file_id=files[1].id, proposal_file_id=files[2].id)


def _membership_id(council, user) -> int:
    from forum.councils.models import Membership

    return db.session.scalar(db.select(Membership.id).where(Membership.council_id == council.id,
                                                            Membership.user_id == user.id))


def _request(app, key: str, case: Smoke, world, kind: str, url: str | None = None):
    """The case's request as `kind`, from a client of its own (no cookie of another actor)."""
    from forum.accounts.credentials import issue_token

    client = app.test_client()
    method, _ = key.split(" ", 1)
    url = url or case.url(world)
    data = case.data(world) if case.data else None
    user = world.people[kind]
    if kind == "metrics_scraper":
        return client.open(url, method=method, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    if url.startswith("/api/"):
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {issue_token(user, 'Smoke-Test')}"
            db.session.commit()
        return client.open(url, method=method, json=data, headers=headers)
    if user is not None:
        sign_in(client, user)
    return client.open(url, method=method, data=data)


def _outcome(response):
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return response.status_code


@pytest.mark.parametrize("key", sorted(CASES))
def test_route_lets_in_and_turns_away(key, app, world):
    """The refused actor first (a refusal changes nothing), then the one let through."""
    case = CASES[key]
    if case.refused is not None:
        refused = _request(app, key, case, world, case.refused,
                           case.refused_url(world) if case.refused_url else None)
        assert _outcome(refused) == case.refusal, (
            f"{key} as {case.refused}: {_outcome(refused)} {refused.get_data(as_text=True)[:300]}")
    allowed = _request(app, key, case, world, case.allowed)
    outcome = _outcome(allowed)
    assert outcome not in ("login", 401, 403, 404) and outcome < 500, (
        f"{key} as {case.allowed}: {outcome} {allowed.get_data(as_text=True)[:300]}")
