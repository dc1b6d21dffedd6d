"""Tests for the Slack stand-in, driven through the real slack_sdk WebClient and requests."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from urllib.error import URLError

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient
from slack_standin import SlackStandIn

METADATA = {"event_type": "deadline_posted", "event_payload": {"deadline_id": 42, "kind": "demand"}}
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Deadline* soon"}}]


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    """A client with no retry handlers, so every fault surfaces."""
    return WebClient(base_url=slack.api_url, token=slack.bot_token, retry_handlers=[])


def api(slack: SlackStandIn, method: str, **kwargs: object) -> requests.Response:
    return requests.post(slack.api_url + method, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_api_url_shape_and_auth_test(slack: SlackStandIn, client: WebClient) -> None:
    assert slack.api_url.startswith("http://127.0.0.1:")
    assert slack.api_url.endswith("/api/")
    resp = client.auth_test()
    assert resp["ok"] is True
    assert resp["user_id"] == slack.bot_user_id
    assert resp["bot_id"] == slack.bot_id
    assert [c.method for c in slack.calls()] == ["auth.test"]
    assert slack.calls()[0].token == slack.bot_token


def test_post_with_metadata_and_read_back(slack: SlackStandIn, client: WebClient) -> None:
    resp = client.chat_postMessage(channel="C1", text="hello", blocks=BLOCKS, metadata=METADATA)
    assert resp["ok"] is True
    assert resp["channel"] == "C1"
    ts = resp["ts"]
    assert ts == "1700000000.000100"
    assert resp["message"]["metadata"] == METADATA
    assert resp["message"]["blocks"] == BLOCKS

    # slack_sdk sent JSON; the stand-in recorded the decoded fields.
    (call,) = slack.calls("chat.postMessage")
    assert call.params["metadata"] == METADATA
    assert call.token == slack.bot_token

    (stored,) = slack.messages("C1")
    assert stored["ts"] == ts
    assert stored["text"] == "hello"
    assert stored["blocks"] == BLOCKS
    assert stored["metadata"] == METADATA
    assert stored["user"] == slack.bot_user_id
    assert stored["bot_id"] == slack.bot_id
    assert slack.messages("C2") == []

    plain = client.conversations_history(channel="C1")
    assert [m["ts"] for m in plain["messages"]] == [ts]
    assert "metadata" not in plain["messages"][0]
    assert plain["messages"][0]["text"] == "hello"

    full = client.conversations_history(channel="C1", include_all_metadata=True)
    assert full["messages"][0]["metadata"] == METADATA
    assert "channel" not in full["messages"][0]


def test_form_encoded_json_fields_are_decoded(slack: SlackStandIn, client: WebClient) -> None:
    resp = api(
        slack,
        "chat.postMessage",
        data={
            "token": slack.bot_token,
            "channel": "C1",
            "text": "form",
            "blocks": json.dumps(BLOCKS),
            "metadata": json.dumps(METADATA),
        },
    )
    assert resp.status_code == 200
    assert resp.json()["ok"] is True
    # The same through slack_sdk's form-encoded path (api_call with params=).
    client.api_call(
        "chat.postMessage",
        params={"channel": "C1", "text": "via params", "metadata": json.dumps(METADATA)},
    )
    stored = slack.messages("C1")
    assert [m["text"] for m in stored] == ["form", "via params"]
    assert stored[0]["blocks"] == BLOCKS
    assert all(m["metadata"] == METADATA for m in stored)
    history = api(
        slack,
        "conversations.history",
        headers={"Authorization": f"Bearer {slack.bot_token}"},
        data={"channel": "C1", "include_all_metadata": "true"},
    ).json()
    assert [m["metadata"] for m in history["messages"]] == [METADATA, METADATA]


def test_bad_metadata_and_missing_text(slack: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="x", metadata={"event_payload": {}})
    assert exc.value.response["error"] == "invalid_metadata_format"
    with pytest.raises(SlackApiError) as exc, pytest.warns(UserWarning):
        client.chat_postMessage(channel="C1", text="")
    assert exc.value.response["error"] == "no_text"
    assert slack.messages() == []


def test_history_pagination_and_bounds(slack: SlackStandIn, client: WebClient) -> None:
    ts = [client.chat_postMessage(channel="C1", text=f"m{i}")["ts"] for i in range(5)]
    client.chat_postMessage(channel="C2", text="elsewhere")
    assert ts == sorted(ts) and len(set(ts)) == 5

    first = client.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel="C1", limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
    third = client.conversations_history(
        channel="C1", limit=2, cursor=second["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in third["messages"]] == ["m0"]
    assert third["has_more"] is False
    assert third["response_metadata"]["next_cursor"] == ""

    # slack_sdk's own cursor iteration walks every page (it reuses one response object).
    texts = []
    for page in client.conversations_history(channel="C1", limit=2):
        texts += [m["text"] for m in page["messages"]]
    assert texts == ["m4", "m3", "m2", "m1", "m0"]

    # oldest/latest are exclusive unless inclusive=True.
    window = client.conversations_history(channel="C1", oldest=ts[1], latest=ts[3])
    assert [m["text"] for m in window["messages"]] == ["m2"]
    window = client.conversations_history(channel="C1", oldest=ts[1], latest=ts[3], inclusive=True)
    assert [m["text"] for m in window["messages"]] == ["m3", "m2", "m1"]

    with pytest.raises(SlackApiError) as exc:
        client.conversations_history(channel="C1", cursor="bogus")
    assert exc.value.response["error"] == "invalid_cursor"


def test_thread_replies_stay_out_of_history(slack: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=parent, metadata=METADATA)
    history = client.conversations_history(channel="C1")
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert history["messages"][0]["reply_count"] == 1
    replies = client.conversations_replies(channel="C1", ts=parent, include_all_metadata=True)
    assert [m["text"] for m in replies["messages"]] == ["parent", "reply"]
    assert replies["messages"][1]["metadata"] == METADATA


def test_invalid_and_missing_token(slack: SlackStandIn) -> None:
    bad = WebClient(base_url=slack.api_url, token="xoxb-wrong", retry_handlers=[])
    with pytest.raises(SlackApiError) as exc:
        bad.chat_postMessage(channel="C1", text="nope")
    assert exc.value.response.status_code == 200
    assert exc.value.response["error"] == "invalid_auth"
    assert api(slack, "auth.test", data={"token": "xoxb-other"}).json() == {
        "ok": False,
        "error": "invalid_auth",
    }
    assert api(slack, "auth.test").json()["error"] == "not_authed"
    assert slack.messages() == []


def test_unknown_method(slack: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.api_call("reactions.add", params={"channel": "C1"})
    assert exc.value.response["error"] == "unknown_method"


def test_ratelimited_without_retry_handler(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", "ratelimited", retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert exc.value.response["error"] == "ratelimited"
    assert slack.messages() == []
    # The fault is used up: the next call goes through.
    client.chat_postMessage(channel="C1", text="hi")
    assert [c.fault for c in slack.calls("chat.postMessage")] == ["ratelimited", None]
    assert len(slack.messages("C1")) == 1


def test_ratelimited_with_retry_handler(
    slack: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(random, "random", lambda: 0.0)  # no jitter
    monkeypatch.setattr(time, "sleep", sleeps.append)  # the handler's wait, recorded
    client = WebClient(
        base_url=slack.api_url,
        token=slack.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    slack.fail_next("chat.postMessage", "ratelimited", retry_after=3)
    resp = client.chat_postMessage(channel="C1", text="after retry")
    assert resp["ok"] is True
    assert sleeps == [3.0]
    assert len(slack.calls("chat.postMessage")) == 2
    assert [m["text"] for m in slack.messages("C1")] == ["after retry"]


@pytest.mark.parametrize(("fault", "status"), [("server_error", 500), ("service_unavailable", 503)])
def test_server_errors(slack: SlackStandIn, client: WebClient, fault: str, status: int) -> None:
    slack.fail_next("chat.postMessage", fault)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == status
    assert slack.messages() == []


def test_faults_are_consumed_in_order(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail_next("auth.test", "server_error")
    slack.fail_next("auth.test", "error:account_inactive", times=2)
    statuses = []
    for _ in range(4):
        try:
            statuses.append(client.auth_test()["ok"])
        except SlackApiError as exc:
            statuses.append((exc.response.status_code, exc.response["error"]))
    assert statuses == [
        (500, "internal_error"),
        (200, "account_inactive"),
        (200, "account_inactive"),
        True,
    ]
    with pytest.raises(ValueError):
        slack.fail_next("auth.test", "gremlins")


def test_timeout_then_prompt_stop() -> None:
    slack = SlackStandIn(hang_seconds=5).start()
    try:
        client = WebClient(
            base_url=slack.api_url, token=slack.bot_token, timeout=1, retry_handlers=[]
        )
        slack.fail_next("chat.postMessage", "timeout")
        started = time.monotonic()
        with pytest.raises((TimeoutError, URLError)):
            client.chat_postMessage(channel="C1", text="slow")
        assert time.monotonic() - started < 3
        assert slack.messages() == []
        assert slack.calls("chat.postMessage")[0].fault == "timeout"
    finally:
        started = time.monotonic()
        slack.stop()  # must not wait for the hanging handler's 5 s
        assert time.monotonic() - started < 1


def test_accept_then_drop_stores_but_client_sees_error(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.fail_next("chat.postMessage", "accept_then_drop")
    with pytest.raises((ConnectionError, URLError)):
        client.chat_postMessage(channel="C1", text="accepted", metadata=METADATA)
    (stored,) = slack.messages("C1")
    assert stored["text"] == "accepted"
    assert stored["metadata"] == METADATA


def test_accept_then_drop_duplicates_with_connection_retry(slack: SlackStandIn) -> None:
    """WebClient's default ConnectionErrorRetryHandler re-sends after a drop: a duplicate."""
    client = WebClient(
        base_url=slack.api_url,
        token=slack.bot_token,
        retry_handlers=[
            ConnectionErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0))
        ],
    )
    slack.fail_next("chat.postMessage", "accept_then_drop")
    resp = client.chat_postMessage(channel="C1", text="twice")
    assert resp["ok"] is True
    assert [m["text"] for m in slack.messages("C1")] == ["twice", "twice"]


