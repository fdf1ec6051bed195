"""Engine and transports."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.types.node import Node
from app.api.types.options import SipOption, option_list
from app.domain.sorcery import mask_fields
from app.services.read_access import sees_engine_secrets
from app.services.snapshots import EngineRecord, TransportRecord


@strawberry.type(description="A transport of an engine: a socket Asterisk listens on.")
class Transport(Node):
    uuid: UUID = strawberry.field(description="The transport's identifier, used in arguments.")
    name: str = strawberry.field(description="Its Sorcery id, unique on the engine.")
    options: list[SipOption] = strawberry.field(
        description="Its options; secrets (TLS key passwords) are masked without the secrets scope."
    )

    @classmethod
    def of(cls, record: TransportRecord, *, show_secrets: bool) -> Transport:
        options = record.options if show_secrets else mask_fields("transport", record.options)
        return cls(uuid=record.uuid, name=record.name, options=option_list(options))


@strawberry.type(
    description=("An Asterisk instance the configuration is for: its global and system objects and transports.")
)
class Engine(Node):
    uuid: UUID = strawberry.field(description="The engine's identifier.")
    name: str = strawberry.field(description="The engine's name (`default` for the first one).")
    global_options: list[SipOption] = strawberry.field(description="Options of the engine's `global` Sorcery object.")
    system_options: list[SipOption] = strawberry.field(description="Options of the engine's `system` Sorcery object.")

    @strawberry.field(
        description=("The engine's transports, by name; their secrets are masked without the secrets scope.")
    )
    async def transports(self, info: Info) -> list[Transport]:
        records = await info.context.loaders.engine_transports.load(self.uuid)
        show = sees_engine_secrets(info.context.caller)
        return [Transport.of(r, show_secrets=show) for r in records]

    @classmethod
    def of(cls, record: EngineRecord) -> Engine:
        return cls(
            uuid=record.uuid,
            name=record.name,
            global_options=option_list(record.global_options),
            system_options=option_list(record.system_options),
        )
