"""A local stand-in for the Slack Web API, for tests (standard library only).

    with SlackStandIn() as slack:
        client = WebClient(base_url=slack.api_url, token=slack.bot_token)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.messages("C1")[0]["text"] == "hi"

It speaks just enough of the API for the bot: auth.test, chat.postMessage,
chat.postEphemeral, chat.update, views.publish, views.open, apps.connections.open
(answering `socket_url`), conversations.history,
conversations.replies and conversations.info, plus response_url endpoints
(see `new_response_url`); and, for files shared with one user or in a channel,
conversations.open, files.getUploadURLExternal, its upload URL and
files.completeUploadExternal (`direct_files`). Every request is recorded (`calls`), and faults can be queued per method with `fail_next`. Method names for faults and calls are the
Slack method names ("chat.postMessage"); posts to response URLs use "response_url".
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Literal, Self
from urllib.parse import parse_qsl, urlsplit

JsonDict = dict[str, Any]

FAULTS: Final = frozenset(
    {
        "ratelimited",  # HTTP 429, Retry-After header, {"ok": false, "error": "ratelimited"}
        "server_error",  # HTTP 500
        "service_unavailable",  # HTTP 503
        "timeout",  # no answer until the client gives up (bounded by hang_seconds)
        "accept_then_drop",  # the call takes effect, then the connection closes unanswered
        "drop_before",  # the connection closes unanswered, nothing happens
    }
)
"""Fault names for `SlackStandIn.fail_next`; "error:<code>" is also accepted and
answers HTTP 200 {"ok": false, "error": "<code>"}."""

# Fields that form-encoded callers send as JSON text, and the error for bad JSON.
_JSON_FIELDS: Final = {
    "blocks": "invalid_blocks",
    "attachments": "invalid_attachments",
    "metadata": "invalid_metadata_format",
    "view": "invalid_arguments",
}


@dataclass(frozen=True)
class Call:
    """One request the stand-in received (params decoded, token removed)."""

    method: str
    params: JsonDict
    time: float
    token: str | None = None
    fault: str | None = None


@dataclass(frozen=True)
class _Fault:
    kind: str
    retry_after: int


@dataclass(frozen=True)
class _Reply:
    action: Literal["respond", "drop", "hang"] = "respond"
    status: int = 200
    body: JsonDict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class _SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class SlackStandIn:
    """A Slack Web API double on 127.0.0.1, run in a daemon thread."""

    def __init__(
        self,
        bot_token: str = "xoxb-standin",
        *,
        hang_seconds: float = 5.0,
        start_ts: float = 1_700_000_000.0,
        team_id: str = "T0STANDIN",
        bot_user_id: str = "U0STANDIN",
        bot_id: str = "B0STANDIN",
        app_token: str = "xapp-standin",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        # What apps.connections.open answers: a Socket Mode URL (set it to a local ws:// server).
        self.socket_url: str | None = None
        self.hang_seconds = hang_seconds
        self.latency = 0.0  # seconds each call takes before it is answered (a slow Slack)
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self._clock_us = round(start_ts * 1_000_000)
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._calls: list[Call] = []
        self._messages: list[JsonDict] = []  # every channel, oldest first, with "channel"
        self._ephemerals: list[JsonDict] = []
        self._views: list[JsonDict] = []
        self._opened: list[JsonDict] = []
        # conversations.members: a channel's members; a channel not listed has `members`.
        self.channel_members: dict[str, list[str]] = {}
        self.members: list[str] = []
        # As without the metadata.message:read scope: history never shows message metadata.
        self.withhold_metadata = False
        self._responses: dict[str, list[JsonDict]] = {}
        self._response_seq = 0
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._methods: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "apps.connections.open": self._apps_connections_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
        }
        self._methods.update(self._direct_file_methods())
        self._direct_files = _DirectFiles()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("SlackStandIn is already running")
        self._release = threading.Event()
        server = _Server(self)
        self._server = server
        self._base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._release.set()  # wakes handlers hanging on a "timeout" fault
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The server root, e.g. "http://127.0.0.1:PORT" (no trailing slash)."""
        if self._base_url is None:
            raise RuntimeError("SlackStandIn is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """The `base_url` for slack_sdk's WebClient: "http://127.0.0.1:PORT/api/"."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------- test-side controls

    def new_response_url(self) -> str:
        """A fresh response_url; JSON POSTs to it are recorded and answered {"ok": true}."""
        base = self.base_url
        with self._lock:
            self._response_seq += 1
            response_id = f"R{self._response_seq:04d}"
            self._responses[response_id] = []
        return f"{base}/response/{response_id}"

    def fail_next(self, method: str, fault: str, times: int = 1, retry_after: int = 0) -> None:
        """Queue `fault` for the next `times` calls of `method` (consumed in order)."""
        if fault not in FAULTS and not (fault.startswith("error:") and len(fault) > 6):
            known = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {fault!r}; use one of {known} or 'error:<code>'")
        if times < 1 or retry_after < 0:
            raise ValueError("times must be >= 1 and retry_after >= 0")
        with self._lock:
            self._faults[method].extend(_Fault(fault, retry_after) for _ in range(times))

    def reset(self) -> None:
        """Forget calls, messages, ephemerals, views, response posts and queued faults."""
        with self._lock:
            self._calls.clear()
            self._messages.clear()
            self._ephemerals.clear()
            self._views.clear()
            self._opened.clear()
            for posts in self._responses.values():
                posts.clear()
            self._faults.clear()
            self._direct_files = _DirectFiles()

    # ------------------------------------------------------------- inspection

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str | None = None) -> list[JsonDict]:
        """Messages as stored (with "channel" and "metadata"), oldest first."""
        with self._lock:
            return copy.deepcopy(
                [m for m in self._messages if channel is None or m["channel"] == channel]
            )

    def ephemerals(self) -> list[JsonDict]:
        with self._lock:
            return copy.deepcopy(self._ephemerals)

    def published_views(self) -> list[JsonDict]:
        """[{"user_id": ..., "view": {...}, "hash": ... (if sent)}, ...] in call order."""
        with self._lock:
            return copy.deepcopy(self._views)

    def opened_views(self) -> list[JsonDict]:
        """[{"trigger_id": ..., "view": {...}}, ...] from views.open, in call order."""
        with self._lock:
            return copy.deepcopy(self._opened)

    def response_posts(self, response_id: str | None = None) -> list[JsonDict]:
        """JSON bodies posted to one response URL (its id or the whole URL), or to all."""
        with self._lock:
            if response_id is None:
                return copy.deepcopy([p for posts in self._responses.values() for p in posts])
            return copy.deepcopy(self._responses.get(response_id.rsplit("/", 1)[-1], []))

    # ---------------------------------------------------------- request handling

    def _route(self, path: str, query: str, content_type: str, auth: str, body: bytes) -> _Reply:
        if path.startswith("/api/"):
            return self._handle_api(path.removeprefix("/api/"), query, content_type, auth, body)
        if path.startswith("/response/"):
            return self._handle_response(path.removeprefix("/response/"), body)
        if path.startswith(_DIRECT_UPLOAD_PATH):
            return self._handle_direct_upload(path.removeprefix(_DIRECT_UPLOAD_PATH), body)
        return _Reply(status=404, body=_error("not_found"))

    def _handle_api(
        self, method: str, query: str, content_type: str, auth: str, body: bytes
    ) -> _Reply:
        parse_error: str | None = None
        try:
            params = _parse_params(query, content_type, body)
        except _SlackError as exc:
            params, parse_error = {}, exc.error
        form_token = params.pop("token", None)
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or (str(form_token) if form_token else None)

        def work() -> tuple[int, JsonDict]:
            handler = self._methods.get(method)
            if handler is None:
                return 200, _error("unknown_method")
            if parse_error is not None:
                return 200, _error(parse_error)
            if not token:
                return 200, _error("not_authed")
            # apps.connections.open takes the app-level token; every other method the bot's.
            wanted = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != wanted:
                return 200, _error("invalid_auth")
            try:
                return 200, handler(params)
            except _SlackError as exc:
                return 200, _error(exc.error)

        return self._serve(method, params, token, work)

    def _handle_response(self, response_id: str, body: bytes) -> _Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None

        def work() -> tuple[int, JsonDict]:
            if response_id not in self._responses:
                return 404, _error("expired_url")
            if not isinstance(payload, dict):
                return 400, _error("invalid_payload")
            self._responses[response_id].append(payload)
            return 200, {"ok": True}

        params = payload if isinstance(payload, dict) else {}
        return self._serve("response_url", params, None, work)

    def _serve(
        self,
        method: str,
        params: JsonDict,
        token: str | None,
        work: Callable[[], tuple[int, JsonDict]],
    ) -> _Reply:
        """Record the call, apply a queued fault, and run `work` unless the fault forbids."""
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            queue = self._faults.get(method)
            fault = queue.popleft() if queue else None
            kind = fault.kind if fault else None
            self._calls.append(Call(method, copy.deepcopy(params), time.time(), token, kind))
            if fault is None or fault.kind == "accept_then_drop":
                status, body = work()
        if fault is None:
            return _Reply(status=status, body=body)
        return _fault_reply(fault)

    # The API methods below run with self._lock held.

    def _auth_test(self, _: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": "https://standin.slack.com/",
            "team": "Stand-in",
            "user": "regrights",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, p: JsonDict) -> JsonDict:
        channel = _required(p, "channel", "channel_not_found")
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            raise _SlackError("no_text")
        metadata = _metadata(p["metadata"]) if "metadata" in p else None
        ts = self._next_ts()
        message: JsonDict = {
            "type": "message",
            "channel": channel,
            "ts": ts,
            "text": str(p.get("text", "")),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
        }
        for key in ("blocks", "attachments"):
            if key in p:
                message[key] = p[key]
        if metadata is not None:
            message["metadata"] = metadata
        thread_ts = p.get("thread_ts")
        if thread_ts:
            message["thread_ts"] = str(thread_ts)
            if _flag(p.get("reply_broadcast")):
                message["reply_broadcast"] = True
            parent = self._find(channel, str(thread_ts))
            if parent is not None:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
        self._messages.append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": _public(message, True)}

    def _chat_post_ephemeral(self, p: JsonDict) -> JsonDict:
        channel = _required(p, "channel", "channel_not_found")
        user = _required(p, "user", "user_not_in_channel")
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            raise _SlackError("no_text")
        ts = self._next_ts()
        ephemeral: JsonDict = {"channel": channel, "user": user, "message_ts": ts}
        for key in ("text", "blocks", "attachments", "thread_ts"):
            if key in p:
                ephemeral[key] = p[key]
        self._ephemerals.append(ephemeral)
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, p: JsonDict) -> JsonDict:
        channel = _required(p, "channel", "channel_not_found")
        message = self._find(channel, _required(p, "ts", "message_not_found"))
        if message is None:
            raise _SlackError("message_not_found")
        if "metadata" in p:
            message["metadata"] = _metadata(p["metadata"])
        if "text" in p:
            message["text"] = str(p["text"])
        for key in ("blocks", "attachments"):
            if key in p:
                message[key] = p[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": _public(message, True),
        }

    def _views_publish(self, p: JsonDict) -> JsonDict:
        user_id = _required(p, "user_id", "invalid_arguments")
        view = p.get("view")
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        record: JsonDict = {"user_id": user_id, "view": view}
        if "hash" in p:
            record["hash"] = p["hash"]
        self._views.append(record)
        n = len(self._views)
        return {"ok": True, "view": {**view, "id": f"V{n:08d}", "hash": f"{n}.standin"}}

    def _apps_connections_open(self, _: JsonDict) -> JsonDict:
        if self.socket_url is None:
            raise _SlackError("internal_error")
        return {"ok": True, "url": self.socket_url}

    def _views_open(self, p: JsonDict) -> JsonDict:
        trigger_id = _required(p, "trigger_id", "invalid_trigger_id")
        view = p.get("view")
        if not isinstance(view, dict) or view.get("type") != "modal":
            raise _SlackError("invalid_arguments")
        self._opened.append({"trigger_id": trigger_id, "view": view})
        view_id = f"VM{len(self._opened):07d}"
        return {"ok": True, "view": {**view, "id": view_id, "root_view_id": view_id}}

    def _conversations_history(self, p: JsonDict) -> JsonDict:
        """Top-level messages (and broadcast replies), newest first, paginated."""
        channel = _required(p, "channel", "channel_not_found")
        inclusive = _flag(p.get("inclusive"))
        oldest = _ts_param(p, "oldest", "invalid_ts_oldest") or Decimal(0)
        latest = _ts_param(p, "latest", "invalid_ts_latest")
        try:
            limit = min(max(int(p.get("limit") or 100), 1), 999)
        except (TypeError, ValueError):
            raise _SlackError("invalid_limit") from None

        def wanted(m: JsonDict) -> bool:
            ts = Decimal(m["ts"])
            top_level = m.get("thread_ts", m["ts"]) == m["ts"] or m.get("reply_broadcast", False)
            above = ts >= oldest if inclusive else ts > oldest
            below = latest is None or (ts <= latest if inclusive else ts < latest)
            return m["channel"] == channel and bool(top_level) and above and below

        found = [m for m in reversed(self._messages) if wanted(m)]
        if p.get("cursor"):
            start = _decode_cursor(str(p["cursor"]))
            found = [m for m in found if Decimal(m["ts"]) <= start]
        page, rest = found[:limit], found[limit:]
        include_metadata = _flag(p.get("include_all_metadata")) and not self.withhold_metadata
        return {
            "ok": True,
            "messages": [_public(m, include_metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0]["ts"]) if rest else ""},
        }

    def _conversations_replies(self, p: JsonDict) -> JsonDict:
        """A thread's parent then its replies, oldest first (no pagination)."""
        channel = _required(p, "channel", "channel_not_found")
        ts = _required(p, "ts", "thread_not_found")
        if self._find(channel, ts) is None:
            raise _SlackError("thread_not_found")
        include_metadata = _flag(p.get("include_all_metadata")) and not self.withhold_metadata
        thread = [
            m
            for m in self._messages
            if m["channel"] == channel and (m["ts"] == ts or m.get("thread_ts") == ts)
        ]
        return {
            "ok": True,
            "messages": [_public(m, include_metadata) for m in thread],
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversations_members(self, p: JsonDict) -> JsonDict:
        """Paged as Slack pages it: `limit` at a time, `cursor` from the previous page."""
        channel = _required(p, "channel", "channel_not_found")
        members = self.channel_members.get(channel, self.members)
        start = int(p.get("cursor") or 0)
        end = start + int(p.get("limit") or 100)
        return {
            "ok": True,
            "members": members[start:end],
            "response_metadata": {"next_cursor": str(end) if end < len(members) else ""},
        }

    def _conversations_info(self, p: JsonDict) -> JsonDict:
        channel = _required(p, "channel", "channel_not_found")
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": channel.lower(),
                "is_channel": True,
                "is_private": False,
                "is_archived": False,
                "is_member": True,
                "created": 1_700_000_000,
            },
        }

    # -------------------------- files sent to a user in a direct message (files.uploadV2)
    #
    # slack_sdk's files_upload_v2 calls files.getUploadURLExternal, POSTs the bytes to the
    # upload_url it was given, then calls files.completeUploadExternal with the file ids and
    # the conversation to share them in; a direct message is opened with conversations.open.

    def _direct_file_methods(self) -> dict[str, Callable[[JsonDict], JsonDict]]:
        return {
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }

    def direct_files(self, channel: str | None = None) -> list[JsonDict]:
        """Files shared by files.completeUploadExternal: {"id", "title", "filename", "channel",
        "initial_comment", "alt_txt", "content" (bytes)}, oldest first."""
        with self._lock:
            return [
                dict(f)
                for f in self._direct_files.shared
                if channel is None or f["channel"] == channel
            ]

    def direct_message_channel(self, user: str) -> str:
        """The id conversations.open gives the bot's direct message with `user`."""
        return f"D{user}"

    def _conversations_open(self, p: JsonDict) -> JsonDict:
        users = str(p.get("users") or "")
        if not users:
            raise _SlackError("users_list_not_supplied")
        if "," in users:
            raise _SlackError("not_enough_users")  # a group DM: the bot never opens one
        return {"ok": True, "channel": {"id": self.direct_message_channel(users)}}

    def _files_get_upload_url_external(self, p: JsonDict) -> JsonDict:
        filename = p.get("filename")
        try:
            length = int(p.get("length") or 0)
        except (TypeError, ValueError):
            raise _SlackError("invalid_arguments") from None
        if not filename or length <= 0:
            raise _SlackError("invalid_arguments")
        file_id = self._direct_files.reserve(str(filename), length, p.get("alt_txt"))
        return {
            "ok": True,
            "upload_url": f"{self.base_url}{_DIRECT_UPLOAD_PATH}{file_id}",
            "file_id": file_id,
        }

    def _handle_direct_upload(self, file_id: str, body: bytes) -> _Reply:
        def work() -> tuple[int, JsonDict]:
            if not self._direct_files.receive(file_id, body):
                return 404, _error("file_not_found")
            return 200, {"ok": True}

        return self._serve("upload_url", {"file_id": file_id, "length": len(body)}, None, work)

    def _files_complete_upload_external(self, p: JsonDict) -> JsonDict:
        try:
            files = json.loads(p["files"]) if isinstance(p.get("files"), str) else p.get("files")
        except ValueError:
            raise _SlackError("invalid_arguments") from None
        if not isinstance(files, list) or not files:
            raise _SlackError("invalid_arguments")
        channel = p.get("channel_id")
        shared = []
        for item in files:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise _SlackError("invalid_arguments")
            upload = self._direct_files.complete(
                item["id"], item.get("title"), channel, p.get("initial_comment")
            )
            if upload is None:
                raise _SlackError("file_not_found")
            shared.append({"id": upload["id"], "title": upload["title"]})
        return {"ok": True, "files": shared}

    def _next_ts(self) -> str:
        self._clock_us += 100
        return f"{self._clock_us // 1_000_000}.{self._clock_us % 1_000_000:06d}"

    def _find(self, channel: str, ts: str) -> JsonDict | None:
        return next((m for m in self._messages if m["channel"] == channel and m["ts"] == ts), None)


