"""The PJSIP option catalog: which keys each Sorcery object type accepts and how.

The facts (names, types, defaults, enumerations, whether a repeated key
accumulates) come from Asterisk's own option registrations and are shipped in
``data/pjsip_catalog.json``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Option types as the catalog names them.
BOOLEAN = "boolean"
INTEGER = "integer"
UNSIGNED = "unsigned"
DOUBLE = "double"

OBJECT_TYPES = ("endpoint", "aor", "auth", "identify", "registration", "transport", "global", "system")


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    type: str
    default: str | None = None
    enum: tuple[str, ...] | None = None
    multiple: bool = False
    range: tuple[str, str] | None = None
    deprecated: bool = False


class Catalog:
    """Lookups over the option catalog of every PJSIP object type."""

    def __init__(self, object_types: dict[str, dict[str, OptionSpec]]) -> None:
        self._types = object_types
        self._multiple = {t: frozenset(k for k, s in opts.items() if s.multiple) for t, opts in object_types.items()}
        # Keys compared without separators, so `dtmfmode` finds `dtmf_mode` at once.
        self._squashed = {t: {_squash(k): k for k in opts} for t, opts in object_types.items()}

    def spec(self, object_type: str, key: str) -> OptionSpec | None:
        return self._types[object_type].get(key)

    def keys(self, object_type: str) -> frozenset[str]:
        return frozenset(self._types[object_type])

    def multiple_keys(self, object_type: str) -> frozenset[str]:
        """Keys that accumulate when repeated (``allow``, ``set_var``, ``match``...)."""
        return self._multiple[object_type]

    def is_multiple(self, object_type: str, key: str) -> bool:
        return key in self._multiple[object_type]

    def suggest(self, object_type: str, key: str) -> str | None:
        """The closest documented key for a misspelling, or None.

        >>> load_catalog().suggest("endpoint", "dtmfmode")
        'dtmf_mode'
        """
        squashed = self._squashed[object_type].get(_squash(key))
        if squashed is not None:
            return squashed
        close = difflib.get_close_matches(key.lower(), list(self._types[object_type]), n=1, cutoff=0.75)
        return close[0] if close else None


def _squash(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


@cache
def load_catalog() -> Catalog:
    raw = json.loads(resources.files("app.domain").joinpath("data/pjsip_catalog.json").read_text())
    types: dict[str, dict[str, OptionSpec]] = {}
    for object_type, options in raw["object_types"].items():
        types[object_type] = {
            name: OptionSpec(
                name=name,
                type=o["type"],
                default=o.get("default"),
                enum=tuple(o["enum"]) if "enum" in o else None,
                multiple=bool(o.get("multiple", False)),
                range=tuple(o["range"]) if "range" in o else None,  # type: ignore[arg-type]
                deprecated=bool(o.get("deprecated", False)),
            )
            for name, o in options.items()
        }
    return Catalog(types)
