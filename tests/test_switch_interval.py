"""The switch interval is short while bulk work runs in a worker thread, and restored after."""

from __future__ import annotations

import sys

from app.switch_interval import WHILE_BULK_WORK, loop_kept_responsive


def test_overlapping_uses_share_the_short_interval_and_the_last_restores_it() -> None:
    before = sys.getswitchinterval()
    first, second = loop_kept_responsive(), loop_kept_responsive()
    first.__enter__()
    assert sys.getswitchinterval() == WHILE_BULK_WORK
    second.__enter__()
    first.__exit__(None, None, None)  # the second still runs
    assert sys.getswitchinterval() == WHILE_BULK_WORK
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


def test_a_shorter_interval_set_by_the_operator_is_kept() -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(WHILE_BULK_WORK / 2)
    try:
        with loop_kept_responsive():
            assert sys.getswitchinterval() == WHILE_BULK_WORK / 2
        assert sys.getswitchinterval() == WHILE_BULK_WORK / 2
    finally:
        sys.setswitchinterval(before)
