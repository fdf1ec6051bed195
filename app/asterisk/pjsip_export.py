"""pjsip.conf text for one engine, in two shapes that Asterisk loads into the same objects.

``render_flat`` writes every Sorcery object with its resolved fields: what the
product pushes through ARI, as a file. ``render_native`` keeps the product's
templates as pjsip.conf templates, so an administrator reading the file sees
the structure they manage. The two agree because docs/domain.md §4 *is*
Asterisk's ``[x](a,b)`` rule: the variables of each base in order, then the
section's own, applied one by one (single-valued options: the last wins;
accumulating ones: every occurrence counts). So a template section per
(template, object section) whose bases are the same section of the
template's parents, in order, gives Asterisk the same application list as
the product's resolver.

Every object section carries its own ``type=`` line and templates carry none:
Asterisk ignores templates as objects and selects objects by ``type``, so
this is the only place it is needed, and no object depends on a template to
be recognised.

Template section names contain ``:``, which object ids (``[-_.a-zA-Z0-9]``)
never do, so a base can never resolve to an object; they are unique ignoring
case (Asterisk looks bases up that way) and at most 79 bytes (Asterisk
truncates longer names): ``tpl:<slug>:<template>:<section>``, shortened with
a digest when too long and given a ``~n`` suffix when a name is taken.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from app.asterisk.conf.parser import MAX_NAME_BYTES
from app.asterisk.conf.writer import write_section
from app.domain.resolution import ConfigKind, ConfigNode, CycleError
from app.domain.sections import Option, Options, Section
from app.domain.sorcery import SorceryObject

# The sections behind an endpoint's objects, in the order of the docs/domain.md §5 table.
OBJECT_ORDER: tuple[Section, ...] = (
    Section.AUTH,
    Section.AOR,
    Section.ENDPOINT,
    Section.OUTBOUND_AUTH,
    Section.IDENTIFY,
    Section.REGISTRATION_OUTBOUND_AUTH,
    Section.REGISTRATION,
)
TEMPLATE_PREFIX = "tpl:"
_DIGEST_CHARS = 10


@dataclass(frozen=True, slots=True)
class TenantConfigs:
    """Every template and endpoint of one tenant, keyed by uuid."""

    slug: str
    nodes: Mapping[UUID, ConfigNode]


def render_flat(
    *,
    global_options: Options,
    system_options: Options,
    transports: Sequence[tuple[str, Options]],
    objects: Sequence[SorceryObject],
    engine_objects: bool = True,
) -> str:
    """The engine objects, then each Sorcery object with ``type=`` and its fields, in the order given.

    Without ``engine_objects`` (a tenant's part of the engine, to be included
    in the operator's file) no ``[global]``, ``[system]`` or transport is written:
    a second ``[global]`` would make Asterisk reject the whole type.
    """
    sections = engine_sections(global_options, system_options, transports) if engine_objects else []
    sections.extend(object_sections(objects))
    return "\n".join(sections)


def render_native(
    *,
    global_options: Options,
    system_options: Options,
    transports: Sequence[tuple[str, Options]],
    tenants: Sequence[TenantConfigs],
    engine_objects: bool = True,
) -> str:
    """The engine objects, then per tenant (by slug) its templates and its endpoints' objects.

    Templates come parents first and otherwise by name, because Asterisk
    resolves a base when it reads the inheriting header; endpoints come by
    name, each with its objects in docs/domain.md §5 order. ``engine_objects`` as for `render_flat`.
    """
    sections = engine_sections(global_options, system_options, transports) if engine_objects else []
    names = TemplateNames()
    for tenant in sorted(tenants, key=lambda t: t.slug):
        writer = TenantWriter(tenant.slug, tenant.nodes, names)
        sections.extend(writer.template_sections())
        endpoints = (n for n in tenant.nodes.values() if n.kind is ConfigKind.ENDPOINT)
        for node in sorted(endpoints, key=lambda n: (n.name, n.uuid)):
            sections.extend(writer.endpoint_sections(node))
    return "\n".join(sections)


def engine_sections(
    global_options: Options, system_options: Options, transports: Sequence[tuple[str, Options]]
) -> list[str]:
    """``[global]`` always (Asterisk falls back to defaults without it), ``[system]`` when set, transports."""
    sections = [write_section("global", (("type", "global"), *global_options))]
    if system_options:
        sections.append(write_section("system", (("type", "system"), *system_options)))
    sections.extend(write_section(name, (("type", "transport"), *options)) for name, options in transports)
    return sections


def object_sections(objects: Iterable[SorceryObject]) -> Iterator[str]:
    """Each Sorcery object as a section with its ``type=`` line, in the order given."""
    return (write_section(o.id, (("type", o.type), *o.fields)) for o in objects)


class TenantWriter:
    """Writes one tenant's templates and endpoints, remembering which template sections exist.

    It holds the tenant's templates only: endpoints are handed to it one at a
    time (in name order), so a file of any size is written a part at a time.
    """

    def __init__(self, slug: str, nodes: Mapping[UUID, ConfigNode], names: TemplateNames) -> None:
        self._slug = slug
        self._templates = {uuid: node for uuid, node in nodes.items() if node.kind is ConfigKind.TEMPLATE}
        self._names = names
        self._template_names: dict[tuple[UUID, Section], str] = {}
        self._has_options: dict[tuple[UUID, Section], bool] = {}

    def template_sections(self) -> list[str]:
        """Every template's sections, each template after its parents: written before any endpoint."""
        out: list[str] = []
        for node in _parents_first(self._slug, self._templates):
            out.extend(self._template_sections(node))
        return out

    def endpoint_sections(self, node: ConfigNode) -> Iterator[str]:
        """The endpoint's objects, created exactly when their resolved section is non-empty."""
        present = {section: self._has(node, section) for section in OBJECT_ORDER}
        for section, object_id, references in _objects(node.name, present):
            lines = (("type", section.object_type), *_own(node, section), *references)
            yield write_section(object_id, lines, bases=self._bases(node, section))

    def _template_sections(self, node: ConfigNode) -> Iterator[str]:
        """One ``(!)`` section per object section with options somewhere along the template's chain."""
        for section in OBJECT_ORDER:
            if self._has(node, section):
                name = self._names.assign(self._slug, node.name, section)
                bases = self._bases(node, section)
                self._template_names[(node.uuid, section)] = name
                yield write_section(name, _own(node, section), template=True, bases=bases)

    def _bases(self, node: ConfigNode, section: Section) -> list[str]:
        """The same section of each parent, in order, leaving out parents with nothing in it."""
        keys = ((parent, section) for parent in node.parents)
        return [self._template_names[key] for key in keys if key in self._template_names]

    def _has(self, node: ConfigNode, section: Section) -> bool:
        """Whether the section's application list (own options or any ancestor's) is non-empty."""
        key = (node.uuid, section)
        known = self._has_options.get(key)
        if known is None:
            known = bool(_own(node, section)) or any(self._has(self._template(p), section) for p in node.parents)
            # Templates only: an endpoint is asked once per section, and a big tenant has many.
            if node.kind is ConfigKind.TEMPLATE:
                self._has_options[key] = known
        return known

    def _template(self, uuid: UUID) -> ConfigNode:
        node = self._templates.get(uuid)
        if node is None:
            raise ValueError(f"parent {uuid} is not a template of tenant {self._slug}")
        return node


class TemplateNames:
    """Template section names for one file: never an object id, unique ignoring case, at most 79 bytes."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def assign(self, slug: str, template: str, section: Section) -> str:
        readable = f"{TEMPLATE_PREFIX}{slug}:{template}:{section.value}"
        name = readable if _fits(readable) else _shortened(readable, hashlib.sha256(readable.encode()).hexdigest())
        counter = 1
        while name.lower() in self._taken:
            counter += 1
            name = _shortened(readable, str(counter))
        self._taken.add(name.lower())
        return name


def _fits(name: str) -> bool:
    return len(name.encode("utf-8")) <= MAX_NAME_BYTES


def _shortened(readable: str, tag: str) -> str:
    """``readable`` cut to leave room for ``~tag`` within the name limit; the ``tpl:`` prefix always stays."""
    suffix = "~" + tag[:_DIGEST_CHARS]
    keep = readable
    while not _fits(keep + suffix):
        keep = keep[:-1]
    return keep + suffix


def _parents_first(slug: str, templates: Mapping[UUID, ConfigNode]) -> list[ConfigNode]:
    """The tenant's templates, each after all of its parents, otherwise by name (Kahn's algorithm)."""
    children: dict[UUID, list[UUID]] = {uuid: [] for uuid in templates}
    waiting: dict[UUID, int] = {}
    for uuid, node in templates.items():
        for parent in node.parents:
            if parent not in templates:
                raise ValueError(f"template {node.name} has parent {parent}, which is not a template of tenant {slug}")
            children[parent].append(uuid)
        waiting[uuid] = len(node.parents)
    ready = [(node.name, uuid) for uuid, node in templates.items() if not node.parents]
    heapq.heapify(ready)
    order: list[ConfigNode] = []
    while ready:
        _, uuid = heapq.heappop(ready)
        order.append(templates[uuid])
        for child in children[uuid]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (templates[child].name, child))
    if len(order) != len(templates):
        raise CycleError("templates form a parent cycle")
    return order


def _own(node: ConfigNode, section: Section) -> Options:
    """The config's own options for ``section``; its transport closes its own endpoint section (docs/domain.md §4)."""
    own = tuple(node.sections.get(section, ()))
    if section is Section.ENDPOINT and node.transport_name is not None:
        own += (("transport", node.transport_name),)
    return own


