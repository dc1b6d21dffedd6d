"""The tables the ORM writes, on the one metadata beside the event table (`schema.py`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from domain.store.schema import metadata


class Row(SQLModel, registry=registry(metadata=metadata)):
    """A table's row, declared on `schema.metadata`."""


class AgreementRow(Row, table=True):
    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    profile_id: str = Field(max_length=64)
    # The profile as it stood when the agreement was set up, so later edits to a bundled
    # profile never change the dates of an agreement already tracked.
    profile_yaml: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    created_by: str = Field(max_length=64)
    alert_leads: str | None = Field(default=None, max_length=200)
    alert_at: str | None = Field(default=None, max_length=5)
    next_alert_at: datetime | None = Field(default=None, index=True)
    # The hash of the latest event (see domain.rules.audit_chain), so that a deleted last
    # event is noticed too.
    chain_head: str | None = Field(default=None, max_length=64)
    # SHA-256 over profile_yaml, set with it; the hash chain starts from it (audit_chain.genesis).
    terms_digest: str | None = Field(default=None, max_length=64)
    # The first break the last whole verification of the chain found (audit_chain.ChainBreak):
    # shown, and writes refused, while that event still fails its hash.
    break_seq: int | None = None
    break_how: str | None = Field(default=None, max_length=16)
    break_detail: str | None = Field(default=None, max_length=255)


class ChannelBindingRow(Row, table=True):
    __tablename__ = "channel_binding"

    channel_id: str = Field(primary_key=True, max_length=64)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    bound_by: str = Field(max_length=64)
    bound_at: datetime


class RoleGrantRow(Row, table=True):
    __tablename__ = "role_grant"

    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=16)
    granted_by: str = Field(max_length=64)
    granted_at: datetime


class AlertRow(Row, table=True):
    """One deadline alert in one channel. Committed as "sending" before the post, so a crash
    mid-post leaves evidence; "posted" with Slack's ts once confirmed; "skipped" when it was
    superseded or its deadline closed before it could be confirmed."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint(
            "agreement_id", "deadline_key", "slot_key", "channel_id", name="uq_alert_slot_channel"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    deadline_key: str = Field(max_length=64)
    slot_key: str = Field(max_length=32)
    channel_id: str = Field(max_length=64)
    slot_at: datetime
    state: str = Field(max_length=16)
    ts: str | None = Field(default=None, max_length=32)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
    claimed_at: datetime
    settled_at: datetime | None = None


class CalendarFeedRow(Row, table=True):
    """The secret in an agreement's subscribable calendar URL, kept only as its SHA-256 digest,
    which a request is looked up by; a reset replaces it, so the old URL stops answering."""

    __tablename__ = "calendar_feed"

    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True)
    token_digest: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=64)
    created_at: datetime


class AnnouncementRow(Row, table=True):
    """A recorded write's announcement in its channel, owed from the write's own commit:
    "pending" until Slack has it ("posted", with its ts), or "refused" when Slack will not take
    it. `attempts` counts posts begun: a pending row with attempts may already be in the
    channel, so it is looked for there before it is posted again."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    seq: int | None = None  # the event announced, if the write recorded one
    channel_id: str = Field(max_length=64)
    thread_ts: str | None = Field(default=None, max_length=32)
    message: str = Field(sa_column=Column(Text, nullable=False))  # JSON: text and blocks
    state: str = Field(max_length=16, index=True)
    ts: str | None = Field(default=None, max_length=32)
    attempts: int = 0
    attempted_at: datetime | None = None  # the latest post begun, by the real clock (Slack's)
    last_error: str | None = Field(default=None, max_length=200)
    owner: str = Field(max_length=64)  # the serving process that acknowledged the write
    created_at: datetime
    settled_at: datetime | None = None


class DeliveryRow(Row, table=True):
    """A Slack request already acted on, by its delivery key (a slash command's or an
    interaction's trigger_id, an Events API event_id), kept while Slack may deliver it again:
    claimed in the transaction of the write it caused, so a second delivery records nothing."""

    __tablename__ = "delivery"

    key: str = Field(max_length=160, primary_key=True)
    seen_at: datetime = Field(index=True)
