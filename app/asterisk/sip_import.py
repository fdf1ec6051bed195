"""chan_sip's sip.conf as an import plan: tenant templates, endpoints and engine objects.

The file is read by :mod:`app.asterisk.conf` exactly as Asterisk reads it;
this module maps what chan_sip would have applied, option by option, with
the table of Asterisk's ``contrib/scripts/sip_to_pjsip/sip_to_pjsip.py``
except where that script is wrong or silent (docs/import-sip-conf.md lists
every difference). Four rules shape the result:

* ``[general]`` holds chan_sip's per-peer defaults: they become the tenant
  template ``general``, the first parent of every endpoint, instead of being
  copied into every endpoint; what chan_sip keeps per engine (bind
  addresses, NAT addresses, user agent, timers) goes to transports and the
  ``global``/``system`` options;
* a sip.conf template keeps its bases as its parents, and a peer ``[x](a,b)``
  gets the parents ``general, a, b``, so the product resolves it in the
  order chan_sip applied it;
* what only makes sense for one peer as a whole (its name, type, host and
  port, outbound credentials) is derived from that peer's complete view and
  written on the endpoint;
* a peer's resolved endpoint, aor and auth options are checked against the
  mapping of its flattened view; where a template's mapping does not fit the
  peer (a peer that overrides ``host=dynamic`` with an address), the
  endpoint gets an explicit override, so the result never depends on luck.

Planning is pure: values are not validated here (the import service
validates them with the product's rules), but every key produced is a
documented PJSIP option of its object type, or it is reported instead.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.asterisk.conf.parser import ConfigError, ConfSection, ParsedConfig, Where
from app.domain.catalog import BOOLEAN, DOUBLE, INTEGER, UNSIGNED, Catalog, load_catalog
from app.domain.imports import ImportPlan, PlannedConfig, PlannedTransport, Source, Unmapped
from app.domain.sections import Option, Section
from app.domain.validation import MANAGED_KEYS

Line = tuple[str, str, Where]
Emitted = tuple[Section, str, str]

GENERAL_TEMPLATE = "general"
TRUNK_TEMPLATE = "trunk"
TRANSPORT_UDP = "transport-udp"
TRANSPORT_TCP = "transport-tcp"
TRANSPORT_TLS = "transport-tls"

# chan_sip defaults the import writes down because PJSIP's differ (chan_sip.c DEFAULT_* values).
CHAN_SIP_QUALIFY_FREQUENCY = "60"
CHAN_SIP_REGISTER_EXPIRY = "120"
CHAN_SIP_REGISTER_RETRY = "20"
# chan_sip retries registrations forever (registerattempts=0); PJSIP needs a number.
UNLIMITED_REGISTER_RETRIES = "10000"

_E = Section.ENDPOINT
_AOR = Section.AOR
_AUTH = Section.AUTH
_IDENTIFY = Section.IDENTIFY
_REGISTRATION = Section.REGISTRATION
_REGISTRATION_AUTH = Section.REGISTRATION_OUTBOUND_AUTH
_OUTBOUND_AUTH = Section.OUTBOUND_AUTH
# Sections whose resolved options are checked against the flattened mapping (the others are derived only).
_CHECKED_SECTIONS = (_E, _AOR, _AUTH)

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})
_FALSE = frozenset({"no", "false", "n", "f", "0", "off"})
_NAME_UNSAFE = re.compile(r"[^-_.a-zA-Z0-9]")
_PEER_TYPES = frozenset({"peer", "friend", "user"})
_GENERIC_REASON = "no PJSIP equivalent known to the importer"
# Reader problems that mean chan_sip never ran this file (app/asterisk/conf/parser.py wording).
_REFUSED_MARK = "Asterisk refuses to load the file"
_UNKNOWN_DIRECTIVE = "unknown directive"


class _NotMapped(Exception):
    """Raised by a mapper for a value it cannot carry over; the reason ends up in the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _View:
    """One section as chan_sip reads it: names ignore case, the last value wins, lists keep every value."""

    __slots__ = ("_values", "lines")

    def __init__(self, lines: Iterable[Line]) -> None:
        self.lines = tuple(lines)
        self._values: dict[str, list[str]] = {}
        for name, value, _ in self.lines:
            self._values.setdefault(name.lower(), []).append(value)

    def values(self, key: str) -> list[str]:
        return self._values.get(key, [])

    def last(self, key: str) -> str | None:
        values = self._values.get(key)
        return values[-1] if values else None

    def first_set(self, *keys: str) -> str | None:
        """The value of the first of ``keys`` that is set (chan_sip's aliases, in its order)."""
        return next((v for v in (self.last(k) for k in keys) if v), None)

    def true(self, key: str) -> bool:
        return _is_true(self.last(key))


def _is_true(value: str | None) -> bool:
    """Asterisk's ast_true()."""
    return value is not None and value.strip().lower() in _TRUE


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _tokens(value: str) -> list[str]:
    return [t.strip().lower() for t in value.split(",") if t.strip()]


def _source(where: Where | None) -> Source | None:
    return Source(where.file, where.line) if where is not None else None


# --------------------------------------------------------------------------- host and port text


def _split_host_port(text: str) -> tuple[str, str | None]:
    """``host[:port]`` with IPv6 in brackets or bare; the host comes back URI-ready (IPv6 bracketed)."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return text, None
        rest = text[end + 1 :]
        return text[: end + 1], rest[1:] if rest.startswith(":") and rest[1:] else None
    if text.count(":") > 1:
        return f"[{text}]", None
    host, colon, port = text.partition(":")
    return host, port if colon and port else None


def _bare_host(host: str) -> str:
    """A host as identify ``match`` wants it: no port, no IPv6 brackets."""
    name, _ = _split_host_port(host)
    return name[1:-1] if name.startswith("[") else name


def _host_port(host: str, port: str | None) -> str:
    return f"{host}:{port}" if port else host


# --------------------------------------------------------------------------- per-option mappers

Mapper = Callable[[str, _View], list[Emitted]]


def _to(section: Section, key: str) -> Mapper:
    """The same value under the PJSIP name."""

    def mapper(value: str, view: _View) -> list[Emitted]:
        return [(section, key, value)]

    return mapper


def _translated(key: str, table: Mapping[str, str]) -> Mapper:
    """A value translated through ``table``; any other value is reported, never guessed."""

    def mapper(value: str, view: _View) -> list[Emitted]:
        translated = table.get(value.strip().lower())
        if translated is None:
            raise _NotMapped(f"value '{value}' has no PJSIP equivalent ({', '.join(sorted(table))} have)")
        return [(_E, key, translated)]

    return mapper


def _consumed(value: str, view: _View) -> list[Emitted]:
    """Read with other options of the peer (contact, identify, credentials, transport, label)."""
    return []


def _nat(value: str, view: _View) -> list[Emitted]:
    """All three NAT options every time, so a peer's ``nat=no`` undoes a ``[general]`` ``nat=yes``.

    chan_sip's ``auto_*`` variants act only when it detects NAT; PJSIP has no
    detection, so they are applied as if NAT were always there.
    """
    tokens = set(_tokens(value))
    unknown = tokens - {"yes", "no", "never", "force_rport", "comedia", "auto_force_rport", "auto_comedia"}
    if unknown or not tokens:
        raise _NotMapped(f"nat value '{value}' is not one chan_sip documents")
    symmetric = bool(tokens & {"yes", "comedia", "auto_comedia"})
    rport = bool(tokens & {"yes", "force_rport", "auto_force_rport"})
    return [
        (_E, "rtp_symmetric", _yes_no(symmetric)),
        (_E, "force_rport", _yes_no(rport)),
        (_E, "rewrite_contact", _yes_no(rport)),
    ]


def _direct_media(value: str, view: _View) -> list[Emitted]:
    """``directmedia``/``canreinvite`` flags; the real option names, not the script's misspelled ones."""
    tokens = set(_tokens(value))
    if not tokens or tokens - {"yes", "no", "nonat", "update", "outgoing"}:
        raise _NotMapped(f"directmedia value '{value}' is not one chan_sip documents")
    if "no" in tokens:
        return [(_E, "direct_media", "no")]
    return [
        (_E, "direct_media", "yes"),
        (_E, "direct_media_method", "update" if "update" in tokens else "invite"),
        (_E, "direct_media_glare_mitigation", "outgoing" if "outgoing" in tokens else "none"),
        (_E, "disable_direct_media_on_nat", _yes_no("nonat" in tokens)),
    ]


