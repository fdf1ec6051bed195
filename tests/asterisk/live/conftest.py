"""Fixtures that run the real Asterisk: skipped with the reason when it is not installed,
a failure instead when PJSIP_GRAPH_REQUIRE_SERVICES=1 (CI)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.asterisk.live.instance import AsteriskInstance, asterisk_available, start_asterisk
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.asterisk


@pytest.fixture(scope="session")
def asterisk_installed() -> None:
    reason = asterisk_available()
    if reason is not None:
        skip_or_fail(reason)


@contextlib.contextmanager
def _instances(base: Path) -> Iterator[Callable[..., AsteriskInstance]]:
    """A factory of Asterisk instances under ``base``; every one is stopped (by its pid) at the end."""
    started: list[AsteriskInstance] = []

    def factory(name: str = "asterisk", **kwargs: Any) -> AsteriskInstance:
        instance = start_asterisk(base / f"{name}-{len(started)}", **kwargs)
        started.append(instance)
        return instance

    try:
        yield factory
    finally:
        for instance in started:
            instance.stop()


@pytest.fixture
def asterisk_factory(asterisk_installed: None, tmp_path: Path) -> Iterator[Callable[..., AsteriskInstance]]:
    """Start Asterisk instances under tmp_path for one test."""
    with _instances(tmp_path) as factory:
        yield factory


@pytest.fixture(scope="module")
def module_asterisk_factory(
    asterisk_installed: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., AsteriskInstance]]:
    """Like ``asterisk_factory``, for instances shared by every test of a module (fewer starts)."""
    with _instances(tmp_path_factory.mktemp("asterisk")) as factory:
        yield factory
