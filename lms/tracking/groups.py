"""Statements of group runs: ``joined`` and ``left``, and the run's context on every statement
about an attempt made in a run.

Every such statement carries ``context.registration`` (the run's UUID, shared by all participants),
``context.instructor`` (the facilitator's account) and ``context.team`` (an anonymous Group of the
participants present at that moment). The learning receivers call ``decorate`` on their context.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask, current_app

from lms import signals
from lms.extensions import db
from lms.groups import services as groups
from lms.groups.models import GroupParticipant, GroupRun
from lms.learning.models import Attempt
from lms.tracking.profile import Profile
from xapi.outbox import record

ACTIVITY_STREAMS = "http://activitystrea.ms"
JOINED = {"id": f"{ACTIVITY_STREAMS}/join", "display": {"en-US": "joined", "nb-NO": "ble med"}}
LEFT = {"id": f"{ACTIVITY_STREAMS}/leave", "display": {"en-US": "left", "nb-NO": "forlot"}}


def connect() -> None:
    signals.group_joined.connect(joined)
    signals.group_left.connect(left)


def profile() -> Profile:
    return Profile(current_app.config["BASE_URL"])


def decorate(context: dict[str, Any], attempt: Attempt) -> dict[str, Any]:
    """``context`` with the run's registration, instructor and team when ``attempt`` is a present
    participant's attempt in a group run, or was completed by the run's close (someone who left
    but was there long enough to be judged); unchanged for a solo attempt (or after leaving)."""
    participant = groups.participant_for_attempt(attempt)
    if participant is None:
        return context
    if not participant.present and not groups.made_at_close(participant, attempt):
        return context
    return run_context(context, participant.run)


def run_context(context: dict[str, Any], run: GroupRun) -> dict[str, Any]:
    made = profile()
    context = {**context, "registration": run.uuid, "instructor": made.actor(run.facilitator.uuid)}
    members = groups.present_uuids(run)
    if members:
        context["team"] = {"objectType": "Group", "member": [made.actor(u) for u in members]}
    return context


def _statement(participant: GroupParticipant, verb: dict, at) -> dict[str, Any]:
    run = participant.run
    module = groups.module_of(run)
    made = profile()
    context = made.module_context(
        registration=run.uuid,
        module_id=module.id,
        version=module.version,
        content_hash=module.content_hash,
        language=participant.person.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        parent=False,
    )
    return {
        "id": str(uuid.uuid4()),
        "actor": made.actor(participant.person.uuid),
        "verb": verb,
        "object": made.module_activity(module.id, module.title, module.summary),
        "timestamp": at.isoformat(),
        "context": run_context(context, run),
    }


def joined(_app: Flask, participant: GroupParticipant, ticked_in_by=None) -> None:
    record(db.session, _statement(participant, JOINED, participant.joined_at))


def left(_app: Flask, participant: GroupParticipant) -> None:
    record(db.session, _statement(participant, LEFT, participant.left_at))