def _send_rpid(value: str, view: _View) -> list[Emitted]:
    """Both options every time, so a peer's ``sendrpid=pai`` also turns off an inherited ``send_rpid``."""
    kind = value.strip().lower()
    if kind not in _TRUE | _FALSE | {"rpid", "pai"}:
        raise _NotMapped(f"sendrpid value '{value}' has no PJSIP equivalent (yes, rpid, pai, no have)")
    pai = kind == "pai"
    rpid = kind == "rpid" or kind in _TRUE
    return [(_E, "send_rpid", _yes_no(rpid)), (_E, "send_pai", _yes_no(pai))]


def _media_encryption(value: str, view: _View) -> list[Emitted]:
    """``encryption`` and ``dtlsenable`` decide together: DTLS wins over SDES, as in the script."""
    mode = "dtls" if view.true("dtlsenable") else "sdes" if view.true("encryption") else "no"
    return [(_E, "media_encryption", mode)]


def _srtp_tag(value: str, view: _View) -> list[Emitted]:
    """chan_sip offers an 80-bit tag unless told 32; PJSIP says it with one boolean."""
    if value.strip() not in ("32", "80"):
        raise _NotMapped(f"encryption_taglen '{value}' is neither 32 nor 80")
    return [(_E, "srtp_tag_32", _yes_no(value.strip() == "32"))]


def _t38(value: str, view: _View) -> list[Emitted]:
    """``t38pt_udptl = yes[,fec|redundancy|none][,maxdatagram=N]``."""
    tokens = _tokens(value)
    if not tokens or tokens[0] not in _TRUE | _FALSE:
        raise _NotMapped(f"t38pt_udptl value '{value}' does not start with yes or no")
    out: list[Emitted] = [(_E, "t38_udptl", _yes_no(tokens[0] in _TRUE))]
    correction = next((t for t in tokens[1:] if t in ("fec", "redundancy", "none")), "none")
    out.append((_E, "t38_udptl_ec", correction))
    for token in tokens[1:]:
        if token.startswith("maxdatagram="):
            out.append((_E, "t38_udptl_maxdatagram", token.partition("=")[2]))
    return out


def _qualify_enabled(view: _View) -> bool:
    """chan_sip qualifies only with ``qualify=yes`` or a number of milliseconds (default: no)."""
    value = view.last("qualify")
    return value is not None and value.strip().lower() not in _FALSE


def _qualify(value: str, view: _View) -> list[Emitted]:
    """``qualify=yes|no|<ms>``: the frequency is chan_sip's ``qualifyfreq`` (60 s unless set).

    The sip_to_pjsip script ignores ``qualify`` and turns ``qualifyfreq``
    alone into qualifying, the opposite of what chan_sip does.
    """
    text = value.strip().lower()
    if text in _FALSE:
        return [(_AOR, "qualify_frequency", "0")]
    frequency = view.last("qualifyfreq") or CHAN_SIP_QUALIFY_FREQUENCY
    if text in _TRUE:
        # chan_sip's 2 s limit becomes PJSIP's own default of 3 s (the value is pruned as a default).
        return [(_AOR, "qualify_frequency", frequency), (_AOR, "qualify_timeout", "3.0")]
    if text.isdigit():
        return [(_AOR, "qualify_frequency", frequency), (_AOR, "qualify_timeout", f"{int(text) / 1000:g}")]
    raise _NotMapped(f"qualify value '{value}' is neither yes, no nor a number of milliseconds")


def _qualify_frequency(value: str, view: _View) -> list[Emitted]:
    """The frequency only; without ``qualify`` chan_sip does not qualify at all."""
    return [(_AOR, "qualify_frequency", value)] if _qualify_enabled(view) else []


def _host(value: str, view: _View) -> list[Emitted]:
    """``host=dynamic`` accepts one registration that replaces the previous one; an address accepts none.

    The contact of a static host, and its identify, are derived per endpoint
    (they need the peer's port and user).
    """
    if value.strip().lower() == "dynamic":
        return [(_AOR, "max_contacts", "1"), (_AOR, "remove_existing", "yes")]
    return [(_AOR, "max_contacts", "0"), (_AOR, "remove_existing", "no")]


def _mailbox(value: str, view: _View) -> list[Emitted]:
    """chan_sip adds every ``mailbox`` line; ``subscribemwi=yes`` moves them to the aor (script rule)."""
    boxes = ",".join(v.strip() for v in view.values("mailbox") if v.strip())
    on_aor = view.true("subscribemwi")
    return [(_AOR if on_aor else _E, "mailboxes", boxes), (_E if on_aor else _AOR, "mailboxes", "")]


def _record_feature(key: str) -> Mapper:
    """The feature is only used when one-touch recording is on, so the script turns it on (kept)."""

    def mapper(value: str, view: _View) -> list[Emitted]:
        return [(_E, key, value), (_E, "one_touch_recording", "yes")]

    return mapper


def _md5_secret(value: str, view: _View) -> list[Emitted]:
    return [(_AUTH, "md5_cred", value), (_AUTH, "auth_type", "md5")]


def _proxy_uri(value: str) -> str:
    """chan_sip's ``host[:port]`` proxy as the loose-routing SIP URI PJSIP wants."""
    text = value.strip()
    if not text or "://" in text or "," in text or "@" in text:
        raise _NotMapped(f"outboundproxy '{value}' uses a form the importer does not convert (transport or force)")
    return f"sip:{text};lr"


def _outbound_proxy(value: str, view: _View) -> list[Emitted]:
    return [(_E, "outbound_proxy", _proxy_uri(value))]


def _insecure(value: str, view: _View) -> list[Emitted]:
    """``port`` is what PJSIP's identify does anyway; ``invite`` cannot be had per method."""
    tokens = set(_tokens(value))
    if tokens <= {"port", "no"}:
        return []
    raise _NotMapped(
        "PJSIP challenges every request of an endpoint that has an auth section; to take unauthenticated "
        "INVITEs from this peer, identify it by address and remove its auth"
    )


