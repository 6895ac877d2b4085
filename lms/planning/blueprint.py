"""The planning blueprint, shared by the plan, survey and qualification views."""

from flask import Blueprint

from lms.organisation.models import Role

bp = Blueprint("planning", __name__, url_prefix="/planning")

PLANNING_ROLES = (Role.MANAGER, Role.ADMIN)
"""Who makes a unit's plan and surveys, and checks qualifications: its managers and admins, and
those of the units above it (an area leader gathers the plans of the area's units)."""
