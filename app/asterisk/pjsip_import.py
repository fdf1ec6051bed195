"""pjsip.conf as an import plan: tenant templates, endpoints, engine objects, and what does not fit.

Asterisk and the product describe the same objects differently. Asterisk has
one section per object, tied together by references (``aors=``, ``auth=``,
``outbound_auth=``, identify and registration ``endpoint=``), and templates
that apply to whatever inherits them. The product has one configuration per
endpoint with seven option sections, derives the objects and their ids from it
(docs/domain.md §5), and gives each configuration one parent list that applies to
all seven sections. The mapping:

* Objects are matched to endpoints by the references in the file, never by
  name alone, and become sections of that endpoint.
* A pjsip template becomes a product template whose options sit in the one
  section its users give it (an endpoint's endpoint section, its aor, auth,
  outbound_auth, identify, registration or registration_outbound_auth). A
  template used in several sections is *split* into one product template per
  section with the same options: a product parent applies to every section of
  its child, so one template holding options in two sections would leak them
  into children that use it for only one.
* Templates written by the product's own native export
  (``tpl:<slug>:<template>:<section>``) are put back together into the
  template they came from, when that reproduces everything exactly.
* Every section is checked: the planner computes what the product's resolver
  (docs/domain.md §4) would apply and compares it with what Asterisk applies (the
  parser's ``variables``). Where they differ (a base changed by a later
  ``(+)``, ``+=`` on an inherited value, a base listed twice, an object used as
  a base) the section's complete option list is copied instead of inherited.
  That is always faithful, and it is reported.

Option names and values are not checked here: ``apply_import`` validates the
plan with the catalog like any mutation and names the file and line.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from app.asterisk.conf.parser import ConfigError, ConfSection, Line, ParsedConfig, Where
from app.domain.catalog import load_catalog
from app.domain.imports import ImportPlan, PlannedConfig, PlannedTransport, Source, Unmapped
from app.domain.resolution import ConfigKind
from app.domain.sections import SECTIONS, Option, Section
from app.domain.validation import MANAGED_KEYS, MAX_PARENTS, NAME_PATTERN, RESERVED_NAMES

# What the parser says when Asterisk would not load the file at all.
_REFUSED_MARK = "Asterisk refuses to load the file"
_UNKNOWN_DIRECTIVE = "unknown directive"
# Object types whose sections become parts of an endpoint (auth's section depends on how it is referenced).
_OBJECT_SECTION: dict[str, Section] = {
    "endpoint": Section.ENDPOINT,
    "aor": Section.AOR,
    "auth": Section.AUTH,
    "identify": Section.IDENTIFY,
    "registration": Section.REGISTRATION,
}
_ENGINE_TYPES = ("transport", "global", "system")
_MANAGED: dict[Section, frozenset[str]] = {s: MANAGED_KEYS.get(s.object_type, frozenset()) for s in SECTIONS}
_NAME_LIMIT = 79
# The id the product gives an endpoint's registration auth (docs/domain.md §5); endpoint names cannot start with it.
PRODUCT_AUTH_PREFIX = "auth_reg_"
_SECTION_NAMES = frozenset(s.value for s in SECTIONS)
_INVALID_NAME_CHAR = re.compile(r"[^-_.a-zA-Z0-9]")
# The native export's template names: tpl:<slug>:<template>:<section>, with ~n when a name was taken.
_EXPORTER_NAME = re.compile(r"tpl:([a-z0-9][a-z0-9-]{0,62}):([-_.a-zA-Z0-9]{1,79}):([a-z_]+)(~[0-9]{1,9})?")

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True, slots=True)
class ExporterName:
    """A template section name written by ``render_native``, split into what it stands for."""

    slug: str
    template: str
    section: Section


def exporter_template_name(name: str) -> ExporterName | None:
    """The product template and section behind an exported template name, or None.

    A name the exporter had to shorten (over 79 bytes, then cut and given a
    digest) no longer says which template it was, so it is not recognised;
    a ``~n`` suffix (a case-insensitive clash) is, unless the name was cut.
    """
    match = _EXPORTER_NAME.fullmatch(name)
    if match is None or match.group(3) not in _SECTION_NAMES:
        return None
    if match.group(4) and len(name.encode()) >= _NAME_LIMIT:
        return None
    return ExporterName(match.group(1), match.group(2), Section(match.group(3)))


def plan_pjsip_conf(config: ParsedConfig) -> ImportPlan:
    """Map a loaded pjsip.conf onto the product's objects; pure, no I/O.

    Raises :class:`ConfigError` when the parser found something that makes
    Asterisk refuse the file, or a directive whose effect is unknown: such a
    file never ran, so importing part of it would import a configuration no
    Asterisk ever had. Everything else that cannot be carried over is listed in
    ``plan.unmapped`` with its file and line.
    """
    _refuse_fatal(config.problems)
    report = _Report()
    index = _FileIndex(config, report)
    links = _link_objects(index, report)
    _mark_usage(index, links)
    _report_unused_templates(index, report)
    drafts = _plan_drafts(index, links, report)
    plan = _assemble(index, drafts)
    plan.unmapped = report.sorted()
    return plan


def _plan_drafts(index: _FileIndex, links: _Links, report: _Report) -> tuple[list[_Draft], list[PlannedConfig]]:
    """Regroup the exporter's templates when that is exact, else plan one template per file section and section."""
    grouped = _Planner(index, links, _Report(), grouped=True)
    drafts = grouped.run()
    if drafts is not None:
        report.items.extend(grouped.report.items)
        return drafts
    drafts = _Planner(index, links, report, grouped=False).run()
    assert drafts is not None  # only the grouped mode gives up
    return drafts


