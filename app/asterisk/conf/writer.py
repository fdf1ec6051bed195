"""Writing Asterisk configuration text that loads back exactly as meant.

The rules mirror the reader (see :mod:`app.asterisk.conf.parser`): every
``;`` would start a comment, so it is written ``\\;``; a value starting with
``>`` would turn ``=`` into ``=>``, so lines are written ``name = value`` the
way Asterisk's own ``ast_config_text_file_save`` writes them; a name starting
with ``[`` or ``#`` would read as a header or a directive, so its first
character is escaped with ``\\``. What cannot be written raises ValueError
rather than producing a file that means something else: a line break or
another control character but tab (the reader takes those for binary data),
a name with ``=`` or blank ends, a section name over 79 bytes, and any line
of 8191 bytes or more (Asterisk skips those).

Asterisk trims characters below 33 from both ends of a value and has no
escape for them, so such a value loads trimmed, as in any pjsip.conf.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from app.asterisk.conf.parser import LINE_CHUNK_BYTES, MAX_NAME_BYTES

# \n would end the line (and \r, \v, \f end it for many tools); the reader takes the other controls for binary.
_UNWRITABLE = re.compile("[\x00-\x08\x0a-\x1f]")
_BLANK_LIMIT = 33
_HEADER_LIKE = ("[", "#", "\\")


def escape_value(value: str) -> str:
    """``value`` as it must appear after ``=`` for Asterisk to read it back unchanged (ends aside)."""
    _refuse_unwritable(value, "value")
    return value.replace(";", "\\;")


def write_section(
    name: str, lines: Iterable[tuple[str, str]], *, template: bool = False, bases: Sequence[str] = ()
) -> str:
    """One section: ``[name](!,base...)`` then ``key = value`` lines, newline terminated."""
    options = (["!"] if template else []) + [_base_text(base) for base in bases]
    header = f"[{_section_text(name)}]" + (f"({','.join(options)})" if options else "")
    out = [_checked_line(header)]
    out.extend(_checked_line(_variable_text(key, value)) for key, value in lines)
    return "\n".join(out) + "\n"


def _variable_text(key: str, value: str) -> str:
    text = escape_value(value)
    return f"{_key_text(key)} = {text}" if text else f"{_key_text(key)} ="


def _key_text(key: str) -> str:
    """A variable name; a leading ``[``, ``#`` or ``\\`` gets the ``\\`` escape Asterisk reads."""
    _refuse_unwritable(key, "name")
    if not key or ord(key[0]) < _BLANK_LIMIT or ord(key[-1]) < _BLANK_LIMIT:
        raise ValueError(f"variable name {key!r} is empty or has blank ends, which Asterisk trims")
    if "=" in key:
        raise ValueError(f"variable name {key!r} contains '='")
    escaped = key.replace(";", "\\;")
    return "\\" + escaped if key.startswith(_HEADER_LIKE) else escaped


def _section_text(name: str) -> str:
    _check_category_name(name, "section name")
    if "]" in name:
        raise ValueError(f"section name {name!r} contains ']'")
    return name.replace(";", "\\;")


def _base_text(base: str) -> str:
    """A base in ``(...)``: Asterisk splits on ``,``, stops at ``)``, and reads ``!`` and ``+...`` as flags."""
    _check_category_name(base, "base name")
    if "," in base or ")" in base or base == "!" or base.startswith("+"):
        raise ValueError(f"base name {base!r} would be read as something else")
    return base.replace(";", "\\;")


def _check_category_name(name: str, what: str) -> None:
    _refuse_unwritable(name, what)
    if not name:
        raise ValueError(f"{what} is empty")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ValueError(f"{what} {name!r} is longer than {MAX_NAME_BYTES} bytes; Asterisk would truncate it")


def _refuse_unwritable(text: str, what: str) -> None:
    if _UNWRITABLE.search(text):
        raise ValueError(f"{what} {text!r} contains a line break or another control character")


def _checked_line(line: str) -> str:
    if len(line.encode("utf-8")) + 1 >= LINE_CHUNK_BYTES:
        raise ValueError(f"line of {LINE_CHUNK_BYTES} bytes or more, which Asterisk skips: {line[:40]!r}...")
    return line
