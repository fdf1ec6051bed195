"""A template change recomputes only the objects its changed sections make, with the answer a
whole recomputation gives, and leaves nothing for a whole recomputation to find."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from app.db.models import Engine
from app.db.queries import load_tenant_graphs
from app.domain.resolution import ConfigKind
from app.domain.sections import Options, Section
from app.record import sync
from app.services import configs
from tests.conftest import World
from tests.helpers import caller_for, default_template, new_endpoint, new_tenant

# Template changes, one after the other: each alters one section (an object appears, changes or
# goes; the endpoint's and the registration's references follow the sections they name).
CHANGES: list[tuple[Section, Options]] = [
    (Section.ENDPOINT, (("dtmf_mode", "info"), ("set_var", "A=1"))),
    (Section.AOR, (("max_contacts", "2"),)),
    (Section.OUTBOUND_AUTH, (("username", "out"), ("password", "out-pw"))),
    (Section.REGISTRATION_OUTBOUND_AUTH, (("username", "reg"), ("password", "reg-pw"))),
    (Section.IDENTIFY, (("match", "192.0.2.9"),)),
    (Section.AOR, ()),
    (Section.ENDPOINT, (("dtmf_mode", "inband"), ("set_var", "A=2"))),
    (Section.REGISTRATION_OUTBOUND_AUTH, ()),
    (Section.OUTBOUND_AUTH, ()),
    (Section.IDENTIFY, ()),
]


def _shape(updates: Any) -> list[tuple[Any, ...]]:
    return [
        (u.action, u.object_type, u.object_id, u.changed_keys, u.fields, u.requires_recreate, u.endpoint_uuid)
        for u in updates
    ]


async def _tenant_with_endpoints(world: World) -> tuple[UUID, configs.ConfigRecord]:
    admin = await caller_for(world.db, world.admin_token)
    tenant = await new_tenant(world.db, admin, "Sections")
    general = await default_template(world.db, tenant, "general")
    for i in range(6):
        sections: dict[Section, Options] = {Section.AUTH: (("username", f"u{i}"), ("password", f"pw-{i}"))}
        if i % 2:
            sections[Section.AOR] = (("max_contacts", "1"),)
            sections[Section.ENDPOINT] = (("dtmf_mode", "auto"), ("set_var", "A=own"))
        if i % 3 == 0:
            sections[Section.REGISTRATION] = (
                ("server_uri", "sip:provider.example.com"),
                ("client_uri", f"sip:line{i}@provider.example.com"),
            )
        await new_endpoint(world.db, admin, tenant, f"sect-{i}", [general.uuid], sections)
    return tenant, general


async def _update(world: World, template: UUID, section: Section, options: Options, *, dry_run: bool) -> Any:
    caller = await caller_for(world.db, world.admin_token)
    patch = configs.ConfigPatch(sections={section: options})
    result = await configs.update_config(
        world.db, caller, ConfigKind.TEMPLATE, template, patch, expected_revision=None, dry_run=dry_run
    )
    return result.changes.updates


async def _whole_recomputation(world: World, tenant: UUID, engine_uuid: UUID) -> list[Any]:
    """What recomputing every object of every endpoint of the tenant would record now (a dry run)."""
    async with world.db.writing(commit=False) as session:
        engine = await session.get(Engine, engine_uuid)
        assert engine is not None
        graph = await load_tenant_graphs(session, [tenant])
        summary = await sync.sync_endpoints(session, engine, graph, graph.endpoints(), dry_run=True)
    return summary.updates


@pytest.mark.parametrize("many", [False, True], ids=["whole views", "pairs of the changed sections"])
async def test_each_template_change_answers_what_a_whole_recomputation_would(
    world: World, monkeypatch: pytest.MonkeyPatch, many: bool
) -> None:
    # given endpoints under a template, some with their own aor, endpoint options and registration
    tenant, general = await _tenant_with_endpoints(world)
    if many:  # as a change reaching many endpoints does: no whole views, only the changed sections' pairs
        monkeypatch.setattr(sync, "WHOLE_VIEWS_BELOW", 1)
    changed_sections = configs._changed_sections
    for section, options in CHANGES:
        # when the template's section changes: first as a dry run recomputing every object
        monkeypatch.setattr(configs, "_changed_sections", lambda *_: None)
        whole = await _update(world, general.uuid, section, options, dry_run=True)
        monkeypatch.setattr(configs, "_changed_sections", changed_sections)
        answer = await _update(world, general.uuid, section, options, dry_run=False)
        # then the change answers (and records) the same updates, in the same order
        assert _shape(answer) == _shape(whole), section
        assert answer, section
        # and a whole recomputation afterwards finds nothing left to record
        assert await _whole_recomputation(world, tenant, general.engine_uuid) == [], section


async def test_a_template_change_reads_only_the_objects_its_sections_make(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given endpoints under a template
    _, general = await _tenant_with_endpoints(world)
    asked: list[Any] = []
    read = sync.recorded_object_texts

    async def spied(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("object_types"))
        return await read(*args, **kwargs)

    monkeypatch.setattr(sync, "recorded_object_texts", spied)
    # when the template's endpoint options change, then its aor's, then only its label
    endpoint_change = await _update(world, general.uuid, Section.ENDPOINT, (("dtmf_mode", "info"),), dry_run=False)
    aor_change = await _update(world, general.uuid, Section.AOR, (("max_contacts", "3"),), dry_run=False)
    caller = await caller_for(world.db, world.admin_token)
    relabelled = await configs.update_config(
        world.db,
        caller,
        ConfigKind.TEMPLATE,
        general.uuid,
        configs.ConfigPatch(label="renamed"),
        expected_revision=None,
        dry_run=False,
    )
    # then each read only the recorded objects of the types its sections make
    assert asked == [["endpoint"], ["aor", "endpoint"], []]
    assert {u.object_type for u in endpoint_change} == {"endpoint"}
    assert {u.object_type for u in aor_change} == {"aor"}  # every endpoint had an aor already
    assert relabelled.changes.updates == []
