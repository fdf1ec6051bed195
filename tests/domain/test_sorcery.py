"""Flattening an endpoint into Sorcery objects (docs/domain.md §5 table) and masking secrets (§6)."""

from __future__ import annotations

from uuid import UUID

import pytest

from app.domain.resolution import ConfigKind, Origin, ResolvedOption
from app.domain.sections import Options, Section
from app.domain.sorcery import (
    MASK,
    SorceryObject,
    endpoint_objects,
    mask_fields,
    object_section,
    objects_changed_by,
    objects_of_fields,
)

ORIGIN = Origin(UUID(int=1), ConfigKind.ENDPOINT, "alice", None)


def resolved(**sections: Options) -> dict[Section, tuple[ResolvedOption, ...]]:
    """A resolved endpoint with the given sections (every other section empty)."""
    out: dict[Section, tuple[ResolvedOption, ...]] = dict.fromkeys(Section, ())
    for name, options in sections.items():
        out[Section(name)] = tuple(ResolvedOption(k, v, ORIGIN, False) for k, v in options)
    return out


def by_key(objects: list[SorceryObject]) -> dict[tuple[str, str], Options]:
    return {o.key: o.fields for o in objects}


ENDPOINT = (("context", "default"), ("allow", "ulaw"))
AOR = (("max_contacts", "1"),)
AUTH = (("auth_type", "userpass"), ("username", "alice"), ("password", "s3cret"))
OUTBOUND_AUTH = (("username", "out"), ("password", "out-secret"))
IDENTIFY = (("match", "10.0.0.1"), ("match", "10.0.0.2"))
REGISTRATION = (("server_uri", "sip:provider.example.com"), ("client_uri", "sip:alice@provider.example.com"))
REGISTRATION_AUTH = (("username", "reg"), ("password", "reg-secret"))


def test_endpoint_object_always_exists_and_empty_sections_make_no_object() -> None:
    # given an endpoint whose only non-empty section is endpoint
    objects = endpoint_objects("alice", resolved(endpoint=ENDPOINT))
    # then there is exactly the endpoint object, with no reference added
    assert objects == [SorceryObject("endpoint", "alice", ENDPOINT)]


def test_endpoint_object_exists_even_when_its_section_is_empty() -> None:
    assert endpoint_objects("alice", resolved()) == [SorceryObject("endpoint", "alice", ())]


def test_missing_sections_count_as_empty() -> None:
    objects = endpoint_objects("alice", {Section.ENDPOINT: resolved(endpoint=ENDPOINT)[Section.ENDPOINT]})
    assert objects == [SorceryObject("endpoint", "alice", ENDPOINT)]


def test_aor_object_is_named_after_the_endpoint_and_referenced_by_aors() -> None:
    objects = by_key(endpoint_objects("alice", resolved(endpoint=ENDPOINT, aor=AOR)))
    assert objects[("aor", "alice")] == AOR
    assert objects[("endpoint", "alice")] == (*ENDPOINT, ("aors", "alice"))


def test_auth_object_is_named_after_the_endpoint_and_referenced_by_auth() -> None:
    objects = by_key(endpoint_objects("alice", resolved(endpoint=ENDPOINT, auth=AUTH)))
    assert objects[("auth", "alice")] == AUTH
    assert objects[("endpoint", "alice")] == (*ENDPOINT, ("auth", "alice"))


def test_outbound_auth_object_is_prefixed_and_referenced_by_outbound_auth() -> None:
    objects = by_key(endpoint_objects("alice", resolved(endpoint=ENDPOINT, outbound_auth=OUTBOUND_AUTH)))
    assert objects[("auth", "outbound_auth_alice")] == OUTBOUND_AUTH
    assert ("auth", "alice") not in objects
    assert objects[("endpoint", "alice")] == (*ENDPOINT, ("outbound_auth", "outbound_auth_alice"))


def test_identify_object_gets_endpoint_reference_appended() -> None:
    objects = by_key(endpoint_objects("alice", resolved(endpoint=ENDPOINT, identify=IDENTIFY)))
    assert objects[("identify", "alice")] == (*IDENTIFY, ("endpoint", "alice"))
    # the endpoint does not reference its identify
    assert objects[("endpoint", "alice")] == ENDPOINT


