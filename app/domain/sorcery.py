"""Flattening a resolved endpoint into Sorcery objects (docs/domain.md §5)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from app.domain.resolution import ResolvedOption
from app.domain.sections import MASK, SECRET_KEYS, SECTIONS, Option, Options, Section

# Secrets per object type: auth credentials, and a transport's TLS private key password.
SECRETS_BY_TYPE: dict[str, frozenset[str]] = {"auth": SECRET_KEYS, "transport": frozenset({"password"})}
# The sections whose options become auth objects, where secrets live.
SECRET_SECTIONS = frozenset({Section.AUTH, Section.OUTBOUND_AUTH, Section.REGISTRATION_OUTBOUND_AUTH})
# Object ids the product gives an endpoint's outbound auth objects: no endpoint may take such a name.
RESERVED_PREFIXES = ("outbound_auth_", "auth_reg_")

ObjectKey = tuple[str, str]  # (object type, object id)


@dataclass(frozen=True, slots=True)
class SorceryObject:
    type: str
    id: str
    fields: Options

    @property
    def key(self) -> ObjectKey:
        return (self.type, self.id)


_KEY_VALUE = attrgetter("key", "value")


def _pairs(options: Sequence[ResolvedOption]) -> Options:
    return tuple(map(_KEY_VALUE, options))


def endpoint_objects(name: str, resolved: Mapping[Section, Sequence[ResolvedOption]]) -> list[SorceryObject]:
    """The Sorcery objects of one endpoint named ``name``, references included.

    An object exists when its resolved section is non-empty; the endpoint
    object always exists. The order is the order of the docs/domain.md §5 table.
    A section missing from ``resolved`` is empty.
    """
    fields = {section: _pairs(options) for section, options in resolved.items()}
    fields.setdefault(Section.ENDPOINT, ())
    present = [section for section, options in fields.items() if options]
    return [SorceryObject(t, i, f) for (t, i), f in objects_of_fields(name, fields, present)]


def objects_of_fields(
    name: str, fields: Mapping[Section, Options], present: Collection[Section]
) -> list[tuple[ObjectKey, Options]]:
    """`endpoint_objects` from resolved (key, value) pairs, for the sections of ``fields`` only,
    as (key, fields) pairs (a big change makes tens of thousands: no object each).

    ``present``: the endpoint's sections (of all seven) that hold options; the endpoint's and
    the registration's references follow them, whether or not ``fields`` holds those sections.
    """
    objects: list[tuple[ObjectKey, Options]] = []
    auth = fields.get(Section.AUTH)
    if auth:
        objects.append((("auth", name), auth))
    aor = fields.get(Section.AOR)
    if aor:
        objects.append((("aor", name), aor))
    endpoint = fields.get(Section.ENDPOINT)
    if endpoint is not None:
        references: list[Option] = []
        if Section.AOR in present:
            references.append(("aors", name))
        if Section.AUTH in present:
            references.append(("auth", name))
        if Section.OUTBOUND_AUTH in present:
            references.append(("outbound_auth", f"outbound_auth_{name}"))
        objects.append((("endpoint", name), endpoint + tuple(references)))
    outbound = fields.get(Section.OUTBOUND_AUTH)
    if outbound:
        objects.append((auth_object_key(Section.OUTBOUND_AUTH, name), outbound))
    identify = fields.get(Section.IDENTIFY)
    if identify:
        objects.append((("identify", name), (*identify, ("endpoint", name))))
    reg_auth = fields.get(Section.REGISTRATION_OUTBOUND_AUTH)
    if reg_auth:
        objects.append((auth_object_key(Section.REGISTRATION_OUTBOUND_AUTH, name), reg_auth))
    registration = fields.get(Section.REGISTRATION)
    if registration:
        # Asterisk refuses a registration's endpoint without line support (docs/domain.md §5).
        extra: tuple[Option, ...] = (("line", "yes"), ("endpoint", name))
        if Section.REGISTRATION_OUTBOUND_AUTH in present:
            extra += (("outbound_auth", f"auth_reg_{name}"),)
        objects.append((("registration", name), registration + extra))
    return objects


# The sections each object of an endpoint is made from, named by the section it comes from
# (`object_section`); the others are made from their own section alone.
OBJECT_INPUTS: dict[Section, frozenset[Section]] = {
    # its aors, auth and outbound_auth references exist when those sections hold options
    Section.ENDPOINT: frozenset({Section.ENDPOINT, Section.AOR, Section.AUTH, Section.OUTBOUND_AUTH}),
    # its outbound_auth reference, likewise
    Section.REGISTRATION: frozenset({Section.REGISTRATION, Section.REGISTRATION_OUTBOUND_AUTH}),
}
# The sections whose presence alone (not their options) other objects' references follow.
REFERENCED_SECTIONS = frozenset({Section.AOR, Section.AUTH, Section.OUTBOUND_AUTH, Section.REGISTRATION_OUTBOUND_AUTH})


def objects_changed_by(changed: Collection[Section]) -> frozenset[Section]:
    """The endpoint objects (named by the section each comes from) that can change when the
    endpoint's resolved ``changed`` sections do; every other object stays as it is."""
    return frozenset(s for s in SECTIONS if not OBJECT_INPUTS.get(s, frozenset({s})).isdisjoint(changed))


