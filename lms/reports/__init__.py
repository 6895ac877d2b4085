"""The manager's view: completion, the competence matrix, exports and the audit list."""