def test_registration_enables_line_support_and_references_the_endpoint() -> None:
    objects = by_key(endpoint_objects("trunk1", resolved(endpoint=ENDPOINT, registration=REGISTRATION)))
    assert objects[("registration", "trunk1")] == (*REGISTRATION, ("line", "yes"), ("endpoint", "trunk1"))
    assert ("auth", "auth_reg_trunk1") not in objects


def test_registration_with_its_auth_references_auth_reg() -> None:
    objects = by_key(
        endpoint_objects(
            "trunk1",
            resolved(endpoint=ENDPOINT, registration=REGISTRATION, registration_outbound_auth=REGISTRATION_AUTH),
        )
    )
    assert objects[("auth", "auth_reg_trunk1")] == REGISTRATION_AUTH
    assert objects[("registration", "trunk1")] == (
        *REGISTRATION,
        ("line", "yes"),
        ("endpoint", "trunk1"),
        ("outbound_auth", "auth_reg_trunk1"),
    )
    # the registration auth is not the endpoint's outbound auth
    assert objects[("endpoint", "trunk1")] == ENDPOINT


def test_registration_auth_alone_makes_only_the_auth_object() -> None:
    objects = by_key(endpoint_objects("trunk1", resolved(registration_outbound_auth=REGISTRATION_AUTH)))
    assert set(objects) == {("endpoint", "trunk1"), ("auth", "auth_reg_trunk1")}


def test_every_object_in_table_order_with_references_in_order() -> None:
    # given an endpoint with all seven sections non-empty
    objects = endpoint_objects(
        "alice",
        resolved(
            endpoint=ENDPOINT,
            aor=AOR,
            auth=AUTH,
            outbound_auth=OUTBOUND_AUTH,
            identify=IDENTIFY,
            registration=REGISTRATION,
            registration_outbound_auth=REGISTRATION_AUTH,
        ),
    )
    # then the objects follow the docs/domain.md §5 table
    assert [o.key for o in objects] == [
        ("auth", "alice"),
        ("aor", "alice"),
        ("endpoint", "alice"),
        ("auth", "outbound_auth_alice"),
        ("identify", "alice"),
        ("auth", "auth_reg_alice"),
        ("registration", "alice"),
    ]
    # and the endpoint's references come after its resolved options, aors then auth then outbound_auth
    assert objects[2].fields == (
        *ENDPOINT,
        ("aors", "alice"),
        ("auth", "alice"),
        ("outbound_auth", "outbound_auth_alice"),
    )


def test_fields_keep_resolved_order_and_repeated_keys() -> None:
    endpoint = (("disallow", "all"), ("allow", "ulaw"), ("set_var", "A=1"), ("allow", "alaw"), ("set_var", "B=2"))
    contacts = (("contact", "sip:a@10.0.0.1"), ("max_contacts", "2"), ("contact", "sip:b@10.0.0.2"))
    objects = by_key(endpoint_objects("alice", resolved(endpoint=endpoint, aor=contacts)))
    assert objects[("endpoint", "alice")] == (*endpoint, ("aors", "alice"))
    assert objects[("aor", "alice")] == contacts


def test_object_ids_use_the_given_name() -> None:
    objects = endpoint_objects("x-1.y_z", resolved(aor=AOR, outbound_auth=OUTBOUND_AUTH))
    assert [o.id for o in objects] == ["x-1.y_z", "x-1.y_z", "outbound_auth_x-1.y_z"]


# --- the objects a change of some sections can alter ----------------------------------------------------------


ALL_SECTIONS = {
    "endpoint": ENDPOINT,
    "aor": AOR,
    "auth": AUTH,
    "outbound_auth": OUTBOUND_AUTH,
    "identify": IDENTIFY,
    "registration": REGISTRATION,
    "registration_outbound_auth": REGISTRATION_AUTH,
}


