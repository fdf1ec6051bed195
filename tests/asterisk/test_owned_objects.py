"""The journal of objects the push agent created (app/asterisk/ari/owned.py)."""

from __future__ import annotations

from pathlib import Path

from app.asterisk.ari.owned import OwnedObjects, owned_path_for


def test_the_journal_remembers_across_instances_and_forgets_deleted_objects(tmp_path: Path) -> None:
    path = owned_path_for(tmp_path / "agent-default.checkpoint")
    assert path.name == "agent-default.objects"
    owned = OwnedObjects(path)
    for key in [("auth", "alice"), ("endpoint", "alice"), ("endpoint", "alice"), ("aor", "bob")]:
        owned.add(key)
    owned.remove(("aor", "bob"))
    owned.remove(("aor", "never"))
    # one line per change of the set: a known key is not written again
    assert path.read_text().splitlines() == ["+auth alice", "+endpoint alice", "+aor bob", "-aor bob"]
    again = OwnedObjects(path)
    assert ("endpoint", "alice") in again and ("aor", "bob") not in again


def test_a_line_torn_by_a_crash_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "agent.objects"
    path.write_text("+endpoint alice\n+aor")
    owned = OwnedObjects(path)
    assert ("endpoint", "alice") in owned
    assert owned.stale([]) == [("endpoint", "alice")]


def test_stale_objects_come_in_deletion_order_and_a_rewrite_keeps_the_given_set(tmp_path: Path) -> None:
    owned = OwnedObjects(tmp_path / "agent.objects")
    for key in [("aor", "a"), ("auth", "a"), ("endpoint", "a"), ("registration", "t"), ("endpoint", "b")]:
        owned.add(key)
    assert owned.stale([("endpoint", "b")]) == [("endpoint", "a"), ("registration", "t"), ("auth", "a"), ("aor", "a")]
    owned.rewrite([("endpoint", "b")])
    assert (tmp_path / "agent.objects").read_text() == "+endpoint b\n"
    assert OwnedObjects(tmp_path / "agent.objects").stale([]) == [("endpoint", "b")]
