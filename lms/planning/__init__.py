"""The yearly competence plan of a unit, the needs survey, and formal qualifications."""
