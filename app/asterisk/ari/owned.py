"""The objects the agent has pushed to its Asterisk: how a resynchronisation recognises stale ones.

ARI push configuration cannot list a type's objects, and an Asterisk may hold objects the product
does not manage (loaded from pjsip.conf, or pushed by another tool). So the product's objects are
those the agent itself created: it remembers the id of every object it sends a ``PUT`` for, in a
journal next to its checkpoint (``agent-<engine>.objects``), one line per change of the set:
``+<type> <id>`` written (and flushed to disk) *before* the ``PUT``, ``-<type> <id>`` after a
``DELETE`` succeeded or found the object absent. A crash can therefore leave an id too many (its
``DELETE`` later answers 404), never an object forgotten.

A resynchronisation deletes every remembered object that the record no longer has (an update that
deleted it was pruned while the agent was stopped), then rewrites the journal as the recorded
objects, which also keeps it short.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from app.asterisk.ari.files import replace_file

ObjectKey = tuple[str, str]  # (object type, object id)

# Objects that name others go first, so no remaining object points at a deleted one.
DELETE_ORDER = ("endpoint", "registration", "identify", "auth", "aor")


def owned_path_for(checkpoint_path: Path) -> Path:
    return checkpoint_path.with_name(checkpoint_path.stem + ".objects")


class OwnedObjects:
    """The set of objects the agent created in Asterisk, kept in an append-only journal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: set[ObjectKey] | None = None

    def __contains__(self, key: ObjectKey) -> bool:
        return key in self._loaded()

    def _loaded(self) -> set[ObjectKey]:
        if self._keys is None:
            self._keys = set()
            with contextlib.suppress(FileNotFoundError):
                for line in self.path.read_text().splitlines():
                    sign, rest = line[:1], line[1:]
                    object_type, _, object_id = rest.partition(" ")
                    if not object_id:
                        continue  # a line torn by a crash: its PUT was never sent
                    if sign == "+":
                        self._keys.add((object_type, object_id))
                    elif sign == "-":
                        self._keys.discard((object_type, object_id))
        return self._keys

    def add(self, key: ObjectKey) -> None:
        """Remember ``key`` before it is created (nothing is written when it is known already)."""
        self.add_all([key])

    def add_all(self, keys: Iterable[ObjectKey]) -> None:
        """Remember every key not known yet, in one write, before any of them is created."""
        known = self._loaded()
        new = list(dict.fromkeys(k for k in keys if k not in known))
        if new:
            self._append([f"+{t} {i}" for t, i in new])
            known.update(new)

    def remove(self, key: ObjectKey) -> None:
        """Forget ``key`` once Asterisk no longer has it."""
        self.remove_all([key])

    def remove_all(self, keys: Iterable[ObjectKey]) -> None:
        """Forget every key once Asterisk no longer has them, in one write."""
        known = self._loaded()
        gone = list(dict.fromkeys(k for k in keys if k in known))
        if gone:
            self._append([f"-{t} {i}" for t, i in gone])
            known.difference_update(gone)

    def stale(self, recorded: Iterable[ObjectKey]) -> list[ObjectKey]:
        """The remembered objects the record does not have, in deletion order."""
        gone = self._loaded() - set(recorded)
        rank = {t: i for i, t in enumerate(DELETE_ORDER)}
        return sorted(gone, key=lambda k: (rank.get(k[0], len(DELETE_ORDER)), k[1]))

    def rewrite(self, keys: Iterable[ObjectKey]) -> None:
        """Replace the journal by exactly ``keys`` (atomically: the old or the new one survives)."""
        kept = set(keys)
        replace_file(self.path, "".join(f"+{t} {i}\n" for t, i in sorted(kept)))
        self._keys = kept

    def _append(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.writelines(line + "\n" for line in lines)
            handle.flush()
            os.fsync(handle.fileno())
