"""Mutations of an engine's own objects: `global`, `system` and transports (operator only).

`updateEngine`, `createEngineTransport` and `updateEngineTransport` follow the
conventions of the configuration mutations (an `input` object, `dryRun`, a
payload with the recorded `changes`). The older `setEngineOptions`,
`createTransport` and `updateTransport` answered with the bare object and had
no dry run; they stay, deprecated, and call the same services.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.api.arguments import DeleteDryRun, DryRun
from app.api.context import Info
from app.api.inputs import SipOptionInput, options_of
from app.api.types.engines import Engine, Transport
from app.api.types.payloads import ChangeSummary, DeletePayload
from app.record.updates import ChangeSummary as ChangeRecord
from app.services import engines
from app.services.read_access import sees_engine_secrets


@strawberry.input(description="A new transport of an engine.")
class CreateTransportInput:
    name: str = strawberry.field(description="Unique on the engine, and not the name of one of its endpoints.")
    options: list[SipOptionInput] = strawberry.field(
        description="The transport's options (`protocol`, `bind`...), checked against the catalog."
    )
    engine: str | None = strawberry.field(default="default", description="The engine's name.")


@strawberry.input(description="Changes to a transport: an omitted field is unchanged.")
class UpdateTransportInput:
    name: str | None = strawberry.field(
        default=None, description="A new name; the endpoints that use the transport are re-pointed to it."
    )
    options: list[SipOptionInput] | None = strawberry.field(
        default=None, description="Replaces all the transport's options."
    )


@strawberry.input(description="Changes to an engine's own objects: an omitted list is unchanged.")
class UpdateEngineInput:
    global_options: list[SipOptionInput] | None = strawberry.field(
        default=None, description="Replaces all the options of the `global` object."
    )
    system_options: list[SipOptionInput] | None = strawberry.field(
        default=None, description="Replaces all the options of the `system` object."
    )


@strawberry.type(description="The transport after the change (as it would be, in a dry run) and what it records.")
class TransportPayload:
    transport: Transport = strawberry.field(description="The transport as stored (or as it would be).")
    changes: ChangeSummary = strawberry.field(description="The Sorcery updates recorded (or that would be).")


@strawberry.type(description="The engine after the change (as it would be, in a dry run) and what it records.")
class EnginePayload:
    engine: Engine = strawberry.field(description="The engine as stored (or as it would be).")
    changes: ChangeSummary = strawberry.field(description="The Sorcery updates recorded (or that would be).")


def _changes(info: Info, summary: ChangeRecord) -> ChangeSummary:
    return ChangeSummary.of(summary, show_secrets=info.context.caller.sees_secrets)


def _transport(info: Info, result: engines.TransportResult) -> Transport:
    assert result.transport is not None
    return Transport.of(result.transport, show_secrets=sees_engine_secrets(info.context.caller))


@strawberry.type
class EngineMutations:
    @strawberry.mutation(
        description="Replace the options of an engine's `global` and/or `system` objects. Operator only."
    )
    async def update_engine(
        self,
        info: Info,
        input: Annotated[UpdateEngineInput, strawberry.argument(description="The options to replace.")],
        name: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
        dry_run: DryRun = False,
    ) -> EnginePayload:
        result = await engines.set_engine_options(
            info.context.db,
            info.context.caller,
            name or "default",
            global_options=options_of(input.global_options),
            system_options=options_of(input.system_options),
            dry_run=bool(dry_run),
            path="input.",
        )
        return EnginePayload(engine=Engine.of(result.engine), changes=_changes(info, result.changes))

    @strawberry.mutation(description="Add a transport to an engine. Operator only.")
    async def create_engine_transport(
        self,
        info: Info,
        input: Annotated[CreateTransportInput, strawberry.argument(description="The transport to create.")],
        dry_run: DryRun = False,
    ) -> TransportPayload:
        result = await engines.create_transport(
            info.context.db,
            info.context.caller,
            input.engine or "default",
            name=input.name,
            options=options_of(input.options) or (),
            dry_run=bool(dry_run),
            path="input.",
        )
        return TransportPayload(transport=_transport(info, result), changes=_changes(info, result.changes))

    @strawberry.mutation(description="Change a transport; a rename re-points the endpoints that use it. Operator only.")
    async def update_engine_transport(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The transport's uuid.")],
        input: Annotated[UpdateTransportInput, strawberry.argument(description="What to change.")],
        dry_run: DryRun = False,
    ) -> TransportPayload:
        result = await engines.update_transport(
            info.context.db,
            info.context.caller,
            uuid,
            name=input.name,
            options=options_of(input.options),
            dry_run=bool(dry_run),
            path="input.",
        )
        return TransportPayload(transport=_transport(info, result), changes=_changes(info, result.changes))

    @strawberry.mutation(
        description=(
            "Delete a transport. A transport still used needs `fallbackUuid`: its users move there first. "
            "Operator only."
        )
    )
    async def delete_transport(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The transport's uuid.")],
        fallback_uuid: Annotated[
            UUID | None, strawberry.argument(description="Another transport of the same engine for its users.")
        ] = None,
        dry_run: DeleteDryRun = False,
    ) -> DeletePayload:
        summary = await engines.delete_transport(
            info.context.db, info.context.caller, uuid, fallback_uuid=fallback_uuid, dry_run=bool(dry_run)
        )
        return DeletePayload(uuid=uuid, changes=_changes(info, summary))

    @strawberry.mutation(
        description="Replace an engine's `global` and/or `system` options. Operator only.",
        deprecation_reason="Use updateEngine: an input object, dryRun, and the recorded changes in its answer.",
    )
    async def set_engine_options(
        self,
        info: Info,
        engine: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
        global_options: Annotated[
            list[SipOptionInput] | None, strawberry.argument(description="Replaces the `global` options.")
        ] = None,
        system_options: Annotated[
            list[SipOptionInput] | None, strawberry.argument(description="Replaces the `system` options.")
        ] = None,
    ) -> Engine:
        result = await engines.set_engine_options(
            info.context.db,
            info.context.caller,
            engine or "default",
            global_options=options_of(global_options),
            system_options=options_of(system_options),
        )
        return Engine.of(result.engine)

    @strawberry.mutation(
        description="Add a transport to an engine. Operator only.",
        deprecation_reason=(
            "Use createEngineTransport: an input object, dryRun, and the recorded changes in its answer."
        ),
    )
    async def create_transport(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="Unique on the engine.")],
        options: Annotated[list[SipOptionInput], strawberry.argument(description="The transport's options.")],
        engine: Annotated[str | None, strawberry.argument(description="The engine's name.")] = "default",
    ) -> Transport:
        result = await engines.create_transport(
            info.context.db, info.context.caller, engine or "default", name=name, options=options_of(options) or ()
        )
        return _transport(info, result)

    @strawberry.mutation(
        description="Change a transport. Operator only.",
        deprecation_reason=(
            "Use updateEngineTransport: an input object, dryRun, and the recorded changes in its answer."
        ),
    )
    async def update_transport(
        self,
        info: Info,
        uuid: Annotated[UUID, strawberry.argument(description="The transport's uuid.")],
        name: Annotated[str | None, strawberry.argument(description="A new name.")] = None,
        options: Annotated[
            list[SipOptionInput] | None, strawberry.argument(description="Replaces all its options.")
        ] = None,
    ) -> Transport:
        result = await engines.update_transport(
            info.context.db, info.context.caller, uuid, name=name, options=options_of(options)
        )
        return _transport(info, result)
