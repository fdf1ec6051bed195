"""Per-token counters of expensive operations and open subscriptions."""

from __future__ import annotations

import pytest

from app.api.limits import TokenLimits, TooMany
from app.settings import Settings


def test_a_token_has_a_bounded_number_of_expensive_operations_and_subscriptions() -> None:
    limits = TokenLimits(Settings(max_expensive_per_token=1, max_subscriptions_per_token=2))
    with limits.expensive_slot("a"):
        with pytest.raises(TooMany), limits.expensive_slot("a"):
            pass
        with limits.expensive_slot("b"):  # another token is not affected
            pass
    with limits.expensive_slot("a"):  # released after use
        pass
    with limits.subscription_slot("a"), limits.subscription_slot("a"):
        with pytest.raises(TooMany) as refused, limits.subscription_slot("a"):
            pass
        assert refused.value.code == "TOO_MANY_REQUESTS"