# --------------------------------------------------------------------------- problems


def _refuse_fatal(problems: Sequence[tuple[Where, str]]) -> None:
    fatal = [(w, m) for w, m in problems if _REFUSED_MARK in m or m.startswith(_UNKNOWN_DIRECTIVE)]
    if not fatal:
        return
    listed = "\n".join(f"  {where}: {message}" for where, message in fatal)
    raise ConfigError(f"the file cannot be imported: Asterisk would refuse it, or a directive is unknown:\n{listed}")


class _Report:
    """The ``unmapped`` list: whole sections, single lines, and notes on what was imported differently."""

    def __init__(self) -> None:
        self.items: list[Unmapped] = []

    def section(self, section: ConfSection, reason: str) -> None:
        """A section that is not imported: its header, then each of its own lines."""
        self.items.append(Unmapped(_source(section.where), section.name, None, reason))
        for key, _, where in section.lines:
            self.items.append(Unmapped(_source(where), section.name, key, f"not imported: [{section.name}] {reason}"))

    def line(self, section: ConfSection, where: Where | None, key: str, reason: str) -> None:
        self.items.append(Unmapped(_source(where or section.where), section.name, key, reason))

    def note(self, section: ConfSection, reason: str) -> None:
        self.items.append(Unmapped(_source(section.where), section.name, None, reason))

    def problem(self, where: Where, section: str, message: str) -> None:
        self.items.append(Unmapped(_source(where), section, None, message))

    def sorted(self) -> list[Unmapped]:
        return sorted(self.items, key=lambda u: (u.source.file, u.source.line) if u.source else ("", 0))


def _source(where: Where) -> Source:
    return Source(where.file, where.line)


# --------------------------------------------------------------------------- the file's sections


@dataclass(eq=False, slots=True)
class _Node:
    """One section of the file and what the planner learns about it (compared by identity)."""

    section: ConfSection
    position: int
    type: str | None
    bases: Sequence[_Node] = ()
    # the sections a template is used in; replaced, not changed, so that the many nodes using none share one
    usage: frozenset[Section] = frozenset()

    @property
    def name(self) -> str:
        return self.section.name

    @property
    def is_template(self) -> bool:
        return self.section.is_template


