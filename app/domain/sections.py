"""The seven option sections of a template or endpoint and their Sorcery types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

Option = tuple[str, str]
Options = tuple[Option, ...]

# Keys whose values are secrets in auth objects (docs/domain.md §6).
# Auth options that are credentials: the two the product rules name, plus the
# other secrets Asterisk's auth object holds (digest hashes, OAuth secrets).
SECRET_KEYS = frozenset({"password", "md5_cred", "password_digest", "oauth_secret", "refresh_token"})
# What a secret is shown as to a caller without the secrets scope.
MASK = "********"


class Section(StrEnum):
    ENDPOINT = "endpoint"
    AOR = "aor"
    AUTH = "auth"
    IDENTIFY = "identify"
    REGISTRATION = "registration"
    REGISTRATION_OUTBOUND_AUTH = "registration_outbound_auth"
    OUTBOUND_AUTH = "outbound_auth"

    @property
    def object_type(self) -> str:
        """The catalog object type whose options this section holds (docs/domain.md §3)."""
        return SECTION_OBJECT_TYPE[self]

    @property
    def input_name(self) -> str:
        """The camelCase name used in GraphQL inputs and error paths."""
        head, *rest = self.value.split("_")
        return head + "".join(part.title() for part in rest)


SECTION_OBJECT_TYPE: dict[Section, str] = {
    Section.ENDPOINT: "endpoint",
    Section.AOR: "aor",
    Section.AUTH: "auth",
    Section.IDENTIFY: "identify",
    Section.REGISTRATION: "registration",
    Section.REGISTRATION_OUTBOUND_AUTH: "auth",
    Section.OUTBOUND_AUTH: "auth",
}

SECTIONS: tuple[Section, ...] = tuple(Section)

Sections = Mapping[Section, Options]


def to_options(pairs: Sequence[Sequence[str]]) -> Options:
    """Normalise stored ``[[key, value], ...]`` into an immutable options tuple.

    (JSON gives strings already; ``map(tuple, ...)`` keeps this cheap for the
    tens of thousands of lists a template change reads.)
    """
    return tuple(map(tuple, pairs))  # type: ignore[arg-type]


_BY_NAME: dict[str, Section] = {s.value: s for s in SECTIONS}
_NO_OPTIONS: dict[Section, Options] = dict.fromkeys(SECTIONS, ())


def sections_from_json(doc: Mapping[str, Sequence[Sequence[str]]] | None) -> dict[Section, Options]:
    """Read the stored JSON form (section name -> list of pairs); unknown names are ignored.

    Every section is a key, in `SECTIONS` order. (Run for every configuration of a tenant a
    template change loads: only the sections stored, usually two or three, are visited.)
    """
    sections = _NO_OPTIONS.copy()
    for name, pairs in (doc or {}).items():
        section = _BY_NAME.get(name)
        if section is not None:
            sections[section] = tuple(map(tuple, pairs))  # type: ignore[arg-type]
    return sections


def sections_to_json(sections: Sections) -> dict[str, list[list[str]]]:
    """The stored JSON form; empty sections are left out to keep rows small."""
    return {s.value: [[k, v] for k, v in opts] for s, opts in sections.items() if opts}
