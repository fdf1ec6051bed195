"""How Asterisk itself reads option values, where the catalog's type alone says too little.

Integers: res_pjsip's integer handlers call ``ast_parse_arg`` with PARSE_INT32/PARSE_UINT32, which
reads with ``strtol``/``strtoul`` base 0: ``0x`` is hexadecimal and a leading ``0`` octal (``010``
is 8, ``08`` is refused), and values outside 32 bits are refused. Value formats and minimums that
Asterisk enforces (or silently raises) are data below, keyed by (object type, option).

Some rules need several keys of one object (``rtp_port_start`` needs ``rtp_port_end``, an auth
needs a username): `object_problems` checks a flattened Sorcery object, as Asterisk's apply
handlers do once every option of the object is read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Collection, Iterator, Sequence

INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)

_C_INTEGER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def parse_c_integer(text: str) -> int | None:
    """The value ``strtol(text, &end, 0)`` reads when it reads all of ``text``, else None."""
    text = text.strip()
    if not _C_INTEGER.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.lower().startswith("0x"):
        return sign * int(digits[2:], 16)
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits[1:], 8)
    return sign * int(digits, 10)


# DSCP names ast_str2tos knows (main/acl.c), besides a number.
_TOS_NAMES = frozenset(
    {"cs0", "cs1", "cs2", "cs3", "cs4", "cs5", "cs6", "cs7", "ef"}
    | {f"af{a}{b}" for a in range(1, 5) for b in range(1, 4)}
)


def _tos(value: str) -> str | None:
    if value.strip().lower() in _TOS_NAMES:
        return None
    number = parse_c_integer(value)
    if number is None or not 0 <= number <= 255:
        return f"'{value}' is not a DSCP name (cs0-cs7, af11-af43, ef) or a number 0..255"
    return None


def _set_var(value: str) -> str | None:
    name, equals, _ = value.partition("=")
    if not equals or not name.strip():
        return f"'{value}' is not VARIABLE=value"
    return None


def _at_least(minimum: int, why: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        number = parse_c_integer(value)
        if number is not None and number < minimum:
            return f"'{value}' is below {minimum}, the minimum ({why})"
        return None

    return check


def _match_header(value: str) -> str | None:
    if ":" not in value:
        return f"'{value}' is not 'Header-Name: value'"
    return None


def _items(value: str, separators: str = ",") -> list[str]:
    return [item.strip() for item in re.split(f"[{re.escape(separators)}]", value)]


# The formats Asterisk's core knows (main/codec_builtin.c); `allow`/`disallow` refuse any other name.
_CODEC_NAMES = (
    "ulaw alaw codec2 g723 gsm g726 g726aal2 adpcm slin slin12 slin16 slin24 slin32 slin44 slin48 slin96"
    " slin192 lpc10 g729 speex speex16 speex32 ilbc g722 siren7 siren14 g719 opus jpeg png h261 h263 h263p"
    " h264 h265 mpeg4 vp8 vp9 red t140 t38 silk8 silk12 silk16 silk24"
)
CODECS = frozenset(_CODEC_NAMES.split(" "))
_CODEC_ITEM = re.compile(r"!?([^:!]+)(?::\d+)?")


def _codecs(value: str) -> str | None:
    """``ast_format_cap_update_by_allow_disallow``: ``[!]name[:ms]`` items split on ``,`` or ``|``."""
    for item in _items(value, ",|"):
        match = _CODEC_ITEM.fullmatch(item)
        name = match.group(1).strip() if match else ""
        if name.lower() != "all" and name not in CODECS:
            return f"'{item}' is not a codec Asterisk knows (e.g. ulaw, alaw, g722, opus) or 'all'"
    return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _network_problem(item: str) -> str | None:
    """``address[/prefix or netmask]`` as ``ast_append_ha`` reads it (no host names)."""
    address_text, slash, mask = item.partition("/")
    address = _address(address_text)
    if address is None:
        return f"'{item}' is not an IP address (host names are not accepted here)"
    if not slash:
        return None
    if mask.strip().isdigit():
        if int(mask) > address.max_prefixlen:
            return f"'{item}' has a prefix longer than {address.max_prefixlen}"
        return None
    netmask = _address(mask)
    if netmask is None or netmask.version != address.version:
        return f"'{item}' has a netmask that is neither a prefix length nor an address of its family"
    return None


def _acl(value: str) -> str | None:
    """permit/deny lists: comma separated ``[!]address[/mask]``."""
    for item in _items(value):
        problem = _network_problem(item[1:] if item.startswith("!") else item)
        if problem is not None:
            return problem
    return None


_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_PORT = re.compile(r"(?:\[(?P<v6>[^\]]+)\]|(?P<v4>[0-9.]+)):(?P<port>\d{1,5})")


def _identify_match(value: str) -> str | None:
    """identify ``match``: addresses with a mask or a port, or host names Asterisk resolves at load."""
    for item in _items(value):
        with_port = _PORT.fullmatch(item)
        if with_port is not None:
            if _address(with_port.group("v6") or with_port.group("v4") or "") is None:
                return f"'{item}' is not an IP address with a port"
            if int(with_port.group("port")) > 65535:
                return f"'{item}' has a port above 65535"
            continue
        if "/" not in item and _address(item) is None and _HOST_NAME.fullmatch(item):
            continue
        problem = _network_problem(item)
        if problem is not None:
            return problem
    return None


_SIP_URI = re.compile(r"sips?:(?:[^@\s]+@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?(?:[;?]\S*)?", re.I)


_BIND = re.compile(r"(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:\[\]]+))(?::(?P<port>\d+))?")


def _bind(value: str) -> str | None:
    """A transport's ``bind`` (``pj_sockaddr_parse``): an address or a bare IPv6 address, then a port up to 65535."""
    text = value.strip()
    match = _BIND.fullmatch(text)
    if match is None and _address(text) is None:
        return f"'{value}' is not address[:port] (IPv6 in brackets when a port follows)"
    if match is not None and match.group("port") is not None and not 0 <= int(match.group("port")) <= 65535:
        return f"'{value}' has a port above 65535"
    return None