class _FileIndex:
    """Sections classified the way Asterisk selects them: by their first ``type`` value, templates apart."""

    def __init__(self, config: ParsedConfig, report: _Report) -> None:
        self.nodes = [_Node(s, i, _first_type(s)) for i, s in enumerate(config.sections)]
        self.templates = [n for n in self.nodes if n.is_template]
        self.objects: dict[str, dict[str, _Node]] = {t: {} for t in _OBJECT_SECTION}
        self.transports: list[_Node] = []
        self.global_node: _Node | None = None
        self.system_node: _Node | None = None
        self._resolve_bases()
        self._report_problems(config.problems, report)
        self._classify(report)

    def _resolve_bases(self) -> None:
        """A base is the first section of that name, ignoring case, template or not (config.c).

        The parser refused bases that were not defined; an empty base name
        stands for the file's first section.
        """
        first: dict[str, _Node] = {}
        for node in self.nodes:
            first.setdefault(_fold(node.name), node)
        for node in self.nodes:
            if node.section.bases:
                node.bases = [first[_fold(b)] if b else self.nodes[0] for b in node.section.bases]

    def _report_problems(self, problems: Sequence[tuple[Where, str]], report: _Report) -> None:
        """Warnings of the reader, each under the section whose text precedes it in its file."""
        if not problems:
            return  # the marks below cost a tuple per line of the file
        marks: dict[str, list[tuple[int, str]]] = {}
        for node in self.nodes:
            for where in (node.section.where, *(line[2] for line in node.section.lines)):
                marks.setdefault(where.file, []).append((where.line, node.name))
        for entries in marks.values():
            entries.sort()
        for where, message in problems:
            entries = marks.get(where.file, [])
            at = bisect.bisect_right(entries, (where.line, "\U0010ffff"))
            report.problem(where, entries[at - 1][1] if at else "(no section)", message)

    def _classify(self, report: _Report) -> None:
        grouped: dict[tuple[str, str], list[_Node]] = {}
        for node in self.nodes:
            if node.is_template:
                continue
            kind = self._kind(node)
            if kind is None:
                report.section(node.section, "has no type= line: Asterisk ignores a section without a type")
            elif kind not in _OBJECT_SECTION and kind not in _ENGINE_TYPES:
                report.section(node.section, f"type={kind} objects are not managed by the product")
            else:
                grouped.setdefault((kind, node.name), []).append(node)
        for (kind, name), nodes in grouped.items():
            if len(nodes) > 1:
                for node in nodes:
                    report.section(
                        node.section,
                        f"{len(nodes)} type={kind} sections are named '{name}': Asterisk "
                        f"refuses to load {kind} objects with a repeated id",
                    )
                continue
            self._add(kind, nodes[0], report)

    @staticmethod
    def _kind(node: _Node) -> str | None:
        """``[global]`` and ``[system]`` need no type (res_pjsip finds them by name); other sections do."""
        if node.type is None and node.name in ("global", "system"):
            return node.name
        return node.type

    def _add(self, kind: str, node: _Node, report: _Report) -> None:
        if kind == "transport":
            self.transports.append(node)
        elif kind in ("global", "system"):
            current = self.global_node if kind == "global" else self.system_node
            if current is not None:
                report.section(node.section, f"a second {kind} section: Asterisk has one {kind} object")
            elif kind == "global":
                self.global_node = node
            else:
                self.system_node = node
        else:
            self.objects[kind][node.name] = node


def _first_type(section: ConfSection) -> str | None:
    """Asterisk selects objects by the first ``type`` variable, which may come from a template."""
    return next((value for key, value, _ in section.variables if key == "type"), None)


def _fold(text: str) -> str:
    """strcasecmp() in the C locale folds ASCII letters only."""
    return "".join(c.lower() if c.isascii() else c for c in text)


# --------------------------------------------------------------------------- references


@dataclass(slots=True)
class _Links:
    """Which file section becomes which section of which endpoint (endpoint section first, then file order)."""

    endpoints: list[_Node]
    parts: dict[str, dict[Section, _Node]]


def _reference(node: _Node, key: str) -> tuple[list[str], Where | None]:
    """The ids a reference key names (its last value, from the section or its templates), split on commas."""
    found = next(((v, w) for k, v, w in reversed(node.section.variables) if k == key), None)
    if found is None:
        return [], None
    return [part.strip() for part in found[0].split(",") if part.strip()], found[1]


def _link_objects(index: _FileIndex, report: _Report) -> _Links:
    """Match aors, auths, identifies and registrations to endpoints through the file's references."""
    endpoints = list(index.objects["endpoint"].values())
    links = _Links(endpoints, {e.name: {Section.ENDPOINT: e} for e in endpoints})
    used: set[int] = set()
    _link_aors(index, links, report, used)
    _link_auths(index, links, report, used)
    _link_identifies(index, links, report, used)
    _link_registrations(index, links, report, used)
    _link_product_registration_auths(index, links, used)
    for kind in ("aor", "auth"):
        for node in index.objects[kind].values():
            if node.position not in used:
                report.section(node.section, f"{kind} that no imported endpoint or registration references")
    for parts in links.parts.values():
        ordered = sorted(parts.items(), key=lambda item: (item[0] is not Section.ENDPOINT, item[1].position))
        parts.clear()
        parts.update(ordered)
    _report_empty_objects(links, report)
    return links