_RENAMED: dict[str, tuple[Section, str]] = {
    "context": (_E, "context"),
    "callerid": (_E, "callerid"),
    "language": (_E, "language"),
    "send_diversion": (_E, "send_diversion"),
    "tos_audio": (_E, "tos_audio"),
    "tos_video": (_E, "tos_video"),
    "cos_audio": (_E, "cos_audio"),
    "cos_video": (_E, "cos_video"),
    "rtp_engine": (_E, "rtp_engine"),
    "icesupport": (_E, "ice_support"),
    "autoframing": (_E, "use_ptime"),
    "mohsuggest": (_E, "moh_suggest"),
    "session-minse": (_E, "timers_min_se"),
    "session-expires": (_E, "timers_sess_expires"),
    "callingpres": (_E, "callerid_privacy"),
    "cid_tag": (_E, "callerid_tag"),
    "trustrpid": (_E, "trust_id_inbound"),
    "avpf": (_E, "use_avpf"),
    "callgroup": (_E, "call_group"),
    "pickupgroup": (_E, "pickup_group"),
    "namedcallgroup": (_E, "named_call_group"),
    "namedpickupgroup": (_E, "named_pickup_group"),
    "allowtransfer": (_E, "allow_transfer"),
    "fromuser": (_E, "from_user"),
    "fromdomain": (_E, "from_domain"),
    "mwifrom": (_E, "mwi_from_user"),
    "sdpowner": (_E, "sdp_owner"),
    "sdpsession": (_E, "sdp_session"),
    "tonezone": (_E, "tone_zone"),
    "allowsubscribe": (_E, "allow_subscribe"),
    "subscribecontext": (_E, "subscribe_context"),
    "subminexpiry": (_E, "sub_min_expiry"),
    "busylevel": (_E, "device_state_busy_at"),
    "rtptimeout": (_E, "rtp_timeout"),
    "rtpholdtimeout": (_E, "rtp_timeout_hold"),
    "setvar": (_E, "set_var"),
    "allow": (_E, "allow"),
    "disallow": (_E, "disallow"),
    "permit": (_E, "permit"),
    "deny": (_E, "deny"),
    "acl": (_E, "acl"),
    "contactpermit": (_E, "contact_permit"),
    "contactdeny": (_E, "contact_deny"),
    "contactacl": (_E, "contact_acl"),
    "dtlsverify": (_E, "dtls_verify"),
    "dtlsrekey": (_E, "dtls_rekey"),
    "dtlscertfile": (_E, "dtls_cert_file"),
    "dtlsprivatekey": (_E, "dtls_private_key"),
    "dtlscipher": (_E, "dtls_cipher"),
    "dtlscafile": (_E, "dtls_ca_file"),
    "dtlscapath": (_E, "dtls_ca_path"),
    "dtlssetup": (_E, "dtls_setup"),
    "dtlsfingerprint": (_E, "dtls_fingerprint"),
    "dtlsautogeneratecert": (_E, "dtls_auto_generate_cert"),
    "accountcode": (_E, "accountcode"),
    "usereqphone": (_E, "user_eq_phone"),
    "vmexten": (_E, "voicemail_extension"),
    "unsolicited_mailbox": (_E, "incoming_mwi_mailbox"),
    "force_avp": (_E, "force_avp"),
    "rtcp_mux": (_E, "rtcp_mux"),
    "maxexpiry": (_AOR, "maximum_expiration"),
    "minexpiry": (_AOR, "minimum_expiration"),
    "defaultexpiry": (_AOR, "default_expiration"),
    "secret": (_AUTH, "password"),
}

# Every sip.conf peer option the importer understands (names as chan_sip compares them: lower case).
PEER_OPTIONS: dict[str, Mapper] = {
    **{name: _to(*target) for name, target in _RENAMED.items()},
    "dtmfmode": _translated(
        "dtmf_mode", {"rfc2833": "rfc4733", "info": "info", "shortinfo": "info", "inband": "inband", "auto": "auto"}
    ),
    "progressinband": _translated("inband_progress", {"yes": "yes", "no": "no", "never": "no"}),
    "session-timers": _translated("timers", {"accept": "yes", "originate": "always", "refuse": "no"}),
    "allowoverlap": _translated("allow_overlap", {"yes": "yes", "no": "no"}),
    "trust_id_outbound": _translated("trust_id_outbound", {"yes": "yes", "no": "no"}),
    "nat": _nat,
    "directmedia": _direct_media,
    "canreinvite": _direct_media,
    "sendrpid": _send_rpid,
    "encryption": _media_encryption,
    "dtlsenable": _media_encryption,
    "encryption_taglen": _srtp_tag,
    "t38pt_udptl": _t38,
    "recordonfeature": _record_feature("record_on_feature"),
    "recordofffeature": _record_feature("record_off_feature"),
    "outboundproxy": _outbound_proxy,
    "mailbox": _mailbox,
    "host": _host,
    "qualify": _qualify,
    "qualifyfreq": _qualify_frequency,
    "md5secret": _md5_secret,
    "insecure": _insecure,
    # Read with the peer as a whole: see _Planner._derived, _transport and _label.
    "type": _consumed,
    "port": _consumed,
    "defaultuser": _consumed,
    "username": _consumed,
    "defaultip": _consumed,
    "remotesecret": _consumed,
    "subscribemwi": _consumed,
    "transport": _consumed,
    "description": _consumed,
    "auth": _consumed,
    "callcounter": _consumed,  # PJSIP always counts calls for device state
}

# Why some frequent options are reported; any other unknown option gets _GENERIC_REASON.
NO_EQUIVALENT: dict[str, str] = {
    "call-limit": "PJSIP has no per-endpoint call limit; use GROUP()/GROUP_COUNT() in the dialplan",
    "videosupport": "PJSIP offers video when the endpoint allows a video codec (allow=h264, vp8...)",
    "amaflags": "no PJSIP endpoint option; set CHANNEL(amaflags) in the dialplan",
    "regexten": "no per-endpoint equivalent; PJSIP's global regcontext names extensions after the endpoint",
    "parkinglot": "no PJSIP endpoint option; set CHANNEL(parkinglot) in the dialplan",
    "mohinterpret": "no PJSIP endpoint option; set CHANNEL(musicclass) in the dialplan",
    "keepalive": "no per-endpoint keepalive in PJSIP (the aor's qualify_frequency checks reachability)",
    "externip": "PJSIP has no per-endpoint external address; transports carry it ([general] externip)",
    "externhost": "PJSIP has no per-endpoint external address; transports carry it ([general] externhost)",
    "externaddr": "PJSIP has no per-endpoint external address; transports carry it ([general] externaddr)",
    "timert1": "PJSIP has no per-endpoint timer T1; [general] timert1 becomes the system timer_t1",
    "timerb": "PJSIP has no per-endpoint timer B; [general] timerb becomes the system timer_b",
    "register": "register => lines are read in [general] only",
    "allowguest": "PJSIP has no guest calls; an endpoint named 'anonymous' receives unidentified requests",
    "alwaysauthreject": "no PJSIP option; PJSIP answers unidentified requests without revealing endpoints",
    "srvlookup": "PJSIP always resolves SIP URIs with SRV records",
    "rfc2833compensate": "no PJSIP equivalent (compensation for pre-1.4 Asterisk DTMF)",
    "ignoresdpversion": "no PJSIP equivalent",
    "directrtpsetup": "no PJSIP equivalent",
}

