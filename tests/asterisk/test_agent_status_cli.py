"""`pjsip-graph agent-status` reads the checkpoint and the status file the push agent writes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from app.asterisk.ari import AriRejected, Checkpoint, CheckpointState
from app.asterisk.ari.status import AgentStatus, status_path_for
from app.cli.main import cli
from app.domain.diff import Action
from app.record.updates import RecordedUpdate


def refused(seq: int, object_id: str) -> RecordedUpdate:
    return RecordedUpdate(
        seq=seq,
        engine="default",
        action=Action.UPSERT,
        object_type="endpoint",
        object_id=object_id,
        fields=(("callerid", "<x>"),),
        changed_keys=("callerid",),
        requires_recreate=False,
        requires_reload=False,
        tenant_uuid=None,
        endpoint_uuid=None,
        created_at=datetime.now(UTC),
    )


def test_status_prints_the_applied_seq_and_the_refused_objects(tmp_path: Path) -> None:
    path = tmp_path / "agent-default.checkpoint"
    engine_uuid = uuid.uuid4()
    Checkpoint(path).save(CheckpointState("default", engine_uuid, 42))
    status = AgentStatus(status_path_for(path))
    error = AriRejected("PUT", "/ari/...", 400, "Creation of object 'bob' failed field value validation")
    status.rejected(refused(17, "bob"), error)

    result = CliRunner().invoke(cli, ["agent-status", "--checkpoint", str(path)])

    assert result.exit_code == 2, result.output
    assert f"engine 'default' ({engine_uuid}): updates applied up to seq 42" in result.output
    assert "endpoint/bob  seq 17  UPSERT  HTTP 400: Creation of object 'bob' failed field value validation" in (
        result.output
    )


def test_status_without_refusals_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "agent-default.checkpoint"
    Checkpoint(path).save(CheckpointState("default", uuid.uuid4(), 3))

    result = CliRunner().invoke(cli, ["agent-status", "--checkpoint", str(path)])

    assert result.exit_code == 0, result.output
    assert "updates applied up to seq 3" in result.output
    assert "no object refused by Asterisk" in result.output
