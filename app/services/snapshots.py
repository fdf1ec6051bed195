"""Plain, immutable copies of rows handed to the API layer.

ORM objects expire on rollback (dry runs) and belong to one session; these
records do neither, so a view built inside a transaction stays valid after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy import Row

from app.db.models import Engine, SipConfig, Tenant, Transport, aware
from app.domain.resolution import CONFIG_KINDS, ConfigKind, ResolvedSections
from app.domain.sections import Options, Section, sections_from_json, to_options
from app.domain.sorcery import SorceryObject


@dataclass(frozen=True, slots=True)
class ConfigRecord:
    uuid: UUID
    kind: ConfigKind
    tenant_uuid: UUID
    engine_uuid: UUID
    name: str
    label: str | None
    transport_uuid: UUID | None
    revision: int
    resolved_version: int
    # The stored options: decoded, or their JSON text when read as text (a page
    # of configurations rarely shows its own options; decoding them all cost
    # more than the rest of reading the rows).
    options: Any
    default_role: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def sections(self) -> dict[Section, Options]:
        raw = self.options
        return sections_from_json(orjson.loads(raw) if isinstance(raw, str) else raw)

    @classmethod
    def of(cls, row: SipConfig | Row[Any, *tuple[Any, ...]]) -> ConfigRecord:
        """From an ORM row, or a Core row with the sip_config columns by name."""
        return cls(
            uuid=row.uuid,
            kind=CONFIG_KINDS[row.kind],
            tenant_uuid=row.tenant_uuid,
            engine_uuid=row.engine_uuid,
            name=row.name,
            label=row.label,
            transport_uuid=row.transport_uuid,
            revision=row.revision,
            resolved_version=row.resolved_version,
            options=row.options,
            default_role=row.default_role,
            created_at=aware(row.created_at),
            updated_at=aware(row.updated_at),
        )

    @classmethod
    def of_row(cls, row: Sequence[Any]) -> ConfigRecord:
        """From a row of `CONFIG_COLUMNS`, by position (SQLAlchemy's rows and asyncpg's records
        alike; a page reads 100 of them, and by name each column cost a lookup)."""
        (
            uuid,
            tenant,
            engine,
            kind,
            _scope,
            name,
            label,
            transport,
            revision,
            version,
            options,
            role,
            made,
            changed,
        ) = row
        return cls(
            uuid, CONFIG_KINDS[kind], tenant, engine, name, label, transport, revision, version, options, role,
            aware(made), aware(changed),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class TenantRecord:
    uuid: UUID
    name: str
    slug: str
    parent_uuid: UUID | None
    engine_uuid: UUID
    created_at: datetime

    @classmethod
    def of(cls, row: Tenant) -> TenantRecord:
        return cls(row.uuid, row.name, row.slug, row.parent_uuid, row.engine_uuid, aware(row.created_at))


@dataclass(frozen=True, slots=True)
class TransportRecord:
    uuid: UUID
    engine_uuid: UUID
    name: str
    options: Options

    @classmethod
    def of(cls, row: Transport) -> TransportRecord:
        return cls(row.uuid, row.engine_uuid, row.name, to_options(row.options))


@dataclass(frozen=True, slots=True)
class EngineRecord:
    uuid: UUID
    name: str
    global_options: Options
    system_options: Options

    @classmethod
    def of(cls, row: Engine) -> EngineRecord:
        return cls(row.uuid, row.name, to_options(row.global_options), to_options(row.system_options))


@dataclass(frozen=True, slots=True)
class ConfigView:
    """A configuration as a mutation left it, with what was computed on the way."""

    record: ConfigRecord
    parents: tuple[ConfigRecord, ...] | None  # None: as committed (read when asked)
    resolved: ResolvedSections
    objects: tuple[SorceryObject, ...] | None


def _config_columns() -> tuple[sa.ColumnElement[Any], ...]:
    table = SipConfig.__table__  # type: ignore[attr-defined]
    columns = tuple(sa.cast(c, sa.Text).label(c.name) if c.name == "options" else c for c in table.c)
    expected = (
        "uuid", "tenant_uuid", "engine_uuid", "kind", "scope_uuid", "name", "label", "transport_uuid",
        "revision", "resolved_version", "options", "default_role", "created_at", "updated_at",
    )  # fmt: skip
    if tuple(c.name for c in columns) != expected:  # what ConfigRecord.of_row unpacks
        raise RuntimeError(f"sip_config's columns changed: {[c.name for c in columns]}")
    return columns


# The sip_config columns for ConfigRecord.of_row, in its order; the options as text (decoded
# only when read).
CONFIG_COLUMNS = _config_columns()