def _sip_uri(value: str) -> str | None:
    if not _SIP_URI.fullmatch(value.strip()):
        return f"'{value}' is not a sip: or sips: URI with a host (e.g. sip:provider.example.com)"
    return None


def _sip_uris(value: str) -> str | None:
    """aor ``contact``: one or more comma separated SIP URIs."""
    for item in _items(value):
        problem = _sip_uri(item)
        if problem is not None:
            return problem
    return None


_CODEC_PREFS = {
    "prefer": ("pending", "configured"),
    "operation": ("intersect", "union", "only_preferred", "only_nonpreferred"),
    "keep": ("all", "first"),
    "transcode": ("allow", "prevent"),
}


def _codec_prefs(option: str) -> Callable[[str], str | None]:
    """``ast_stream_codec_prefs_parse``: comma separated ``name: value``; an incoming offer cannot union."""

    def check(value: str) -> str | None:
        for item in _items(value):
            name, colon, choice = (part.strip() for part in item.partition(":"))
            if not colon or name not in _CODEC_PREFS:
                return f"'{item}' is not one of {', '.join(f'{n}: <value>' for n in _CODEC_PREFS)}"
            if choice not in _CODEC_PREFS[name]:
                return f"'{name}' must be one of {', '.join(_CODEC_PREFS[name])}, not '{choice}'"
            if option == "codec_prefs_incoming_offer" and name == "operation" and choice == "union":
                return "'operation: union' is not allowed for an incoming offer"
        return None

    return check


_GROUP_ITEM = re.compile(r"(\d+)(?:-(\d+))?")


def _groups(value: str) -> str | None:
    """call_group/pickup_group: numbers and ranges from 0 to 63 (Asterisk drops others silently)."""
    if not value.strip():
        return None
    for item in _items(value):
        match = _GROUP_ITEM.fullmatch(item)
        if match is None or any(int(n) > 63 for n in match.groups() if n is not None):
            return f"'{item}' is not a group number 0-63 or a range like 1-5"
    return None


def _decimal(value: str) -> str | None:
    if not value.strip().isdigit():
        return f"'{value}' is not a whole number of seconds"
    return None


def _boolean(value: str) -> str | None:
    if value.strip().lower() not in {"yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"}:
        return f"'{value}' is not a boolean (use yes/no)"
    return None


# Characters res_pjsip accepts in a URI user part (from_user, contact_user).
_URI_USER = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=:]*")


def _uri_user(value: str) -> str | None:
    bad = next((c for c in value if not _URI_USER.fullmatch(c)), None)
    if bad is not None:
        return f"'{value}' contains '{bad}', which is not allowed in a SIP URI user part"
    return None


def _no_blanks(value: str) -> str | None:
    if not value.strip() or any(c.isspace() for c in value.strip()):
        return f"'{value}' must be one word without spaces (RFC 8866); Asterisk would replace it with '-'"
    return None


def _not_blank(value: str) -> str | None:
    if not value.strip():
        return "must not be blank (RFC 8866); Asterisk would replace it with '-'"
    return None


def _redirect_methods(value: str) -> str | None:
    for item in _items(value):
        if item and item.lower() != "message":
            return f"'{item}' is not a method Asterisk can follow redirects for (only 'message')"
    return None


