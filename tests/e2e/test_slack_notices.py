"""`/regrights notice …` over signed HTTP: the DOCX reaches the asker alone, in a direct message
uploaded with files.uploadV2; the channel sees nothing; a refusal uploads nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from slack_harness import ADMIN, CHANNEL, EDITOR, READER, SlackBot, all_text, wait_for
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_standin import SlackStandIn

from domain.rules.terms import load_profile

REASONS = load_profile("nstor-2002").allowed_delay.reasons


@pytest.fixture
def bot(tmp_path: Path, migrated_sqlite_url: str) -> Iterator[SlackBot]:
    with SlackBot(tmp_path, database_url=migrated_sqlite_url) as bot:
        bot.record("setup nstor-2002")
        bot.record(f"grant <@{EDITOR}|editor> editor")
        yield bot


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def _answer(bot: SlackBot, text: str, user: str) -> dict[str, object]:
    response, url = bot.slash(text, user=user)
    assert response.status_code == 200 and response.text == ""
    (answer,) = wait_for(lambda: bot.slack.response_posts(url))
    assert answer["response_type"] == "ephemeral"
    return answer


@pytest.mark.parametrize("reason", sorted(REASONS))
@pytest.mark.parametrize("asker", [ADMIN, EDITOR, READER])
def test_delay_notice_goes_to_the_asker_only_and_never_says_why(
    bot: SlackBot, reason: str, asker: str
) -> None:
    bot.record("s3-eligible on 2024-01-02")
    bot.record("demand 100000 on 2024-05-01")
    bot.record(f"delay 30 from 2024-05-31 reason {reason}", private=True)
    in_channel = len(bot.slack.messages(CHANNEL))

    answer = _answer(bot, "notice delay by mail", asker)

    dm = bot.slack.direct_message_channel(asker)
    (sent,) = wait_for(lambda: bot.slack.direct_files())
    assert sent["channel"] == dm
    assert sent["filename"] == "delay-notice-2024-06-03.docx"
    assert sent["title"] == "Delay Notice"
    text = _text(sent["content"])
    assert "existence of an Allowed Delay, which began on May 31, 2024" in text
    assert "expires on June 30, 2024" in text
    assert "2740 No. Dallas Parkway" in text and "Attn: Gary Leonard" in text
    assert "four business days" not in text  # the number comes from the profile
    assert "4 business days after deposit, on June 7, 2024" in text
    for words in (REASONS[reason], "reason", f"2(d)({reason})"):
        assert words.lower() not in text.lower()
        assert words.lower() not in all_text(answer).lower()
        assert words.lower() not in (sent["initial_comment"] or "").lower()
    assert "direct messages" in all_text(answer)
    assert len(bot.slack.messages(CHANNEL)) == in_channel, "the notice reached the channel"
    opened = bot.slack.calls("conversations.open")
    assert [c.params["users"] for c in opened] == [asker]


def test_a_notice_of_nothing_is_refused_and_nothing_is_uploaded(bot: SlackBot) -> None:
    answer = _answer(bot, "notice delay", EDITOR)
    assert "No Delay Notice drafted: under §2(d)" in all_text(answer)
    assert bot.slack.calls("files.getUploadURLExternal") == []
    assert bot.slack.calls("conversations.open") == []
    assert bot.slack.direct_files() == []


def test_a_malformed_notice_is_answered_at_once(bot: SlackBot) -> None:
    answer = bot.ask("notice lunch")
    assert "`lunch` is not a notice" in all_text(answer)
    assert bot.slack.direct_files() == []


def test_holders_notice_over_slack(bot: SlackBot) -> None:
    bot.record("s3-eligible on 2024-01-02")
    bot.record("demand 100000 on 2024-05-28")
    _answer(bot, "notice holders on 2024-06-07 by mail", ADMIN)
    (sent,) = wait_for(lambda: bot.slack.direct_files())
    text = _text(sent["content"])
    # Deposited Friday June 7 (a letter is never dated before today, June 3): deemed given
    # that day, effective four business days after, Thursday June 13, and the other holders'
    # 15 days run from then.
    assert (
        "on June 7, 2024, when it is deemed given under Section 9(b) of the Agreement, and is "
        "effective 4 business days after deposit, on June 13, 2024." in text
    )
    assert "no later than June 28, 2024" in text


# ------------------------------------------------- the stand-in's direct file methods


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


def test_files_upload_v2_into_a_direct_message(slack: SlackStandIn) -> None:
    client = WebClient(base_url=slack.api_url, token=slack.bot_token)
    channel = client.conversations_open(users="U1")["channel"]["id"]
    done = client.files_upload_v2(
        channel=channel,
        file=b"PK\x03\x04 bytes",
        filename="a.docx",
        title="A",
        initial_comment="hi",
    )
    assert done["file"]["title"] == "A"
    (shared,) = slack.direct_files(channel)
    assert shared["content"] == b"PK\x03\x04 bytes"
    assert (shared["filename"], shared["initial_comment"]) == ("a.docx", "hi")
    assert [c.method for c in slack.calls()] == [
        "conversations.open",
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]


def test_direct_file_methods_refuse_bad_calls(slack: SlackStandIn) -> None:
    client = WebClient(base_url=slack.api_url, token=slack.bot_token)
    with pytest.raises(SlackApiError, match="users_list_not_supplied"):
        client.api_call("conversations.open", params={})
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.api_call("files.getUploadURLExternal", params={"filename": "a.docx"})
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id="D1")
    # Reserved but never uploaded: not shareable.
    reserved = client.files_getUploadURLExternal(filename="a.docx", length=3)
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(
            files=[{"id": reserved["file_id"], "title": "x"}], channel_id="D1"
        )
    assert slack.direct_files() == []


def test_a_failed_upload_is_told_to_the_asker_and_posts_nothing(bot: SlackBot) -> None:
    bot.record("s3-eligible on 2024-01-02")
    bot.record("demand 100000 on 2024-05-01")
    bot.record("delay 30 from 2024-05-31 reason i", private=True)
    in_channel = len(bot.slack.messages(CHANNEL))
    bot.slack.fail_next("files.getUploadURLExternal", "error:missing_scope")
    answer = _answer(bot, "notice delay", EDITOR)
    assert "could not send it to you (missing_scope)" in all_text(answer)
    assert bot.slack.direct_files() == []
    assert len(bot.slack.messages(CHANNEL)) == in_channel
