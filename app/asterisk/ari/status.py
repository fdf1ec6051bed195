"""The agent's status file: which updates Asterisk refused, so an operator sees the divergence.

A rejected update is skipped (retrying it cannot succeed and must not block later ones),
which leaves Asterisk and the record different for that object until a later update of it
is accepted. The file next to the checkpoint lists those objects; an accepted later update
of the same object removes it from the list, since the full object was then pushed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.asterisk.ari.client import AriError
from app.asterisk.ari.files import replace_file
from app.record.updates import RecordedUpdate


def status_path_for(checkpoint_path: Path) -> Path:
    """``agent-default.checkpoint`` -> ``agent-default.status.json`` in the same directory."""
    return checkpoint_path.with_name(checkpoint_path.stem + ".status.json")


class AgentStatus:
    """The objects whose last recorded version Asterisk refused, kept on disk as JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.divergent: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text())
            return {str(k): dict(v) for k, v in raw.get("divergent", {}).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def rejected(self, update: RecordedUpdate, exc: AriError) -> None:
        self.divergent[_key(update)] = {
            "seq": update.seq,
            "action": str(update.action),
            "status": exc.status,
            "message": exc.message,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._save()

    def applied(self, update: RecordedUpdate) -> None:
        if self.divergent.pop(_key(update), None) is not None:
            self._save()

    def _save(self) -> None:
        replace_file(self.path, json.dumps({"divergent": self.divergent}, indent=1, sort_keys=True) + "\n")


def _key(update: RecordedUpdate) -> str:
    return f"{update.object_type}/{update.object_id}"
