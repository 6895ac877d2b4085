"""Workshop series: planned sessions, invitations as iCalendar, check-in, notes, evaluation and
completion (see docs/xapi-profile.md for the statements they make)."""