# [general] options that chan_sip does not apply to every peer, so they are not per-peer defaults.
GENERAL_NOT_DEFAULTS: dict[str, str] = {
    **dict.fromkeys(
        ("host", "type", "secret", "md5secret", "remotesecret", "defaultuser", "username", "port", "defaultip",
         "mailbox", "description", "auth"),
        "a per-peer option; chan_sip ignores it in [general]",
    ),
    **dict.fromkeys(
        ("permit", "deny", "acl", "contactpermit", "contactdeny", "contactacl"),
        "chan_sip reads ACLs per peer only; a global ACL belongs in acl.conf and an endpoint's acl= option",
    ),
    "callerid": "chan_sip uses it for calls without a caller id only; an endpoint callerid replaces every caller's",
    "fromdomain": "chan_sip uses it only for calls to non-peers; PJSIP sets from_domain per endpoint",
}  # fmt: skip

GLOBAL_OPTIONS: dict[str, str] = {
    "useragent": "user_agent",
    "sipdebug": "debug",
    "legacy_useroption_parsing": "ignore_uri_user_options",
    "realm": "default_realm",
    "regcontext": "regcontext",
    "maxforwards": "max_forwards",
}
SYSTEM_OPTIONS: dict[str, str] = {"timert1": "timer_t1", "timerb": "timer_b", "compactheaders": "compact_headers"}
TRANSPORT_KEYS = frozenset(
    {"udpbindaddr", "bindaddr", "bindport", "tcpenable", "tcpbindaddr", "tlsenable", "sslenable", "tlsbindaddr",
     "sslbindaddr", "tlscertfile", "sslcert", "tlscert", "tlsprivatekey", "sslprivatekey", "tlscipher", "sslcipher",
     "tlscafile", "tlscapath", "tlscadir", "tlsverifyclient", "tlsdontverifyserver", "tlsclientmethod",
     "sslclientmethod", "externaddr", "externip", "externhost", "externtcpport", "externtlsport", "localnet",
     "tos_sip", "cos_sip"}
)  # fmt: skip
# [general] options that make the import write transport-udp (chan_sip always listens on UDP).
UDP_KEYS = ("udpbindaddr", "bindaddr", "bindport", "externaddr", "externip", "externhost", "localnet", "tos_sip",
            "cos_sip")  # fmt: skip
# Read for outbound registrations; outboundproxy and defaultexpiry are also per-peer defaults.
REGISTRATION_KEYS = frozenset({"register", "registertimeout", "registerattempts"})


# --------------------------------------------------------------------------- plan building blocks


@dataclass(slots=True)
class _Config:
    """A template or endpoint being planned; sections stay mutable until the plan is built."""

    name: str
    parents: list[str]
    source: Source | None
    label: str | None = None
    transport: str | None = None
    sections: dict[Section, list[Option]] = field(default_factory=dict)

    def add(self, emitted: Iterable[Emitted]) -> None:
        for section, key, value in emitted:
            self.sections.setdefault(section, []).append((key, value))

    def planned(self) -> PlannedConfig:
        sections = {s: tuple(opts) for s, opts in self.sections.items() if opts}
        return PlannedConfig(self.name, sections, list(self.parents), self.transport, self.label, self.source)


@dataclass(slots=True)
class _Endpoint:
    """An endpoint and what registrations and realm credentials are matched against."""

    config: _Config
    section: ConfSection | None = None
    view: _View | None = None
    kind: str = "peer"
    static_host: str | None = None
    realms: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Register:
    """``register => [peer?][transport://]user[@domain][:secret[:authuser]]@host[:port][/extension][~expiry]``."""

    peer: str
    protocol: str
    user: str
    domain: str
    domain_port: str
    secret: str
    auth_user: str
    host: str
    port: str | None
    extension: str
    expiry: str
    where: Where


def parse_register(text: str, where: Where) -> _Register:
    """Split a ``register =>`` value; raises _NotMapped (without echoing the secret) when malformed."""
    user_part, at, host_part = text.strip().rpartition("@")
    if not at or not user_part or not host_part:
        raise _NotMapped("malformed register line: no user@host")
    before_expiry, _, expiry = host_part.partition("~")
    host_port, _, extension = before_expiry.partition("/")
    host, port = _split_host_port(host_port)
    peer, question, rest = user_part.partition("?")
    if not question:
        peer, rest = "", user_part
    protocol, scheme, rest = rest.rpartition("://")
    if not scheme:
        protocol = "udp"
    parts = rest.split(":")
    if len(parts) > 4 or not parts[0]:
        raise _NotMapped("malformed register line: too many ':' fields before the host")
    padded = parts[1:] if len(parts) == 4 else ["", *parts[1:]]
    padded += [""] * (3 - len(padded))
    user, _, domain = parts[0].partition("@")
    return _Register(
        peer, protocol.lower(), user, domain, padded[0], padded[1], padded[2], host, port, extension, expiry, where
    )


def parse_realm_auth(text: str) -> tuple[str, str | None, str | None, str]:
    """``user:secret@realm`` or ``user#md5@realm`` → (user, secret, md5, realm)."""
    credentials, at, realm = text.strip().rpartition("@")
    if not at or not realm or not credentials:
        raise _NotMapped("malformed auth entry: expected user:secret@realm or user#md5secret@realm")
    user, colon, secret = credentials.partition(":")
    if colon and secret and user:
        return user, secret, None, realm
    user, sharp, md5 = credentials.partition("#")
    if sharp and md5 and user:
        return user, None, md5, realm
    raise _NotMapped("malformed auth entry: expected user:secret@realm or user#md5secret@realm")


def _auth_options(user: str, secret: str | None, md5: str | None, realm: str | None = None) -> list[Option]:
    """An auth section from a plain or an MD5 secret (chan_sip's md5secret is PJSIP's md5_cred)."""
    options: list[Option] = [("username", user)]
    options += [("password", secret)] if secret else [("md5_cred", md5 or ""), ("auth_type", "md5")]
    return options + ([("realm", realm)] if realm else [])


