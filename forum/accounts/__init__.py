"""Accounts: registration by stakeholder type, e-mail confirmation, verification, login, tokens."""