def test_drop_before_stores_nothing(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail_next("chat.postMessage", "drop_before")
    with pytest.raises((ConnectionError, URLError)):
        client.chat_postMessage(channel="C1", text="lost")
    assert slack.messages() == []
    slack.fail_next("chat.postMessage", "drop_before")
    with pytest.raises(requests.ConnectionError):
        api(slack, "chat.postMessage", data={"token": slack.bot_token, "channel": "C1"})
    assert slack.messages() == []
    assert [c.fault for c in slack.calls()] == ["drop_before", "drop_before"]


def test_response_url_posts_are_recorded(slack: SlackStandIn) -> None:
    url = slack.new_response_url()
    other = slack.new_response_url()
    assert url != other
    assert url.startswith(f"{slack.base_url}/response/")

    resp = requests.post(url, json={"text": "done", "replace_original": True}, timeout=5)
    assert resp.status_code == 200
    assert resp.json() == {"ok": True}
    webhook = WebhookClient(other).send(text="via sdk", response_type="ephemeral")
    assert webhook.status_code == 200

    assert slack.response_posts(url) == [{"text": "done", "replace_original": True}]
    assert slack.response_posts(other.rsplit("/", 1)[-1])[0]["text"] == "via sdk"
    assert len(slack.response_posts()) == 2
    assert requests.post(f"{slack.base_url}/response/nope", json={}, timeout=5).status_code == 404

    slack.fail_next("response_url", "server_error")
    assert requests.post(url, json={"text": "again"}, timeout=5).status_code == 500
    assert len(slack.response_posts(url)) == 1


def test_views_publish_is_recorded(slack: SlackStandIn, client: WebClient) -> None:
    view = {"type": "home", "blocks": BLOCKS}
    resp = client.views_publish(user_id="U123", view=view)
    assert resp["ok"] is True
    assert resp["view"]["type"] == "home"
    assert slack.published_views() == [{"user_id": "U123", "view": view}]


def test_ephemeral_update_info_and_reset(slack: SlackStandIn, client: WebClient) -> None:
    eph = client.chat_postEphemeral(channel="C1", user="U123", text="only you")
    assert eph["ok"] is True
    assert slack.ephemerals() == [
        {"channel": "C1", "user": "U123", "text": "only you", "message_ts": eph["message_ts"]}
    ]
    assert slack.messages() == []

    ts = client.chat_postMessage(channel="C1", text="v1", metadata=METADATA)["ts"]
    updated = client.chat_update(channel="C1", ts=ts, text="v2")
    assert updated["ts"] == ts
    (stored,) = slack.messages("C1")
    assert stored["text"] == "v2"
    assert stored["metadata"] == METADATA
    assert "edited" in stored
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert exc.value.response["error"] == "message_not_found"

    info = client.conversations_info(channel="C1")
    assert info["channel"]["id"] == "C1"

    slack.fail_next("auth.test", "server_error")
    slack.reset()
    assert slack.calls() == []
    assert slack.messages() == []
    assert slack.ephemerals() == []
    assert client.auth_test()["ok"] is True  # queued fault was cleared too


def test_stop_closes_the_port() -> None:
    with SlackStandIn() as slack:
        url = slack.api_url
    with pytest.raises(requests.ConnectionError):
        requests.post(url + "auth.test", timeout=1)
