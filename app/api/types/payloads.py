"""Mutation payloads: the changed object and the Sorcery updates it caused."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.mutation_gc import free_after_response
from app.api.types.sorcery import SorceryUpdate, update_type
from app.api.types.tenancy import SipEndpoint, SipTemplate, Tenant
from app.record.reading import change_updates
from app.record.updates import ChangeSummary as ChangeSummaryRecord
from app.switch_interval import many_rows


@strawberry.type(
    description=(
        "The Sorcery updates a mutation recorded, in the order Asterisk must "
        "apply them (or would record, in a dry run)."
    )
)
class ChangeSummary:
    dry_run: bool = strawberry.field(
        description="True when nothing was stored: the updates show what the mutation would record."
    )
    affected_endpoints: int = strawberry.field(description="Endpoints whose objects were recomputed.")
    record: strawberry.Private[ChangeSummaryRecord]
    show_secrets: strawberry.Private[bool]

    @strawberry.field(description="The per-object updates, in order; empty when no Sorcery object changes.")
    async def sorcery_updates(self, info: strawberry.Info) -> list[SorceryUpdate]:
        # Built only when asked for: a template change can carry thousands of updates, and a
        # change of more than app/record/pending.KEPT_UPDATES did not keep them: read back.
        updates = self.record.updates
        if self.record.stored:
            async with info.context.db.reading() as session:
                updates = await change_updates(session, self.record)
        return [update_type(u, show_secrets=self.show_secrets) for u in updates]

    @strawberry.field(description="How many per-object updates there are, without fetching them.")
    def sorcery_update_count(self) -> int:
        return self.record.count

    @classmethod
    def of(cls, summary: ChangeSummaryRecord, *, show_secrets: bool) -> ChangeSummary:
        if many_rows(len(summary.updates)):
            # Thousands of updates: freed off the event loop once answered (app/api/mutation_gc.py).
            free_after_response(summary.updates)
        return cls(
            dry_run=summary.dry_run,
            affected_endpoints=summary.affected_endpoints,
            record=summary,
            show_secrets=show_secrets,
        )


@strawberry.type(description="The tenant after the mutation, and what it recorded.")
class TenantPayload:
    tenant: Tenant | None = strawberry.field(description="The tenant as stored.")
    changes: ChangeSummary = strawberry.field(
        description="The Sorcery updates recorded (a new tenant's default templates record none)."
    )


@strawberry.type(description="The template after the mutation, and what it recorded.")
class SipTemplatePayload:
    template: SipTemplate | None = strawberry.field(
        description="The template as stored (or as it would be, in a dry run)."
    )
    changes: ChangeSummary = strawberry.field(
        description="The Sorcery updates of its inheritors recorded (or that would be)."
    )


@strawberry.type(description="The endpoint after the mutation, and what it recorded.")
class SipEndpointPayload:
    endpoint: SipEndpoint | None = strawberry.field(
        description="The endpoint as stored (or as it would be, in a dry run)."
    )
    changes: ChangeSummary = strawberry.field(description="The Sorcery updates recorded (or that would be).")


@strawberry.type(description="What a deletion removed and recorded.")
class DeletePayload:
    uuid: UUID = strawberry.field(description="The uuid of what was deleted (or would be, in a dry run).")
    changes: ChangeSummary = strawberry.field(
        description="The Sorcery updates recorded: deletions, and recomputed inheritors."
    )


@strawberry.type(description="What an import created (or would create), and what it could not map.")
class ImportResult:
    dry_run: bool = strawberry.field(
        description="True when nothing was stored: the lists show what the import would create."
    )
    templates: list[str] = strawberry.field(description="Names of the templates created.")
    endpoints: list[str] = strawberry.field(description="Names of the endpoints created.")
    transports: list[str] = strawberry.field(description="Names of the transports created (operator only).")
    unmapped: list[str] = strawberry.field(description="Each line or section not carried over: file:line, key, why.")
    changes: ChangeSummary = strawberry.field(description="The Sorcery updates recorded (or that would be).")
