"""Reminders: the pure planner, and the services, channels and scheduler around it."""
