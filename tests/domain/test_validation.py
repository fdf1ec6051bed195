"""Option and name validation (docs/domain.md §3 and §2)."""

from __future__ import annotations

import pytest

from app.domain.catalog import load_catalog
from app.domain.sections import SECTIONS, Options, Section
from app.domain.validation import (
    MAX_OPTIONS_PER_SECTION,
    MAX_PARENTS,
    MAX_VALUE_LENGTH,
    validate_name,
    validate_options,
    validate_parent_list,
    validate_sections,
)
from app.errors import Issue

CATALOG = load_catalog()


def check(section: Section, *options: tuple[str, str]) -> list[Issue]:
    """Validate one section as a mutation input would."""
    return validate_sections(CATALOG, {section: options})


def fields(issues: list[Issue]) -> list[str]:
    return [i.field for i in issues]


# --- keys -----------------------------------------------------------------------------------------


def test_valid_options_give_no_issue() -> None:
    assert check(Section.ENDPOINT, ("dtmf_mode", "rfc4733"), ("allow", "ulaw"), ("context", "from-internal")) == []
    assert check(Section.AOR, ("max_contacts", "1"), ("contact", "sip:x@10.0.0.1")) == []
    assert check(Section.AUTH, ("auth_type", "userpass"), ("username", "u"), ("password", "p")) == []
    assert check(Section.IDENTIFY, ("match", "10.0.0.1")) == []
    assert check(Section.REGISTRATION, ("server_uri", "sip:x@y"), ("client_uri", "sip:me@y")) == []


def test_unknown_key_is_rejected_with_the_closest_valid_key() -> None:
    # given a misspelled endpoint option
    issues = check(Section.ENDPOINT, ("dtmfmode", "info"))
    # then the issue points at the key and suggests dtmf_mode
    assert fields(issues) == ["input.options.endpoint[0].key"]
    assert "dtmfmode" in issues[0].message
    assert "'dtmf_mode'" in issues[0].message


def test_close_misspelling_suggests_the_key() -> None:
    issues = check(Section.AOR, ("max_contact", "1"))
    assert fields(issues) == ["input.options.aor[0].key"]
    assert "'max_contacts'" in issues[0].message


def test_key_of_another_object_type_is_unknown() -> None:
    # dtmf_mode is an endpoint option, not an aor one
    issues = check(Section.AOR, ("dtmf_mode", "info"))
    assert fields(issues) == ["input.options.aor[0].key"]
    assert "unknown aor option" in issues[0].message


def test_auth_type_sections_use_the_auth_catalog() -> None:
    for section in (Section.AUTH, Section.OUTBOUND_AUTH, Section.REGISTRATION_OUTBOUND_AUTH):
        assert check(section, ("username", "u"), ("password", "p")) == []
        assert len(check(section, ("dtmf_mode", "info"))) == 1


@pytest.mark.parametrize("section", SECTIONS)
def test_type_is_rejected_in_every_section(section: Section) -> None:
    issues = check(section, ("type", section.object_type))
    assert fields(issues) == [f"input.options.{section.input_name}[0].key"]
    assert "'type'" in issues[0].message


MANAGED = [
    (Section.ENDPOINT, "aors"),
    (Section.ENDPOINT, "auth"),
    (Section.ENDPOINT, "outbound_auth"),
    (Section.ENDPOINT, "transport"),
    (Section.IDENTIFY, "endpoint"),
    (Section.REGISTRATION, "endpoint"),
    (Section.REGISTRATION, "outbound_auth"),
]


@pytest.mark.parametrize(("section", "key"), MANAGED, ids=[f"{s}.{k}" for s, k in MANAGED])
def test_managed_key_is_rejected_although_asterisk_documents_it(section: Section, key: str) -> None:
    # given a key Asterisk accepts but the product writes itself from references
    assert CATALOG.spec(section.object_type, key) is not None
    # then it is rejected at the key, and not as an unknown option
    issues = check(section, (key, "something"))
    assert fields(issues) == [f"input.options.{section.input_name}[0].key"]
    assert "managed" in issues[0].message
    assert "unknown" not in issues[0].message


def test_transport_key_points_at_the_transport_field() -> None:
    issues = check(Section.ENDPOINT, ("transport", "transport-udp"))
    assert "transport field" in issues[0].message


@pytest.mark.parametrize("section", [Section.ENDPOINT, Section.AOR])
def test_extended_field_is_accepted_in_endpoint_and_aor(section: Section) -> None:
    assert check(section, ("@foo", "anything at all"), ("@pbx_line_id", "42")) == []