_DIRECT_UPLOAD_PATH: Final = "/upload/v1/"


class _DirectFiles:
    """Uploads in their three steps: reserved, received (bytes of the promised length), shared."""

    def __init__(self) -> None:
        self._seq = 0
        self._pending: dict[str, JsonDict] = {}
        self.shared: list[JsonDict] = []

    def reserve(self, filename: str, length: int, alt_txt: Any = None) -> str:
        self._seq += 1
        file_id = f"F{self._seq:08d}"
        self._pending[file_id] = {
            "id": file_id,
            "filename": filename,
            "length": length,
            "alt_txt": str(alt_txt) if alt_txt else None,
        }
        return file_id

    def receive(self, file_id: str, content: bytes) -> bool:
        pending = self._pending.get(file_id)
        if pending is None or len(content) != pending["length"]:
            return False
        pending["content"] = content
        return True

    def complete(
        self, file_id: str, title: Any, channel: Any, initial_comment: Any
    ) -> JsonDict | None:
        pending = self._pending.get(file_id)
        if pending is None or "content" not in pending:
            return None
        del self._pending[file_id]
        shared = {
            "id": file_id,
            "title": str(title or pending["filename"]),
            "filename": pending["filename"],
            "channel": str(channel) if channel else None,
            "initial_comment": str(initial_comment) if initial_comment else None,
            "alt_txt": pending["alt_txt"],
            "content": pending["content"],
        }
        self.shared.append(shared)
        return shared


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        standin = self.server.standin
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        reply = standin._route(
            url.path,
            url.query,
            self.headers.get("Content-Type", ""),
            self.headers.get("Authorization", ""),
            body,
        )
        if reply.action == "hang":
            standin._release.wait(standin.hang_seconds)
        if reply.action != "respond":
            self.close_connection = True  # closing without a status line
            return
        payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


