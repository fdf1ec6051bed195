"""GraphQL objects built from plain values: the same objects their constructors make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import strawberry

from app.api.types.building import from_attributes
from app.api.types.enums import SorceryAction
from app.api.types.sorcery import SorceryUpdate, update_type
from app.domain.diff import Action
from app.record.updates import RecordedUpdate

UPDATE = RecordedUpdate(
    action=Action.UPSERT,
    object_type="auth",
    object_id="alice",
    fields=(("username", "alice"), ("password", "s3cret")),
    changed_keys=("password",),
    requires_recreate=False,
    requires_reload=False,
    seq=7,
    engine="default",
    tenant_uuid=UUID(int=1),
    endpoint_uuid=UUID(int=2),
    created_at=datetime(2026, 1, 2, tzinfo=UTC),
)


def test_an_update_is_the_object_its_constructor_makes() -> None:
    built = update_type(UPDATE, show_secrets=False)
    made = SorceryUpdate(
        seq=7,
        engine="default",
        action=SorceryAction.UPSERT,
        object_type="auth",
        object_id="alice",
        changed_keys=["password"],
        requires_recreate=False,
        requires_reload=False,
        tenant_uuid=UUID(int=1),
        endpoint_uuid=UUID(int=2),
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
        raw_fields=UPDATE.fields,
        show_secrets=False,
    )
    assert built == made
    assert vars(built) == vars(made)
    assert [(o.key, o.value) for o in built.fields()] == [("username", "alice"), ("password", "********")]


def test_a_type_with_a_post_init_is_still_made_by_its_constructor() -> None:
    @strawberry.type
    class Checked:
        name: str
        seen: strawberry.Private[list[str]]

        def __post_init__(self) -> None:
            self.seen.append(self.name)

    @dataclass
    class Source:
        name: str

    seen: list[str] = []
    built = from_attributes(Checked, Source("x"), seen=seen)
    assert built.name == "x"
    assert seen == ["x"]
