"""Inheritance resolution (docs/domain.md §4): one rule, used by every view and builder.

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
from app.domain.graph import DEFAULT_MAX_EXPANSION
from app.domain.sections import SECTIONS, Options, Section
from app.errors import InvalidInput, Issue


class ConfigKind(StrEnum):
    TEMPLATE = "template"
    ENDPOINT = "endpoint"


# Each kind by its stored value: a dictionary lookup costs a fraction of calling the enum, for
# the tens of thousands of rows a tenant's graph or a page is made from.
CONFIG_KINDS: dict[str, ConfigKind] = {kind.value: kind for kind in ConfigKind}


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


@dataclass(frozen=True, slots=True)
class ExpansionLimits:
    """How far one configuration's resolution may expand (docs/security.md).

    ``applications``: configurations on its application list, an ancestor
    reached twice counting twice. ``section_values``: option values one
    section's application list may hold, which bounds its resolved values.
    """

    applications: int = DEFAULT_MAX_EXPANSION
    section_values: int = 10_000


class ExpansionTooLarge(InvalidInput):
    """A configuration's resolution would go past its expansion limits.

    Mutations and imports check the graph before writing, so stored data meets
    this only when a limit was lowered after the fact; a change that would
    produce it is refused (its transaction rolls back).
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(Issue("parents", f"'{name}': {message}"))


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
    return one_set_var_per_variable(tuple(resolved))


KEYED_BY_VARIABLE = "set_var"


def set_var_name(value: str) -> str:
    """The variable a ``set_var`` value sets: the text before its first ``=``, as res_pjsip splits it."""
    return value.partition("=")[0].strip()


def one_set_var_per_variable(resolved: tuple[ResolvedOption, ...]) -> tuple[ResolvedOption, ...]:
    """Asterisk keeps one ``set_var`` per variable (docs/domain.md §4): at its first position, the last value,
    which overrides the earlier ones (nearest first, each with what it overrode)."""
    by_name: dict[str, list[int]] = {}
    for index, option in enumerate(resolved):
        if option.key == KEYED_BY_VARIABLE:
            by_name.setdefault(set_var_name(option.value), []).append(index)
    if all(len(at) == 1 for at in by_name.values()):
        return resolved
    replaced: dict[int, ResolvedOption | None] = {}
    for at in by_name.values():
        if len(at) == 1:
            continue
        last = resolved[at[-1]]
        chain: list[Overridden] = []
        for i in reversed(at):
            if i != at[-1]:
                chain.append(Overridden(resolved[i].value, resolved[i].origin))
            chain.extend(resolved[i].overrides)
        seen: set[tuple[str, UUID]] = set()
        overrides: list[Overridden] = []
        for item in chain:
            if (item.value, item.origin.uuid) not in seen:
                seen.add((item.value, item.origin.uuid))
                overrides.append(item)
        replaced[at[0]] = ResolvedOption(last.key, last.value, last.origin, last.inherited, tuple(overrides))
        replaced.update(dict.fromkeys(at[1:]))
    out = [replaced.get(i, option) if i in replaced else option for i, option in enumerate(resolved)]
    return tuple(o for o in out if o is not None)


def _overridden(applied: Sequence[Applied], seen_at: list[int]) -> tuple[Overridden, ...]:
    seen: set[tuple[str, UUID]] = set()
    out: list[Overridden] = []
    for i in reversed(seen_at[:-1]):
        _, value, origin = applied[i]
        if (value, origin.uuid) not in seen:
            seen.add((value, origin.uuid))
            out.append(Overridden(value, origin))
    return tuple(out)


# Owner of an inherited prefix: no configuration has it, so every entry is "inherited".
_NOBODY = UUID(int=0)


class _Prefix:
    """The resolution of a parent list alone, shared by every configuration with those parents.

    Its (key, value) pairs are all a big change needs (`Resolver.resolve_fields`); the options
    with their origins and overrides are worked out on first use (`Resolver.resolve`).
    """

    __slots__ = ("_applied", "_is_multiple", "_resolved", "_winners", "applications", "fields", "values")

    def __init__(self, applied: list[Applied], is_multiple: Callable[[str], bool], applications: int) -> None:
        self._applied = applied
        self._is_multiple = is_multiple
        self._resolved: tuple[ResolvedOption, ...] | None = None
        self._winners: dict[str, ResolvedOption] | None = None
        self.fields = _resolved_fields(applied, is_multiple)  # the resolved (key, value) pairs
        # Template applications and option values of the parents' lists together.
        self.applications = applications
        self.values = len(applied)

    @property
    def resolved(self) -> tuple[ResolvedOption, ...]:
        if self._resolved is None:
            self._resolved = resolve_applied(self._applied, self._is_multiple, _NOBODY)
        return self._resolved

    @property
    def winners(self) -> dict[str, ResolvedOption]:
        if self._winners is None:
            multiple = self._is_multiple
            self._winners = {o.key: o for o in self.resolved if not multiple(o.key)}
        return self._winners


