"""Sorcery objects to ps_* rows and back, with Asterisk's realtime conventions.

What Asterisk's realtime drivers do with a row (``res_config_pgsql.c`` and its
siblings) fixes how a row must be written:

- every column's text is split on ``;`` into repeated variables, so the values
  of an accumulating key (``allow``, ``set_var``, aor ``contact``...) share one
  column joined with ``;``, and a literal ``;`` in any value must be written
  ``^3B`` (and a literal ``^`` ``^5E``, or ``^3B`` typed by a user would be
  decoded);
- each piece is stripped of blanks, then ``^XX`` hex escapes are decoded, then
  empty pieces are dropped: leading or trailing blanks survive only escaped,
  and an empty value cannot be stored at all;
- columns are applied in table order, so interleaved entries of keys feeding
  one list (``disallow``/``allow``, ``deny``/``permit``/``acl``) are applied
  column by column, not in the order they were given.

Anything the row cannot carry is reported, never silently dropped: options
with no column (``unmapped``), values a column cannot hold (``rejected``) and
lists whose interleaving the row cannot keep (``reordered``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.asterisk.realtime.schema import AST_BOOL, TYPE_BY_TABLE, table_for
from app.domain.catalog import Catalog, load_catalog
from app.domain.sections import Options

SEPARATOR = ";"
# Characters the realtime decoder would misread inside a value: the separator and the escape.
_ESCAPED = str.maketrans({";": "^3B", "^": "^5E"})
# What C's isspace() strips (ast_strip), in the C locale.
_C_BLANKS = " \t\n\v\f\r"
_HEX_ESCAPE = re.compile(rb"\^([0-9A-Fa-f]{2})")
_INTEGER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)")
_INT32 = (-(2**31), 2**31 - 1)

# Asterisk's ast_true()/ast_false() spellings (case-insensitive).
TRUE_SPELLINGS = frozenset({"yes", "true", "y", "t", "1", "on"})
FALSE_SPELLINGS = frozenset({"no", "false", "n", "f", "0", "off"})

# Values Asterisk's parser treats as another label the database enum does have:
# endpoint `timers` accepts `always` as a synonym of `forced`, but the enum lacks it.
ENUM_SYNONYMS: dict[str, dict[str, str]] = {"pjsip_timer_values": {"always": "forced"}}

# Accumulating keys that feed one list in Asterisk, in the table's column order:
# the row can keep each key's own order, not how their entries were interleaved.
SHARED_LISTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "endpoint": (
        ("disallow", "allow"),
        ("deny", "permit", "acl"),
        ("contact_deny", "contact_permit", "contact_acl"),
    ),
}


@dataclass(frozen=True, slots=True)
class Rejected:
    """An option whose column exists but cannot hold its value; the column is left NULL."""

    key: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class RowConversion:
    """One Sorcery object as a row of its table, with everything the row could not carry.

    ``row`` holds ``id`` and the columns that get a value (every other column is
    NULL); it is None when the object cannot be stored at all (``problem`` says why).
    """

    object_type: str
    object_id: str
    table: str | None
    row: dict[str, Any] | None
    unmapped: Options = ()
    rejected: tuple[Rejected, ...] = ()
    reordered: tuple[str, ...] = ()
    problem: str | None = None


def encode_value(value: str) -> str:
    """One value as it must be stored so the realtime decoder gives it back unchanged.

    >>> encode_value("FOO=a;b")
    'FOO=a^3Bb'
    >>> encode_value(" x ")
    '^20x^20'
    """
    body = value.translate(_ESCAPED)
    core = body.strip(_C_BLANKS)
    if not core:
        return _hex(body)
    start = len(body) - len(body.lstrip(_C_BLANKS))
    return _hex(body[:start]) + core + _hex(body[start + len(core) :])


def _hex(text: str) -> str:
    return "".join(f"^{ord(c):02X}" for c in text)


def decode_chunk(chunk: str) -> str:
    """Decode ``^XX`` escapes left to right, as ``ast_realtime_decode_chunk`` does."""
    decoded = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk.encode())
    return decoded.decode("utf-8", errors="replace")


def split_column(text: str) -> list[str]:
    """The values Asterisk reads from one column's text: split, strip, decode, drop empties."""
    values = (decode_chunk(chunk.strip(_C_BLANKS)) for chunk in text.split(SEPARATOR))
    return [v for v in values if v]


