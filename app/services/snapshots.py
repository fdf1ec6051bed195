"""Plain, immutable copies of rows handed to the API layer.

ORM objects expire on rollback (dry runs) and belong to one session; these
records do neither, so a view built inside a transaction stays valid after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa
from sqlalchemy import Row

from app.db.models import Engine, SipConfig, Tenant, Transport, aware
from app.domain.resolution import ConfigKind, ResolvedSections
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
        """From an ORM row or a Core row of the sip_config columns."""
        return cls.of_mapping(row._mapping if isinstance(row, Row) else _attributes(row, _CONFIG_FIELDS))

    @classmethod
    def of_mapping(cls, row: Mapping[Any, Any]) -> ConfigRecord:
        """From the sip_config columns by name (a row mapping, an asyncpg record)."""
        return cls(
            uuid=row["uuid"],
            kind=_KINDS[row["kind"]],
            tenant_uuid=row["tenant_uuid"],
            engine_uuid=row["engine_uuid"],
            name=row["name"],
            label=row["label"],
            transport_uuid=row["transport_uuid"],
            revision=row["revision"],
            resolved_version=row["resolved_version"],
            options=row["options"],
            default_role=row["default_role"],
            created_at=aware(row["created_at"]),
            updated_at=aware(row["updated_at"]),
        )


_KINDS = {kind.value: kind for kind in ConfigKind}
_CONFIG_FIELDS = tuple(f for f in ConfigRecord.__dataclass_fields__)


def _attributes(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


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


def config_columns() -> list[sa.ColumnElement[Any]]:
    """The sip_config columns for ConfigRecord.of, the options as text (decoded only when read)."""
    table = SipConfig.__table__  # type: ignore[attr-defined]
    return [sa.cast(c, sa.Text).label(c.name) if c.name == "options" else c for c in table.c]
