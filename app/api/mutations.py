"""Mutation root: each field calls one service and shapes its result."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.arguments import DeleteDryRun, DryRun, ExpectedRevision
from app.api.context import Info
from app.api.engine_mutations import EngineMutations
from app.api.inputs import (
    CreateSipEndpointInput,
    CreateSipTemplateInput,
    CreateTenantInput,
    UpdateSipConfigInput,
    UpdateTenantInput,
    config_patch,
    new_config,
)
from app.api.types.payloads import (
    ChangeSummary,
    DeletePayload,
    ImportResult,
    SipEndpointPayload,
    SipTemplatePayload,
    TenantPayload,
)
from app.api.types.tenancy import SipEndpoint, SipTemplate, Tenant
from app.api.types.tokens import TokenMutations
from app.domain.resolution import ConfigKind
from app.record.updates import ChangeSummary as ChangeRecord
from app.services import configs, imports, tenants
from app.services.imports import FileKind

# The arguments both imports take.
ImportTenant = Annotated[UUID, strawberry.argument(description="The tenant that receives the templates and endpoints.")]
ImportText = Annotated[
    str, strawberry.argument(description="The file's content (at most PJSIP_GRAPH_MAX_IMPORT_BYTES).")
]
ImportDryRun = Annotated[
    bool | None, strawberry.argument(description="Report what would be created and what is not mapped; store nothing.")
]


async def _update_config(
    info: Info,
    kind: ConfigKind,
    uuid: UUID,
    input: UpdateSipConfigInput,
    expected_revision: int | None,
    dry_run: bool | None,
) -> configs.ConfigResult:
    """updateTemplate and updateEndpoint: the same service call for either kind."""
    return await configs.update_config(
        info.context.db,
        info.context.caller,
        kind,
        uuid,
        config_patch(input),
        expected_revision=expected_revision,
        dry_run=bool(dry_run),
    )


def _changes(info: Info, summary: ChangeRecord) -> ChangeSummary:
    return ChangeSummary.of(summary, show_secrets=info.context.caller.sees_secrets)


async def _import(info: Info, tenant_uuid: UUID, text: str, kind: FileKind, dry_run: bool) -> ImportResult:
    report = await imports.import_text(
        info.context.db, info.context.caller, tenant_uuid=tenant_uuid, kind=kind, text=text, dry_run=dry_run
    )
    return ImportResult(
        dry_run=report.dry_run,
        templates=report.templates,
        endpoints=report.endpoints,
        transports=report.transports,
        unmapped=report.unmapped,
        changes=_changes(info, report.changes or ChangeRecord(dry_run=dry_run)),
    )


@strawberry.type(
    description=(
        "Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all."
    )
)
class Mutation(TokenMutations, EngineMutations):
    @strawberry.mutation(
        description=(
            "Create a tenant below the caller's (or below parentUuid), with default"
            " templates unless told otherwise. Needs tenants:write."
        )
    )
    async def create_tenant(
        self, info: Info, input: Annotated[CreateTenantInput, strawberry.argument(description="The tenant to create.")]
    ) -> TenantPayload:
        result = await tenants.create_tenant(
            info.context.db,
            info.context.caller,
            name=input.name,
            slug=input.slug,
            parent_uuid=input.parent_uuid,
            with_default_templates=input.with_default_templates is not False,
        )
        return TenantPayload(
            tenant=Tenant.of(result.tenant) if result.tenant else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(description="Rename a tenant. Needs tenants:write.")
    async def update_tenant(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The tenant's uuid.")],
        input: Annotated[UpdateTenantInput, strawberry.argument(description="What to change.")],
    ) -> TenantPayload:
        result = await tenants.update_tenant(info.context.db, info.context.caller, uuid, name=input.name)
        return TenantPayload(
            tenant=Tenant.of(result.tenant) if result.tenant else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(description="Deletes the tenant, its sub-tenants, templates and endpoints.")
    async def delete_tenant(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The tenant's uuid.")],
        dry_run: DeleteDryRun = False,
    ) -> DeletePayload:
        summary = await tenants.delete_tenant(info.context.db, info.context.caller, uuid, dry_run=bool(dry_run))
        return DeletePayload(uuid=uuid, changes=_changes(info, summary))

    @strawberry.mutation(description="Create a template. Needs sip:write.")
    async def create_template(
        self,
        info: Info,
        input: Annotated[CreateSipTemplateInput, strawberry.argument(description="The template to create.")],
        dry_run: DryRun = False,
    ) -> SipTemplatePayload:
        result = await configs.create_config(
            info.context.db, info.context.caller, ConfigKind.TEMPLATE, new_config(input), dry_run=bool(dry_run)
        )
        view = result.view
        return SipTemplatePayload(
            template=SipTemplate.of(view.record, view) if view else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(
        description=(
            "Change a template; the objects of every endpoint that inherits from it are recomputed and their "
            "changes recorded. Needs sip:write."
        )
    )
    async def update_template(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The template's uuid.")],
        input: Annotated[UpdateSipConfigInput, strawberry.argument(description="What to change; omitted fields stay.")],
        expected_revision: ExpectedRevision = None,
        dry_run: DryRun = False,
    ) -> SipTemplatePayload:
        result = await _update_config(info, ConfigKind.TEMPLATE, uuid, input, expected_revision, dry_run)
        view = result.view
        return SipTemplatePayload(
            template=SipTemplate.of(view.record, view) if view else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(
        description="Children lose the template from their parent lists; their objects are recomputed."
    )
    async def delete_template(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The template's uuid.")],
        dry_run: DeleteDryRun = False,
    ) -> DeletePayload:
        return await _delete_config(info, ConfigKind.TEMPLATE, uuid, dry_run)

    @strawberry.mutation(
        description=("Create an endpoint (line or trunk) and record its Sorcery objects. Needs sip:write.")
    )
    async def create_endpoint(
        self,
        info: Info,
        input: Annotated[CreateSipEndpointInput, strawberry.argument(description="The endpoint to create.")],
        dry_run: DryRun = False,
    ) -> SipEndpointPayload:
        result = await configs.create_config(
            info.context.db, info.context.caller, ConfigKind.ENDPOINT, new_config(input), dry_run=bool(dry_run)
        )
        view = result.view
        return SipEndpointPayload(
            endpoint=SipEndpoint.of(view.record, view) if view else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(
        description=("Change an endpoint and record the changes of its Sorcery objects. Needs sip:write.")
    )
    async def update_endpoint(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The endpoint's uuid.")],
        input: Annotated[UpdateSipConfigInput, strawberry.argument(description="What to change; omitted fields stay.")],
        expected_revision: ExpectedRevision = None,
        dry_run: DryRun = False,
    ) -> SipEndpointPayload:
        result = await _update_config(info, ConfigKind.ENDPOINT, uuid, input, expected_revision, dry_run)
        view = result.view
        return SipEndpointPayload(
            endpoint=SipEndpoint.of(view.record, view) if view else None, changes=_changes(info, result.changes)
        )

    @strawberry.mutation(
        description=("Delete an endpoint and record the deletion of its Sorcery objects. Needs sip:write.")
    )
    async def delete_endpoint(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The endpoint's uuid.")],
        dry_run: DeleteDryRun = False,
    ) -> DeletePayload:
        return await _delete_config(info, ConfigKind.ENDPOINT, uuid, dry_run)

    @strawberry.mutation(
        description="Import a pjsip.conf sent as text into a tenant (atomic; includes are not followed)."
    )
    async def import_pjsip_conf(
        self,
        info: Info,
        tenant_uuid: ImportTenant,
        text: ImportText,
        dry_run: ImportDryRun = False,
    ) -> ImportResult:
        return await _import(info, tenant_uuid, text, FileKind.PJSIP_CONF, bool(dry_run))

    @strawberry.mutation(
        description="Migrate a chan_sip sip.conf sent as text into a tenant created without default templates."
    )
    async def import_sip_conf(
        self,
        info: Info,
        tenant_uuid: ImportTenant,
        text: ImportText,
        dry_run: ImportDryRun = False,
    ) -> ImportResult:
        return await _import(info, tenant_uuid, text, FileKind.SIP_CONF, bool(dry_run))


async def _delete_config(info: Info, kind: ConfigKind, uuid: UUID, dry_run: bool | None) -> DeletePayload:
    """deleteTemplate and deleteEndpoint: the same service call for either kind."""
    summary = await configs.delete_config(info.context.db, info.context.caller, kind, uuid, dry_run=bool(dry_run))
    return DeletePayload(uuid=uuid, changes=_changes(info, summary))
