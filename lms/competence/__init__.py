"""Competence: frameworks, evidence, requirements and the profile computed from them."""