def normalise_boolean(value: str) -> bool | None:
    """True/False for any spelling Asterisk accepts (yes/no, true/false, on/off, 1/0, y/n, t/f), else None."""
    lowered = value.lower()
    if lowered in TRUE_SPELLINGS:
        return True
    if lowered in FALSE_SPELLINGS:
        return False
    return None


def object_to_row(
    object_type: str, object_id: str, fields: Options, *, catalog: Catalog | None = None
) -> RowConversion:
    """The row of one Sorcery object (full desired field list) for its ps_* table.

    Single-valued keys keep their last value (Asterisk's last-one-wins);
    accumulating keys (catalog ``multiple``) keep every value in order, joined
    with ``;``. Booleans are written ``yes``/``no`` whatever the spelling given.

    >>> object_to_row("endpoint", "alice", (("allow", "ulaw"), ("allow", "alaw"), ("@x", "1"))).row
    {'id': 'alice', 'allow': 'ulaw;alaw'}
    """
    table = table_for(object_type)
    if table is None:
        return RowConversion(object_type, object_id, None, None, problem=f"no realtime table for '{object_type}'")
    id_length = _length(table.c.id)
    if id_length is not None and len(object_id) > id_length:
        problem = f"id is {len(object_id)} characters; {table.name}.id holds {id_length}"
        return RowConversion(object_type, object_id, table.name, None, problem=problem)
    catalog = catalog or load_catalog()
    values = _values_by_key(object_type, fields, catalog)
    row: dict[str, Any] = {"id": object_id}
    rejected: list[Rejected] = []
    for key, key_values in values.items():
        column = _column(table, key)
        if column is None:
            continue
        stored, problems = column_value(column, key, key_values)
        rejected.extend(problems)
        if stored is not None:
            row[key] = stored
    return RowConversion(
        object_type,
        object_id,
        table.name,
        row,
        unmapped=_unmapped(object_type, table, fields, catalog),
        rejected=tuple(rejected),
        reordered=_reordered(object_type, table, fields),
    )


def _column(table: sa.Table, key: str) -> sa.Column[Any] | None:
    """The column a key is stored in (``id`` is the object id, never an option)."""
    return table.c.get(key) if key != "id" else None


def _values_by_key(object_type: str, fields: Options, catalog: Catalog) -> dict[str, list[str]]:
    """Values per key: all of them for accumulating keys, the last one otherwise."""
    out: dict[str, list[str]] = {}
    for key, value in fields:
        if catalog.is_multiple(object_type, key):
            out.setdefault(key, []).append(value)
        else:
            out[key] = [value]
    return out


def _unmapped(object_type: str, table: sa.Table, fields: Options, catalog: Catalog) -> Options:
    """Options with no column, in field order: as Asterisk would have applied them
    (every entry of an accumulating key, the last entry of any other)."""
    last = {key: i for i, (key, _) in enumerate(fields)}
    return tuple(
        (key, value)
        for i, (key, value) in enumerate(fields)
        if _column(table, key) is None and (last[key] == i or catalog.is_multiple(object_type, key))
    )


def column_value(column: sa.Column[Any], key: str, values: list[str]) -> tuple[Any, list[Rejected]]:
    """What one column stores for these values (None: NULL), and the values it cannot hold."""
    type_ = column.type
    if isinstance(type_, sa.String) and not isinstance(type_, sa.Enum):
        return _text_value(column, key, values)
    value = values[-1]
    stored, reason = _typed_value(type_, value)
    return stored, [] if reason is None else [Rejected(key, value, reason)]


