"""Inheritance resolution (DOMAIN.md §4): one rule, used by every view and builder.

The application list of section S of a configuration is the application list
of S of each parent in order, then the configuration's own S options (its
transport adds ``transport=<name>`` at the end of its own endpoint section).
The resolved section keeps, in application order, every occurrence of an
accumulating key and only the last occurrence of any other key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from app.domain.catalog import Catalog
from app.domain.sections import SECTIONS, Options, Section


class ConfigKind(StrEnum):
    TEMPLATE = "template"
    ENDPOINT = "endpoint"


@dataclass(frozen=True, slots=True)
class Origin:
    """The template or endpoint that set a value."""

    uuid: UUID
    kind: ConfigKind
    name: str
    label: str | None


@dataclass(frozen=True, slots=True)
class ConfigNode:
    """What resolution needs to know of one template or endpoint."""

    uuid: UUID
    kind: ConfigKind
    name: str
    label: str | None
    parents: tuple[UUID, ...]
    transport_name: str | None
    sections: Mapping[Section, Options]
    origin: Origin = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "origin", Origin(self.uuid, self.kind, self.name, self.label))


@dataclass(frozen=True, slots=True)
class Overridden:
    value: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ResolvedOption:
    key: str
    value: str
    origin: Origin
    inherited: bool
    overrides: tuple[Overridden, ...] = ()


Applied = tuple[str, str, Origin]
ResolvedSections = dict[Section, tuple[ResolvedOption, ...]]


class CycleError(ValueError):
    """Stored data has a parent cycle; validation should have made this impossible."""


def resolve_applied(
    applied: Sequence[Applied], is_multiple: Callable[[str], bool], owner: UUID
) -> tuple[ResolvedOption, ...]:
    """Reduce one application list to its resolved options.

    Overrides list the values a single-valued key replaces, nearest first;
    the same (value, origin) reached twice through a diamond is listed once.

    >>> o = lambda n: Origin(UUID(int=n), ConfigKind.TEMPLATE, str(n), None)
    >>> [r.value for r in resolve_applied([("dtmf_mode", "info", o(1)), ("dtmf_mode", "inband", o(2))],
    ...                                   lambda k: False, UUID(int=2))]
    ['inband']
    """
    occurrences: dict[str, list[int]] = {}
    for index, (key, _, _) in enumerate(applied):
        if not is_multiple(key):
            occurrences.setdefault(key, []).append(index)
    resolved: list[ResolvedOption] = []
    for index, (key, value, origin) in enumerate(applied):
        seen_at = occurrences.get(key)
        if seen_at is None:
            resolved.append(ResolvedOption(key, value, origin, origin.uuid != owner))
        elif seen_at[-1] == index:
            overrides = _overridden(applied, seen_at) if len(seen_at) > 1 else ()
            resolved.append(ResolvedOption(key, value, origin, origin.uuid != owner, overrides))
    return tuple(resolved)


def _overridden(applied: Sequence[Applied], seen_at: list[int]) -> tuple[Overridden, ...]:
    seen: set[tuple[str, UUID]] = set()
    out: list[Overridden] = []
    for i in reversed(seen_at[:-1]):
        _, value, origin = applied[i]
        if (value, origin.uuid) not in seen:
            seen.add((value, origin.uuid))
            out.append(Overridden(value, origin))
    return tuple(out)


class Resolver:
    """Resolves configurations of one loaded graph, sharing the templates' lists.

    ``nodes`` must contain every configuration to resolve and all of its
    ancestors. Application lists of templates are computed once per resolver,
    so resolving 10,000 endpoints under the same templates costs little more
    than walking each endpoint's own options.
    """

    def __init__(self, nodes: Mapping[UUID, ConfigNode], catalog: Catalog) -> None:
        self._nodes = nodes
        self._catalog = catalog
        self._memo: dict[tuple[UUID, Section], tuple[Applied, ...]] = {}
        self._multiple = {s: catalog.multiple_keys(s.object_type).__contains__ for s in SECTIONS}

    def application_list(self, uuid: UUID, section: Section) -> tuple[Applied, ...]:
        return self._application_list(uuid, section, ())

    def _application_list(self, uuid: UUID, section: Section, path: tuple[UUID, ...]) -> tuple[Applied, ...]:
        cached = self._memo.get((uuid, section))
        if cached is not None:
            return cached
        if uuid in path:
            raise CycleError(f"parent cycle through {uuid}")
        node = self._nodes[uuid]
        applied: list[Applied] = []
        for parent in node.parents:
            applied.extend(self._application_list(parent, section, (*path, uuid)))
        origin = node.origin
        applied.extend((k, v, origin) for k, v in node.sections.get(section, ()))
        if section is Section.ENDPOINT and node.transport_name is not None:
            applied.append(("transport", node.transport_name, origin))
        result = tuple(applied)
        if node.kind is ConfigKind.TEMPLATE:
            self._memo[(uuid, section)] = result
        return result

    def resolve(self, uuid: UUID) -> ResolvedSections:
        """Every section of one configuration, resolved with origins."""
        return {s: resolve_applied(self.application_list(uuid, s), self._multiple[s], uuid) for s in SECTIONS}