def _link_aors(index: _FileIndex, links: _Links, report: _Report, used: set[int]) -> None:
    """One aor per endpoint: the product names it after the endpoint and cannot share it."""
    claims: dict[str, list[_Node]] = {}
    for endpoint in links.endpoints:
        names, where = _reference(endpoint, "aors")
        if len(names) > 1:
            report.line(endpoint.section, where, "aors", f"names {len(names)} aors: the product gives an endpoint one")
        elif names and names[0] not in index.objects["aor"]:
            report.line(endpoint.section, where, "aors", f"no type=aor section named '{names[0]}'")
        elif names:
            claims.setdefault(names[0], []).append(endpoint)
    for aor_name, claimants in claims.items():
        aor = index.objects["aor"][aor_name]
        if len(claimants) > 1:
            users = ", ".join(e.name for e in claimants)
            reason = f"aor '{aor_name}' is shared by endpoints {users}: each product endpoint has its own aor"
            for endpoint in claimants:
                report.line(endpoint.section, _reference(endpoint, "aors")[1], "aors", reason)
            report.section(aor.section, reason)
            used.add(aor.position)  # reported with its reason above
            continue
        endpoint = claimants[0]
        links.parts[endpoint.name][Section.AOR] = aor
        used.add(aor.position)
        if aor_name != endpoint.name:
            report.note(
                aor.section,
                f"imported as the aor of endpoint '{endpoint.name}': its id becomes '{endpoint.name}' "
                f"(devices registering to '{aor_name}' must register to '{endpoint.name}')",
            )


def _link_auths(index: _FileIndex, links: _Links, report: _Report, used: set[int]) -> None:
    """``auth=`` and ``outbound_auth=``: a shared auth is copied into each endpoint (same meaning)."""
    for endpoint in links.endpoints:
        for key, section in (("auth", Section.AUTH), ("outbound_auth", Section.OUTBOUND_AUTH)):
            auth = _single_auth(index, endpoint, key, report)
            if auth is not None:
                links.parts[endpoint.name][section] = auth
                used.add(auth.position)


def _single_auth(index: _FileIndex, node: _Node, key: str, report: _Report) -> _Node | None:
    names, where = _reference(node, key)
    if len(names) > 1:
        report.line(node.section, where, key, f"names {len(names)} auths: the product keeps one per section")
        return None
    if names and names[0] not in index.objects["auth"]:
        report.line(node.section, where, key, f"no type=auth section named '{names[0]}'")
        return None
    return index.objects["auth"][names[0]] if names else None


def _link_identifies(index: _FileIndex, links: _Links, report: _Report, used: set[int]) -> None:
    for identify in index.objects["identify"].values():
        names, _ = _reference(identify, "endpoint")
        target = links.parts.get(names[0]) if len(names) == 1 else None
        if target is None:
            report.section(identify.section, "identify whose endpoint= names no endpoint of the file")
        elif Section.IDENTIFY in target:
            report.section(identify.section, f"a second identify for endpoint '{names[0]}': the product keeps one")
        else:
            target[Section.IDENTIFY] = identify
            used.add(identify.position)


def _link_registrations(index: _FileIndex, links: _Links, report: _Report, used: set[int]) -> None:
    auth_users = _auth_users(links.endpoints)
    for registration in index.objects["registration"].values():
        endpoint = _registration_endpoint(links, registration, auth_users)
        target = links.parts.get(endpoint) if endpoint is not None else None
        if target is None:
            report.section(
                registration.section,
                "registration whose endpoint= names no endpoint, and whose outbound_auth is not used by exactly one",
            )
            continue
        if Section.REGISTRATION in target:
            report.section(
                registration.section, f"a second registration for endpoint '{endpoint}': the product keeps one"
            )
            continue
        target[Section.REGISTRATION] = registration
        used.add(registration.position)
        auth = _single_auth(index, registration, "outbound_auth", report)
        if auth is not None:
            target[Section.REGISTRATION_OUTBOUND_AUTH] = auth
            used.add(auth.position)


def _link_product_registration_auths(index: _FileIndex, links: _Links, used: set[int]) -> None:
    """An unreferenced ``auth_reg_<E>`` is E's registration_outbound_auth, as the product exported it.

    The product creates that auth whenever the section has options, with or
    without a registration to reference it (docs/domain.md §5), and no endpoint
    name may start with ``auth_reg_``: the id can only be the product's own.
    Taking it back recreates the very same object, so nothing is lost.
    """
    for name, auth in index.objects["auth"].items():
        if not name.startswith(PRODUCT_AUTH_PREFIX) or auth.position in used:
            continue
        parts = links.parts.get(name.removeprefix(PRODUCT_AUTH_PREFIX))
        if parts is not None and Section.REGISTRATION_OUTBOUND_AUTH not in parts:
            parts[Section.REGISTRATION_OUTBOUND_AUTH] = auth
            used.add(auth.position)


def _auth_users(endpoints: Iterable[_Node]) -> dict[str, set[str]]:
    """Auth id -> the endpoints whose ``auth=`` or ``outbound_auth=`` name it (one pass, for large files)."""
    users: dict[str, set[str]] = {}
    for endpoint in endpoints:
        for key in ("auth", "outbound_auth"):
            for name in _reference(endpoint, key)[0]:
                users.setdefault(name, set()).add(endpoint.name)
    return users


