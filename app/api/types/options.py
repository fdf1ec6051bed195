"""Option values as the schema shows them: own sections, resolved sections with origins, secrets masked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

import strawberry

from app.api.types.enums import ConfigKind
from app.domain.resolution import ResolvedOption
from app.domain.sections import Options, Section
from app.domain.sorcery import mask_resolved, mask_section


@strawberry.type
class SipOption:
    key: str
    value: str


def option_list(options: Options) -> list[SipOption]:
    return [SipOption(key=k, value=v) for k, v in options]


@strawberry.type(description="The options a template or endpoint stores itself, in stored order.")
class SipSections:
    endpoint: list[SipOption]
    aor: list[SipOption]
    auth: list[SipOption]
    identify: list[SipOption]
    registration: list[SipOption]
    registration_outbound_auth: list[SipOption]
    outbound_auth: list[SipOption]


def sections_type(sections: Mapping[Section, Options], *, show_secrets: bool) -> SipSections:
    return SipSections(
        **{  # type: ignore[arg-type]
            s.value: option_list(sections.get(s, ()) if show_secrets else mask_section(s, sections.get(s, ())))
            for s in Section
        }
    )


@strawberry.type(description="Where a resolved value comes from.")
class SipOptionOrigin:
    uuid: UUID
    kind: ConfigKind
    name: str
    label: str | None


@strawberry.type
class OverriddenSipOption:
    value: str
    origin: SipOptionOrigin


@strawberry.type
class ResolvedSipOption:
    key: str
    value: str
    origin: SipOptionOrigin
    inherited: bool = strawberry.field(
        description="True when the value comes from a parent, not from the config itself."
    )
    overrides: list[OverriddenSipOption] = strawberry.field(
        description="Values of the same key that this one replaces, nearest first (empty for accumulating keys)."
    )


@strawberry.type(description="The options in effect after inheritance (docs/domain.md §4).")
class ResolvedSipSections:
    endpoint: list[ResolvedSipOption]
    aor: list[ResolvedSipOption]
    auth: list[ResolvedSipOption]
    identify: list[ResolvedSipOption]
    registration: list[ResolvedSipOption]
    registration_outbound_auth: list[ResolvedSipOption]
    outbound_auth: list[ResolvedSipOption]


def _shown(section: Section, options: Sequence[ResolvedOption], show_secrets: bool) -> Sequence[ResolvedSipOption]:
    # The domain objects already have the shape of ResolvedSipOption (key, value,
    # origin, inherited, overrides), so they are served as they are (the cached
    # tuple itself, whose completed form the executor remembers).
    return options if show_secrets else mask_resolved(section, options)  # type: ignore[return-value]


_SECTION_NAMES = tuple((s, s.value) for s in Section)


def resolved_type(resolved: Mapping[Section, Sequence[ResolvedOption]], *, show_secrets: bool) -> ResolvedSipSections:
    return ResolvedSipSections(
        **{name: _shown(s, resolved.get(s, ()), show_secrets) for s, name in _SECTION_NAMES}  # type: ignore[arg-type]
    )