@pytest.mark.parametrize(
    "section",
    [Section.AUTH, Section.OUTBOUND_AUTH, Section.REGISTRATION_OUTBOUND_AUTH, Section.IDENTIFY, Section.REGISTRATION],
)
def test_extended_field_is_rejected_outside_endpoint_and_aor(section: Section) -> None:
    issues = check(section, ("@foo", "bar"))
    assert fields(issues) == [f"input.options.{section.input_name}[0].key"]
    assert "'@...'" in issues[0].message or "extended" in issues[0].message


def test_extended_field_is_rejected_in_transports_and_engine_objects() -> None:
    for object_type in ("transport", "global", "system"):
        assert fields(validate_options(CATALOG, object_type, (("@foo", "bar"),), path="p")) == ["p[0].key"]


@pytest.mark.parametrize("key", ["", "dtmf\nmode", "@foo\nbar"])
def test_empty_key_or_key_with_control_character_is_rejected(key: str) -> None:
    assert fields(check(Section.ENDPOINT, (key, "x"))) == ["input.options.endpoint[0].key"]


# --- values ---------------------------------------------------------------------------------------

BOOLEAN_SPELLINGS = ["yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"]


@pytest.mark.parametrize("spelling", BOOLEAN_SPELLINGS)
def test_every_asterisk_boolean_spelling_is_accepted_in_any_case(spelling: str) -> None:
    for value in {spelling, spelling.upper(), spelling.title()}:
        assert check(Section.ENDPOINT, ("direct_media", value)) == [], value


@pytest.mark.parametrize("value", ["maybe", "", "yess", "2", "enabled"])
def test_bad_boolean_is_rejected_at_the_value(value: str) -> None:
    issues = check(Section.ENDPOINT, ("direct_media", value))
    assert fields(issues) == ["input.options.endpoint[0].value"]
    assert "direct_media" in issues[0].message


def test_enumeration_must_be_a_catalog_value() -> None:
    assert check(Section.ENDPOINT, ("dtmf_mode", "info")) == []
    issues = check(Section.ENDPOINT, ("dtmf_mode", "bogus"))
    assert fields(issues) == ["input.options.endpoint[0].value"]
    assert "rfc4733" in issues[0].message


@pytest.mark.parametrize("value", ["abc", "1.5", "", "12abc"])
def test_integer_must_parse(value: str) -> None:
    issues = check(Section.ENDPOINT, ("rtp_timeout", value))
    assert fields(issues) == ["input.options.endpoint[0].value"]


def test_unsigned_integer_must_not_be_negative() -> None:
    assert check(Section.ENDPOINT, ("rtp_timeout", "7200")) == []
    assert fields(check(Section.ENDPOINT, ("rtp_timeout", "-1"))) == ["input.options.endpoint[0].value"]


def test_integer_outside_its_range_is_rejected() -> None:
    assert check(Section.AOR, ("qualify_frequency", "86400")) == []
    assert check(Section.AOR, ("qualify_frequency", "0")) == []
    issues = check(Section.AOR, ("qualify_frequency", "86401"))
    assert fields(issues) == ["input.options.aor[0].value"]
    assert "86400" in issues[0].message


@pytest.mark.parametrize("value", ["1_000", "\uff16\uff10"])
def test_integer_accepts_only_what_asterisk_parses(value: str) -> None:
    # "1_000" (digit separator) and "６０" (fullwidth digits) are integers to Python only
    assert fields(check(Section.AOR, ("qualify_frequency", value))) == ["input.options.aor[0].value"]


def test_list_enumeration_accepts_a_comma_separated_list_of_values() -> None:
    assert check(Section.ENDPOINT, ("identify_by", "username,ip")) == []
    assert check(Section.ENDPOINT, ("identify_by", "username, ip, header")) == []


def test_list_enumeration_rejects_a_bad_member() -> None:
    issues = check(Section.ENDPOINT, ("identify_by", "username,bogus"))
    assert fields(issues) == ["input.options.endpoint[0].value"]
    assert "bogus" in issues[0].message


def test_single_enumeration_rejects_a_list() -> None:
    assert fields(check(Section.ENDPOINT, ("dtmf_mode", "info,inband"))) == ["input.options.endpoint[0].value"]


@pytest.mark.parametrize("char", ["\n", "\r", "\x00", "\t", "\x1b", "\x7f"])
def test_control_character_in_a_value_is_rejected(char: str) -> None:
    # a newline would inject lines into pjsip.conf
    issues = check(Section.ENDPOINT, ("callerid", f"Alice{char}type=endpoint"))
    assert fields(issues) == ["input.options.endpoint[0].value"]
    assert "control character" in issues[0].message


def test_c1_control_character_in_a_value_is_rejected() -> None:
    assert fields(check(Section.ENDPOINT, ("callerid", "Alice\x85type=endpoint"))) == [
        "input.options.endpoint[0].value"
    ]