def _registration_endpoint(links: _Links, registration: _Node, auth_users: dict[str, set[str]]) -> str | None:
    """``endpoint=X``, or else the one endpoint that uses the registration's outbound auth too."""
    names, _ = _reference(registration, "endpoint")
    if len(names) == 1 and names[0] in links.parts:
        return names[0]
    auths, _ = _reference(registration, "outbound_auth")
    users = auth_users.get(auths[0], set()) if len(auths) == 1 else set()
    return next(iter(users)) if len(users) == 1 else None


def _report_empty_objects(links: _Links, report: _Report) -> None:
    """The product creates an object only for a non-empty section: an empty one loses its reference."""
    for endpoint, parts in links.parts.items():
        for section, node in parts.items():
            if section is not Section.ENDPOINT and not _options(node.section.variables, section).options:
                report.note(
                    node.section,
                    f"{node.type} without options: the product creates no object for an empty "
                    f"{section.value} section, so endpoint '{endpoint}' loses this reference",
                )


# --------------------------------------------------------------------------- template usage


def _mark_usage(index: _FileIndex, links: _Links) -> None:
    """Give every template the product sections it is used in, through any chain of templates.

    A template nobody imported uses gets the section its own ``type=`` (or its
    exporter name) declares, so that unused templates survive the import.
    """
    for parts in links.parts.values():
        for section, node in parts.items():
            _spread(node.bases, section)
    for template in index.templates:
        if not template.usage:
            declared = _declared_section(template)
            if declared is not None:
                template.usage = frozenset({declared})
                _spread(template.bases, declared)


def _spread(bases: Iterable[_Node], section: Section) -> None:
    stack = [b for b in bases if b.is_template]
    while stack:
        node = stack.pop()
        if section not in node.usage:
            node.usage = node.usage | {section}
            stack.extend(b for b in node.bases if b.is_template)


def _declared_section(template: _Node) -> Section | None:
    if template.type in _OBJECT_SECTION:
        return _OBJECT_SECTION[template.type]
    exported = exporter_template_name(template.name)
    return exported.section if exported is not None else None


def _report_unused_templates(index: _FileIndex, report: _Report) -> None:
    engine_bases = _engine_bases(index)
    for template in index.templates:
        if not template.usage and template.position not in engine_bases:
            report.section(
                template.section,
                "template that no imported section inherits and whose type= is not an endpoint, aor, auth, "
                "identify or registration",
            )


def _engine_bases(index: _FileIndex) -> set[int]:
    """Templates that transports, [global] or [system] inherit: their options reach those objects flattened."""
    seen: set[int] = set()
    engine_nodes = [*index.transports, index.global_node, index.system_node]
    stack = [b for n in engine_nodes if n is not None for b in n.bases]
    while stack:
        node = stack.pop()
        if node.position not in seen:
            seen.add(node.position)
            stack.extend(node.bases)
    return seen


# --------------------------------------------------------------------------- options


@dataclass(slots=True)
class _Options:
    """One section's options in product terms: without ``type`` and managed references, transport apart."""

    options: list[Option]
    transport: str | None = None


def _options(lines: Iterable[Line], section: Section) -> _Options:
    """Drop ``type`` and the references the product writes itself; an endpoint's transport becomes its field."""
    out = _Options([])
    managed = _MANAGED[section]
    for key, value, _ in lines:
        if key == "type":
            continue
        if section is Section.ENDPOINT and key == "transport":
            out.transport = value
        elif key not in managed:
            out.options.append((key, value))
    return out


@cache
def _multiple(section: Section) -> frozenset[str]:
    return load_catalog().multiple_keys(section.object_type)


def _effective(options: Sequence[Option], section: Section) -> list[Option]:
    """docs/domain.md §4 rule 3: every accumulating occurrence, the last of any other key, in order."""
    multiple = _multiple(section)
    last = {key: i for i, (key, _) in enumerate(options) if key not in multiple}
    return [(k, v) for i, (k, v) in enumerate(options) if k in multiple or last[k] == i]


# --------------------------------------------------------------------------- drafts