def _resolved_fields(applied: Sequence[Applied], is_multiple: Callable[[str], bool]) -> tuple[tuple[str, str], ...]:
    """`resolve_applied`'s (key, value) pairs alone: every occurrence of an accumulating key and
    the last of any other, in application order, one ``set_var`` per variable."""
    last: dict[str, int] = {}
    for index, (key, _, _) in enumerate(applied):
        if not is_multiple(key):
            last[key] = index
    kept = [(key, value) for index, (key, value, _) in enumerate(applied) if last.get(key, index) == index]
    if not any(key == KEYED_BY_VARIABLE for key, _ in kept):
        return tuple(kept)
    return _one_set_var_field_per_variable(kept)


class Resolver:
    """Resolves configurations of one loaded graph, sharing work between them.

    ``nodes`` must contain every configuration to resolve and all of its
    ancestors. Two things are computed once per resolver: each template's
    application list, and the resolution of each distinct parent list (the
    "prefix" every configuration with those parents starts from). Resolving a
    configuration then only merges its own options into that prefix: 10,000
    endpoints under a few dozen parent lists cost little more than walking
    their own options.
    """

    def __init__(
        self, nodes: Mapping[UUID, ConfigNode], catalog: Catalog, limits: ExpansionLimits | None = None
    ) -> None:
        self._nodes = nodes
        self._catalog = catalog
        self._limits = limits or ExpansionLimits()
        self._memo: dict[tuple[UUID, Section], tuple[Applied, ...]] = {}
        self._applications: dict[UUID, int] = {}
        self._prefixes: dict[tuple[tuple[UUID, ...], Section], _Prefix] = {}
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
        inherited = [self._application_list(parent, section, (*path, uuid)) for parent in node.parents]
        own = self._own(node, section)
        self._check(node, section, inherited, len(own))
        applied: list[Applied] = []
        for part in inherited:
            applied.extend(part)
        applied.extend(own)
        result = tuple(applied)
        if node.kind is ConfigKind.TEMPLATE:
            self._memo[(uuid, section)] = result
        return result

    def _check(self, node: ConfigNode, section: Section, inherited: Sequence[Sequence[Applied]], own: int) -> None:
        """Refuse, before building it, an application list past the limits.

        Each parent's list was checked when it was built, so the work done
        before refusing is bounded too.
        """
        applications = self._applications.get(node.uuid)
        if applications is None:
            applications = 1 + sum(self._applications[p] for p in node.parents)
            self._applications[node.uuid] = applications
        values = own + sum(map(len, inherited))
        if applications > self._limits.applications or values > self._limits.section_values:
            self._refuse(node, section, applications, values)

    def _refuse(self, node: ConfigNode, section: Section, applications: int, values: int) -> None:
        if applications > self._limits.applications:
            raise ExpansionTooLarge(
                node.name,
                f"inheritance expands to {applications} template applications; "
                f"at most {self._limits.applications} (setting max_inheritance_expansion)",
            )
        raise ExpansionTooLarge(
            node.name,
            f"its {section.value} section applies {values} option values through inheritance; "
            f"at most {self._limits.section_values} (setting max_section_values)",
        )

    @staticmethod
    def _own(node: ConfigNode, section: Section) -> list[Applied]:
        origin = node.origin
        return [(k, v, origin) for k, v in _own_fields(node, section)]

    def _prefix(self, parents: tuple[UUID, ...], section: Section) -> _Prefix:
        key = (parents, section)
        prefix = self._prefixes.get(key)
        if prefix is None:
            applied = [item for parent in parents for item in self._application_list(parent, section, ())]
            applications = sum(self._applications[p] for p in parents)
            prefix = self._prefixes[key] = _Prefix(applied, self._multiple[section], applications)
        return prefix

    def check(self, uuid: UUID) -> None:
        """Raise ExpansionTooLarge if this configuration's resolution would pass the limits."""
        if self._nodes[uuid].kind is ConfigKind.ENDPOINT:
            self.resolve(uuid)
            return
        for section in SECTIONS:
            self._application_list(uuid, section, ())

    def holding_options(self, uuid: UUID, sections: Sequence[Section]) -> list[Section]:
        """Those of ``sections`` whose resolution for this configuration holds any option (without
        resolving them)."""
        node = self._nodes[uuid]
        # its own options are always kept
        return [s for s in sections if _own_fields(node, s) or self._prefix(node.parents, s).fields]

    def resolve_fields(self, uuid: UUID, sections: Sequence[Section]) -> dict[Section, tuple[tuple[str, str], ...]]:
        """The (key, value) pairs of these sections of one configuration, as `resolve` would give
        them, without origins or overrides: what its Sorcery objects are made of (a property
        test checks they agree)."""
        node = self._nodes[uuid]
        if uuid in node.parents:
            raise CycleError(f"parent cycle through {uuid}")
        out: dict[Section, tuple[tuple[str, str], ...]] = {}
        for section in sections:
            prefix = self._prefix(node.parents, section)
            own = _own_fields(node, section)
            self._within_limits(node, section, prefix, len(own))
            out[section] = _merge_fields(prefix.fields, own, self._multiple[section]) if own else prefix.fields
        return out

    def _within_limits(self, node: ConfigNode, section: Section, prefix: _Prefix, own: int) -> None:
        if prefix.applications >= self._limits.applications or prefix.values + own > self._limits.section_values:
            self._refuse(node, section, 1 + prefix.applications, prefix.values + own)

    def resolve(self, uuid: UUID, sections: Sequence[Section] = SECTIONS) -> ResolvedSections:
        """Every section of one configuration (or those of ``sections``), resolved with origins.

        Equal to `resolve_applied` over the full application list (a property
        test checks it): the parents' part is the shared prefix, and the own
        options come last in application order, so they only remove the
        prefix entries whose single-valued key they override.
        """
        node = self._nodes[uuid]
        if uuid in node.parents:
            raise CycleError(f"parent cycle through {uuid}")
        out: ResolvedSections = {}
        for section in sections:
            prefix = self._prefix(node.parents, section)
            own = self._own(node, section)
            self._within_limits(node, section, prefix, len(own))
            out[section] = _merge(prefix, own, self._multiple[section]) if own else prefix.resolved
        return out