def _safe_name(text: str) -> str:
    """A generated endpoint name within the PJSIP id charset."""
    return _NAME_UNSAFE.sub("_", text)[:79]


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``... when taken (names compared ignoring case, as sip.conf compares them)."""
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name[:75]}-{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


# --------------------------------------------------------------------------- the planner


def plan_sip_conf(config: ParsedConfig) -> ImportPlan:
    """What importing this sip.conf creates: templates, endpoints, transports, global/system options.

    The result is meant for :func:`app.services.imports.apply_import` into a
    tenant that has no template named ``general`` (nor ``trunk`` when the
    file registers anywhere): the plan creates both.

    Raises :class:`ConfigError` when the reader found something that makes
    Asterisk refuse the file, or a directive whose effect is unknown: chan_sip
    never ran such a file, so importing part of it would import a
    configuration no Asterisk had. The reader's other warnings are reported.
    """
    _refuse_fatal(config.problems)
    return _Planner(config).plan()


def _refuse_fatal(problems: Sequence[tuple[Where, str]]) -> None:
    fatal = [(w, m) for w, m in problems if _REFUSED_MARK in m or m.startswith(_UNKNOWN_DIRECTIVE)]
    if fatal:
        listed = "\n".join(f"  {where}: {message}" for where, message in fatal)
        raise ConfigError(
            f"the file cannot be imported: Asterisk would refuse it, or a directive is unknown:\n{listed}"
        )


class _Planner:
    """One planning run; state is the plan being built and the report of what could not be mapped."""

    def __init__(self, config: ParsedConfig) -> None:
        self.config = config
        self.catalog: Catalog = load_catalog()
        self.unmapped: list[Unmapped] = []
        self.first_section: dict[str, ConfSection] = {}
        self.general: ConfSection | None = None
        self.authentication: ConfSection | None = None
        self.template_sections: list[ConfSection] = []
        self.peer_sections: list[ConfSection] = []
        self.templates: dict[str, _Config] = {}
        self.sip_templates: set[str] = set()
        # Application lists of final templates (see _applied); None while templates still change.
        self.template_lists: dict[tuple[str, Section], list[Option]] | None = None
        self.endpoints: list[_Endpoint] = []
        self.endpoint_names: set[str] = set()
        self.transports: list[PlannedTransport] = []
        self.global_options: list[Option] = []
        self.system_options: list[Option] = []
        self.registrations: list[_Register] = []
        self.general_lines: list[Line] = []
        self.general_name = GENERAL_TEMPLATE
        self.trunk_name = TRUNK_TEMPLATE

    def plan(self) -> ImportPlan:
        """The steps in the order their inputs become final (registrations need the endpoints' hosts)."""
        self._classify()
        self._report_reader_problems()
        self._plan_general()
        for section in self.template_sections:
            self._plan_template(section)
        for section in self.peer_sections:
            self._plan_peer(section)
        for config in [*self.templates.values(), *(e.config for e in self.endpoints)]:
            self._prune(config)
        self.template_lists = {}
        for endpoint in self.endpoints:
            self._check_against_flattened(endpoint)
        self._plan_registrations()
        self._plan_realm_credentials()
        return self._build()

    # ---------------------------------------------------------------- sections

    def _classify(self) -> None:
        """[general], [authentication], templates and peers; a repeated name keeps its first section."""
        seen: dict[tuple[bool, str], ConfSection] = {}
        for section in self.config.sections:
            folded = section.name.lower()
            self.first_section.setdefault(folded, section)
            kind = (section.is_template, folded)
            if kind in seen:
                self._report(
                    section.where,
                    section.name,
                    None,
                    "a section of this name came earlier; only the first is imported (merge them by hand)",
                )
                continue
            seen[kind] = section
            if not section.is_template and folded == "general":
                self.general = section
            elif not section.is_template and folded == "authentication":
                self.authentication = section
            elif section.is_template:
                self.template_sections.append(section)
            else:
                self.peer_sections.append(section)
        taken = {s.name.lower() for s in self.template_sections}
        self.general_name = _unique(GENERAL_TEMPLATE, taken)
        self.trunk_name = _unique(TRUNK_TEMPLATE, taken)
        self.endpoint_names = {s.name.lower() for s in self.peer_sections}

    def _report_reader_problems(self) -> None:
        """The reader's warnings (a skipped line, an #exec not run...), under the section they fall in."""
        marks: dict[str, list[tuple[int, str]]] = {}
        for section in self.config.sections:
            for where in (section.where, *(line[2] for line in section.lines)):
                marks.setdefault(where.file, []).append((where.line, section.name))
        for entries in marks.values():
            entries.sort()
        for where, message in self.config.problems:
            entries = marks.get(where.file, [])
            at = bisect.bisect_right(entries, (where.line, "\U0010ffff"))
            self._report(where, entries[at - 1][1] if at else "(no section)", None, message)

    def _report(self, where: Where | None, section: str, key: str | None, reason: str) -> None:
        self.unmapped.append(Unmapped(_source(where), section, key, reason))

    def _bases(self, section: ConfSection) -> tuple[list[str], list[Line]]:
        """Template bases as parent names, and the section's lines not inherited from them.

        A base that is not a template cannot be a parent in the product: its
        copied lines count as the section's own, as Asterisk copied them.
        """
        parents: list[str] = []
        inherited: set[int] = set()
        for base in section.bases:
            found = self.first_section.get(base.lower())
            if found is None or not found.is_template or found.name not in self.templates:
                continue
            if found.name not in parents:
                parents.append(found.name)
            inherited.update(id(line) for line in found.variables)
        own = [line for line in section.variables if id(line) not in inherited]
        return parents, own

    # ---------------------------------------------------------------- mapping lines

    def _map_lines(self, lines: Iterable[Line], view: _View, owner: str | None) -> list[Emitted]:
        """Map each line with the section's view; with an ``owner``, report what cannot be mapped."""
        out: list[Emitted] = []
        for name, value, where in lines:
            key = name.lower()
            mapper = PEER_OPTIONS.get(key)
            try:
                if mapper is None:
                    raise _NotMapped(NO_EQUIVALENT.get(key, _GENERIC_REASON))
                out += mapper(value, view)
            except _NotMapped as exc:
                if owner is not None:
                    self._report(where, owner, name, exc.reason)
        return out

    def _own_fields(self, config: _Config, lines: Sequence[Line], owner: str) -> None:
        """The transport and label a section sets itself (``transport=``, ``description=``)."""
        for name, value, where in lines:
            key = name.lower()
            if key == "description" and value.strip():
                config.label = value.strip()
            elif key == "transport":
                config.transport = self._transport_of(value, where, owner)

    def _transport_of(self, value: str, where: Where, owner: str) -> str | None:
        """The engine transport of chan_sip's first listed transport (the one it uses for outbound)."""
        tokens = _tokens(value)
        first = tokens[0] if tokens else ""
        names = {t.name for t in self.transports}
        wanted = {"udp": TRANSPORT_UDP, "tcp": TRANSPORT_TCP, "tls": TRANSPORT_TLS}.get(first)
        if wanted in names:
            return wanted
        if first != "udp":  # UDP is PJSIP's default for sip: URIs anyway
            reason = (
                f"transport {first} is not enabled in [general] (tcpenable/tlsenable)"
                if wanted
                else f"transport '{first}' has no transport in this import; assign the engine's transport by hand"
            )
            self._report(where, owner, "transport", reason)
        return None

    # ---------------------------------------------------------------- [general]

    def _plan_general(self) -> None:
        """Split [general] into per-peer defaults, transports, global/system options and registrations."""
        section = self.general
        template = _Config(self.general_name, [], _source(section.where) if section else None, "sip.conf [general]")
        self.templates[template.name] = template
        if section is None:
            return
        view = _View(section.variables)
        self.transports = self._plan_transports(view)
        for name, value, where in section.variables:
            key = name.lower()
            if key in GLOBAL_OPTIONS:
                self.global_options.append((GLOBAL_OPTIONS[key], value))
            elif key in SYSTEM_OPTIONS:
                self.system_options.append((SYSTEM_OPTIONS[key], value))
            elif key == "register":
                self._parse_registration(value, where)
            elif key in TRANSPORT_KEYS or key in REGISTRATION_KEYS:
                continue
            elif key in GENERAL_NOT_DEFAULTS:
                self._report(where, section.name, name, GENERAL_NOT_DEFAULTS[key])
            elif key in PEER_OPTIONS:
                self.general_lines.append((name, value, where))
            else:
                self._report(where, section.name, name, NO_EQUIVALENT.get(key, _GENERIC_REASON))
        general_view = _View(self.general_lines)
        template.add(self._map_lines(self.general_lines, general_view, section.name))
        self._own_fields(template, [line for line in self.general_lines if line[0].lower() == "transport"], "general")

    def _parse_registration(self, value: str, where: Where) -> None:
        """Keep a ``register =>`` line for later: it is attached once every peer is known."""
        try:
            self.registrations.append(parse_register(value, where))
        except _NotMapped as exc:
            self._report(where, "general", "register", exc.reason)

    def _plan_transports(self, view: _View) -> list[PlannedTransport]:
        """chan_sip's one UDP, TCP and TLS listener as transport-udp/-tcp/-tls, with the NAT settings on each.

        Only what the file configures is planned: without any UDP setting the
        engine's own transport-udp is left as it is.
        """
        out: list[PlannedTransport] = []
        where = self._first_where(view, TRANSPORT_KEYS)
        udp_bind = self._udp_bind(view)
        if any(view.last(key) for key in UDP_KEYS):
            out.append(self._transport(TRANSPORT_UDP, "udp", udp_bind, None, view, where))
        if view.true("tcpenable"):
            bind = view.last("tcpbindaddr")
            tcp_bind = _host_port(*_split_host_port(bind)) if bind else udp_bind
            out.append(self._transport(TRANSPORT_TCP, "tcp", tcp_bind, view.last("externtcpport"), view, where))
        if _is_true(view.first_set("tlsenable", "sslenable")):
            out.append(self._tls_transport(view, udp_bind, where))
        return out

    @staticmethod
    def _first_where(view: _View, keys: frozenset[str]) -> Where | None:
        """Where the engine objects come from, for messages."""
        return next((where for name, _, where in view.lines if name.lower() in keys), None)

    @staticmethod
    def _udp_bind(view: _View) -> str:
        """udpbindaddr (else bindaddr) with its port, else bindport, else 5060: always an explicit port."""
        host, port = _split_host_port(view.first_set("udpbindaddr", "bindaddr") or "0.0.0.0")
        return _host_port(host, port or view.last("bindport") or "5060")

    def _transport(
        self, name: str, protocol: str, bind: str, extern_port: str | None, view: _View, where: Where | None
    ) -> PlannedTransport:
        """One transport with [general]'s NAT settings; externip also sets the media address, as in chan_sip."""
        options: list[Option] = [("protocol", protocol), ("bind", bind)]
        extern = view.first_set("externaddr", "externip", "externhost")
        if extern:
            host, port = _split_host_port(extern)
            bare = _bare_host(host)
            options += [("external_signaling_address", bare), ("external_media_address", bare)]
            if extern_port or port:
                options.append(("external_signaling_port", extern_port or port or ""))
        options += [("local_net", net) for net in view.values("localnet")]
        options += [
            (key, value) for key, value in (("tos", view.last("tos_sip")), ("cos", view.last("cos_sip"))) if value
        ]
        return PlannedTransport(name, tuple(options), _source(where))

    def _tls_transport(self, view: _View, udp_bind: str, where: Where | None) -> PlannedTransport:
        """chan_sip's TLS listener: port 5061 unless given, sslv23 (chan_sip's default method) unless set."""
        bind = view.first_set("tlsbindaddr", "sslbindaddr")
        host, port = _split_host_port(bind if bind else udp_bind.rpartition(":")[0])
        base = self._transport(
            TRANSPORT_TLS, "tls", _host_port(host, port or "5061"), view.last("externtlsport"), view, where
        )
        files = [
            ("cert_file", view.first_set("tlscertfile", "sslcert", "tlscert")),
            ("priv_key_file", view.first_set("tlsprivatekey", "sslprivatekey")),
            ("cipher", view.first_set("tlscipher", "sslcipher")),
            ("ca_list_file", view.last("tlscafile")),
            ("ca_list_path", view.first_set("tlscapath", "tlscadir")),
            ("verify_client", view.last("tlsverifyclient")),
        ]
        dont_verify = view.last("tlsdontverifyserver")
        if dont_verify is not None:
            files.append(("verify_server", _yes_no(not _is_true(dont_verify))))
        files.append(("method", view.first_set("tlsclientmethod", "sslclientmethod") or "sslv23"))
        options = base.options[:2] + tuple((k, v) for k, v in files if v) + base.options[2:]
        return PlannedTransport(base.name, options, base.source)

    # ---------------------------------------------------------------- templates and peers

    def _plan_template(self, section: ConfSection) -> None:
        """A sip.conf template keeps its template bases as parents; ``general`` is the endpoints' first parent."""
        parents, own = self._bases(section)
        config = _Config(section.name, parents, _source(section.where))
        view = _View([*self.general_lines, *section.variables])
        config.add(self._map_lines(own, view, section.name))
        self._own_fields(config, own, section.name)
        self.templates[config.name] = config
        self.sip_templates.add(config.name)

    def _plan_peer(self, section: ConfSection) -> None:
        """A peer, friend or user becomes an endpoint under ``general`` and its templates."""
        view = _View([*self.general_lines, *section.variables])
        kind = (view.last("type") or "").strip().lower()
        if kind not in _PEER_TYPES:
            reason = f"type '{kind}' is unknown" if kind else "no type="
            self._report(section.where, section.name, None, f"{reason}: chan_sip ignores this section")
            return
        parents, own = self._bases(section)
        config = _Config(section.name, [self.general_name, *parents], _source(section.where))
        config.add(self._derived(section, view, kind, report=True))
        config.add(self._map_lines(own, view, section.name))
        self._own_fields(config, own, section.name)
        host = (view.last("host") or "").strip()
        static = host if host and host.lower() != "dynamic" else None
        endpoint = _Endpoint(config, section, view, kind, static)
        endpoint.realms = {r.lower() for r in (static and _bare_host(static), view.last("fromdomain")) if r}
        self.endpoints.append(endpoint)

    def _derived(self, section: ConfSection, view: _View, kind: str, *, report: bool) -> list[Emitted]:
        """What needs the peer as a whole: inbound auth user, contact, identify, outbound credentials."""
        out: list[Emitted] = []
        if view.last("secret") is not None or view.last("md5secret") is not None:
            # chan_sip checks the digest user against the peer name (check_auth(..., peer->name, ...)).
            out.append((_AUTH, "username", section.name))
        host = (view.last("host") or "").strip()
        static = bool(host) and host.lower() != "dynamic"
        if static:
            out.append((_AOR, "contact", self._contact(host, view)))
        if kind != "user" and static:
            out.append((_IDENTIFY, "match", _bare_host(host)))
        elif kind != "user" and host.lower() == "dynamic" and view.last("defaultip"):
            out.append((_IDENTIFY, "match", _bare_host(view.last("defaultip") or "")))
        out += self._outbound_credentials(section, view, kind, static=static, report=report)
        return out

    @staticmethod
    def _contact(host: str, view: _View) -> str:
        """``sip:[user@]host[:port]`` with ``;transport=`` when the peer uses TCP or TLS first."""
        name, port = _split_host_port(host)
        user = view.first_set("defaultuser", "username")
        uri = f"sip:{user + '@' if user else ''}{_host_port(name, port or view.last('port'))}"
        transport = _tokens(view.last("transport") or "udp")
        return uri + (f";transport={transport[0]}" if transport and transport[0] in ("tcp", "tls") else "")

    def _outbound_credentials(
        self, section: ConfSection, view: _View, kind: str, *, static: bool, report: bool
    ) -> list[Emitted]:
        """chan_sip answers a peer's challenge with defaultuser and remotesecret (else secret).

        A peer "authenticates outbound" when it has a remotesecret, or a secret
        and a fixed address Asterisk calls. A peer's own ``auth=`` realm
        credentials take precedence, as in chan_sip.
        """
        if kind == "user":
            return []
        realm_lines = [(value, where) for name, value, where in view.lines if name.lower() == "auth"]
        if realm_lines:
            return self._peer_realm_credentials(section, realm_lines, report=report)
        remote, secret, md5 = view.last("remotesecret"), view.last("secret"), view.last("md5secret")
        if not (remote or (static and (secret or md5))):
            return []
        user = view.first_set("defaultuser", "username", "fromuser") or section.name
        options = _auth_options(user, remote or secret, None if remote or secret else md5)
        return [(_OUTBOUND_AUTH, key, value) for key, value in options]

    def _peer_realm_credentials(
        self, section: ConfSection, lines: list[tuple[str, Where]], *, report: bool
    ) -> list[Emitted]:
        """A peer's ``auth = user:secret@realm`` lines: the product has one outbound auth, so the first one."""
        out: list[Emitted] = []
        for value, where in lines:
            try:
                user, secret, md5, realm = parse_realm_auth(value)
            except _NotMapped as exc:
                if report:
                    self._report(where, section.name, "auth", exc.reason)
                continue
            if out:
                if report:
                    self._report(
                        where,
                        section.name,
                        "auth",
                        "an endpoint has one outbound auth; only the first realm's credentials are carried over",
                    )
                continue
            out = [(_OUTBOUND_AUTH, k, v) for k, v in _auth_options(user, secret, md5, realm)]
        return out

    # ---------------------------------------------------------------- resolution checks

    def _applied(self, config: _Config, section: Section, *, own: bool = True) -> list[Option]:
        """The product's application list (docs/domain.md §4) over the configurations planned so far.

        Once templates are final (after pruning), their lists are computed once
        per section: a file of 10,000 peers under the same templates would
        otherwise walk them 10,000 times.
        """
        key = (config.name, section)
        if own and self.template_lists is not None and self.templates.get(config.name) is config:
            cached = self.template_lists.get(key)
            if cached is None:
                cached = self.template_lists[key] = self._applied(config, section, own=False) + list(
                    config.sections.get(section, [])
                )
            return cached
        out: list[Option] = []
        for parent in config.parents:
            out += self._applied(self.templates[parent], section)
        return out + (config.sections.get(section, []) if own else [])

    def _split(self, section: Section, options: Iterable[Option]) -> tuple[dict[str, str], list[Option]]:
        """Resolved single-valued options (last wins) and accumulating ones (all, in order)."""
        single: dict[str, str] = {}
        multiple: list[Option] = []
        for key, value in options:
            if self.catalog.is_multiple(section.object_type, key):
                multiple.append((key, value))
            else:
                single[key] = value
        return single, multiple

    def _effective(self, section: Section, key: str, value: str | None) -> str:
        """What Asterisk ends up with: an absent option is its default; boolean spellings are equal."""
        spec = self.catalog.spec(section.object_type, key)
        if value is None:
            value = spec.default if spec is not None and spec.default is not None else ""
        if spec is not None and spec.type == BOOLEAN:
            lowered = value.strip().lower()
            return "yes" if lowered in _TRUE else "no" if lowered in _FALSE else value
        return value

    def _prune(self, config: _Config) -> None:
        """Keep one occurrence of a single-valued key, and drop PJSIP defaults that override nothing.

        Mappers write every option they control (``nat=no`` writes three
        ``no``), so that a peer undoes what a template set; where nothing is
        inherited, such defaults would only clutter the endpoint.
        """
        for section, options in config.sections.items():
            applied = self._applied(config, section, own=False)
            if config.name in self.sip_templates:  # every endpoint applies general before its templates
                applied = self._applied(self.templates[self.general_name], section) + applied
            inherited, _ = self._split(section, applied)
            last = {key: i for i, (key, _) in enumerate(options)}
            kept: list[Option] = []
            for i, (key, value) in enumerate(options):
                if last[key] != i and not self.catalog.is_multiple(section.object_type, key):
                    continue
                if self.catalog.is_multiple(section.object_type, key) or self._kept(section, key, value, inherited):
                    kept.append((key, value))
            config.sections[section] = kept

    def _kept(self, section: Section, key: str, value: str, inherited: Mapping[str, str]) -> bool:
        """A single-valued option is worth writing when it overrides something or differs from the default."""
        return key in inherited or self._effective(section, key, value) != self._effective(section, key, None)

    def _check_against_flattened(self, endpoint: _Endpoint) -> None:
        """Make the endpoint resolve to the mapping of its flattened view ([general], bases, own lines).

        Templates are mapped with their own view; where that differs from the
        peer's (a template's ``host=dynamic`` under a peer with an address, a
        template's ``mailbox`` under a peer with ``subscribemwi=yes``), the
        endpoint gets explicit overrides. Accumulating options cannot be
        overridden; a difference there is reported (it needs a base extended
        by ``(+)`` after the peer copied it).
        """
        section, view = endpoint.section, endpoint.view
        if section is None or view is None:
            return
        flattened = _Config(section.name, [], None)
        flattened.add(self._derived(section, view, endpoint.kind, report=False))
        flattened.add(self._map_lines([*self.general_lines, *section.variables], view, None))
        for part in _CHECKED_SECTIONS:
            planned, planned_multiple = self._split(part, self._applied(endpoint.config, part))
            wanted, wanted_multiple = self._split(part, flattened.sections.get(part, []))
            for key in dict.fromkeys([*planned, *wanted]):
                if self._effective(part, key, planned.get(key)) != self._effective(part, key, wanted.get(key)):
                    self._override(endpoint, part, key, wanted.get(key))
            if planned_multiple != wanted_multiple:
                self._report(
                    section.where,
                    section.name,
                    None,
                    f"the {part.value} options it inherits differ "
                    "from what chan_sip applied (a base extended after this section?); check them",
                )

    def _override(self, endpoint: _Endpoint, part: Section, key: str, value: str | None) -> None:
        """Write ``key`` on the endpoint; an inherited option chan_sip did not apply is reset to its default."""
        if value is None:
            spec = self.catalog.spec(part.object_type, key)
            typed = spec is None or spec.enum is not None or spec.type in (BOOLEAN, INTEGER, UNSIGNED, DOUBLE)
            value = spec.default if spec is not None and spec.default is not None else None if typed else ""
        if value is None:
            where = endpoint.section.where if endpoint.section else None
            self._report(
                where,
                endpoint.config.name,
                key,
                f"inherits {part.value} option '{key}' that chan_sip "
                "did not apply, and it has no default to reset it to",
            )
            return
        endpoint.config.sections.setdefault(part, []).append((key, value))

    # ---------------------------------------------------------------- registrations

    def _plan_registrations(self) -> None:
        """Each ``register =>`` line: its peer's endpoint (or a new one) gets a registration, under ``trunk``."""
        if not self.registrations:
            return
        general = self.general.variables if self.general else ()
        view = _View(general)
        trunk = _Config(
            self.trunk_name, [self.general_name], _source(self.registrations[0].where), "sip.conf register => lines"
        )
        attempts = view.last("registerattempts")
        trunk.add(
            [
                (_REGISTRATION, "retry_interval", view.last("registertimeout") or CHAN_SIP_REGISTER_RETRY),
                (
                    _REGISTRATION,
                    "max_retries",
                    attempts if attempts and attempts.strip() != "0" else UNLIMITED_REGISTER_RETRIES,
                ),
            ]
        )
        proxy = view.last("outboundproxy")
        if proxy:
            with contextlib.suppress(_NotMapped):  # reported with the general template's endpoint option
                trunk.add([(_REGISTRATION, "outbound_proxy", _proxy_uri(proxy))])
        self.templates[trunk.name] = trunk
        targets = self._registration_targets()
        for registration in self.registrations:
            self._attach_registration(
                registration, view.last("defaultexpiry"), self._registration_target(registration, *targets)
            )

    def _registration_targets(self) -> tuple[dict[str, _Endpoint], dict[str, _Endpoint]]:
        """Peers Asterisk can call, by name and by static host (the first one of the file wins)."""
        by_name: dict[str, _Endpoint] = {}
        by_host: dict[str, _Endpoint] = {}
        for endpoint in self.endpoints:
            if endpoint.kind == "user" or endpoint.section is None:
                continue
            by_name.setdefault(endpoint.config.name.lower(), endpoint)
            if endpoint.static_host:
                by_host.setdefault(_bare_host(endpoint.static_host).lower(), endpoint)
        return by_name, by_host

    @staticmethod
    def _registration_target(
        registration: _Register, by_name: Mapping[str, _Endpoint], by_host: Mapping[str, _Endpoint]
    ) -> _Endpoint | None:
        """The peer named by ``peer?``, else the peer named like the host, else the peer at that host."""
        for wanted in (registration.peer, registration.host):
            if wanted and wanted.lower() in by_name:
                return by_name[wanted.lower()]
        return by_host.get(_bare_host(registration.host).lower())

    def _attach_registration(
        self, registration: _Register, default_expiry: str | None, target: _Endpoint | None
    ) -> None:
        """An endpoint has one registration: a second line for the same peer gets an endpoint of its own,
        without identify or contact, so that calls from that host still reach the peer."""
        if target is None or _REGISTRATION in target.config.sections:
            target = self._new_trunk_endpoint(registration, identify=target is None)
        else:
            config = target.config
            config.parents = [self.trunk_name if p == self.general_name else p for p in config.parents]
        options = self._registration_options(registration, default_expiry)
        target.config.sections[_REGISTRATION] = options
        if registration.secret:
            user = registration.auth_user or registration.user
            target.config.sections[_REGISTRATION_AUTH] = _auth_options(user, registration.secret, None)
        target.realms |= {r.lower() for r in (_bare_host(registration.host), registration.domain) if r}

    def _registration_options(self, registration: _Register, default_expiry: str | None) -> list[Option]:
        """The registration as sip_to_pjsip writes it, with chan_sip's default expiry when the line has none."""
        host, port = registration.host, registration.port
        client_host = _host_port(registration.domain or host, registration.domain_port or port)
        options: list[Option] = [
            ("server_uri", f"sip:{_host_port(host, port)}"),
            ("client_uri", f"sip:{registration.user}@{client_host}"),
        ]
        if registration.extension:
            options.append(("contact_user", registration.extension))
        options.append(("expiration", registration.expiry or default_expiry or CHAN_SIP_REGISTER_EXPIRY))
        wanted = {"udp": TRANSPORT_UDP, "tcp": TRANSPORT_TCP, "tls": TRANSPORT_TLS}.get(registration.protocol)
        if wanted in {t.name for t in self.transports}:
            options.append(("transport", wanted or ""))
        elif registration.protocol != "udp":
            self._report(
                registration.where,
                "general",
                "register",
                f"transport {registration.protocol} is not enabled in [general]; the registration uses PJSIP's default",
            )
        return options

    def _new_trunk_endpoint(self, registration: _Register, *, identify: bool) -> _Endpoint:
        """A registration without a peer: an endpoint that calls and accepts calls from the registrar."""
        name = _unique(_safe_name(f"reg_{_bare_host(registration.host)}"), self.endpoint_names)
        config = _Config(name, [self.trunk_name], _source(registration.where), f"register => {registration.host}")
        if identify:
            config.add(
                [
                    (_AOR, "contact", f"sip:{_host_port(registration.host, registration.port)}"),
                    (_IDENTIFY, "match", _bare_host(registration.host)),
                ]
            )
        endpoint = _Endpoint(config, kind="peer", static_host=registration.host)
        self.endpoints.append(endpoint)
        return endpoint

    # ---------------------------------------------------------------- [authentication]

    def _plan_realm_credentials(self) -> None:
        """``auth = user:secret@realm`` goes to the outbound auth of every endpoint of that realm.

        The realm of an endpoint is its static host, its fromdomain and the
        host and domain of its registration; chan_sip lets realm credentials
        override a peer's and a registration's, so they replace both here.
        """
        section = self.authentication
        if section is None:
            return
        for name, value, where in section.variables:
            if name.lower() != "auth":
                self._report(where, section.name, name, "only auth = entries are read in [authentication]")
                continue
            try:
                user, secret, md5, realm = parse_realm_auth(value)
            except _NotMapped as exc:
                self._report(where, section.name, name, exc.reason)
                continue
            # a peer's own auth= lines override [authentication] (sip.conf.sample), so those keep theirs
            matches = [
                e for e in self.endpoints if realm.lower() in e.realms and not (e.view and e.view.values("auth"))
            ]
            if not matches:
                self._report(
                    where,
                    section.name,
                    name,
                    f"no peer or registration uses realm {realm} (host or "
                    "fromdomain); add the credentials to the outbound auth of the endpoints that need them",
                )
                continue
            for endpoint in matches:
                options = _auth_options(user, secret, md5, realm)
                endpoint.config.sections[_OUTBOUND_AUTH] = options
                if _REGISTRATION_AUTH in endpoint.config.sections:
                    endpoint.config.sections[_REGISTRATION_AUTH] = list(options)

    # ---------------------------------------------------------------- result

    def _build(self) -> ImportPlan:
        """The plan, with a last guard: a key that is not a writable PJSIP option is reported, never written."""
        templates = [self._guarded(c) for c in self.templates.values()]
        endpoints = [self._guarded(e.config) for e in self.endpoints]
        transports = [
            PlannedTransport(t.name, self._guard_options("transport", t.name, t.options), t.source)
            for t in self.transports
        ]
        return ImportPlan(
            templates=templates,
            endpoints=endpoints,
            transports=transports,
            global_options=self._guard_options("global", "global", self.global_options),
            system_options=self._guard_options("system", "system", self.system_options),
            unmapped=self.unmapped,
        )

    def _guarded(self, config: _Config) -> PlannedConfig:
        """The planned configuration with only writable keys (see _guard_options)."""
        for section, options in config.sections.items():
            config.sections[section] = list(self._guard_options(section.object_type, config.name, options))
        return config.planned()

    def _guard_options(self, object_type: str, owner: str, options: Iterable[Option]) -> tuple[Option, ...]:
        """Documented, not server-managed keys only: the importer never writes a misspelled option."""
        kept: list[Option] = []
        managed = MANAGED_KEYS.get(object_type, frozenset())
        for key, value in options:
            if self.catalog.spec(object_type, key) is None or key in managed or key == "type":
                self._report(None, owner, key, f"not a writable {object_type} option (importer bug); not written")
            else:
                kept.append((key, value))
        return tuple(kept)
