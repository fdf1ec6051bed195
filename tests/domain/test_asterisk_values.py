"""Values Asterisk refuses (or silently changes) are refused by validation with the reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import asterisk_values
from app.domain.asterisk_values import RULE_KEYS, object_problems, problems_may_change
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
    ("endpoint", "allow", "notacodec"),
    ("endpoint", "allow", "ulaw,nope"),
    ("endpoint", "disallow", "x"),
    ("endpoint", "permit", "10.0.0.0/33"),
    ("endpoint", "permit", "localhost"),
    ("endpoint", "contact_permit", "not an address"),
    ("identify", "match", "10.0.0.1/33"),
    ("identify", "match", "sip:a@b"),
    ("aor", "contact", "notauri"),
    ("aor", "contact", "tel:+123"),
    ("registration", "server_uri", "notauri"),
    ("registration", "client_uri", "1.2.3.4"),
    ("registration", "outbound_proxy", "x"),
    ("registration", "expiration", "0"),
    ("registration", "contact_user", "a b"),
    ("endpoint", "codec_prefs_incoming_offer", "garbage"),
    ("endpoint", "codec_prefs_incoming_offer", "operation: union"),
    ("endpoint", "dtls_rekey", "x"),
    ("endpoint", "from_user", "a b"),
    ("endpoint", "follow_redirect_methods", "invite"),
    ("transport", "bind", "127.0.0.1:99999"),
    ("transport", "local_net", "10.0.0.0/33"),
    ("transport", "local_net", "lan"),
    ("auth", "md5_cred", "x"),
    ("auth", "password_digest", "SHA-256:abc"),
]
# Values Asterisk loads but changes or ignores (it serves another value): refused as well, so the
# record never says what Asterisk does not do.
CHANGED_BY_ASTERISK = [
    ("transport", "async_operations", "0"),
    ("transport", "verify_server", "maybe"),
    ("transport", "allow_wildcard_certs", "maybe"),
    ("endpoint", "codec_prefs_outgoing_offer", "abc def"),
    ("endpoint", "call_group", "64"),
    ("endpoint", "pickup_group", "x"),
    ("endpoint", "dtls_auto_generate_cert", "maybe"),
    ("endpoint", "sdp_owner", "a b"),
    ("endpoint", "stir_shaken", "yes"),
]
ACCEPTED_BY_ASTERISK = [
    ("endpoint", "set_var", "A=1"),
    ("endpoint", "tos_audio", "ef"),
    ("endpoint", "tos_audio", "0xb8"),
    ("endpoint", "timers_min_se", "90"),
    ("aor", "max_contacts", "010"),
    ("identify", "match_header", "X-Tenant: a"),
    ("system", "timer_t1", "500"),
    ("endpoint", "allow", "!all,ulaw|alaw:20"),
    ("endpoint", "disallow", "all"),
    ("endpoint", "permit", "10.0.0.0/8,!10.1.0.0/255.255.0.0"),
    ("endpoint", "deny", "::1/128"),
    ("endpoint", "deny", "10.0.0.0/255.0.255.0"),
    ("identify", "match", "10.0.0.1:5060,192.0.2.0/24"),
    ("identify", "match", "[::1]:5060"),
    ("aor", "contact", "sip:alice@192.0.2.1:5060;transport=tcp"),
    ("registration", "server_uri", "sip:127.0.0.1:5999"),
    ("registration", "client_uri", "sip:acme@127.0.0.1:5999"),
    ("registration", "expiration", "60"),
    ("endpoint", "codec_prefs_incoming_offer", "prefer: configured, operation: only_preferred, keep: first"),
    ("endpoint", "codec_prefs_outgoing_answer", "operation: union, transcode: prevent"),
    ("endpoint", "call_group", "1,3-5,63"),
    ("endpoint", "dtls_rekey", "60"),
    ("endpoint", "from_user", "alice.1"),
    ("endpoint", "follow_redirect_methods", "message"),
    ("auth", "md5_cred", "0123456789abcdef0123456789abcdef"),
    ("transport", "local_net", "10.0.0.0/8"),
    ("transport", "async_operations", "1"),
    ("transport", "verify_client", "yes"),
    ("transport", "local_net", "192.168.0.0/255.255.0.0"),
]

# Whole objects: keys that need each other (app/domain/asterisk_values.object_problems).
OBJECTS_REFUSED_BY_ASTERISK: list[tuple[str, tuple[tuple[str, str], ...]]] = [
    ("endpoint", (("rtp_port_start", "20000"),)),
    ("endpoint", (("rtp_port_start", "1000"), ("rtp_port_end", "3000"))),
    ("endpoint", (("rtp_port_start", "3000"), ("rtp_port_end", "3000"))),
    ("endpoint", (("timers_min_se", "600"), ("timers_sess_expires", "300"))),
    ("endpoint", (("timers_min_se", "2000"),)),
    ("endpoint", (("dtls_auto_generate_cert", "yes"), ("dtls_cert_file", "/etc/cert.pem"))),
    ("endpoint", (("preferred_codec_only", "yes"), ("incoming_call_offer_pref", "remote"))),
    ("auth", (("password", "secret"),)),
    ("auth", (("username", "u"),)),
    ("auth", (("username", "u"), ("auth_type", "md5"))),
    ("auth", (("username", "u"), ("supported_algorithms_uas", "sha-256"), ("md5_cred", "0" * 32))),
    ("auth", (("username", "u"), ("auth_type", "google_oauth"), ("refresh_token", "r"))),
    ("registration", (("client_uri", "sip:a@127.0.0.1:5999"),)),
    ("registration", (("server_uri", "sip:127.0.0.1:5999"),)),
    ("identify", (("srv_lookups", "yes"),)),
]
# Objects Asterisk loads but changes (with a warning): refused as well. The key it changes comes last.
OBJECTS_CHANGED_BY_ASTERISK: list[tuple[str, tuple[tuple[str, str], ...]]] = [
    ("endpoint", (("webrtc", "yes"), ("dtls_rekey", "60"))),
]
OBJECTS_ACCEPTED_BY_ASTERISK: list[tuple[str, tuple[tuple[str, str], ...]]] = [
    ("endpoint", (("webrtc", "yes"), ("dtls_rekey", "0"))),
    ("endpoint", (("rtp_port_start", "20000"), ("rtp_port_end", "20100"))),
    ("endpoint", (("timers_min_se", "120"), ("timers_sess_expires", "120"))),
    ("endpoint", (("preferred_codec_only", "yes"),)),
    ("auth", (("username", "u"), ("password", "p"))),
    ("auth", (("username", "u"), ("auth_type", "md5"), ("md5_cred", "0123456789abcdef0123456789abcdef"))),
    ("auth", (("username", "u"), ("password_digest", "MD5:0123456789abcdef0123456789abcdef"))),
    (
        "auth",
        (
            ("username", "u"),
            ("auth_type", "google_oauth"),
            ("refresh_token", "r"),
            ("oauth_clientid", "c"),
            ("oauth_secret", "s"),
        ),
    ),
    ("registration", (("server_uri", "sip:127.0.0.1:5999"), ("client_uri", "sip:a@127.0.0.1:5999"))),
    ("identify", (("match_header", "X-Tenant: a"),)),
]


@pytest.mark.parametrize(("object_type", "key", "value"), REFUSED_BY_ASTERISK + CHANGED_BY_ASTERISK)
def test_value_asterisk_refuses_is_refused(object_type: str, key: str, value: str) -> None:
    issues = validate_options(CATALOG, object_type, ((key, value),), path="options")
    assert issues and issues[0].field == "options[0].value", issues


@pytest.mark.parametrize(("object_type", "key", "value"), ACCEPTED_BY_ASTERISK)
def test_value_asterisk_accepts_is_accepted(object_type: str, key: str, value: str) -> None:
    assert validate_options(CATALOG, object_type, ((key, value),), path="options") == []


@pytest.mark.parametrize(("object_type", "fields"), OBJECTS_REFUSED_BY_ASTERISK + OBJECTS_CHANGED_BY_ASTERISK)
def test_object_asterisk_refuses_is_refused(object_type: str, fields: tuple[tuple[str, str], ...]) -> None:
    assert object_problems(object_type, fields) != []


@pytest.mark.parametrize(("object_type", "fields"), OBJECTS_ACCEPTED_BY_ASTERISK)
def test_object_asterisk_accepts_is_accepted(object_type: str, fields: tuple[tuple[str, str], ...]) -> None:
    assert object_problems(object_type, fields) == []


def test_an_auth_follows_the_engines_default_algorithms() -> None:
    digest_only = (("username", "u"), ("md5_cred", "0123456789abcdef0123456789abcdef"))
    assert object_problems("auth", digest_only) == []
    assert object_problems("auth", digest_only, (("default_auth_algorithms_uas", "sha-256"),)) != []


def test_a_masked_secret_is_not_checked_as_a_value() -> None:
    assert validate_options(CATALOG, "auth", (("md5_cred", "********"),), path="options") == []


# --- what the whole-object rules read -----------------------------------------------------------------------------

_RULE_VALUES = ("", "yes", "no", "0", "1", "90", "1800", "2000", "0x10", "5000", "sip:a@b", "remote", "x")


class _ReadKeys(dict[str, str]):
    """The values of an object, remembering every key a rule reads."""

    read: set[str]

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


@pytest.mark.parametrize("object_type", sorted(RULE_KEYS))
@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_the_whole_object_rules_read_only_their_rule_keys(object_type: str, data: st.DataObject) -> None:
    # given an object with every key of its type (so that every rule gets past its first test)
    every_key = sorted(load_catalog().keys(object_type))
    fields = [(key, data.draw(st.sampled_from(_RULE_VALUES))) for key in every_key]
    read: set[str] = set()

    def values(pairs: list[tuple[str, str]]) -> _ReadKeys:
        out = _ReadKeys(pairs)
        out.read = read
        return out

    # when its problems are found, then no key outside its rule keys was read
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asterisk_values, "_last", values)
        object_problems(object_type, fields)
    assert read <= RULE_KEYS[object_type]
    assert not problems_may_change(object_type, [k for k in every_key if k not in RULE_KEYS[object_type]])
    assert all(problems_may_change(object_type, [k]) for k in RULE_KEYS[object_type])


def test_an_auth_s_problems_may_change_with_any_key() -> None:
    assert problems_may_change("auth", ["realm"])
    assert problems_may_change("transport", ["bind"])