@dataclass(eq=False, slots=True)
class _Draft:
    """A template or endpoint being planned, with the file sections each of its sections must reproduce."""

    kind: ConfigKind
    wanted: str
    keeps_name: bool
    origin: ConfSection
    label: str | None = None
    own: dict[Section, _Options] = field(default_factory=dict)
    section_parents: dict[Section, list[_Draft]] = field(default_factory=dict)
    truths: dict[Section, _Node] = field(default_factory=dict)
    parents: list[_Draft] = field(default_factory=list)
    # What the product's resolver applies for each section: options, then the transport in effect.
    applied: dict[Section, tuple[tuple[Option, ...], str | None]] = field(default_factory=dict)
    name: str = ""

    @property
    def transport(self) -> str | None:
        own = self.own.get(Section.ENDPOINT)
        return own.transport if own is not None else None


class _Ungroupable(Exception):
    """The exporter's templates cannot be put back together exactly; plan them one section at a time."""


class _Planner:
    """Templates and endpoints, checked section by section against what Asterisk applies.

    ``grouped`` puts the exporter's ``tpl:<slug>:<template>:<section>``
    templates back into one product template each and copies nothing: any
    difference from Asterisk makes ``run`` return None. Otherwise every file
    template becomes one product template per section it is used in, and a
    section that would differ is copied in full (and reported).
    """

    def __init__(self, index: _FileIndex, links: _Links, report: _Report, *, grouped: bool) -> None:
        self.index = index
        self.links = links
        self.report = report
        self.grouped = grouped
        self.copies: dict[tuple[int, Section], _Draft] = {}
        self.groups: dict[tuple[str, str], _Draft] = {}
        self.templates: list[_Draft] = []

    def run(self) -> tuple[list[_Draft], list[PlannedConfig]] | None:
        """The templates' drafts, and the endpoints planned: each endpoint's draft is made into its
        plan at once, so that a file of many endpoints never holds a draft for each."""
        try:
            self._check_groups()
            for template in self.index.templates:
                for section in sorted(template.usage, key=SECTIONS.index):
                    self._add_template_section(template, section)
            for draft in self._parents_first(self.templates):
                self._finish(draft, ConfigKind.TEMPLATE)
            _allocate_names(self.templates)  # the endpoints' plans name their parents
            endpoints = [_planned(self._endpoint(e)) for e in self.links.endpoints]
        except _Ungroupable:
            return None
        return self.templates, endpoints

    # ---------------------------------------------------------------- templates

    def _group_key(self, node: _Node) -> tuple[str, str] | None:
        if not self.grouped or not node.is_template:
            return None
        exported = exporter_template_name(node.name)
        return (exported.slug, exported.template) if exported is not None else None

    def _check_groups(self) -> None:
        """Exported templates regroup only if each is used in its own section and chains stay within groups."""
        if not self.grouped:
            return
        members = {t.position for t in self.index.templates if self._group_key(t) is not None}
        if not members:
            raise _Ungroupable
        for template in self.index.templates:
            exported = exporter_template_name(template.name) if template.position in members else None
            for base in template.bases:
                base_exported = exporter_template_name(base.name) if base.position in members else None
                if (exported is None) != (base_exported is None):
                    raise _Ungroupable
                if exported is not None and (base_exported is None or base_exported.section is not exported.section):
                    raise _Ungroupable
            if exported is not None and template.usage - {exported.section}:
                raise _Ungroupable

    def _template_draft(self, node: _Node, section: Section) -> _Draft:
        """The product template standing for ``node`` in ``section`` (made on first use)."""
        key = self._group_key(node)
        if key is not None:
            if key not in self.groups:
                self.groups[key] = _Draft(ConfigKind.TEMPLATE, _product_name(key[1]), True, node.section)
                self.templates.append(self.groups[key])
            return self.groups[key]
        copy_key = (node.position, section)
        if copy_key not in self.copies:
            split = len(node.usage) > 1
            mapped = _product_name(node.name)
            wanted = _suffixed(mapped, f".{section.value}") if split else mapped
            keeps = not split and mapped == node.name
            label = None if keeps else (f"{node.name} ({section.value})" if split else node.name)
            self.copies[copy_key] = _Draft(ConfigKind.TEMPLATE, wanted, keeps, node.section, label)
            self.templates.append(self.copies[copy_key])
            if split and section is min(node.usage, key=SECTIONS.index):
                self._report_split(node)
        return self.copies[copy_key]

    def _report_split(self, node: _Node) -> None:
        used = ", ".join(s.value for s in sorted(node.usage, key=SECTIONS.index))
        self.report.note(
            node.section,
            f"template used for several sections ({used}): imported as one product template per section, "
            "since a product parent applies to every section of its children",
        )

    def _add_template_section(self, node: _Node, section: Section) -> None:
        draft = self._template_draft(node, section)
        draft.own[section] = _options(node.section.lines, section)
        draft.truths[section] = node
        later = [b for b in node.bases if b.position >= node.position]
        if later:
            self._copy(draft, section, "it gets a base from a later (+) section")
            return
        self._inherit(draft, section, node)

    def _inherit(self, draft: _Draft, section: Section, node: _Node) -> None:
        """Parents for ``section``: the product templates of the file section's bases, in order."""
        plain = [b.name for b in node.bases if not b.is_template]
        if plain:
            self._copy(draft, section, f"it inherits from [{plain[0]}], which is not a template")
            return
        draft.section_parents[section] = [self._template_draft(b, section) for b in node.bases]

    def _parents_first(self, drafts: list[_Draft]) -> list[_Draft]:
        """Templates in an order where parents come first; a cycle between regrouped templates gives up."""
        order: list[_Draft] = []
        state: dict[int, int] = {}
        for draft in drafts:
            self._visit(draft, state, order)
        return order

    def _visit(self, root: _Draft, state: dict[int, int], order: list[_Draft]) -> None:
        stack: list[tuple[_Draft, Iterator[_Draft]]] = []
        if state.get(id(root)) == 2:
            return
        state[id(root)] = 1
        stack.append((root, iter([p for ps in root.section_parents.values() for p in ps])))
        while stack:
            draft, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                state[id(draft)] = 2
                order.append(draft)
            elif state.get(id(parent)) == 1:
                raise _Ungroupable  # only regrouping can join sections into a cycle
            elif state.get(id(parent)) is None:
                state[id(parent)] = 1
                stack.append((parent, iter([p for ps in parent.section_parents.values() for p in ps])))

    # ---------------------------------------------------------------- endpoints

    def _endpoint(self, endpoint: _Node) -> _Draft:
        draft = _Draft(ConfigKind.ENDPOINT, endpoint.name, True, endpoint.section, name=endpoint.name)
        for section, node in self.links.parts[endpoint.name].items():
            draft.own[section] = _options(node.section.lines, section)
            draft.truths[section] = node
            self._inherit(draft, section, node)
        self._finish(draft, ConfigKind.ENDPOINT)
        return draft

    # ---------------------------------------------------------------- checks

    def _finish(self, draft: _Draft, kind: ConfigKind) -> None:
        """Merge the parent lists, then compare every section with Asterisk's; copy what differs."""
        for section, parents in list(draft.section_parents.items()):
            if len(set(map(id, parents))) != len(parents):
                self._copy(draft, section, "a base is listed twice")
        self._merge_parents(draft)
        self._limit_parents(draft)
        checked = SECTIONS if self.grouped else tuple(draft.truths)
        for section in checked:
            applied = self._applied(draft, section)
            if not _same(applied, _truth(draft, section), section):
                self._copy(
                    draft,
                    section,
                    "what Asterisk applies differs from what inheriting would give "
                    "(a base changed later by (+) or +=, or bases that overlap)",
                )
                self._merge_parents(draft)
                applied = self._applied(draft, section)
            if kind is ConfigKind.TEMPLATE:
                draft.applied[section] = applied
        if kind is ConfigKind.TEMPLATE:
            for section in SECTIONS:
                draft.applied.setdefault(section, self._applied(draft, section))

    def _merge_parents(self, draft: _Draft) -> None:
        merged = _merge_orders([[id(p) for p in ps] for ps in draft.section_parents.values()])
        if merged is None:
            raise _Ungroupable  # lists of one section are checked for repeats first; only groups can disagree
        by_id = {id(p): p for ps in draft.section_parents.values() for p in ps}
        draft.parents = [by_id[i] for i in merged]

    def _limit_parents(self, draft: _Draft) -> None:
        """At most 20 parents: copy the sections that bring the most until the rest fit."""
        while len(draft.parents) > MAX_PARENTS:
            section = max(draft.section_parents, key=lambda s: len(draft.section_parents[s]))
            self._copy(draft, section, f"together its sections have more than {MAX_PARENTS} bases")
            self._merge_parents(draft)

    def _applied(self, draft: _Draft, section: Section) -> tuple[tuple[Option, ...], str | None]:
        """The product's application list (docs/domain.md §4) from the parents' stored lists and own options."""
        options: list[Option] = []
        transport: str | None = None
        for parent in draft.parents:
            parent_options, parent_transport = parent.applied[section]
            options.extend(parent_options)
            transport = parent_transport if parent_transport is not None else transport
        own = draft.own.get(section)
        if own is not None:
            options.extend(own.options)
            transport = own.transport if own.transport is not None else transport
        return tuple(options), transport

    def _copy(self, draft: _Draft, section: Section, why: str) -> None:
        """Replace inheritance by the complete list Asterisk applies: always faithful, structure lost."""
        if self.grouped:
            raise _Ungroupable
        node = draft.truths[section]
        applied = _options(node.section.variables, section)
        draft.own[section] = _Options(_effective(applied.options, section), applied.transport)
        draft.section_parents[section] = []
        self.report.note(node.section, f"its {section.value} options are copied in full instead of inherited: {why}")


