"""The custom scalars, described and with ``@specifiedBy`` so code generators type them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import replace

from strawberry.schema.types.base_scalars import DateTimeDefinition, UUIDDefinition
from strawberry.types.scalar import ScalarDefinition

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    uuid.UUID: replace(
        UUIDDefinition,
        description="A UUID in its canonical text form (RFC 9562), e.g. `6f1c2b9e-4d3a-4b8e-9c1f-2a7d5e0b3c41`.",
        specified_by_url="https://www.rfc-editor.org/rfc/rfc9562",
    ),
    datetime.datetime: replace(
        DateTimeDefinition,
        description="A date and time with its offset from UTC (RFC 3339), e.g. `2026-12-05T10:40:00+00:00`.",
        specified_by_url="https://scalars.graphql.org/andimarek/date-time",
    ),
}
