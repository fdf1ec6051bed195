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


@strawberry.type
class Transport(Node):
    uuid: UUID
    name: str
    options: list[SipOption]

    @classmethod
    def of(cls, record: TransportRecord, *, show_secrets: bool) -> Transport:
        options = record.options if show_secrets else mask_fields("transport", record.options)
        return cls(uuid=record.uuid, name=record.name, options=option_list(options))


@strawberry.type
class Engine(Node):
    uuid: UUID
    name: str
    global_options: list[SipOption]
    system_options: list[SipOption]

    @strawberry.field
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