def _truth(draft: _Draft, section: Section) -> tuple[tuple[Option, ...], str | None]:
    node = draft.truths.get(section)
    if node is None:
        return (), None
    options = _options(node.section.variables, section)
    return tuple(options.options), options.transport


def _same(
    product: tuple[tuple[Option, ...], str | None], asterisk: tuple[tuple[Option, ...], str | None], section: Section
) -> bool:
    """Same effective options in the same order, and the same transport (its position does not matter)."""
    return product[1] == asterisk[1] and _effective(product[0], section) == _effective(asterisk[0], section)


def _merge_orders(lists: Sequence[Sequence[T]]) -> list[T] | None:
    """One order containing each list as a subsequence, earlier-listed items first; None if they conflict.

    Disjoint lists come out concatenated, which is how an endpoint's parents
    are ordered: those of its endpoint section first, then those of its other
    sections in file order (order matters only within one section).
    """
    rank: dict[T, tuple[int, int]] = {}
    after: dict[T, set[T]] = {}
    waiting: dict[T, int] = {}
    for li, items in enumerate(lists):
        for pos, item in enumerate(items):
            rank.setdefault(item, (li, pos))
            after.setdefault(item, set())
            waiting.setdefault(item, 0)
        for first, second in itertools.pairwise(items):
            if second not in after[first]:
                after[first].add(second)
                waiting[second] += 1
    ready = [(rank[i], n, i) for n, i in enumerate(rank) if waiting[i] == 0]
    heapq.heapify(ready)
    order: list[T] = []
    counter = len(rank)
    while ready:
        _, _, item = heapq.heappop(ready)
        order.append(item)
        for nxt in after[item]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                counter += 1
                heapq.heappush(ready, (rank[nxt], counter, nxt))
    return order if len(order) == len(rank) else None


