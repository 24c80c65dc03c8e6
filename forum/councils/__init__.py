"""Topic advisory councils (Fachbeiräte): members, moderators, private spaces."""