def _merge(prefix: _Prefix, own: Sequence[Applied], is_multiple: Callable[[str], bool]) -> tuple[ResolvedOption, ...]:
    """The prefix without the keys the own options override, then the own options (never inherited)."""
    single: dict[str, list[int]] = {}
    for index, (key, _, _) in enumerate(own):
        if not is_multiple(key):
            single.setdefault(key, []).append(index)
    kept = [o for o in prefix.resolved if o.key not in single] if single else list(prefix.resolved)
    for index, (key, value, origin) in enumerate(own):
        seen_at = single.get(key)
        if seen_at is None:
            kept.append(ResolvedOption(key, value, origin, False))
        elif seen_at[-1] == index:
            kept.append(ResolvedOption(key, value, origin, False, _own_overrides(own, seen_at, prefix, key)))
    return one_set_var_per_variable(tuple(kept))


def _own_fields(node: ConfigNode, section: Section) -> Options:
    """A configuration's own options of ``section``, its transport last in its endpoint section."""
    own = node.sections.get(section, ())
    if section is Section.ENDPOINT and node.transport_name is not None:
        return (*own, ("transport", node.transport_name))
    return own


def _merge_fields(
    prefix: tuple[tuple[str, str], ...], own: Sequence[tuple[str, str]], is_multiple: Callable[[str], bool]
) -> tuple[tuple[str, str], ...]:
    """`_merge` on (key, value) pairs alone."""
    last: dict[str, int] = {}
    for index, (key, _) in enumerate(own):
        if not is_multiple(key):
            last[key] = index
    kept = [pair for pair in prefix if pair[0] not in last] if last else list(prefix)
    kept.extend(pair for index, pair in enumerate(own) if last.get(pair[0], index) == index)
    if KEYED_BY_VARIABLE not in last and not any(key == KEYED_BY_VARIABLE for key, _ in own):
        return tuple(kept)  # the prefix has one set_var per variable already, and nothing adds one
    return _one_set_var_field_per_variable(kept)


def _one_set_var_field_per_variable(fields: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """`one_set_var_per_variable` on (key, value) pairs alone."""
    by_name: dict[str, list[int]] = {}
    for index, (key, value) in enumerate(fields):
        if key == KEYED_BY_VARIABLE:
            by_name.setdefault(set_var_name(value), []).append(index)
    dropped: set[int] = set()
    for at in by_name.values():
        if len(at) > 1:
            fields[at[0]] = fields[at[-1]]
            dropped.update(at[1:])
    if not dropped:
        return tuple(fields)
    return tuple(pair for index, pair in enumerate(fields) if index not in dropped)


def _own_overrides(own: Sequence[Applied], seen_at: list[int], prefix: _Prefix, key: str) -> tuple[Overridden, ...]:
    """Earlier own occurrences (nearest first), then the inherited winner and what it overrode."""
    chain: list[Overridden] = [Overridden(own[i][1], own[i][2]) for i in reversed(seen_at[:-1])]
    inherited = prefix.winners.get(key)
    if inherited is not None:
        chain.append(Overridden(inherited.value, inherited.origin))
        chain.extend(inherited.overrides)
    # Each configuration has one Origin object, so identity stands for its uuid here.
    seen: set[tuple[str, int]] = set()
    out: list[Overridden] = []
    for item in chain:
        mark = (item.value, id(item.origin))
        if mark not in seen:
            seen.add(mark)
            out.append(item)
    return tuple(out)
