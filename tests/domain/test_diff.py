"""From recorded to desired Sorcery objects: minimal, reference-safe updates (docs/domain.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.catalog import load_catalog
from app.domain.diff import (
    Action,
    Owner,
    PlannedUpdate,
    changed_keys,
    compare,
    diff_objects,
    needs_recreate,
    order_updates,
)
from app.domain.sections import Options
from app.domain.sorcery import ObjectKey

CATALOG = load_catalog()
OWNER = Owner(tenant_uuid=UUID(int=7), endpoint_uuid=UUID(int=8))

ENDPOINT: Options = (("context", "default"), ("dtmf_mode", "rfc4733"), ("allow", "ulaw"), ("aors", "alice"))
AOR: Options = (("max_contacts", "1"),)
AUTH: Options = (("username", "alice"), ("password", "s3cret"))
IDENTIFY: Options = (("match", "10.0.0.1"), ("endpoint", "alice"))
REGISTRATION: Options = (("server_uri", "sip:p.example.com"), ("endpoint", "alice"))
TRANSPORT: Options = (("protocol", "udp"), ("bind", "0.0.0.0:5060"))


def diff(
    recorded: Mapping[ObjectKey, Options],
    desired: Mapping[ObjectKey, Options],
    owners: Mapping[ObjectKey, Owner] | None = None,
) -> list[PlannedUpdate]:
    return diff_objects(recorded, desired, owners=owners or {}, catalog=CATALOG)


def one(updates: list[PlannedUpdate]) -> PlannedUpdate:
    assert len(updates) == 1, updates
    return updates[0]


def position(updates: list[PlannedUpdate], action: Action, object_type: str, object_id: str) -> int:
    matches = [
        i for i, u in enumerate(updates) if (u.action, u.object_type, u.object_id) == (action, object_type, object_id)
    ]
    assert len(matches) == 1, (action, object_type, object_id, updates)
    return matches[0]


# --- what is emitted ------------------------------------------------------------------------------


def test_unchanged_objects_give_no_update() -> None:
    objects = {("endpoint", "alice"): ENDPOINT, ("aor", "alice"): AOR, ("auth", "alice"): AUTH}
    assert diff(objects, dict(objects)) == []
    assert diff({}, {}) == []


def test_changed_single_key_gives_an_upsert_with_that_key_and_the_full_fields() -> None:
    # given an endpoint whose dtmf_mode changes, next to an unchanged aor
    new = (("context", "default"), ("dtmf_mode", "info"), ("allow", "ulaw"), ("aors", "alice"))
    update = one(
        diff(
            {("endpoint", "alice"): ENDPOINT, ("aor", "alice"): AOR},
            {("endpoint", "alice"): new, ("aor", "alice"): AOR},
            {("endpoint", "alice"): OWNER},
        )
    )
    # then one UPSERT of the endpoint carries the whole desired field list and names the changed key
    assert update.action is Action.UPSERT
    assert update.key == ("endpoint", "alice")
    assert update.fields == new
    assert update.changed_keys == ("dtmf_mode",)
    assert update.requires_recreate is False
    assert update.requires_reload is False
    assert update.owner == OWNER


def test_new_object_gives_an_upsert_naming_all_its_keys() -> None:
    update = one(diff({}, {("identify", "alice"): IDENTIFY}))
    assert update.action is Action.UPSERT
    assert update.fields == IDENTIFY
    assert update.changed_keys == ("endpoint", "match")
    assert update.requires_recreate is False


def test_vanished_object_gives_a_delete() -> None:
    update = one(diff({("aor", "alice"): AOR}, {}, {("aor", "alice"): OWNER}))
    assert update.action is Action.DELETE
    assert update.key == ("aor", "alice")
    assert update.fields == ()
    assert update.owner == OWNER


def test_owner_defaults_to_none_for_engine_objects() -> None:
    update = one(diff({}, {("transport", "transport-udp"): TRANSPORT}))
    assert update.owner == Owner(None, None)


def test_changed_keys_are_sorted_and_include_added_and_removed_keys() -> None:
    old = (("context", "a"), ("language", "en"), ("callerid", "x"))
    new = (("callerid", "x"), ("context", "b"), ("dtmf_mode", "info"))
    update = one(diff({("endpoint", "e"): old}, {("endpoint", "e"): new}))
    assert update.changed_keys == ("context", "dtmf_mode", "language")


# --- requiresRecreate -----------------------------------------------------------------------------


def test_removing_one_identify_match_requires_recreate() -> None:
    old = (("match", "10.0.0.1"), ("match", "10.0.0.2"), ("endpoint", "alice"))
    new = (("match", "10.0.0.2"), ("endpoint", "alice"))
    update = one(diff({("identify", "alice"): old}, {("identify", "alice"): new}))
    assert update.changed_keys == ("match",)
    assert update.requires_recreate is True


def test_removing_the_last_match_requires_recreate() -> None:
    old = (("match", "10.0.0.1"), ("match", "10.0.0.2"), ("endpoint", "alice"))
    new = (("match", "10.0.0.1"), ("endpoint", "alice"))
    assert one(diff({("identify", "alice"): old}, {("identify", "alice"): new})).requires_recreate is True


def test_removing_one_set_var_requires_recreate() -> None:
    old = (("context", "default"), ("set_var", "A=1"), ("set_var", "B=2"))
    new = (("context", "default"), ("set_var", "B=2"))
    update = one(diff({("endpoint", "alice"): old}, {("endpoint", "alice"): new}))
    assert update.changed_keys == ("set_var",)
    assert update.requires_recreate is True


def test_changing_an_accumulated_value_requires_recreate() -> None:
    old = (("set_var", "A=1"), ("set_var", "B=2"))
    new = (("set_var", "A=1"), ("set_var", "B=3"))
    assert one(diff({("endpoint", "e"): old}, {("endpoint", "e"): new})).requires_recreate is True


def test_reordering_accumulated_values_requires_recreate() -> None:
    # disallow=all then allow=ulaw is not allow=ulaw then disallow=all
    old = (("disallow", "all"), ("allow", "ulaw"))
    new = (("allow", "ulaw"), ("disallow", "all"))
    assert one(diff({("endpoint", "e"): old}, {("endpoint", "e"): new})).requires_recreate is True


def test_appending_a_set_var_does_not_require_recreate() -> None:
    old = (("context", "default"), ("set_var", "A=1"))
    new = (("context", "default"), ("set_var", "A=1"), ("set_var", "B=2"))
    update = one(diff({("endpoint", "alice"): old}, {("endpoint", "alice"): new}))
    assert update.changed_keys == ("set_var",)
    assert update.requires_recreate is False


def test_appending_an_aor_contact_does_not_require_recreate() -> None:
    old = (("contact", "sip:a@10.0.0.1"), ("max_contacts", "2"))
    new = (("contact", "sip:a@10.0.0.1"), ("max_contacts", "2"), ("contact", "sip:b@10.0.0.2"))
    assert one(diff({("aor", "a"): old}, {("aor", "a"): new})).requires_recreate is False


def test_removing_a_single_valued_key_requires_recreate() -> None:
    old = (("context", "default"), ("language", "fr"))
    new = (("context", "default"),)
    update = one(diff({("endpoint", "alice"): old}, {("endpoint", "alice"): new}))
    assert update.changed_keys == ("language",)
    assert update.requires_recreate is True


def test_dropping_a_reference_requires_recreate() -> None:
    # the aor section became empty, so aors= disappears from the endpoint: a PUT cannot unset it
    updates = diff(
        {("endpoint", "alice"): ENDPOINT, ("aor", "alice"): AOR},
        {("endpoint", "alice"): ENDPOINT[:-1]},
    )
    endpoint = updates[position(updates, Action.UPSERT, "endpoint", "alice")]
    assert endpoint.changed_keys == ("aors",)
    assert endpoint.requires_recreate is True


def test_adding_or_changing_a_single_valued_key_does_not_require_recreate() -> None:
    old = (("context", "default"),)
    new = (("context", "other"), ("language", "fr"))
    assert one(diff({("endpoint", "e"): old}, {("endpoint", "e"): new})).requires_recreate is False


# --- requiresReload -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("object_type", "object_id", "old", "new"),
    [
        ("transport", "transport-udp", TRANSPORT, (("protocol", "udp"), ("bind", "0.0.0.0:5070"))),
        ("system", "system", (("timer_t1", "500"),), (("timer_t1", "600"),)),
    ],
)
def test_transport_and_system_changes_require_reload(
    object_type: str, object_id: str, old: Options, new: Options
) -> None:
    update = one(diff({(object_type, object_id): old}, {(object_type, object_id): new}))
    assert update.requires_reload is True


def test_transport_create_and_delete_require_reload() -> None:
    assert one(diff({}, {("transport", "t"): TRANSPORT})).requires_reload is True
    assert one(diff({("transport", "t"): TRANSPORT}, {})).requires_reload is True


@pytest.mark.parametrize(
    ("object_type", "old", "new"),
    [
        ("endpoint", ENDPOINT, (("context", "other"),)),
        ("aor", AOR, (("max_contacts", "5"),)),
        ("auth", AUTH, (("username", "alice"), ("password", "new"))),
        ("identify", IDENTIFY, (("match", "10.0.0.9"), ("endpoint", "alice"))),
        ("registration", REGISTRATION, (("server_uri", "sip:q.example.com"), ("endpoint", "alice"))),
        ("global", (("user_agent", "a"),), (("user_agent", "b"),)),
    ],
)
def test_per_object_changes_do_not_require_reload(object_type: str, old: Options, new: Options) -> None:
    update = one(diff({(object_type, "x"): old}, {(object_type, "x"): new}))
    assert update.requires_reload is False
    assert one(diff({(object_type, "x"): old}, {})).requires_reload is False


# --- order ----------------------------------------------------------------------------------------


def all_objects(name: str) -> dict[ObjectKey, Options]:
    """Every object of one endpoint, listed so that a naive order would break references."""
    return {
        ("registration", name): REGISTRATION,
        ("identify", name): IDENTIFY,
        ("endpoint", name): (*ENDPOINT, ("auth", name), ("outbound_auth", f"outbound_auth_{name}")),
        ("auth", f"auth_reg_{name}"): AUTH,
        ("auth", f"outbound_auth_{name}"): AUTH,
        ("auth", name): AUTH,
        ("aor", name): AOR,
    }


def test_on_create_auths_and_aor_come_before_the_endpoint_and_identify_registration_after() -> None:
    updates = diff({}, all_objects("alice"))
    assert all(u.action is Action.UPSERT for u in updates)
    endpoint = position(updates, Action.UPSERT, "endpoint", "alice")
    for object_type, object_id in [
        ("auth", "alice"),
        ("aor", "alice"),
        ("auth", "outbound_auth_alice"),
        ("auth", "auth_reg_alice"),
    ]:
        assert position(updates, Action.UPSERT, object_type, object_id) < endpoint, object_id
    assert position(updates, Action.UPSERT, "identify", "alice") > endpoint
    assert position(updates, Action.UPSERT, "registration", "alice") > endpoint
    assert position(updates, Action.UPSERT, "auth", "auth_reg_alice") < position(
        updates, Action.UPSERT, "registration", "alice"
    )


def test_on_delete_identify_and_registration_come_before_the_endpoint_before_aor_and_auths() -> None:
    updates = diff(all_objects("alice"), {})
    assert all(u.action is Action.DELETE for u in updates)
    endpoint = position(updates, Action.DELETE, "endpoint", "alice")
    assert position(updates, Action.DELETE, "identify", "alice") < endpoint
    assert position(updates, Action.DELETE, "registration", "alice") < endpoint
    for object_type, object_id in [
        ("auth", "alice"),
        ("aor", "alice"),
        ("auth", "outbound_auth_alice"),
        ("auth", "auth_reg_alice"),
    ]:
        assert position(updates, Action.DELETE, object_type, object_id) > endpoint, object_id
    assert position(updates, Action.DELETE, "registration", "alice") < position(
        updates, Action.DELETE, "auth", "auth_reg_alice"
    )


def test_order_holds_across_several_endpoints() -> None:
    # references only need their own endpoint's objects, but ranks must not interleave across names
    updates = diff({}, {**all_objects("zed"), **all_objects("amy")})
    for name in ("amy", "zed"):
        endpoint = position(updates, Action.UPSERT, "endpoint", name)
        assert position(updates, Action.UPSERT, "aor", name) < endpoint
        assert position(updates, Action.UPSERT, "identify", name) > endpoint


def test_endpoint_upsert_that_drops_its_aor_comes_before_the_aor_delete() -> None:
    updates = diff(
        {("aor", "alice"): AOR, ("endpoint", "alice"): ENDPOINT},
        {("endpoint", "alice"): ENDPOINT[:-1]},
    )
    assert [(u.action, u.object_type) for u in updates] == [(Action.UPSERT, "endpoint"), (Action.DELETE, "aor")]


def test_endpoint_upsert_that_drops_its_auth_comes_before_the_auth_delete_even_for_earlier_ids() -> None:
    # an auth id sorting before the endpoint's must still be deleted after the endpoint stops using it
    updates = diff(
        {("auth", "a-auth"): AUTH, ("endpoint", "zz"): (("auth", "a-auth"),)},
        {("endpoint", "zz"): (("context", "default"),)},
    )
    assert [(u.action, u.object_type) for u in updates] == [(Action.UPSERT, "endpoint"), (Action.DELETE, "auth")]


def test_transport_upsert_comes_first_and_transport_delete_last() -> None:
    # given a transport replaced by another, an endpoint moving to it and objects coming and going
    recorded = {
        ("identify", "alice"): IDENTIFY,
        ("transport", "old"): TRANSPORT,
        ("endpoint", "alice"): (*ENDPOINT, ("transport", "old")),
        ("aor", "alice"): AOR,
    }
    desired = {
        ("endpoint", "alice"): (("context", "default"), ("transport", "new")),
        ("auth", "alice"): AUTH,
        ("transport", "new"): TRANSPORT,
        ("registration", "alice"): REGISTRATION,
    }
    updates = diff(recorded, desired)
    assert (updates[0].action, updates[0].key) == (Action.UPSERT, ("transport", "new"))
    assert (updates[-1].action, updates[-1].key) == (Action.DELETE, ("transport", "old"))
    # and every upsert comes before every delete
    actions = [u.action for u in updates]
    assert actions == sorted(actions, key=lambda a: a is Action.DELETE)


def test_order_updates_does_not_depend_on_input_order() -> None:
    updates = diff({("aor", "b"): AOR, ("transport", "t1"): TRANSPORT}, {**all_objects("a"), ("transport", "t2"): ()})
    assert order_updates(list(reversed(updates))) == updates
    assert order_updates(updates[::2] + updates[1::2]) == updates


_PAIRS = st.lists(
    st.tuples(st.sampled_from(["allow", "disallow", "context", "dtmf_mode", "set_var"]), st.sampled_from("abc")),
    max_size=8,
).map(tuple)


@given(old=_PAIRS, new=_PAIRS)
@settings(max_examples=300, deadline=None)
def test_compare_agrees_with_changed_keys_and_needs_recreate(old: Options, new: Options) -> None:
    """The one-pass comparison used by diff_objects says what the two separate questions say."""
    multiple = {"allow", "disallow", "set_var"}.__contains__
    assert compare(old, new, multiple) == (changed_keys(old, new), needs_recreate(old, new, multiple))


@given(old=_PAIRS, new=_PAIRS)
@settings(max_examples=300, deadline=None)
def test_changed_keys_are_the_keys_whose_ordered_values_differ(old: Options, new: Options) -> None:
    """Against the definition, key by key: no key is missed by looking at the differing positions only."""
    keys = {k for k, _ in old} | {k for k, _ in new}
    expected = sorted(k for k in keys if [v for j, v in old if j == k] != [v for j, v in new if j == k])
    assert list(changed_keys(old, new)) == expected


@given(old=_PAIRS, data=st.data())
@settings(max_examples=300, deadline=None)
def test_compare_of_values_changed_in_place_agrees_too(old: Options, data: st.DataObject) -> None:
    """The common case of a template change: some values replaced where they stand."""
    multiple = {"allow", "disallow", "set_var"}.__contains__
    new = tuple((k, data.draw(st.sampled_from("abc"))) for k, _ in old)
    assert compare(old, new, multiple) == (changed_keys(old, new), needs_recreate(old, new, multiple))
