"""The one permission vocabulary, used by routes, the API, templates and socket handlers.

Every predicate takes the acting user (possibly anonymous) and fresh model objects, and
answers True or False. Checks never trust state cached in a session or a socket.

The predicates live in one module per area (people and councils, proposals and live rooms,
meetings, moderation, controlling), plus what readers see of hidden items (hidden.py); import
them from here, the one import point.
"""
from __future__ import annotations

import sys

from .people import (can_appoint, can_archive_council, can_decide_requests, can_edit_council,
    can_found_council, can_join_council, can_leave_council, can_manage_council, can_manage_members,
    can_moderate, can_remove_member, can_request_to_join, can_verify_organisations, can_view_council,
    council_role, council_roles, is_signed_in, is_staff, is_suspended, is_verified_member,
    welcomes_visitors)  # noqa: F401
from .moderation import (can_edit_site_pages, can_moderate_content, can_read_audit, can_report,
    can_see_hidden, can_suspend, can_view_queue)  # noqa: F401
from .meetings import (MEETING_MANAGER_ROLES, can_create_meeting, can_edit_meeting, can_follow_meeting,
    can_manage_meetings, can_post_in_meeting, can_publish_meeting, can_run_meeting, can_view_meeting)  # noqa: F401
from .proposals import (COMMENTABLE_STATUSES, COMMENT_EDIT_MINUTES, can_change_status, can_comment,
    can_create_proposal, can_delete_comment, can_edit_comment, can_edit_proposal, can_follow, can_hide_live,
    can_join_live, can_move_proposal, can_post_live, can_read_live, can_respond, can_take_part, can_view_proposal,
    can_vote, can_withdraw_proposal, is_proposal_author, voting_open)  # noqa: F401
from .controlling import (can_appoint_evaluators, can_handle_cooperation_requests, can_maintain_criteria,
    can_manage_projects, can_request_cooperation, can_score, can_view_cooperation_request,
    can_view_dashboard, can_view_internal_projects, can_view_project, can_view_scores, is_board_member,
    is_controller, is_evaluator)  # noqa: F401
from .hidden import hidden_text_visible, text_hidden  # noqa: F401
from .files import (can_attach_to_meeting, can_attach_to_proposal, can_manage_files, can_view_meeting_files,
    can_view_proposal_files)  # noqa: F401


def template_helpers() -> dict:
    """Expose the vocabulary to templates as `can.<predicate>(...)`."""
    return {"can": sys.modules[__name__]}