def object_section(object_type: str, object_id: str) -> Section:
    """The section an endpoint's object comes from (docs/domain.md §5)."""
    if object_type != "auth":
        return Section(object_type)
    for section, prefix in _AUTH_PREFIXES:
        if object_id.startswith(prefix):
            return section
    return Section.AUTH


# Which auth object of an endpoint each secret-holding section becomes.
_AUTH_OBJECT_IDS = {
    Section.AUTH: "{}",
    Section.OUTBOUND_AUTH: "outbound_auth_{}",
    Section.REGISTRATION_OUTBOUND_AUTH: "auth_reg_{}",
}
# The id prefixes of the auth objects that are not an endpoint's own auth.
_AUTH_PREFIXES = tuple((s, ids.format("")) for s, ids in _AUTH_OBJECT_IDS.items() if ids != "{}")


def auth_object_key(section: Section, endpoint_name: str) -> ObjectKey:
    """The auth object that ``section`` of the endpoint ``endpoint_name`` becomes."""
    return ("auth", _AUTH_OBJECT_IDS[section].format(endpoint_name))


def transport_object(name: str, options: Options) -> SorceryObject:
    return SorceryObject("transport", name, options)


def global_object(options: Options) -> SorceryObject:
    return SorceryObject("global", "global", options)


def system_object(options: Options) -> SorceryObject:
    return SorceryObject("system", "system", options)


def mask_section(section: Section, options: Options) -> Options:
    """A configuration's own options of ``section`` as a caller without the secrets scope sees them."""
    if section not in SECRET_SECTIONS:
        return options
    return tuple((k, MASK if k in SECRET_KEYS else v) for k, v in options)


def mask_resolved(section: Section, options: Sequence[ResolvedOption]) -> Sequence[ResolvedOption]:
    """Resolved options of ``section`` with secrets masked (and what they override dropped);
    ``options`` itself when there is nothing to hide, so that a cached view is served as it is."""
    if section not in SECRET_SECTIONS or not any(o.key in SECRET_KEYS for o in options):
        return options
    return [ResolvedOption(o.key, MASK, o.origin, o.inherited, ()) if o.key in SECRET_KEYS else o for o in options]


def mask_fields(object_type: str, fields: Options) -> Options:
    """Hide secrets (auth credentials, TLS key passwords) from callers without the secrets scope."""
    secret = SECRETS_BY_TYPE.get(object_type)
    if secret is None:
        return fields
    return tuple((k, MASK if k in secret else v) for k, v in fields)