def _objects(name: str, present: Mapping[Section, bool]) -> list[tuple[Section, str, tuple[Option, ...]]]:
    """The endpoint's objects in docs/domain.md §5 order: section, object id, references the product adds."""
    endpoint_refs: list[Option] = []
    if present[Section.AOR]:
        endpoint_refs.append(("aors", name))
    if present[Section.AUTH]:
        endpoint_refs.append(("auth", name))
    if present[Section.OUTBOUND_AUTH]:
        endpoint_refs.append(("outbound_auth", f"outbound_auth_{name}"))
    # Asterisk refuses a registration's endpoint without line support (docs/domain.md §5).
    registration_refs: list[Option] = [("line", "yes"), ("endpoint", name)]
    if present[Section.REGISTRATION_OUTBOUND_AUTH]:
        registration_refs.append(("outbound_auth", f"auth_reg_{name}"))
    plan: list[tuple[Section, str, tuple[Option, ...]]] = [
        (Section.AUTH, name, ()),
        (Section.AOR, name, ()),
        (Section.ENDPOINT, name, tuple(endpoint_refs)),
        (Section.OUTBOUND_AUTH, f"outbound_auth_{name}", ()),
        (Section.IDENTIFY, name, (("endpoint", name),)),
        (Section.REGISTRATION_OUTBOUND_AUTH, f"auth_reg_{name}", ()),
        (Section.REGISTRATION, name, tuple(registration_refs)),
    ]
    return [entry for entry in plan if entry[0] is Section.ENDPOINT or present[entry[0]]]
