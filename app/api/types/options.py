"""Option values as the schema shows them: own sections, resolved sections with origins, secrets masked."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple
from uuid import UUID

import orjson
import strawberry

from app.api.types.enums import ConfigKind
from app.domain.resolution import ResolvedOption
from app.domain.sections import Options, Section, sections_from_json
from app.domain.sorcery import mask_resolved, mask_section


@strawberry.type(
    description=("One option: a pjsip.conf key and its value. Accumulating keys (allow, set_var...) may repeat.")
)
class SipOption:
    key: str = strawberry.field(description="The option's key in pjsip.conf; `optionCatalog` documents each.")
    value: str = strawberry.field(
        description="The value as Asterisk reads it; secrets are masked without the secrets scope."
    )


# What each section of a template or endpoint becomes (docs/domain.md §5), said once for
# the own, resolved and input forms.
SECTION_HELP = {
    Section.ENDPOINT: "the endpoint object",
    Section.AOR: "the aor object",
    Section.AUTH: "the inbound auth object",
    Section.IDENTIFY: "the identify object",
    Section.REGISTRATION: "the outbound registration",
    Section.REGISTRATION_OUTBOUND_AUTH: "the auth object the registration uses",
    Section.OUTBOUND_AUTH: "the auth object the endpoint uses for outbound requests",
}


def section_help(section: Section, prefix: str = "Options of ") -> str:
    return f"{prefix}{SECTION_HELP[section]}."


def option_list(options: Options) -> list[SipOption]:
    return [SipOption(key=k, value=v) for k, v in options]


class OwnOption(NamedTuple):
    """A stored option as `SipOption` shows it, immutable: a tuple of them is served again
    and again (`own_sections_type`), so its completed form is kept (app/api/execution.py)."""

    key: str
    value: str


# Distinct stored option texts kept decoded (a page of 100 endpoints uses 100).
OWN_SECTIONS_KEPT = 20_000


@functools.lru_cache(maxsize=OWN_SECTIONS_KEPT)
def _own_sections(stored: str, show_secrets: bool) -> KeptSipSections:
    """The sections of a stored options text, masked or not: a pure function of the text,
    so the same text gives the same (shared, immutable) object without decoding it again."""
    sections = sections_from_json(orjson.loads(stored))
    shown = {s: sections.get(s, ()) if show_secrets else mask_section(s, sections.get(s, ())) for s in Section}
    return KeptSipSections(**{s.value: tuple(OwnOption(k, v) for k, v in shown[s]) for s in Section})  # type: ignore[arg-type]


def own_sections_type(
    stored: object, sections: Callable[[], Mapping[Section, Options]], *, show_secrets: bool
) -> SipSections:
    """A configuration's own sections: from the kept decoding of its stored text when it was
    read as text (pages read it so), else from ``sections()``."""
    if isinstance(stored, str):
        return _own_sections(stored, show_secrets)
    return sections_type(sections(), show_secrets=show_secrets)


@strawberry.type(description="The options a template or endpoint stores itself, in stored order.")
class SipSections:
    endpoint: list[SipOption] = strawberry.field(description=section_help(Section.ENDPOINT))
    aor: list[SipOption] = strawberry.field(description=section_help(Section.AOR))
    auth: list[SipOption] = strawberry.field(description=section_help(Section.AUTH))
    identify: list[SipOption] = strawberry.field(description=section_help(Section.IDENTIFY))
    registration: list[SipOption] = strawberry.field(description=section_help(Section.REGISTRATION))
    registration_outbound_auth: list[SipOption] = strawberry.field(
        description=section_help(Section.REGISTRATION_OUTBOUND_AUTH)
    )
    outbound_auth: list[SipOption] = strawberry.field(description=section_help(Section.OUTBOUND_AUTH))


class KeptSipSections(SipSections):
    """Own sections shared between requests (`own_sections_type`): immutable, every section a
    tuple of `OwnOption`, so the executor keeps their completed form (app/api/execution.py)."""


def sections_type(sections: Mapping[Section, Options], *, show_secrets: bool) -> SipSections:
    return SipSections(
        **{  # type: ignore[arg-type]
            s.value: option_list(sections.get(s, ()) if show_secrets else mask_section(s, sections.get(s, ())))
            for s in Section
        }
    )


@strawberry.type(description="Where a resolved value comes from.")
class SipOptionOrigin:
    uuid: UUID = strawberry.field(description="The template's or endpoint's uuid.")
    kind: ConfigKind = strawberry.field(description="Template, or the endpoint itself.")
    name: str = strawberry.field(description="Its name.")
    label: str | None = strawberry.field(description="Its label.")


@strawberry.type(description="A value of an option that a nearer one replaces.")
class OverriddenSipOption:
    value: str = strawberry.field(description="The replaced value.")
    origin: SipOptionOrigin = strawberry.field(description="The template (or endpoint) that sets it.")


@strawberry.type(description="An option in effect after inheritance, with where it comes from.")
class ResolvedSipOption:
    key: str = strawberry.field(description="The option's key in pjsip.conf; `optionCatalog` documents each.")
    value: str = strawberry.field(description="The value in effect; secrets are masked without the secrets scope.")
    origin: SipOptionOrigin = strawberry.field(description="The template or endpoint that sets this value.")
    inherited: bool = strawberry.field(
        description="True when the value comes from a parent, not from the config itself."
    )
    overrides: list[OverriddenSipOption] = strawberry.field(
        description="Values of the same key that this one replaces, nearest first (empty for accumulating keys)."
    )


@strawberry.type(description="The options in effect after inheritance (docs/domain.md §4).")
class ResolvedSipSections:
    endpoint: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.ENDPOINT))
    aor: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.AOR))
    auth: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.AUTH))
    identify: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.IDENTIFY))
    registration: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.REGISTRATION))
    registration_outbound_auth: list[ResolvedSipOption] = strawberry.field(
        description=section_help(Section.REGISTRATION_OUTBOUND_AUTH)
    )
    outbound_auth: list[ResolvedSipOption] = strawberry.field(description=section_help(Section.OUTBOUND_AUTH))


def _shown(section: Section, options: Sequence[ResolvedOption], show_secrets: bool) -> Sequence[ResolvedSipOption]:
    # The domain objects already have the shape of ResolvedSipOption (key, value,
    # origin, inherited, overrides), so they are served as they are (the cached
    # tuple itself, whose completed form the executor remembers).
    return options if show_secrets else mask_resolved(section, options)  # type: ignore[return-value]


_SECTION_NAMES = tuple((s, s.value) for s in Section)


class KeptResolvedSipSections(ResolvedSipSections):
    """Resolved sections shared between requests (`resolved_type`): immutable, every section the
    cached view's own tuple, so the executor keeps their completed form (app/api/execution.py)."""


