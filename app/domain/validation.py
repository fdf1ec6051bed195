"""Option and name validation (docs/domain.md §3 and §2).

Every function returns the list of issues it found instead of raising, so a
mutation can report all of them at once and write nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from app.domain.asterisk_values import INT32, UINT32, VALUE_RULES, parse_c_integer
from app.domain.catalog import BOOLEAN, DOUBLE, INTEGER, UNSIGNED, Catalog, OptionSpec
from app.domain.sections import MASK, SECRET_KEYS, Options, Section
from app.errors import Issue

MAX_VALUE_LENGTH = 4092
MAX_OPTIONS_PER_SECTION = 512
MAX_PARENTS = 20
MAX_INHERITANCE_DEPTH = 16

BOOLEAN_SPELLINGS = frozenset({"yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"})

NAME_PATTERN = re.compile(r"[-_.a-zA-Z0-9]{1,79}")
RESERVED_NAMES = frozenset({"global", "system"})
# C0/C1 controls (U+0085 included), line separators and bidi controls: refused in every name, label and value.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_EXTENDED_KEY = re.compile(r"@[^\s=;\[\]()]{1,78}")  # always fullmatch

# Keys the product writes itself from references (docs/domain.md §3).
MANAGED_KEYS: dict[str, frozenset[str]] = {
    "endpoint": frozenset({"aors", "auth", "outbound_auth", "transport"}),
    "identify": frozenset({"endpoint"}),
    "registration": frozenset({"endpoint", "line", "outbound_auth"}),
}
# Sorcery extended fields (`@name`) are accepted only where Asterisk consumers use them.
EXTENDED_KEY_TYPES = frozenset({"endpoint", "aor"})
# Enumerated options whose value is a comma separated list of enumeration values.
LIST_ENUMS = frozenset(
    {
        "identify_by",
        "supported_algorithms_uac",
        "supported_algorithms_uas",
        "default_auth_algorithms_uac",
        "default_auth_algorithms_uas",
    }
)


def check_value(spec: OptionSpec, value: str) -> str | None:
    """Why ``value`` is not acceptable for ``spec``, or None when it is."""
    if spec.type == BOOLEAN:
        if value.lower() not in BOOLEAN_SPELLINGS:
            return f"'{value}' is not a boolean (use yes/no, true/false, on/off, 1/0)"
        return None
    if spec.type in (INTEGER, UNSIGNED):
        number = parse_c_integer(value)
        if number is None:
            return f"'{value}' is not an integer (decimal, 0x hexadecimal or 0 octal, as Asterisk reads it)"
        if spec.type == UNSIGNED and number < 0:
            return f"'{value}' must not be negative"
        low_bound, high_bound = UINT32 if spec.type == UNSIGNED else INT32
        if not low_bound <= number <= high_bound:
            return f"'{value}' is outside {low_bound}..{high_bound}"
        if spec.range is not None:
            low, high = spec.range
            if (low.lstrip("-").isdigit() and number < int(low)) or (high.isdigit() and number > int(high)):
                return f"'{value}' is outside {low}..{high}"
        return None
    if spec.type == DOUBLE:
        try:
            float(value)
        except ValueError:
            return f"'{value}' is not a number"
        return None
    if spec.enum is not None:
        allowed = {e.lower() for e in spec.enum}
        items = [v.strip() for v in value.split(",")] if spec.name in LIST_ENUMS else [value.strip()]
        bad = [v for v in items if v.lower() not in allowed]
        if bad:
            return f"'{bad[0]}' is not one of {', '.join(spec.enum)}"
    return None


def validate_options(
    catalog: Catalog,
    object_type: str,
    options: Options,
    *,
    path: str,
    managed: frozenset[str] | None = None,
) -> list[Issue]:
    """Check one ordered option list against the catalog of ``object_type``.

    ``path`` is the input path of the list, e.g. ``input.options.endpoint``;
    issues point at ``<path>[i].key`` or ``<path>[i].value``.
    """
    issues: list[Issue] = []
    managed = MANAGED_KEYS.get(object_type, frozenset()) if managed is None else managed
    if len(options) > MAX_OPTIONS_PER_SECTION:
        issues.append(Issue(path, f"{len(options)} options; at most {MAX_OPTIONS_PER_SECTION} per section"))
        return issues
    for i, (key, value) in enumerate(options):
        at = f"{path}[{i}]"
        problem = _check_key(catalog, object_type, key, managed)
        if problem is not None:
            issues.append(Issue(f"{at}.key", problem))
            continue
        if len(value) > MAX_VALUE_LENGTH:
            issues.append(Issue(f"{at}.value", f"'{key}' value is longer than {MAX_VALUE_LENGTH} characters"))
            continue
        if _CONTROL.search(value):
            issues.append(Issue(f"{at}.value", f"'{key}' value contains a control character"))
            continue
        spec = catalog.spec(object_type, key)
        if spec is not None:
            reason = check_value(spec, value)
            rule = VALUE_RULES.get((object_type, key))
            # a masked secret stands for the stored one, which the service puts back and which was checked
            if reason is None and rule is not None and not (value == MASK and key in SECRET_KEYS):
                reason = rule(value)
            if reason is not None:
                issues.append(Issue(f"{at}.value", f"{object_type} option '{key}': {reason}"))
    return issues


def _check_key(catalog: Catalog, object_type: str, key: str, managed: frozenset[str]) -> str | None:
    if not key or _CONTROL.search(key):
        return "empty key or key with a control character"
    if key.startswith("@"):
        if object_type not in EXTENDED_KEY_TYPES:
            return f"extended fields ('@...') are accepted only in endpoint and aor sections, not {object_type}"
        if not _EXTENDED_KEY.fullmatch(key):
            return f"'{key}' is not a valid extended field name"
        return None
    if key == "type":
        return "'type' is set by the server and cannot be given"
    if key in managed:
        hint = " (use the transport field)" if key == "transport" else ""
        return f"'{key}' is managed by the server from the configuration's references{hint}"
    if catalog.spec(object_type, key) is None:
        suggestion = catalog.suggest(object_type, key)
        message = f"unknown {object_type} option '{key}'"
        return f"{message}; did you mean '{suggestion}'?" if suggestion else message
    return None


def validate_sections(
    catalog: Catalog, sections: Mapping[Section, Options], *, path: str = "input.options"
) -> list[Issue]:
    """Check every given section of a template or endpoint."""
    issues: list[Issue] = []
    for section, options in sections.items():
        issues += validate_options(catalog, section.object_type, options, path=f"{path}.{section.input_name}")
    return issues


def validate_name(name: str, *, field: str, what: str) -> list[Issue]:
    """Names are PJSIP object ids: ``^[-_.a-zA-Z0-9]{1,79}$``, never ``global``/``system``."""
    if not NAME_PATTERN.fullmatch(name):
        return [Issue(field, f"{what} name '{name}' must match ^[-_.a-zA-Z0-9]{{1,79}}$")]
    if name.lower() in RESERVED_NAMES:
        return [Issue(field, f"'{name}' is reserved by Asterisk for its single objects")]
    return []


def validate_label(label: str | None, *, field: str) -> list[Issue]:
    if label is None:
        return []
    if len(label) > 128:
        return [Issue(field, "label is longer than 128 characters")]
    if _CONTROL.search(label):
        return [Issue(field, "label contains a control character")]
    return []


def validate_parent_list(parents: Iterable[object], *, field: str) -> list[Issue]:
    """Shape checks of a parent list that need no database: size and duplicates."""
    seen: set[object] = set()
    issues: list[Issue] = []
    items = list(parents)
    if len(items) > MAX_PARENTS:
        issues.append(Issue(field, f"{len(items)} parents; at most {MAX_PARENTS}"))
    for i, parent in enumerate(items):
        if parent in seen:
            issues.append(Issue(f"{field}[{i}]", "the same template is listed twice"))
        seen.add(parent)
    return issues
