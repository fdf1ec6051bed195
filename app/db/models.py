"""Tables. Kept free of ``from __future__ import annotations`` (SQLModel reads them)."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db.types import JSONDoc, JSONText


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(ts: datetime) -> datetime:
    """SQLite returns naive timestamps; every stored timestamp is UTC."""
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _ts() -> Any:
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


class Engine(SQLModel, table=True):
    """One Asterisk instance: owns `global`, `system`, transports and an update sequence."""

    __tablename__ = "engine"

    uuid: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(max_length=79, unique=True)
    global_options: list[list[str]] = Field(default_factory=list, sa_type=JSONDoc())
    system_options: list[list[str]] = Field(default_factory=list, sa_type=JSONDoc())
    # Last Sorcery update sequence handed out; bumping it locks the row, which
    # serialises writers per engine so sequences become visible in order.
    last_seq: int = Field(default=0)
    # Same for configuration change events (tenants, templates, endpoints).
    last_event_seq: int = Field(default=0)
    # Retention: records with a sequence at or below these may have been pruned.
    pruned_update_seq: int = Field(default=0)
    pruned_event_seq: int = Field(default=0)
    # Version given to resolved views recomputed by the latest mutation (see SipConfig.resolved_version).
    resolution_epoch: int = Field(default=1)
    created_at: datetime = _ts()


class Transport(SQLModel, table=True):
    __tablename__ = "transport"
    __table_args__ = (sa.UniqueConstraint("engine_uuid", "name"),)

    uuid: UUID = Field(default_factory=uuid4, primary_key=True)
    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="CASCADE", index=True)
    name: str = Field(max_length=79)
    options: list[list[str]] = Field(default_factory=list, sa_type=JSONDoc())
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"

    uuid: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str = Field(max_length=128)
    slug: str = Field(max_length=64, unique=True)
    parent_uuid: UUID | None = Field(default=None, foreign_key="tenant.uuid", ondelete="CASCADE", index=True)
    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="RESTRICT", index=True)
    created_at: datetime = _ts()


class SipConfig(SQLModel, table=True):
    """A template or an endpoint; both share every column.

    ``scope_uuid`` is the namespace the name is unique in: the engine for
    endpoints (their name is a PJSIP object id), the tenant for templates.
    """

    __tablename__ = "sip_config"
    __table_args__ = (
        sa.UniqueConstraint("kind", "scope_uuid", "name"),
        sa.UniqueConstraint("tenant_uuid", "default_role"),
        sa.Index("ix_sip_config_tenant_kind_name", "tenant_uuid", "kind", "name"),
    )

    uuid: UUID = Field(default_factory=uuid4, primary_key=True)
    tenant_uuid: UUID = Field(foreign_key="tenant.uuid", ondelete="CASCADE")
    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="RESTRICT", index=True)
    kind: str = Field(max_length=16)
    scope_uuid: UUID
    name: str = Field(max_length=79)
    label: str | None = Field(default=None, max_length=128)
    transport_uuid: UUID | None = Field(default=None, foreign_key="transport.uuid", ondelete="RESTRICT", index=True)
    revision: int = Field(default=1)
    # Bumped whenever anything that resolution reads changes (own options,
    # parents, an ancestor, a transport name): the resolution cache key.
    resolved_version: int = Field(default=1)
    options: dict[str, list[list[str]]] = Field(default_factory=dict, sa_type=JSONDoc())
    # general / sip / webrtc / trunk for a tenant's default templates.
    default_role: str | None = Field(default=None, max_length=16)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ConfigParent(SQLModel, table=True):
    """One entry of a configuration's ordered parent list."""

    __tablename__ = "config_parent"
    __table_args__ = (sa.UniqueConstraint("child_uuid", "position"),)

    child_uuid: UUID = Field(foreign_key="sip_config.uuid", ondelete="CASCADE", primary_key=True)
    parent_uuid: UUID = Field(foreign_key="sip_config.uuid", ondelete="CASCADE", primary_key=True, index=True)
    position: int


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    uuid: UUID = Field(default_factory=uuid4, primary_key=True)
    tenant_uuid: UUID = Field(foreign_key="tenant.uuid", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(max_length=512)
    description: str | None = Field(default=None, max_length=256)
    created_at: datetime = _ts()
    # None: never expires / not revoked / not used since it was created.
    expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True)
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True)
    # Updated at most once a minute per token and process (see docs/security.md).
    last_used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True)


class SorceryObjectRow(SQLModel, table=True):
    """The last recorded state of one Sorcery object of an engine."""

    __tablename__ = "sorcery_object"

    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="CASCADE", primary_key=True)
    object_type: str = Field(max_length=32, primary_key=True)
    object_id: str = Field(max_length=128, primary_key=True)
    fields: list[list[str]] = Field(default_factory=list, sa_type=JSONText())
    tenant_uuid: UUID | None = Field(default=None, index=True)
    endpoint_uuid: UUID | None = Field(default=None, index=True)


class SorceryUpdateRow(SQLModel, table=True):
    """One recorded Sorcery update, numbered per engine without gaps."""

    __tablename__ = "sorcery_update"
    __table_args__ = (sa.UniqueConstraint("engine_uuid", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="CASCADE")
    seq: int
    action: str = Field(max_length=8)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=128)
    fields: list[list[str]] = Field(default_factory=list, sa_type=JSONText())
    changed_keys: list[str] = Field(default_factory=list, sa_type=JSONDoc())
    requires_recreate: bool = Field(default=False)
    requires_reload: bool = Field(default=False)
    tenant_uuid: UUID | None = Field(default=None)
    endpoint_uuid: UUID | None = Field(default=None)
    created_at: datetime = _ts()


class ConfigEventRow(SQLModel, table=True):
    """A change to a tenant, template or endpoint, numbered per engine like Sorcery updates."""

    __tablename__ = "config_event"
    __table_args__ = (sa.UniqueConstraint("engine_uuid", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    engine_uuid: UUID = Field(foreign_key="engine.uuid", ondelete="CASCADE")
    seq: int
    action: str = Field(max_length=8)
    kind: str = Field(max_length=16)
    uuid: UUID
    tenant_uuid: UUID | None = Field(default=None)
    # The tenant and its ancestors, root last: who may see the event, even after a delete.
    tenant_path: list[str] = Field(default_factory=list, sa_type=JSONDoc())
    revision: int | None = Field(default=None)
    created_at: datetime = _ts()
