"""In-app notices with an e-mail copy: what happened that a person should know about."""
