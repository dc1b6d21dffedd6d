"""A request from Slack over HTTP, checked and read before Bolt dispatches it.

Bolt reads a form body as an interaction whenever the word "payload" appears anywhere in it
(so `/regrights help payload`, or a command from #payload-team, found no listener), and a
malformed body or timestamp raised inside it. Here the signature is checked first, then the
body is read by its content type, and a request lacking what its kind needs is refused."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# What each kind of request must name for its listener to know who asked, and where.
_INTERACTION_NEEDS = {
    "block_actions": ("user",),
    "view_submission": ("user", "view"),
    "view_closed": ("user", "view"),
    "shortcut": ("user", "trigger_id"),
}


@dataclass(frozen=True)
class BadRequest(Exception):
    """Answered with `status` and nothing else done; `reason` goes to the log."""

    status: int
    reason: str


def bolt_request(
    body: str,
    query: str,
    headers: Mapping[str, str | Sequence[str]],
    signing_secret: str,
) -> BoltRequest:
    """The request for `App.dispatch`, or BadRequest (401 unsigned, 400 malformed)."""
    first = {name.lower(): _first(value) for name, value in headers.items()}
    timestamp = first.get("x-slack-request-timestamp", "")
    if not timestamp.isdigit():
        raise BadRequest(401, "missing or non-numeric X-Slack-Request-Timestamp")
    if not SignatureVerifier(signing_secret).is_valid(
        body, timestamp, first.get("x-slack-signature", "")
    ):
        raise BadRequest(401, "bad signature or stale timestamp")
    content_type = first.get("content-type", "").split(";", 1)[0].strip().lower()
    parsed = read_body(body, content_type)
    request = BoltRequest(body="", query=query, headers=dict(headers))
    request.raw_body = body  # for an app that keeps Bolt's own signature check on
    request.body = parsed
    request.context = build_context(BoltContext({}), parsed)
    return request


def read_body(body: str, content_type: str) -> dict[str, Any]:
    if content_type == JSON:
        event = _json_object(body, "the JSON body")
        if not isinstance(event.get("type"), str):
            raise BadRequest(400, "a JSON body without a type")
        return event
    if content_type != FORM:
        raise BadRequest(400, f"unexpected content type {content_type or 'none'!r}")
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise BadRequest(400, "a form body that is not URL-encoded") from None
    if "ssl_check" in fields:
        return fields  # Slack checking the certificate; Bolt answers it
    if "payload" in fields:
        return _interaction(_json_object(fields["payload"], "the payload"))
    if "command" in fields:
        missing = [f for f in ("user_id", "channel_id") if not fields.get(f)]
        if missing:
            raise BadRequest(400, f"a slash command without {', '.join(missing)}")
        return fields
    raise BadRequest(400, "a form body that is neither a command nor an interaction")


def _interaction(payload: dict[str, Any]) -> dict[str, Any]:
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise BadRequest(400, "a payload without a type")
    user = payload.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        raise BadRequest(400, f"a {kind} payload without user.id")
    missing = [f for f in _INTERACTION_NEEDS.get(kind, ()) if not payload.get(f)]
    if missing:
        raise BadRequest(400, f"a {kind} payload without {', '.join(missing)}")
    return payload


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise BadRequest(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise BadRequest(400, f"{what} is not a JSON object")
    return value


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return value[0] if value else ""