@pytest.mark.parametrize("present", [set(), {"aor"}, {"aor", "auth", "outbound_auth", "registration_outbound_auth"}])
@pytest.mark.parametrize("changed", [{s} for s in Section] + [{Section.AOR, Section.IDENTIFY}])
def test_the_objects_of_changed_sections_are_those_of_the_whole_endpoint(
    changed: set[Section], present: set[str]
) -> None:
    # given an endpoint with some sections holding options, and a change of some of its sections
    whole = resolved(**{name: ALL_SECTIONS[name] for name in present | {"endpoint", "identify", "registration"}})
    made = objects_changed_by(changed)
    fields = {s: tuple((o.key, o.value) for o in whole[s]) for s in made}
    # when only the objects made from the changed sections are built, from their pairs
    some = objects_of_fields("alice", fields, [s for s in Section if whole[s]])
    # then they are exactly the whole endpoint's objects coming from those sections
    objects = endpoint_objects("alice", whole)
    assert some == [(o.key, o.fields) for o in objects if object_section(o.type, o.id) in made]
    assert made >= changed


@pytest.mark.parametrize("section", list(Section))
@pytest.mark.parametrize("others", [set(), set(ALL_SECTIONS)])
def test_a_section_s_change_alters_no_object_outside_those_it_names(section: Section, others: set[str]) -> None:
    # given an endpoint before and after one section's options change (emptied, or another value)
    before = resolved(**{name: ALL_SECTIONS[name] for name in others | {section.value}})
    for after_options in ((), (("changed", "value"),)):
        after = dict(before) | {section: resolved(**{section.value: after_options})[section]}
        old = by_key(endpoint_objects("alice", before))
        new = by_key(endpoint_objects("alice", after))
        # then every object that differs comes from a section objects_changed_by names
        differing = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
        assert differing
        assert {object_section(*key) for key in differing} <= objects_changed_by({section})


def test_a_referenced_section_s_change_alters_the_objects_that_reference_it() -> None:
    assert objects_changed_by({Section.AOR}) == {Section.AOR, Section.ENDPOINT}
    assert objects_changed_by({Section.OUTBOUND_AUTH}) == {Section.OUTBOUND_AUTH, Section.ENDPOINT}
    assert objects_changed_by({Section.REGISTRATION_OUTBOUND_AUTH}) == {
        Section.REGISTRATION_OUTBOUND_AUTH,
        Section.REGISTRATION,
    }
    assert objects_changed_by({Section.ENDPOINT}) == {Section.ENDPOINT}
    assert objects_changed_by({Section.IDENTIFY}) == {Section.IDENTIFY}
    assert objects_changed_by(()) == frozenset()


def test_references_follow_the_sections_present_not_those_built() -> None:
    # the endpoint object alone, built while its aor and outbound auth hold options elsewhere
    objects = objects_of_fields("alice", {Section.ENDPOINT: ENDPOINT}, [Section.AOR, Section.OUTBOUND_AUTH])
    assert objects == [
        (("endpoint", "alice"), (*ENDPOINT, ("aors", "alice"), ("outbound_auth", "outbound_auth_alice")))
    ]


def test_each_object_comes_from_one_section() -> None:
    sections = {object_section(o.type, o.id) for o in endpoint_objects("alice", resolved(**ALL_SECTIONS))}
    assert sections == set(Section)


# --- secrets --------------------------------------------------------------------------------------


def test_mask_fields_hides_password_and_md5_cred_of_auth_objects() -> None:
    fields = (("auth_type", "md5"), ("username", "alice"), ("md5_cred", "0123abcd"), ("password", "s3cret"))
    assert mask_fields("auth", fields) == (
        ("auth_type", "md5"),
        ("username", "alice"),
        ("md5_cred", MASK),
        ("password", MASK),
    )
    assert "s3cret" not in MASK
    assert "0123abcd" not in MASK


@pytest.mark.parametrize("object_type", ["endpoint", "aor", "identify", "registration", "global"])
def test_mask_fields_leaves_other_object_types_alone(object_type: str) -> None:
    fields = (("password", "visible"), ("md5_cred", "visible"), ("context", "default"))
    assert mask_fields(object_type, fields) == fields


def test_mask_fields_of_an_auth_without_secrets_is_unchanged() -> None:
    fields = (("auth_type", "userpass"), ("username", "alice"), ("realm", "example.com"))
    assert mask_fields("auth", fields) == fields
