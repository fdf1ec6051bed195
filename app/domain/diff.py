"""From recorded to desired Sorcery objects: the minimal, reference-safe update list."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import compress
from operator import ne
from typing import NamedTuple
from uuid import UUID

from app.domain.catalog import Catalog
from app.domain.sections import Options
from app.domain.sorcery import ObjectKey


class Action(StrEnum):
    UPSERT = "UPSERT"
    DELETE = "DELETE"


# Asterisk cannot apply these per object: transports are not pushable through
# ARI and their bind/protocol/TLS need a reload or restart; `system` is not
# reloadable at all (asterisk-notes §1.5, §2.3).
RELOAD_TYPES = frozenset({"transport", "system"})


class Owner(NamedTuple):
    """Which tenant and endpoint an object belongs to (none for engine objects).

    A named tuple: a big change makes one per endpoint, at a fraction of a dataclass's cost.
    """

    tenant_uuid: UUID | None = None
    endpoint_uuid: UUID | None = None


@dataclass(frozen=True, slots=True)
class SorceryUpdateShape:
    """What one Sorcery update does to one object.

    The one declaration of an update's shape: the planned update (below), the
    recorded one (`app/record/updates.py`), its stored row and its GraphQL type
    all carry these fields under these names.
    """

    action: Action
    object_type: str
    object_id: str
    fields: Options
    changed_keys: tuple[str, ...]
    requires_recreate: bool
    requires_reload: bool


SHAPE_FIELDS = tuple(f.name for f in dataclasses.fields(SorceryUpdateShape))


@dataclass(frozen=True, slots=True)
class PlannedUpdate(SorceryUpdateShape):
    owner: Owner

    @property
    def key(self) -> ObjectKey:
        return (self.object_type, self.object_id)


def _candidates(old: Options, new: Options) -> set[str]:
    """Keys that may have changed.

    With as many fields before as after, a key whose every pair sits at the
    same position with the same value on both sides cannot have changed, so
    only the keys of positions that differ need a closer look (a template
    change usually alters one pair among dozens, on thousands of objects).
    The positions are compared by ``map`` and picked by ``compress``, without
    a Python step per pair.
    """
    if len(old) == len(new):
        return _keys_at(old, new, _differing(old, new))
    return {k for k, _ in old} | {k for k, _ in new}


def _differing(old: Options, new: Options) -> list[int]:
    """The positions at which two field lists of the same length differ."""
    return list(compress(range(len(old)), map(ne, old, new)))


def _keys_at(old: Options, new: Options, positions: list[int]) -> set[str]:
    return {old[i][0] for i in positions} | {new[i][0] for i in positions}


def _values(fields: Options, key: str) -> list[str]:
    return [v for k, v in fields if k == key]


def _columns(fields: Options) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys, values) of the fields, in order."""
    if not fields:
        return (), ()
    keys, values = zip(*fields, strict=True)
    return keys, values


def changed_keys(old: Options, new: Options) -> tuple[str, ...]:
    """Keys whose ordered values differ, sorted."""
    return tuple(sorted(k for k in _candidates(old, new) if _values(old, k) != _values(new, k)))


def compare(old: Options, new: Options, is_multiple: Callable[[str], bool]) -> tuple[tuple[str, ...], bool]:
    """``changed_keys`` and ``needs_recreate`` at once, looking only at candidate keys.

    A template change alters a pair or two among dozens on thousands of
    objects: one pass finds the candidates, then only their values are read.
    """
    if len(old) == len(new):
        differ = _differing(old, new)
        if all(old[i][0] == new[i][0] for i in differ):
            # Values changed in place, every key where it was: each key at a differing position
            # has changed, none disappeared, and an accumulating one changed an entry the
            # object already holds (it must be recreated).
            keys = {old[i][0] for i in differ}
            return tuple(sorted(keys)), any(map(is_multiple, keys))
        candidates = _keys_at(old, new, differ)
    else:
        candidates = _candidates(old, new)
    changed: list[str] = []
    disappeared = False
    accumulating = False
    old_keys, old_values = _columns(old)
    new_keys, new_values = _columns(new)
    for key in candidates:
        # the key's values on each side, in order
        same = key.__eq__
        before = list(compress(old_values, map(same, old_keys)))
        after = list(compress(new_values, map(same, new_keys)))
        if before != after:
            changed.append(key)
        if before and not after:
            disappeared = True
        if is_multiple(key):
            accumulating = True
    recreate = disappeared
    if not recreate and accumulating:
        old_acc = [(k, v) for k, v in old if is_multiple(k)]
        new_acc = [(k, v) for k, v in new if is_multiple(k)]
        recreate = new_acc[: len(old_acc)] != old_acc
    return tuple(sorted(changed)), recreate


def same_meaning(old: Options, new: Options, is_multiple: Callable[[str], bool]) -> bool:
    """Do both field lists configure the same object?

    Single-valued keys are compared by value whatever their position;
    accumulating entries in order (``disallow=all`` then ``allow=ulaw`` is not
    the same as the reverse).
    """
    single_old = {k: v for k, v in old if not is_multiple(k)}
    single_new = {k: v for k, v in new if not is_multiple(k)}
    if single_old != single_new:
        return False
    return [(k, v) for k, v in old if is_multiple(k)] == [(k, v) for k, v in new if is_multiple(k)]


