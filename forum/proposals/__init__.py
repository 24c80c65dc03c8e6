"""Proposals, votes and comments."""