# Resolved views served as the same object by (identity of the view, secrets shown): a cached view
# is shared by every request, and so is what shows it. Each entry keeps its view alive, so the
# bound is a few pages' worth, not the resolution cache's size.
RESOLVED_KEPT = 2_000
_kept_resolved: OrderedDict[tuple[int, bool], tuple[Mapping[Section, Sequence[ResolvedOption]], ResolvedSipSections]]
_kept_resolved = OrderedDict()


def resolved_type(resolved: Mapping[Section, Sequence[ResolvedOption]], *, show_secrets: bool) -> ResolvedSipSections:
    key = (id(resolved), show_secrets)
    kept = _kept_resolved.get(key)
    if kept is not None and kept[0] is resolved:  # the entry keeps the view alive: its id is still its own
        _kept_resolved.move_to_end(key)
        return kept[1]
    shown = {name: _shown(s, resolved.get(s, ()), show_secrets) for s, name in _SECTION_NAMES}
    if not all(type(options) is tuple for options in shown.values()):
        return ResolvedSipSections(**shown)  # type: ignore[arg-type]  # masked: made for this request
    sections = KeptResolvedSipSections(**shown)  # type: ignore[arg-type]
    _kept_resolved[key] = (resolved, sections)
    if len(_kept_resolved) > RESOLVED_KEPT:
        _kept_resolved.popitem(last=False)
    return sections
