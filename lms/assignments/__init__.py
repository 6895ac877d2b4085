"""Assignments: a module given to a unit (and the units below it), a role there, or one person,
with a due date. Each person's status follows from their attempts."""