def test_value_of_4092_characters_is_accepted_and_4093_rejected() -> None:
    assert MAX_VALUE_LENGTH == 4092
    assert check(Section.ENDPOINT, ("context", "c" * 4092)) == []
    issues = check(Section.ENDPOINT, ("context", "c" * 4093))
    assert fields(issues) == ["input.options.endpoint[0].value"]


def test_long_value_is_rejected_even_for_untyped_keys_in_extended_fields() -> None:
    assert fields(check(Section.AOR, ("@note", "n" * 4093))) == ["input.options.aor[0].value"]


def test_512_options_are_accepted_and_513_rejected_at_the_section() -> None:
    assert MAX_OPTIONS_PER_SECTION == 512
    many = tuple(("set_var", f"V{i}=1") for i in range(512))
    assert check(Section.ENDPOINT, *many) == []
    issues = check(Section.ENDPOINT, *many, ("set_var", "ONE=more"))
    assert fields(issues) == ["input.options.endpoint"]
    assert "513" in issues[0].message


# --- issue paths ------------------------------------------------------------------------------------


def test_every_issue_points_at_its_section_index_and_part() -> None:
    # given an endpoint section with one bad key at index 3 and a bad value at index 5
    endpoint: Options = (
        ("context", "default"),
        ("allow", "ulaw"),
        ("dtmf_mode", "info"),
        ("dtmfmode", "info"),
        ("language", "en"),
        ("direct_media", "perhaps"),
    )
    issues = validate_sections(
        CATALOG,
        {
            Section.ENDPOINT: endpoint,
            Section.REGISTRATION_OUTBOUND_AUTH: (("username", "u"), ("nope", "x")),
            Section.OUTBOUND_AUTH: (("type", "auth"),),
            Section.AOR: (("max_contacts", "1"),),
        },
    )
    # then every issue is reported, each at its input path
    assert fields(issues) == [
        "input.options.endpoint[3].key",
        "input.options.endpoint[5].value",
        "input.options.registrationOutboundAuth[1].key",
        "input.options.outboundAuth[0].key",
    ]


def test_custom_path_prefix_is_used() -> None:
    issues = validate_sections(CATALOG, {Section.AOR: (("bad", "x"),)}, path="input.templates[2].options")
    assert fields(issues) == ["input.templates[2].options.aor[0].key"]


def test_engine_object_types_are_checked_against_their_catalog() -> None:
    assert validate_options(CATALOG, "transport", (("protocol", "udp"), ("bind", "0.0.0.0")), path="t") == []
    assert fields(validate_options(CATALOG, "transport", (("protocol", "carrier-pigeon"),), path="t")) == ["t[0].value"]
    assert fields(validate_options(CATALOG, "system", (("type", "system"),), path="s")) == ["s[0].key"]


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "1001", "trunk-provider.example_com", "A", "x" * 79, "-_."])
def test_valid_names_are_accepted(name: str) -> None:
    assert validate_name(name, field="input.name", what="endpoint") == []


@pytest.mark.parametrize("name", ["", "x" * 80, "has space", "semi;colon", "brack]et", "a/b", "é", "a=b", "a,b"])
def test_names_outside_the_pattern_are_rejected(name: str) -> None:
    issues = validate_name(name, field="input.name", what="endpoint")
    assert fields(issues) == ["input.name"]
    assert "endpoint name" in issues[0].message


@pytest.mark.parametrize("name", ["global", "system"])
def test_reserved_names_are_rejected(name: str) -> None:
    issues = validate_name(name, field="input.name", what="endpoint")
    assert fields(issues) == ["input.name"]
    assert "reserved" in issues[0].message


def test_name_with_a_trailing_newline_is_rejected() -> None:
    # a newline in an object id would inject lines into pjsip.conf ("[alice\n]")
    assert fields(validate_name("alice\n", field="input.name", what="endpoint")) == ["input.name"]


# --- parent lists -----------------------------------------------------------------------------------


def test_parent_list_without_duplicates_up_to_20_is_accepted() -> None:
    assert MAX_PARENTS == 20
    assert validate_parent_list([f"t{i}" for i in range(20)], field="input.parents") == []
    assert validate_parent_list([], field="input.parents") == []


def test_duplicate_parent_is_rejected_at_its_second_position() -> None:
    issues = validate_parent_list(["a", "b", "a", "c", "b"], field="input.parents")
    assert fields(issues) == ["input.parents[2]", "input.parents[4]"]


def test_more_than_20_parents_are_rejected_at_the_list() -> None:
    issues = validate_parent_list([f"t{i}" for i in range(21)], field="input.parents")
    assert fields(issues) == ["input.parents"]
    assert "21" in issues[0].message
