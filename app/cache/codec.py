"""Resolved views as compact bytes for a shared (Redis) cache."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson

from app.domain.resolution import ConfigKind, Origin, Overridden, ResolvedOption, ResolvedSections
from app.domain.sections import Section


def encode(resolved: ResolvedSections) -> bytes:
    """Origins are listed once and referred to by index: most options share a few."""
    origins: dict[UUID, int] = {}
    table: list[list[Any]] = []

    def ref(origin: Origin) -> int:
        index = origins.get(origin.uuid)
        if index is None:
            index = origins[origin.uuid] = len(table)
            table.append([str(origin.uuid), origin.kind.value, origin.name, origin.label])
        return index

    sections = {
        section.value: [
            [o.key, o.value, ref(o.origin), o.inherited, [[v.value, ref(v.origin)] for v in o.overrides]]
            for o in options
        ]
        for section, options in resolved.items()
        if options
    }
    return orjson.dumps({"o": table, "s": sections})


def decode(data: bytes) -> ResolvedSections:
    doc = orjson.loads(data)
    origins = [Origin(UUID(u), ConfigKind(k), n, label) for u, k, n, label in doc["o"]]
    out: ResolvedSections = dict.fromkeys(Section, ())
    for name, options in doc["s"].items():
        out[Section(name)] = tuple(
            ResolvedOption(key, value, origins[o], inherited, tuple(Overridden(v, origins[i]) for v, i in over))
            for key, value, o, inherited, over in options
        )
    return out
