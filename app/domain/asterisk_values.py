"""How Asterisk itself reads option values, where the catalog's type alone says too little.

Integers: res_pjsip's integer handlers call ``ast_parse_arg`` with PARSE_INT32/PARSE_UINT32, which
reads with ``strtol``/``strtoul`` base 0: ``0x`` is hexadecimal and a leading ``0`` octal (``010``
is 8, ``08`` is refused), and values outside 32 bits are refused. Value formats and minimums that
Asterisk enforces (or silently raises) are data below, keyed by (object type, option).
"""

from __future__ import annotations

import re
from collections.abc import Callable

INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)

_C_INTEGER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def parse_c_integer(text: str) -> int | None:
    """The value ``strtol(text, &end, 0)`` reads when it reads all of ``text``, else None."""
    text = text.strip()
    if not _C_INTEGER.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.lower().startswith("0x"):
        return sign * int(digits[2:], 16)
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits[1:], 8)
    return sign * int(digits, 10)


# DSCP names ast_str2tos knows (main/acl.c), besides a number.
_TOS_NAMES = frozenset(
    {"cs0", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6", "cs7", "ef"}
    | {f"af{a}{b}" for a in range(1, 5) for b in range(1, 4)}
)


def _tos(value: str) -> str | None:
    if value.strip().lower() in _TOS_NAMES:
        return None
    number = parse_c_integer(value)
    if number is None or not 0 <= number <= 255:
        return f"'{value}' is not a DSCP name (cs0-cs7, af11-af43, ef) or a number 0..255"
    return None


def _set_var(value: str) -> str | None:
    name, equals, _ = value.partition("=")
    if not equals or not name.strip():
        return f"'{value}' is not VARIABLE=value"
    return None


def _at_least(minimum: int, why: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        number = parse_c_integer(value)
        if number is not None and number < minimum:
            return f"'{value}' is below {minimum}, the minimum ({why})"
        return None

    return check


def _match_header(value: str) -> str | None:
    if ":" not in value:
        return f"'{value}' is not 'Header-Name: value'"
    return None


VALUE_RULES: dict[tuple[str, str], Callable[[str], str | None]] = {
    ("endpoint", "set_var"): _set_var,
    ("endpoint", "tos_audio"): _tos,
    ("endpoint", "tos_video"): _tos,
    ("transport", "tos"): _tos,
    ("endpoint", "timers_min_se"): _at_least(90, "RFC 4028; Asterisk refuses less"),
    ("identify", "match_header"): _match_header,
    # Asterisk raises smaller values silently; refusing them keeps the record equal to what runs.
    ("system", "timer_t1"): _at_least(100, "Asterisk raises smaller values to 100"),
    ("system", "timer_b"): _at_least(6400, "Asterisk raises smaller values to 64 x timer_t1"),
}