# --------------------------------------------------------------------------- names


def _product_name(name: str) -> str:
    """A valid template name: each character outside ``[-_.a-zA-Z0-9]`` becomes ``_``; never global/system."""
    mapped = _INVALID_NAME_CHAR.sub("_", name)[:_NAME_LIMIT] or "template"
    return mapped + "_" if mapped.lower() in RESERVED_NAMES else mapped


def _suffixed(name: str, suffix: str) -> str:
    return name[: _NAME_LIMIT - len(suffix)] + suffix


def _allocate_names(drafts: list[_Draft]) -> None:
    """Unique names: kept and regrouped names first (in file order), then mapped ones, ``-n`` on a clash."""
    taken: set[str] = set()
    for draft in [d for d in drafts if d.keeps_name] + [d for d in drafts if not d.keeps_name]:
        name = draft.wanted
        counter = 1
        while name in taken:
            counter += 1
            name = _suffixed(draft.wanted, f"-{counter}")
        assert NAME_PATTERN.fullmatch(name), name
        taken.add(name)
        draft.name = name


# --------------------------------------------------------------------------- the plan


def _assemble(index: _FileIndex, drafts: tuple[list[_Draft], list[PlannedConfig]]) -> ImportPlan:
    templates, endpoints = drafts
    plan = ImportPlan(
        templates=[_planned(d) for d in templates],
        endpoints=endpoints,
        transports=[_transport(n) for n in index.transports],
    )
    if index.global_node is not None:
        plan.global_options = _engine_options(index.global_node)
    if index.system_node is not None:
        plan.system_options = _engine_options(index.system_node)
    return plan


def _planned(draft: _Draft) -> PlannedConfig:
    return PlannedConfig(
        name=draft.name,
        sections={
            s: tuple(o.options) for s, o in sorted(draft.own.items(), key=lambda i: SECTIONS.index(i[0])) if o.options
        },
        parents=[p.name for p in draft.parents],
        transport=draft.transport,
        label=draft.label,
        source=_source(draft.origin.where),
    )


def _engine_options(node: _Node) -> tuple[Option, ...]:
    """Engine objects have no templates in the product: what Asterisk applies, flattened, without ``type``."""
    return tuple((k, v) for k, v, _ in node.section.variables if k != "type")


def _transport(node: _Node) -> PlannedTransport:
    return PlannedTransport(node.name, _engine_options(node), _source(node.section.where))
