"""Signing in and out: passwords, one-time e-mailed links, sessions, the reader's language."""
