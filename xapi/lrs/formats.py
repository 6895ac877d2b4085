"""Answering for the built-in LRS: statements in the format asked for (``exact``, ``ids``, or
``canonical`` by Accept-Language), JSON answers and errors, and the dates of headers and bodies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, g

from xapi.lrs.parameters import format_param


def http_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def formatted(statement: dict, params: Mapping[str, str]) -> dict:
    kind = format_param(params)
    if kind == "ids":
        return _ids_format(statement)
    if kind == "canonical":
        return _canonical_format(statement, _accepted_languages())
    return statement


def _accepted_languages() -> list[str]:
    header = g.xreq.headers.get("Accept-Language", "")
    ranked = []
    for number, item in enumerate(header.split(",")):
        tag, _, quality = item.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if tag.strip():
            ranked.append((-weight, number, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


LANGUAGE_MAP_KEYS = {"display", "name", "description"}


def _pick_language(value: dict, languages: list[str]) -> dict:
    if not value:
        return value
    lowered = {tag.lower(): tag for tag in value}
    for wanted in languages:
        if wanted == "*":
            break
        if wanted in lowered:
            return {lowered[wanted]: value[lowered[wanted]]}
        for tag in value:
            if tag.lower().split("-")[0] == wanted.split("-")[0]:
                return {tag: value[tag]}
    first = next(iter(value))
    return {first: value[first]}


def _canonical_format(value: Any, languages: list[str], parent: str = "") -> Any:
    """The ``canonical`` format: every language map reduced to the one language the client
    prefers (Accept-Language), or the first there is."""
    if isinstance(value, list):
        return [_canonical_format(item, languages, parent) for item in value]
    if not isinstance(value, dict):
        return value
    if parent in LANGUAGE_MAP_KEYS and all(isinstance(text, str) for text in value.values()):
        return _pick_language(value, languages)
    if parent == "extensions":
        return value
    return {key: _canonical_format(item, languages, key) for key, item in value.items()}


def json_response(body: Any, status: int = 200) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        mimetype="application/json",
    )


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    response = json_response({"error": status, "message": message}, status)
    response.headers.update(headers or {})
    return response


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ids_agent(agent: Any) -> Any:
    if not isinstance(agent, dict):
        return agent
    kept = {
        key: agent[key]
        for key in ("objectType", "mbox", "mbox_sha1sum", "openid", "account")
        if key in agent
    }
    if agent.get("objectType") == "Group" and "member" in agent:
        kept["member"] = [_ids_agent(member) for member in agent["member"]]
    return kept


def _ids_format(statement: dict) -> dict:
    """The ``ids`` format: agents, groups, activities and verbs by their identifiers only."""
    result = dict(statement)
    for key in ("actor", "authority"):
        if key in result:
            result[key] = _ids_agent(result[key])
    if "verb" in result:
        result["verb"] = {"id": result["verb"]["id"]}
    target = result.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            result["object"] = {"id": target["id"]}
        elif kind in ("Agent", "Group"):
            result["object"] = _ids_agent(target)
        elif kind == "SubStatement":
            result["object"] = _ids_format(target)
    if isinstance(result.get("context"), dict):
        context = dict(result["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        if isinstance(context.get("contextActivities"), dict):
            context["contextActivities"] = {
                kind: [{"id": activity["id"]} for activity in activities]
                for kind, activities in context["contextActivities"].items()
            }
        result["context"] = context
    return result
