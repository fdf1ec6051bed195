"""Mutation payloads: the changed object and the Sorcery updates it caused."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.types.sorcery import SorceryUpdate, update_type
from app.api.types.tenancy import SipEndpoint, SipTemplate, Tenant
from app.record.updates import ChangeSummary as ChangeSummaryRecord


@strawberry.type
class ChangeSummary:
    dry_run: bool
    affected_endpoints: int = strawberry.field(description="Endpoints whose objects were recomputed.")
    record: strawberry.Private[ChangeSummaryRecord]
    show_secrets: strawberry.Private[bool]

    @strawberry.field
    def sorcery_updates(self) -> list[SorceryUpdate]:
        # Built only when asked for: a template change can carry thousands of updates.
        return [update_type(u, show_secrets=self.show_secrets) for u in self.record.updates]

    @classmethod
    def of(cls, summary: ChangeSummaryRecord, *, show_secrets: bool) -> ChangeSummary:
        return cls(
            dry_run=summary.dry_run,
            affected_endpoints=summary.affected_endpoints,
            record=summary,
            show_secrets=show_secrets,
        )


@strawberry.type
class TenantPayload:
    tenant: Tenant | None
    changes: ChangeSummary


@strawberry.type
class SipTemplatePayload:
    template: SipTemplate | None
    changes: ChangeSummary


@strawberry.type
class SipEndpointPayload:
    endpoint: SipEndpoint | None
    changes: ChangeSummary


@strawberry.type
class DeletePayload:
    uuid: UUID
    changes: ChangeSummary


@strawberry.type(description="What an import created (or would create), and what it could not map.")
class ImportResult:
    dry_run: bool
    templates: list[str]
    endpoints: list[str]
    transports: list[str]
    unmapped: list[str] = strawberry.field(description="Each line or section not carried over: file:line, key, why.")
    changes: ChangeSummary
