"""A changed object recognised from its texts: one value replaced in place.

A template change usually alters one value of each object it reaches. The object's recorded
text and the text the change would write then differ in that one pair. Finding it from the two
texts costs a fraction of decoding the recorded object and comparing it pair by pair (and of
freeing the decoded pairs), and the conclusion is checked exactly: the recorded text must be
what the desired fields, with that one value put back, encode to. Anything else (a key added,
removed or moved, two values changed, a text written some other way) is left to the full
comparison (`app/domain/diff.compare`), which gives the same answer for this case (a property
test checks it).
"""

from __future__ import annotations

from itertools import compress
from operator import ne

import orjson

from app.db.bulk import stored_json
from app.domain.sections import Options

# Between two encoded pairs: `["k","v"],["k2","v2"]`. It can also appear inside a value (an
# escaped quote followed by `],[` and the closing quote): the check below catches a wrong cut.
_BETWEEN_PAIRS = '"],["'
_FIRST, _LAST = '[["', '"]]'


def replaced_value(recorded: str, desired: str, fields: Options) -> str | None:
    """The key of the one value ``fields`` (encoded as ``desired``) replace in the object recorded as
    ``recorded``, when that is the whole difference between them; else None."""
    old_parts = recorded.split(_BETWEEN_PAIRS)
    new_parts = desired.split(_BETWEEN_PAIRS)
    if len(old_parts) != len(new_parts) or len(new_parts) != len(fields):
        return None
    differing = list(compress(range(len(new_parts)), map(ne, old_parts, new_parts)))
    if len(differing) != 1:
        return None
    index = differing[0]
    part = old_parts[index]
    if index == 0:
        part = part.removeprefix(_FIRST) if part.startswith(_FIRST) else ""
    if index == len(old_parts) - 1:
        part = part.removesuffix(_LAST) if part.endswith(_LAST) else ""
    try:
        pair = orjson.loads(f'["{part}"]')
    except orjson.JSONDecodeError:
        return None
    key = fields[index][0]
    if len(pair) != 2 or pair[0] != key or not isinstance(pair[1], str):
        return None
    if stored_json((*fields[:index], (key, pair[1]), *fields[index + 1 :])) != recorded:
        return None  # not the whole difference, or not cut where the pairs meet
    return key