def _only(allowed: str, why: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if parse_c_integer(value) == int(allowed) else f"'{value}' must be {allowed} ({why})"

    return check


def _no_longer_supported(replacement: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return f"is no longer supported by Asterisk, which ignores it; use '{replacement}'"

    return check


# password_digest algorithms and the length of their hexadecimal digests.
DIGEST_LENGTHS = {"md5": 32, "sha-256": 64, "sha-512-256": 64}
_HEX = re.compile(r"[0-9a-fA-F]+")


def _digests(value: str) -> Iterator[tuple[str, str]]:
    """(algorithm, digest) of each ``ALGORITHM:digest`` item; no algorithm means MD5 (md5_cred)."""
    for item in _items(value):
        algorithm, colon, digest = item.partition(":")
        yield (algorithm.strip().lower(), digest.strip()) if colon else ("md5", algorithm.strip())


def _password_digest(value: str) -> str | None:
    for algorithm, digest in _digests(value):
        length = DIGEST_LENGTHS.get(algorithm)
        if length is None:
            return f"'{algorithm}' is not a digest algorithm ({', '.join(DIGEST_LENGTHS)})"
        if len(digest) != length or not _HEX.fullmatch(digest):
            return f"a {algorithm} digest is {length} hexadecimal characters"
    return None


def _md5_cred(value: str) -> str | None:
    if len(value.strip()) != 32 or not _HEX.fullmatch(value.strip()):
        return "an MD5 digest is 32 hexadecimal characters"
    return None


VALUE_RULES: dict[tuple[str, str], Callable[[str], str | None]] = {
    ("endpoint", "set_var"): _set_var,
    ("endpoint", "tos_audio"): _tos,
    ("endpoint", "tos_video"): _tos,
    ("transport", "tos"): _tos,
    ("endpoint", "timers_min_se"): _at_least(90, "RFC 4028; Asterisk refuses less"),
    ("identify", "match_header"): _match_header,
    # Asterisk raises smaller values silently; refusing them keeps the record equal to what runs.
    ("system", "timer_t1"): _at_least(100, "Asterisk raises smaller values to 100"),
    ("system", "timer_b"): _at_least(6400, "Asterisk raises smaller values to 64 x timer_t1"),
    ("endpoint", "allow"): _codecs,
    ("endpoint", "disallow"): _codecs,
    **{("endpoint", key): _acl for key in ("permit", "deny", "contact_permit", "contact_deny")},
    ("identify", "match"): _identify_match,
    ("transport", "bind"): _bind,
    ("transport", "async_operations"): _only("1", "Asterisk ignores any other value with a warning; it is always 1"),
    **{
        ("transport", k): _boolean
        for k in ("allow_wildcard_certs", "require_client_cert", "verify_client", "verify_server")
    },
    ("transport", "local_net"): _acl,
    ("aor", "contact"): _sip_uris,
    ("registration", "server_uri"): _sip_uri,
    ("registration", "client_uri"): _sip_uri,
    ("registration", "outbound_proxy"): _sip_uri,
    ("registration", "expiration"): _at_least(1, "Asterisk cannot register for 0 seconds"),
    ("registration", "contact_user"): _uri_user,
    **{
        ("endpoint", key): _codec_prefs(key)
        for key in (
            "codec_prefs_incoming_offer",
            "codec_prefs_outgoing_offer",
            "codec_prefs_incoming_answer",
            "codec_prefs_outgoing_answer",
        )
    },
    ("endpoint", "call_group"): _groups,
    ("endpoint", "pickup_group"): _groups,
    ("endpoint", "dtls_rekey"): _decimal,
    ("endpoint", "dtls_auto_generate_cert"): _boolean,
    ("endpoint", "from_user"): _uri_user,
    ("endpoint", "sdp_owner"): _no_blanks,
    ("endpoint", "sdp_session"): _not_blank,
    ("endpoint", "follow_redirect_methods"): _redirect_methods,
    ("endpoint", "stir_shaken"): _no_longer_supported("stir_shaken_profile"),
    ("auth", "password_digest"): _password_digest,
    ("auth", "md5_cred"): _md5_cred,
}


# -- rules over a whole object ---------------------------------------------------------------

_TRUE = frozenset({"yes", "true", "on", "1", "y", "t"})


def _last(fields: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Single-valued keys as Asterisk ends with them: the last occurrence wins."""
    return dict(fields)


def _number(values: dict[str, str], key: str, default: int) -> int:
    number = parse_c_integer(values[key]) if key in values else None
    return default if number is None else number


def _endpoint_problems(values: dict[str, str]) -> list[str]:
    problems = []
    min_se, sess_expires = _number(values, "timers_min_se", 90), _number(values, "timers_sess_expires", 1800)
    if sess_expires < min_se:
        problems.append(f"timers_sess_expires ({sess_expires}) is below timers_min_se ({min_se})")
    start, end = _number(values, "rtp_port_start", 0), _number(values, "rtp_port_end", 0)
    if start or end:
        if not start or not end:
            problems.append("rtp_port_start and rtp_port_end must be set together")
        elif start < 1024 or end < 1024:
            problems.append("rtp_port_start and rtp_port_end must be at least 1024")
        elif end <= start:
            problems.append(f"rtp_port_end ({end}) must be greater than rtp_port_start ({start})")
    if values.get("dtls_auto_generate_cert", "").lower() in _TRUE and values.get("dtls_cert_file"):
        problems.append("dtls_auto_generate_cert and dtls_cert_file cannot be used together")
    webrtc = values.get("webrtc", "").lower() in _TRUE
    if webrtc and _number(values, "dtls_rekey", 0) != 0:
        problems.append("dtls_rekey must be 0 with webrtc (Asterisk disables DTLS renegotiation for WebRTC)")
    offer_pref = values.get("incoming_call_offer_pref", "local").lower()
    if values.get("preferred_codec_only", "").lower() in _TRUE and offer_pref != "local":
        problems.append("preferred_codec_only cannot be combined with incoming_call_offer_pref")
    return problems


def _all(fields: Sequence[tuple[str, str]], key: str) -> list[str]:
    """Every item of an accumulating key, in order (Asterisk appends each occurrence)."""
    return [item for k, v in fields if k == key for item in _items(v) if item]


def _auth_problems(fields: Sequence[tuple[str, str]], global_values: dict[str, str]) -> list[str]:
    values = _last(fields)
    if not values.get("username"):
        return ["an auth needs a username"]
    if values.get("auth_type", "").lower() == "google_oauth":
        missing = [k for k in ("refresh_token", "oauth_clientid", "oauth_secret") if not values.get(k)]
        return [f"google_oauth needs {', '.join(missing)}"] if missing else []
    if values.get("password"):
        return []
    digests = {algorithm for v in _all(fields, "password_digest") for algorithm, _ in _digests(v)}
    if values.get("md5_cred"):
        digests.add("md5")
    problems = []
    for side in ("uas", "uac"):
        listed = _all(fields, f"supported_algorithms_{side}") or _items(
            global_values.get(f"default_auth_algorithms_{side}", "md5")
        )
        for algorithm in dict.fromkeys(a.lower() for a in listed if a):
            if algorithm not in digests:
                problems.append(f"no password or {algorithm} digest for supported_algorithms_{side}")
    return problems


# The keys the rules of `object_problems` read, per object type whose rules read only their
# object's own keys (an auth's read the engine's global options too; other types have none).
# A change that touches none of an object's rule keys leaves its problems as they were.
RULE_KEYS: dict[str, frozenset[str]] = {
    "endpoint": frozenset(
        {
            "timers_min_se",
            "timers_sess_expires",
            "rtp_port_start",
            "rtp_port_end",
            "dtls_auto_generate_cert",
            "dtls_cert_file",
            "webrtc",
            "dtls_rekey",
            "incoming_call_offer_pref",
            "preferred_codec_only",
        }
    ),
    "registration": frozenset({"server_uri", "client_uri"}),
    "identify": frozenset({"match", "match_header", "match_request_uri"}),
    "aor": frozenset(),
}


def problems_may_change(object_type: str, changed_keys: Collection[str]) -> bool:
    """Can changing these keys of an object of this type change what `object_problems` says of it?"""
    keys = RULE_KEYS.get(object_type)
    return keys is None or not keys.isdisjoint(changed_keys)


def object_problems(
    object_type: str, fields: Sequence[tuple[str, str]], global_options: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """Why Asterisk would refuse this flattened Sorcery object, or [] when it loads.

    ``global_options`` are the engine's: its ``default_auth_algorithms_uas``/``_uac`` apply to an
    auth that lists no algorithm (Asterisk's own default is MD5).
    """
    values = _last(fields)
    if object_type == "endpoint":
        return _endpoint_problems(values)
    if object_type == "auth":
        return _auth_problems(fields, _last(global_options))
    if object_type == "registration":
        return [f"a registration needs {k}" for k in ("server_uri", "client_uri") if not values.get(k)]
    if object_type == "identify" and not any(values.get(k) for k in ("match", "match_header", "match_request_uri")):
        return ["an identify needs match, match_header or match_request_uri"]
    return []