def needs_recreate(old: Options, new: Options, is_multiple: Callable[[str], bool]) -> bool:
    """Can the change not be applied by merging fields into the existing object?

    An ARI PUT copies the stored object and applies the given fields:
    accumulating values are appended and a field cannot be unset. So the
    object must be deleted and created again when a key disappears, or when
    the accumulating entries of the old object are not the first entries of
    the new one (a value removed or reordered).
    """
    candidates = _candidates(old, new)
    if (candidates - {k for k, _ in new}) & {k for k, _ in old}:  # a key disappeared
        return True
    if not any(is_multiple(k) for k in candidates):
        return False  # accumulating entries untouched
    old_acc = [(k, v) for k, v in old if is_multiple(k)]
    new_acc = [(k, v) for k, v in new if is_multiple(k)]
    return new_acc[: len(old_acc)] != old_acc


def diff_objects(
    recorded: Mapping[ObjectKey, Options],
    desired: Mapping[ObjectKey, Options],
    *,
    owners: Mapping[ObjectKey, Owner],
    catalog: Catalog,
    forced_keys: Mapping[ObjectKey, frozenset[str]] | None = None,
    replaced: Mapping[ObjectKey, str] | None = None,
) -> list[PlannedUpdate]:
    """UPSERTs for new or changed objects, DELETEs for vanished ones, in safe order.

    ``forced_keys`` are keys of existing objects that count as changed even when
    equal (secrets written by a caller who cannot read them: whether the value
    sent matched the stored one must not show in the answer).

    ``replaced``: objects of ``desired`` known, without their recorded fields, to differ from
    them by one value of this key replaced in place (app/record/text_diff.py): `compare` would
    find that key changed, and the object recreated if the key accumulates.
    """
    updates: list[PlannedUpdate] = []
    nobody = Owner()
    multiple_of: dict[str, Callable[[str], bool]] = {}
    for key, fields in desired.items():
        old = recorded.get(key)
        object_type, object_id = key
        rewritten = _present(forced_keys.get(key), fields) if forced_keys and old is not None else ()
        multiple = multiple_of.get(object_type)
        if multiple is None:
            multiple = multiple_of[object_type] = catalog.multiple_keys(object_type).__contains__
        in_place = replaced.get(key) if replaced else None
        keys: tuple[str, ...]
        if in_place is not None:
            keys, recreate = (in_place,), multiple(in_place)
        elif old is None:
            keys = tuple(sorted({k for k, _ in fields}))
            recreate = False
        else:
            # (compared pair by pair first: the callers mostly pass objects known to differ)
            keys, recreate = compare(old, fields, multiple)
            if rewritten:
                keys = tuple(sorted(set(keys) | set(rewritten)))
            if not keys:
                if old == fields or same_meaning(old, fields, multiple):
                    continue  # only single-valued keys moved: Asterisk sees the same object
                # The interleaving of accumulating keys changed (allow/disallow order).
                keys = tuple(sorted({k for k, _ in fields if multiple(k)}))
        updates.append(
            PlannedUpdate(
                Action.UPSERT,
                object_type,
                object_id,
                fields,
                keys,
                recreate,
                object_type in RELOAD_TYPES,
                owners.get(key, nobody),
            )
        )
    for key in recorded.keys() - desired.keys():
        object_type, object_id = key
        updates.append(
            PlannedUpdate(
                Action.DELETE,
                object_type,
                object_id,
                (),
                (),
                False,
                object_type in RELOAD_TYPES,
                owners.get(key, nobody),
            )
        )
    return order_updates(updates)


def _present(keys: frozenset[str] | None, fields: Options) -> tuple[str, ...]:
    """Those of ``keys`` the object holds."""
    if not keys:
        return ()
    return tuple(sorted({k for k, _ in fields if k in keys}))


# Creation order: what is referenced comes first; deletion runs the other way.
_UPSERT_RANK = {"global": 0, "system": 0, "transport": 1, "auth": 2, "aor": 2, "endpoint": 3}
_DELETE_RANK = {"identify": 5, "registration": 5, "endpoint": 6, "auth": 7, "aor": 7, "transport": 8}


def update_rank(action: Action, object_type: str) -> int:
    """An update's place by its action and type; ties are ordered by object id, then type.

    The order of `order_updates`, as a number the record can also sort by in SQL
    (app/record/pending.py) when a big change's updates are not all in memory.
    """
    if action is Action.UPSERT:
        return _UPSERT_RANK.get(object_type, 4)
    return _DELETE_RANK.get(object_type, 5)


def _rank(update: PlannedUpdate) -> tuple[int, str, str]:
    return (update_rank(update.action, update.object_type), update.object_id, update.object_type)


def order_updates(updates: list[PlannedUpdate]) -> list[PlannedUpdate]:
    """Order so every reference resolves when updates are applied one by one.

    Upserts: engine objects, then auths and aors, endpoints, identifies and
    registrations. Deletes come after all upserts (an endpoint that drops its
    aor is updated before the aor goes): identifies and registrations, then
    endpoints, auths and aors, transports last.
    """
    return sorted(updates, key=_rank)
