"""Every model module, imported once so SQLAlchemy metadata and Alembic see all tables."""
from .accounts.models import ApiToken, User  # noqa: F401
from .councils.models import Council, JoinRequest, Membership  # noqa: F401
from .proposals.models import Comment, Follow, Proposal, ProposalRevision, ProposalTag, Vote  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .moderation.models import ModerationDecision, Report, SitePage, Suspension  # noqa: F401
from .meetings.models import AgendaItem, Meeting, MeetingFollow, MeetingRevision  # noqa: F401
from .live.models import LiveMessage  # noqa: F401
from .controlling.models import Milestone, Project, ProjectCouncil, ProjectPartner, ProjectProposal  # noqa: F401
from .controlling.scoring_models import CriteriaCatalogue, Criterion, Evaluator, Score  # noqa: F401
from .controlling.cooperation_models import CooperationReply, CooperationRequest  # noqa: F401
from .ops.ledger import AccountDeletion  # noqa: F401
from .files.models import StoredFile  # noqa: F401
