"""Moderation and accountability: reports and hiding, suspensions, the audit log, the
transparency figures, the site's privacy and imprint pages, and each person's data rights
(export and deletion)."""
