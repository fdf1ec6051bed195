"""Values Asterisk refuses (or silently changes) are refused by validation with the reason."""

from __future__ import annotations

import pytest

from app.domain.catalog import load_catalog
from app.domain.validation import validate_options

CATALOG = load_catalog()

REFUSED_BY_ASTERISK = [
    ("endpoint", "set_var", "NOEQUALS"),
    ("endpoint", "tos_audio", "foo"),
    ("endpoint", "tos_audio", "cs9"),
    ("endpoint", "timers_min_se", "60"),
    ("aor", "max_contacts", "99999999999"),
    ("aor", "max_contacts", "08"),
    ("endpoint", "rtp_timeout", "99999999999999999999"),
    ("identify", "match_header", "no colon"),
    ("transport", "tos", "bogus"),
    ("system", "timer_t1", "10"),
    ("system", "timer_b", "100"),
]
ACCEPTED_BY_ASTERISK = [
    ("endpoint", "set_var", "A=1"),
    ("endpoint", "tos_audio", "ef"),
    ("endpoint", "tos_audio", "0xb8"),
    ("endpoint", "timers_min_se", "90"),
    ("aor", "max_contacts", "010"),
    ("identify", "match_header", "X-Tenant: a"),
    ("system", "timer_t1", "500"),
]


@pytest.mark.parametrize(("object_type", "key", "value"), REFUSED_BY_ASTERISK)
def test_value_asterisk_refuses_is_refused(object_type: str, key: str, value: str) -> None:
    issues = validate_options(CATALOG, object_type, ((key, value),), path="options")
    assert issues and issues[0].field == "options[0].value", issues


@pytest.mark.parametrize(("object_type", "key", "value"), ACCEPTED_BY_ASTERISK)
def test_value_asterisk_accepts_is_accepted(object_type: str, key: str, value: str) -> None:
    assert validate_options(CATALOG, object_type, ((key, value),), path="options") == []
