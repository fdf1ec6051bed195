"""A value replaced in place, recognised from the texts (app/record/text_diff.py), is what the full
comparison finds; everything else is left to it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.db.bulk import stored_json as encode
from app.domain.diff import compare
from app.record.text_diff import replaced_value

MULTIPLE = frozenset({"allow", "set_var"})
KEYS = st.sampled_from(["allow", "set_var", "dtmf_mode", "context", "callerid", "max_contacts"])
PLAIN = st.text(alphabet="abc019 =.-@<>", max_size=8)
# what an encoded string may hold that looks like the text between two pairs, escapes, non-ASCII
AWKWARD = st.one_of(PLAIN, st.sampled_from(['"],["', '"],[', '],["', '\\"', "\\", '"', "é", "\n", 'x"],["y']))


def _fields(values: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    return st.lists(st.tuples(KEYS, values), min_size=1, max_size=8).map(tuple)


@st.composite
def _one_value_replaced(draw: st.DrawFn, values: st.SearchStrategy[str]) -> tuple[tuple[tuple[str, str], ...], ...]:
    old = draw(_fields(values))
    index = draw(st.integers(0, len(old) - 1))
    key, value = old[index]
    other = draw(values.filter(lambda v: v != value))
    return old, (*old[:index], (key, other), *old[index + 1 :])


@st.composite
def _any_change(draw: st.DrawFn) -> tuple[tuple[tuple[str, str], ...], ...]:
    old = draw(_fields(AWKWARD))
    new = draw(
        st.one_of(_fields(AWKWARD), st.permutations(old).map(tuple), _one_value_replaced(AWKWARD).map(lambda p: p[1]))
    )
    return old, new


def _full(old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], bool]:
    return compare(old, new, MULTIPLE.__contains__)


@settings(max_examples=400, deadline=None)
@given(_one_value_replaced(PLAIN))
def test_one_plain_value_replaced_is_recognised_as_the_full_comparison_finds_it(
    change: tuple[tuple[tuple[str, str], ...], ...],
) -> None:
    old, new = change
    key = replaced_value(encode(old), encode(new), new)
    assert key is not None
    assert _full(old, new) == ((key,), key in MULTIPLE)


@settings(max_examples=1500, deadline=None)
@given(_any_change())
def test_whatever_the_change_a_recognised_one_is_what_the_full_comparison_finds(
    change: tuple[tuple[tuple[str, str], ...], ...],
) -> None:
    old, new = change
    old_text, new_text = encode(old), encode(new)
    if old_text == new_text:
        return
    key = replaced_value(old_text, new_text, new)
    if key is not None:
        assert _full(old, new) == ((key,), key in MULTIPLE)


def test_a_text_written_another_way_or_a_pair_more_is_left_to_the_full_comparison() -> None:
    old = (("context", "a"), ("dtmf_mode", "info"))
    new = (("context", "a"), ("dtmf_mode", "rfc4733"))
    assert replaced_value(encode(old), encode(new), new) == "dtmf_mode"
    spaced = '[["context", "a"], ["dtmf_mode", "info"]]'
    assert replaced_value(spaced, encode(new), new) is None
    assert replaced_value(encode((*old, ("callerid", "x"))), encode(new), new) is None
    assert replaced_value(encode((("context", "b"), ("dtmf_mode", "info"))), encode(new), new) is None
