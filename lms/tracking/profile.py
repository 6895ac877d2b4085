"""The platform's xAPI vocabulary and the builders of its statements. Pure: plain data in,
statement dicts out; ids and timestamps are made by the caller when the event happens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from lms.content.localised import Localised, language_map, language_tag

ADL = "http://adlnet.gov/expapi"
VERBS = {
    "initialized": (f"{ADL}/verbs/initialized", "initialisert"),
    "progressed": (f"{ADL}/verbs/progressed", "gikk videre"),
    "answered": (f"{ADL}/verbs/answered", "svarte"),
    "completed": (f"{ADL}/verbs/completed", "fullførte"),
    "passed": (f"{ADL}/verbs/passed", "bestod"),
    "failed": (f"{ADL}/verbs/failed", "bestod ikke"),
    "attended": (f"{ADL}/verbs/attended", "deltok"),
    "voided": (f"{ADL}/verbs/voided", "annullerte"),
    "registered": (f"{ADL}/verbs/registered", "ble meldt på"),
    "terminated": (f"{ADL}/verbs/terminated", "avsluttet"),
    "earned": ("http://specification.openbadges.org/xapi/verbs/earned", "fikk"),
}
ACTIVITY_TYPES = {
    "module": f"{ADL}/activities/module",
    "interaction": f"{ADL}/activities/cmi.interaction",
    "meeting": f"{ADL}/activities/meeting",
    "course": f"{ADL}/activities/course",
    "performance": f"{ADL}/activities/performance",
    "account": "http://activitystrea.ms/schema/1.0/service",
    "badge": "http://activitystrea.ms/schema/1.0/badge",
}
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PLATFORM = "Lærevakt"
_TAGS = re.compile(r"<[^>]+>")


class Profile:
    """Statement builders for one installation (its base URL names actors and activities)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    # Parts --------------------------------------------------------------------------------

    def actor(self, person_uuid: str) -> dict[str, Any]:
        """A person as an xAPI account: their opaque UUID, never a name or an e-mail address."""
        return {"objectType": "Agent", "account": {"homePage": self.base_url, "name": person_uuid}}

    @staticmethod
    def verb(name: str) -> dict[str, Any]:
        iri, bokmal = VERBS[name]
        return {"id": iri, "display": {"en-US": name, "nb-NO": bokmal}}

    def activity_id(self, *parts: str) -> str:
        return f"{self.base_url}/xapi/activities/{'/'.join(parts)}"

    def extension(self, name: str) -> str:
        return f"{self.base_url}/xapi/extensions/{name}"

    def module_activity(
        self, module_id: str, title: Localised, summary: Localised | None = None
    ) -> dict:
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES["module"], "name": language_map(title)}
        if summary:
            definition["description"] = language_map(summary)
        return {
            "objectType": "Activity",
            "id": self.activity_id("module", module_id),
            "definition": definition,
        }

    def card_activity(
        self,
        module_id: str,
        card_id: str,
        name: Localised,
        interaction: Mapping[str, Any],
        interaction_type: str,
    ) -> dict:
        definition = {
            "type": ACTIVITY_TYPES["interaction"],
            "name": language_map(name),
            "interactionType": interaction_type,
            **interaction,
        }
        return {
            "objectType": "Activity",
            "id": self.activity_id("module", module_id, "card", card_id),
            "definition": definition,
        }

    def module_context(
        self,
        *,
        registration: str,
        module_id: str,
        version: str,
        content_hash: str,
        language: str,
        parent: bool,
    ) -> dict[str, Any]:
        context: dict[str, Any] = {
            "registration": registration,
            "platform": PLATFORM,
            "language": language_tag(language),
            "extensions": {
                self.extension("module-version"): version,
                self.extension("content-hash"): content_hash,
            },
        }
        if parent:
            context["contextActivities"] = {"parent": [{"id": self.activity_id("module", module_id)}]}
        return context

    # Statements ---------------------------------------------------------------------------

    def statement(
        self,
        person_uuid: str,
        verb: str,
        activity: dict,
        *,
        at: datetime,
        context: dict | None = None,
        result: dict | None = None,
    ) -> dict[str, Any]:
        """A statement with a new id, timestamped at the moment of the event."""
        statement: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "actor": self.actor(person_uuid),
            "verb": self.verb(verb),
            "object": activity,
            "timestamp": at.isoformat(),
        }
        if context:
            statement["context"] = context
        if result:
            statement["result"] = result
        return statement

    def voiding(self, person_uuid: str, statement_id: str, *, at: datetime) -> dict[str, Any]:
        target = {"objectType": "StatementRef", "id": statement_id}
        return self.statement(person_uuid, "voided", target, at=at)


def plain_text(html: str, limit: int = 500) -> str:
    """Card text for an activity's name or description: tags removed, spaces folded, shortened."""
    text = " ".join(_TAGS.sub(" ", html).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def iso_duration(span: timedelta) -> str:
    seconds = max(0.0, span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    return text + f"{round(seconds, 2):g}S"


def scaled_score(score: float) -> dict[str, float]:
    return {"scaled": round(score, 4), "raw": round(score * 100, 2), "min": 0, "max": 100}
