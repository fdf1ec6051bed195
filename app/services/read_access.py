"""Who may read what: the read side of the access rules (docs/domain.md §6).

Writes check the caller in the services that change things; reads are
batched by DataLoaders that know no caller, so every resolver that returns
something it loaded passes it through one of these first. Something another
tenant owns is "not found", never "forbidden": its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from app.db.database import Database
from app.db.queries import tenant_subtree
from app.domain.resolution import ConfigKind
from app.errors import NotFound
from app.services.access import ALL, KNOWN_SCOPES, SIP_READ, TENANTS_READ, Caller
from app.services.snapshots import ConfigRecord, EngineRecord, TenantRecord


def readable_config(caller: Caller, record: ConfigRecord | None, kind: ConfigKind) -> ConfigRecord:
    """A template or endpoint, for a caller with sip:read that sees its tenant."""
    caller.require(SIP_READ)
    if record is None or record.kind is not kind or not caller.can_see(record.tenant_uuid):
        raise NotFound(f"{kind.value} not found")
    return record


def readable_tenant(caller: Caller, record: TenantRecord | None) -> TenantRecord:
    """A tenant asked for by uuid: the tenant tree needs tenants:read."""
    caller.require(TENANTS_READ)
    if record is None or not caller.can_see(record.uuid):
        raise NotFound("tenant not found")
    return record


def own_tenant(caller: Caller, record: TenantRecord | None) -> TenantRecord:
    """The token's own tenant: every token may see who it acts for, whatever its scopes (its
    other fields, such as children, still check theirs)."""
    if record is None or record.uuid != caller.tenant_uuid:
        raise NotFound("tenant not found")
    return record


def readable_parent(caller: Caller, tenant: TenantRecord) -> UUID | None:
    """The parent a caller may follow from ``tenant`` (None at the top of what it sees)."""
    caller.require(TENANTS_READ)
    parent = tenant.parent_uuid
    return parent if parent is not None and caller.can_see(parent) else None


def readable_children(caller: Caller, records: Sequence[TenantRecord]) -> list[TenantRecord]:
    """Sub-tenants: the same rule as the tenant list, tenants:read on every path."""
    caller.require(TENANTS_READ)
    return [r for r in records if caller.can_see(r.uuid)]


def readable_engine(caller: Caller, record: EngineRecord | None, name: str) -> EngineRecord:
    """An engine: the caller's own, or any for the operator."""
    if record is None or (record.uuid != caller.engine_uuid and not caller.is_operator):
        raise NotFound(f"engine '{name}' not found")
    return record


async def sees_update_of(db: Database, caller: Caller, tenant_uuid: UUID | None) -> bool:
    """Whether a subscriber sees a Sorcery update of this tenant (engine objects: the operator only).

    A tenant created below the caller's since the subscription started is
    found by refreshing the caller's subtree once.
    """
    if caller.is_operator:
        return True
    if tenant_uuid is None:
        return False
    if tenant_uuid not in caller.visible:
        async with db.reading() as session:
            caller.visible.update(await tenant_subtree(session, caller.tenant_uuid))
    return tenant_uuid in caller.visible


def sees_engine_secrets(caller: Caller) -> bool:
    """Engine secrets (a TLS transport's password) belong to the operator, not to
    the tenants that share the engine, whatever their scopes."""
    return caller.sees_secrets and caller.is_operator


def held_scopes(caller: Caller) -> list[str]:
    """The scopes a token holds, `*` spelled out as every scope."""
    return sorted(KNOWN_SCOPES - {ALL} if ALL in caller.scopes else caller.scopes)


def may_change_engine(caller: Caller) -> bool:
    """Whether the token may change engine objects (the operator)."""
    return caller.is_operator
