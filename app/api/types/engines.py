"""Engine and transports."""

from __future__ import annotations

from uuid import UUID

import strawberry

from app.api.context import Info
from app.api.types.common import SipOption, option_list
from app.services.records import EngineRecord, TransportRecord


@strawberry.type
class Transport:
    uuid: UUID
    name: str
    options: list[SipOption]

    @classmethod
    def of(cls, record: TransportRecord) -> Transport:
        return cls(uuid=record.uuid, name=record.name, options=option_list(record.options))


@strawberry.type
class Engine:
    uuid: UUID
    name: str
    global_options: list[SipOption]
    system_options: list[SipOption]

    @strawberry.field
    async def transports(self, info: Info) -> list[Transport]:
        records = await info.context.loaders.engine_transports.load(self.uuid)
        return [Transport.of(r) for r in records]

    @classmethod
    def of(cls, record: EngineRecord) -> Engine:
        return cls(
            uuid=record.uuid,
            name=record.name,
            global_options=option_list(record.global_options),
            system_options=option_list(record.system_options),
        )
