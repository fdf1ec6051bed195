"""Whole-string validation of slugs, names, labels and values; no line separators or bidi controls."""

from __future__ import annotations

import pytest

from app.domain.validation import validate_label
from app.errors import InvalidInput
from app.services.tenants import create_tenant
from tests.conftest import World
from tests.helpers import caller_for

HOSTILE = ["\u0085", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]


async def test_a_slug_with_a_trailing_newline_is_refused(world: World) -> None:
    admin = await caller_for(world.db, world.admin_token)
    with pytest.raises(InvalidInput) as refused:
        await create_tenant(world.db, admin, name="Evil", slug="evil\n", parent_uuid=None, with_default_templates=False)
    assert [i.field for i in refused.value.issues] == ["input.slug"]


@pytest.mark.parametrize("char", HOSTILE)
async def test_a_tenant_name_with_a_separator_or_bidi_control_is_refused(world: World, char: str) -> None:
    admin = await caller_for(world.db, world.admin_token)
    with pytest.raises(InvalidInput):
        await create_tenant(
            world.db, admin, name=f"Acme{char}Corp", slug="acme", parent_uuid=None, with_default_templates=False
        )


@pytest.mark.parametrize("char", HOSTILE)
def test_a_label_with_a_separator_or_bidi_control_is_refused(char: str) -> None:
    assert validate_label(f"front{char}desk", field="input.label")