# ------------------------------------------------------------------- helpers


def _error(code: str) -> JsonDict:
    return {"ok": False, "error": code}


def _fault_reply(fault: _Fault) -> _Reply:
    retry = {"Retry-After": str(fault.retry_after)}
    match fault.kind:
        case "ratelimited":
            return _Reply(status=429, body=_error("ratelimited"), headers=retry)
        case "server_error":
            return _Reply(status=500, body=_error("internal_error"))
        case "service_unavailable":
            headers = retry if fault.retry_after else {}
            return _Reply(status=503, body=_error("service_unavailable"), headers=headers)
        case "timeout":
            return _Reply(action="hang")
        case "accept_then_drop" | "drop_before":
            return _Reply(action="drop")
        case _:  # "error:<code>"
            return _Reply(body=_error(fault.kind.removeprefix("error:")))


def _parse_params(query: str, content_type: str, body: bytes) -> JsonDict:
    """Query string plus a JSON or form body; JSON-text fields are decoded."""
    params: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json":
        try:
            decoded = json.loads(body or b"{}")
        except ValueError:
            raise _SlackError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise _SlackError("invalid_json")
        params.update(decoded)
    elif media_type in ("", "application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    elif body:
        raise _SlackError("invalid_form_data")
    for name, error in _JSON_FIELDS.items():
        if isinstance(params.get(name), str):
            try:
                params[name] = json.loads(params[name])
            except ValueError:
                raise _SlackError(error) from None
    return params


def _required(p: JsonDict, name: str, error: str) -> str:
    value = p.get(name)
    if value is None or value == "":
        raise _SlackError(error)
    return str(value)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def _metadata(value: Any) -> JsonDict:
    if not isinstance(value, dict) or not isinstance(value.get("event_type"), str):
        raise _SlackError("invalid_metadata_format")
    payload = value.get("event_payload", {})
    if not isinstance(payload, dict):
        raise _SlackError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": payload}


def _public(message: JsonDict, include_metadata: bool) -> JsonDict:
    """A stored message as the API shows it: no "channel"; metadata only on request."""
    shown = {k: v for k, v in message.items() if k != "channel"}
    if not include_metadata:
        shown.pop("metadata", None)
    return copy.deepcopy(shown)


def _ts_param(p: JsonDict, name: str, error: str) -> Decimal | None:
    value = p.get(name)
    if value is None or value == "":
        return None
    try:
        ts = Decimal(str(value))
    except InvalidOperation:
        raise _SlackError(error) from None
    if not ts.is_finite():
        raise _SlackError(error)
    return ts


def _encode_cursor(ts: str) -> str:
    return base64.urlsafe_b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> Decimal:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        ts = Decimal(text.removeprefix("next_ts:"))
        if text.startswith("next_ts:") and ts.is_finite():
            return ts
    except (binascii.Error, UnicodeDecodeError, InvalidOperation):
        pass
    raise _SlackError("invalid_cursor")