def _text_value(column: sa.Column[Any], key: str, values: list[str]) -> tuple[str | None, list[Rejected]]:
    rejected = [Rejected(key, v, "empty value: Asterisk skips empty realtime values") for v in values if not v]
    kept = [encode_value(v) for v in values if v]
    if not kept:
        return None, rejected
    text = SEPARATOR.join(kept)
    limit = _length(column)
    if limit is not None and len(text) > limit:
        reason = f"{len(text)} characters once encoded; {column.table.name}.{column.name} holds {limit}"
        return None, rejected + [Rejected(key, v, reason) for v in values if v]
    return text, rejected


def _typed_value(type_: sa.types.TypeEngine[Any], value: str) -> tuple[Any, str | None]:
    """(stored value, None) or (None, why the column cannot hold ``value``)."""
    if isinstance(type_, sa.Enum):
        return _enum_value(type_, value)
    if isinstance(type_, sa.Boolean):
        flag = normalise_boolean(value)
        return (None, f"'{value}' is not a boolean") if flag is None else (flag, None)
    if isinstance(type_, sa.Integer):
        number = _parse_int(value)
        return (None, f"'{value}' is not a 32-bit integer") if number is None else (number, None)
    if isinstance(type_, sa.Float):
        real = _parse_float(value)
        return (None, f"'{value}' is not a finite number") if real is None else (real, None)
    raise TypeError(f"no conversion for column type {type_!r}")


def _enum_value(type_: sa.Enum, value: str) -> tuple[str | None, str | None]:
    if type_ is AST_BOOL:
        flag = normalise_boolean(value)
        return (None, f"'{value}' is not a boolean") if flag is None else ("yes" if flag else "no", None)
    name = str(type_.name)
    lowered = value.strip().lower()
    lowered = ENUM_SYNONYMS.get(name, {}).get(lowered, lowered)
    for label in type_.enums:
        if label.lower() == lowered:
            return label, None
    return None, f"'{value}' is not a label of {name} ({', '.join(type_.enums)})"


def _parse_int(value: str) -> int | None:
    text = value.strip()
    if not _INTEGER.fullmatch(text):
        return None
    number = int(text, 16) if text.lstrip("+-").lower().startswith("0x") else int(text, 10)
    return number if _INT32[0] <= number <= _INT32[1] else None


def _parse_float(value: str) -> float | None:
    try:
        real = float(value)
    except ValueError:
        return None
    return real if math.isfinite(real) else None


def _length(column: sa.Column[Any]) -> int | None:
    length = getattr(column.type, "length", None)
    return int(length) if isinstance(length, int) else None


def _reordered(object_type: str, table: sa.Table, fields: Options) -> tuple[str, ...]:
    """Keys of a shared list whose entries were interleaved in an order the columns cannot keep."""
    position = {name: i for i, name in enumerate(table.c.keys())}
    out: list[str] = []
    for group in SHARED_LISTS.get(object_type, ()):
        given = [k for k, _ in fields if k in group]
        if given != sorted(given, key=position.__getitem__):
            out.extend(k for k in group if k in given)
    return tuple(out)


def row_to_fields(table: str | sa.Table, row: Mapping[Any, Any]) -> Options:
    """The fields Asterisk reads from a row, in column order (``id`` and NULLs left out).

    Text is split on ``;`` and ``^XX``-decoded as the realtime drivers do;
    native booleans read as ``yes``/``no``, numbers in their shortest form.
    """
    table = _table(table)
    out: list[tuple[str, str]] = []
    for column in table.columns:
        value = row.get(column.name)
        if column.name == "id" or value is None:
            continue
        out.extend((column.name, v) for v in _read_values(value))
    return tuple(out)


def _table(table: str | sa.Table) -> sa.Table:
    if isinstance(table, sa.Table):
        return table
    object_type = TYPE_BY_TABLE.get(table)
    found = table_for(object_type) if object_type is not None else None
    if found is None:
        raise KeyError(f"'{table}' is not a realtime table of this schema")
    return found


def _read_values(value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        text = repr(value)
        return [text.removesuffix(".0")]
    return split_column(str(value))
