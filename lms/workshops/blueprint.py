"""The workshops blueprint. Its pages live in three modules that each import ``bp`` from here:
``views`` (participants, on phones), ``facilitator_views`` and ``session_views`` (the facilitator's
laptop and projector); ``create_app`` imports all three before registering it."""

from flask import Blueprint

bp = Blueprint("workshops", __name__, url_prefix="/workshops")
