"""Asterisk is the judge of the validation table: each value the product refuses is refused by
Asterisk too, and each value it accepts loads, in one Asterisk start."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.asterisk.live.instance import AsteriskInstance
from tests.domain.test_asterisk_values import ACCEPTED_BY_ASTERISK, REFUSED_BY_ASTERISK

pytestmark = pytest.mark.asterisk

# Object types whose objects are named and can be looked up after the load.
_CHECKED = {"endpoint", "aor"}


def _section(object_type: str, name: str, key: str, value: str) -> str:
    base = "context = default\n" if object_type == "endpoint" else ""
    return f"[{name}]\ntype = {object_type}\n{base}{key} = {value}\n\n"


def _cases(table: list[tuple[str, str, str]], prefix: str) -> list[tuple[str, str, str, str]]:
    return [(f"{prefix}{i}", t, k, v) for i, (t, k, v) in enumerate(table) if t in _CHECKED]


def test_asterisk_refuses_what_validation_refuses_and_loads_what_it_accepts(
    asterisk_factory: Callable[..., AsteriskInstance],
) -> None:
    refused = _cases(REFUSED_BY_ASTERISK, "refused")
    accepted = _cases(ACCEPTED_BY_ASTERISK, "accepted")
    conf = "".join(_section(t, name, k, v) for name, t, k, v in refused + accepted)
    ast = asterisk_factory(pjsip_conf=conf)
    listing = {t: ast.cli(f"pjsip list {t}s") for t in _CHECKED}
    loaded = {name for name, t, _, _ in refused + accepted if f" {name} " in listing[t] or f" {name}/" in listing[t]}
    assert [c for c in refused if c[0] in loaded] == []
    assert [c for c in accepted if c[0] not in loaded] == []
