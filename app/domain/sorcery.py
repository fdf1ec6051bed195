"""Flattening a resolved endpoint into Sorcery objects (docs/domain.md §5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from app.domain.resolution import ResolvedOption
from app.domain.sections import MASK, SECRET_KEYS, Option, Options, Section

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
    """
    auth = _pairs(resolved.get(Section.AUTH, ()))
    aor = _pairs(resolved.get(Section.AOR, ()))
    outbound = _pairs(resolved.get(Section.OUTBOUND_AUTH, ()))
    identify = _pairs(resolved.get(Section.IDENTIFY, ()))
    reg_auth = _pairs(resolved.get(Section.REGISTRATION_OUTBOUND_AUTH, ()))
    registration = _pairs(resolved.get(Section.REGISTRATION, ()))

    references: list[Option] = []
    if aor:
        references.append(("aors", name))
    if auth:
        references.append(("auth", name))
    if outbound:
        references.append(("outbound_auth", f"outbound_auth_{name}"))

    objects: list[SorceryObject] = []
    if auth:
        objects.append(SorceryObject("auth", name, auth))
    if aor:
        objects.append(SorceryObject("aor", name, aor))
    objects.append(SorceryObject("endpoint", name, _pairs(resolved.get(Section.ENDPOINT, ())) + tuple(references)))
    if outbound:
        objects.append(SorceryObject("auth", auth_object_key(Section.OUTBOUND_AUTH, name)[1], outbound))
    if identify:
        objects.append(SorceryObject("identify", name, (*identify, ("endpoint", name))))
    if reg_auth:
        objects.append(SorceryObject("auth", auth_object_key(Section.REGISTRATION_OUTBOUND_AUTH, name)[1], reg_auth))
    if registration:
        # Asterisk refuses a registration's endpoint without line support (docs/domain.md §5).
        extra: tuple[Option, ...] = (("line", "yes"), ("endpoint", name))
        if reg_auth:
            extra += (("outbound_auth", f"auth_reg_{name}"),)
        objects.append(SorceryObject("registration", name, registration + extra))
    return objects


# Which auth object of an endpoint each secret-holding section becomes.
_AUTH_OBJECT_IDS = {
    Section.AUTH: "{}",
    Section.OUTBOUND_AUTH: "outbound_auth_{}",
    Section.REGISTRATION_OUTBOUND_AUTH: "auth_reg_{}",
}


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
