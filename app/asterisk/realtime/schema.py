"""Asterisk's PJSIP realtime tables (``ps_*``), as its own alembic migrations create them.

The facts (table and column names, order, types, lengths, enumerated types and
their labels) are copied from the schema Asterisk's migrations produce on
PostgreSQL (alembic head ``2285f2ace275``). Column order matters: Asterisk's
realtime drivers read ``SELECT *`` and apply the columns in that order, so
``disallow`` is applied before ``allow`` and ``deny`` before ``permit``.

On PostgreSQL the enumerations are named types, so an existing Asterisk
database and one created here are interchangeable. Elsewhere (SQLite, for
tests) each enumeration becomes a VARCHAR with a CHECK constraint, so a value
the PostgreSQL type would refuse is refused there too.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from app.db.session import create_engine

log = logging.getLogger(__name__)

METADATA = sa.MetaData()

# Enumerated types, named as Asterisk's migrations name them on PostgreSQL.
ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "ast_bool_values": ("0", "1", "off", "on", "false", "true", "no", "yes"),
    "pjsip_100rel_values_v2": ("no", "required", "peer_supported", "yes"),
    "pjsip_auth_type_values_v2": ("md5", "userpass", "google_oauth"),
    "pjsip_cid_privacy_values": (
        "allowed_not_screened",
        "allowed_passed_screened",
        "allowed_failed_screened",
        "allowed",
        "prohib_not_screened",
        "prohib_passed_screened",
        "prohib_failed_screened",
        "prohib",
        "unavailable",
    ),
    "pjsip_connected_line_method_values": ("invite", "reinvite", "update"),
    "pjsip_direct_media_glare_mitigation_values": ("none", "outgoing", "incoming"),
    "pjsip_dtls_setup_values": ("active", "passive", "actpass"),
    "pjsip_dtmf_mode_values_v3": ("rfc4733", "inband", "info", "auto", "auto_info"),
    "pjsip_incoming_call_offer_pref_values": ("local", "local_first", "remote", "remote_first"),
    "pjsip_media_encryption_values": ("no", "sdes", "dtls"),
    "pjsip_outgoing_call_offer_pref_values": (
        "local",
        "local_merge",
        "local_first",
        "remote",
        "remote_merge",
        "remote_first",
    ),
    "pjsip_redirect_method_values": ("user", "uri_core", "uri_pjsip"),
    "pjsip_t38udptl_ec_values": ("none", "fec", "redundancy"),
    "pjsip_taskprocessor_overload_trigger_values": ("none", "global", "pjsip_only"),
    "pjsip_timer_values": ("forced", "no", "required", "yes"),
    "pjsip_transport_method_values_v2": (
        "default",
        "unspecified",
        "tlsv1",
        "tlsv1_1",
        "tlsv1_2",
        "tlsv1_3",
        "sslv2",
        "sslv23",
        "sslv3",
    ),
    "pjsip_transport_protocol_values_v2": ("udp", "tcp", "tls", "ws", "wss", "flow"),
    "security_negotiation_values": ("no", "mediasec"),
    "sha_hash_values": ("SHA-1", "SHA-256"),
}

# One type object per enumeration, shared by every column that uses it, and bound
# to METADATA so `create_all` creates each PostgreSQL type once, before the tables.
ENUMS: dict[str, sa.Enum] = {
    name: sa.Enum(*values, name=name, metadata=METADATA, create_constraint=True) for name, values in ENUM_VALUES.items()
}
AST_BOOL = ENUMS["ast_bool_values"]


def _enum(name: str) -> sa.Enum:
    return ENUMS[name]


def _table(name: str, id_length: int, *columns: tuple[str, sa.types.TypeEngine[Any]]) -> sa.Table:
    """A ps_* table: ``id`` NOT NULL with a unique and a plain index, no primary key (as Asterisk has it)."""
    return sa.Table(
        name,
        METADATA,
        sa.Column("id", sa.String(id_length), nullable=False),
        *(sa.Column(column, type_, nullable=True) for column, type_ in columns),
        sa.Index(f"{name}_id_key", "id", unique=True),
        sa.Index(f"{name}_id", "id"),
    )


ps_endpoints = _table(
    "ps_endpoints",
    255,
    ("transport", sa.String(40)),
    ("aors", sa.String(2048)),
    ("auth", sa.String(255)),
    ("context", sa.String(40)),
    ("disallow", sa.String(200)),
    ("allow", sa.String(200)),
    ("direct_media", AST_BOOL),
    ("connected_line_method", _enum("pjsip_connected_line_method_values")),
    ("direct_media_method", _enum("pjsip_connected_line_method_values")),
    ("direct_media_glare_mitigation", _enum("pjsip_direct_media_glare_mitigation_values")),
    ("disable_direct_media_on_nat", AST_BOOL),
    ("dtmf_mode", _enum("pjsip_dtmf_mode_values_v3")),
    ("external_media_address", sa.String(40)),
    ("force_rport", AST_BOOL),
    ("ice_support", AST_BOOL),
    ("identify_by", sa.String(80)),
    ("mailboxes", sa.String(40)),
    ("moh_suggest", sa.String(40)),
    ("outbound_auth", sa.String(255)),
    ("outbound_proxy", sa.String(255)),
    ("rewrite_contact", AST_BOOL),
    ("rtp_ipv6", AST_BOOL),
    ("rtp_symmetric", AST_BOOL),
    ("send_diversion", AST_BOOL),
    ("send_pai", AST_BOOL),
    ("send_rpid", AST_BOOL),
    ("timers_min_se", sa.Integer()),
    ("timers", _enum("pjsip_timer_values")),
    ("timers_sess_expires", sa.Integer()),
    ("callerid", sa.String(40)),
    ("callerid_privacy", _enum("pjsip_cid_privacy_values")),
    ("callerid_tag", sa.String(40)),
    ("100rel", _enum("pjsip_100rel_values_v2")),
    ("aggregate_mwi", AST_BOOL),
    ("trust_id_inbound", AST_BOOL),
    ("trust_id_outbound", AST_BOOL),
    ("use_ptime", AST_BOOL),
    ("use_avpf", AST_BOOL),
    ("media_encryption", _enum("pjsip_media_encryption_values")),
    ("inband_progress", AST_BOOL),
    ("call_group", sa.String(40)),
    ("pickup_group", sa.String(40)),
    ("named_call_group", sa.String(40)),
    ("named_pickup_group", sa.String(40)),
    ("device_state_busy_at", sa.Integer()),
    ("fax_detect", AST_BOOL),
    ("t38_udptl", AST_BOOL),
    ("t38_udptl_ec", _enum("pjsip_t38udptl_ec_values")),
    ("t38_udptl_maxdatagram", sa.Integer()),
    ("t38_udptl_nat", AST_BOOL),
    ("t38_udptl_ipv6", AST_BOOL),
    ("tone_zone", sa.String(40)),
    ("language", sa.String(40)),
    ("one_touch_recording", AST_BOOL),
    ("record_on_feature", sa.String(40)),
    ("record_off_feature", sa.String(40)),
    ("rtp_engine", sa.String(40)),
    ("allow_transfer", AST_BOOL),
    ("allow_subscribe", AST_BOOL),
    ("sdp_owner", sa.String(40)),
    ("sdp_session", sa.String(40)),
    ("tos_audio", sa.String(10)),
    ("tos_video", sa.String(10)),
    ("sub_min_expiry", sa.Integer()),
    ("from_domain", sa.String(40)),
    ("from_user", sa.String(40)),
    ("mwi_from_user", sa.String(40)),
    ("dtls_verify", sa.String(40)),
    ("dtls_rekey", sa.String(40)),
    ("dtls_cert_file", sa.String(200)),
    ("dtls_private_key", sa.String(200)),
    ("dtls_cipher", sa.String(200)),
    ("dtls_ca_file", sa.String(200)),
    ("dtls_ca_path", sa.String(200)),
    ("dtls_setup", _enum("pjsip_dtls_setup_values")),
    ("srtp_tag_32", AST_BOOL),
    ("media_address", sa.String(40)),
    ("redirect_method", _enum("pjsip_redirect_method_values")),
    ("set_var", sa.Text()),
    ("cos_audio", sa.Integer()),
    ("cos_video", sa.Integer()),
    ("message_context", sa.String(40)),
    ("force_avp", AST_BOOL),
    ("media_use_received_transport", AST_BOOL),
    ("accountcode", sa.String(80)),
    ("user_eq_phone", AST_BOOL),
    ("moh_passthrough", AST_BOOL),
    ("media_encryption_optimistic", AST_BOOL),
    ("rpid_immediate", AST_BOOL),
    ("g726_non_standard", AST_BOOL),
    ("rtp_keepalive", sa.Integer()),
    ("rtp_timeout", sa.Integer()),
    ("rtp_timeout_hold", sa.Integer()),
    ("bind_rtp_to_media_address", AST_BOOL),
    ("voicemail_extension", sa.String(40)),
    ("mwi_subscribe_replaces_unsolicited", AST_BOOL),
    ("deny", sa.String(95)),
    ("permit", sa.String(95)),
    ("acl", sa.String(40)),
    ("contact_deny", sa.String(95)),
    ("contact_permit", sa.String(95)),
    ("contact_acl", sa.String(40)),
    ("subscribe_context", sa.String(40)),
    ("fax_detect_timeout", sa.Integer()),
    ("contact_user", sa.String(80)),
    ("preferred_codec_only", AST_BOOL),
    ("asymmetric_rtp_codec", AST_BOOL),
    ("rtcp_mux", AST_BOOL),
    ("allow_overlap", AST_BOOL),
    ("refer_blind_progress", AST_BOOL),
    ("notify_early_inuse_ringing", AST_BOOL),
    ("max_audio_streams", sa.Integer()),
    ("max_video_streams", sa.Integer()),
    ("webrtc", AST_BOOL),
    ("dtls_fingerprint", _enum("sha_hash_values")),
    ("incoming_mwi_mailbox", sa.String(40)),
    ("bundle", AST_BOOL),
    ("dtls_auto_generate_cert", AST_BOOL),
    ("follow_early_media_fork", AST_BOOL),
    ("accept_multiple_sdp_answers", AST_BOOL),
    ("suppress_q850_reason_headers", AST_BOOL),
    ("trust_connected_line", AST_BOOL),
    ("send_connected_line", AST_BOOL),
    ("ignore_183_without_sdp", AST_BOOL),
    ("codec_prefs_incoming_offer", sa.String(128)),
    ("codec_prefs_outgoing_offer", sa.String(128)),
    ("codec_prefs_incoming_answer", sa.String(128)),
    ("codec_prefs_outgoing_answer", sa.String(128)),
    ("stir_shaken", AST_BOOL),
    ("send_history_info", AST_BOOL),
    ("allow_unauthenticated_options", AST_BOOL),
    ("t38_bind_udptl_to_media_address", AST_BOOL),
    ("geoloc_incoming_call_profile", sa.String(80)),
    ("geoloc_outgoing_call_profile", sa.String(80)),
    ("incoming_call_offer_pref", _enum("pjsip_incoming_call_offer_pref_values")),
    ("outgoing_call_offer_pref", _enum("pjsip_outgoing_call_offer_pref_values")),
    ("stir_shaken_profile", sa.String(80)),
    ("security_negotiation", _enum("security_negotiation_values")),
    ("security_mechanisms", sa.String(512)),
    ("send_aoc", AST_BOOL),
    ("overlap_context", sa.String(80)),
    ("tenantid", sa.String(80)),
    ("suppress_moh_on_sendonly", AST_BOOL),
    ("follow_redirect_methods", sa.String(95)),
    ("rtp_port_start", sa.Integer()),
    ("rtp_port_end", sa.Integer()),
)
ps_aors = _table(
    "ps_aors",
    255,
    ("contact", sa.String(255)),
    ("default_expiration", sa.Integer()),
    ("mailboxes", sa.String(80)),
    ("max_contacts", sa.Integer()),
    ("minimum_expiration", sa.Integer()),
    ("remove_existing", AST_BOOL),
    ("qualify_frequency", sa.Integer()),
    ("authenticate_qualify", AST_BOOL),
    ("maximum_expiration", sa.Integer()),
    ("outbound_proxy", sa.String(255)),
    ("support_path", AST_BOOL),
    ("qualify_timeout", sa.Double()),
    ("voicemail_extension", sa.String(40)),
    ("remove_unavailable", AST_BOOL),
    ("qualify_2xx_only", AST_BOOL),
)
ps_auths = _table(
    "ps_auths",
    255,
    ("auth_type", _enum("pjsip_auth_type_values_v2")),
    ("nonce_lifetime", sa.Integer()),
    ("md5_cred", sa.String(40)),
    ("password", sa.String(80)),
    ("realm", sa.String(255)),
    ("username", sa.String(40)),
    ("refresh_token", sa.String(255)),
    ("oauth_clientid", sa.String(255)),
    ("oauth_secret", sa.String(255)),
    ("password_digest", sa.String(1024)),
    ("supported_algorithms_uas", sa.String(1024)),
    ("supported_algorithms_uac", sa.String(1024)),
)
ps_endpoint_id_ips = _table(
    "ps_endpoint_id_ips",
    255,
    ("endpoint", sa.String(255)),
    ("match", sa.String(80)),
    ("srv_lookups", AST_BOOL),
    ("match_header", sa.String(255)),
    ("match_request_uri", sa.String(255)),
)
ps_registrations = _table(
    "ps_registrations",
    255,
    ("auth_rejection_permanent", AST_BOOL),
    ("client_uri", sa.String(255)),
    ("contact_user", sa.String(40)),
    ("expiration", sa.Integer()),
    ("max_retries", sa.Integer()),
    ("outbound_auth", sa.String(255)),
    ("outbound_proxy", sa.String(255)),
    ("retry_interval", sa.Integer()),
    ("forbidden_retry_interval", sa.Integer()),
    ("server_uri", sa.String(255)),
    ("transport", sa.String(40)),
    ("support_path", AST_BOOL),
    ("fatal_retry_interval", sa.Integer()),
    ("line", AST_BOOL),
    ("endpoint", sa.String(255)),
    ("support_outbound", AST_BOOL),
    ("contact_header_params", sa.String(255)),
    ("max_random_initial_delay", sa.Integer()),
    ("security_negotiation", _enum("security_negotiation_values")),
    ("security_mechanisms", sa.String(512)),
    ("user_agent", sa.String(255)),
)
ps_transports = _table(
    "ps_transports",
    40,
    ("async_operations", sa.Integer()),
    ("bind", sa.String(40)),
    ("ca_list_file", sa.String(200)),
    ("cert_file", sa.String(200)),
    ("cipher", sa.String(200)),
    ("domain", sa.String(40)),
    ("external_media_address", sa.String(40)),
    ("external_signaling_address", sa.String(40)),
    ("external_signaling_port", sa.Integer()),
    ("method", _enum("pjsip_transport_method_values_v2")),
    ("local_net", sa.String(40)),
    ("password", sa.String(40)),
    ("priv_key_file", sa.String(200)),
    ("protocol", _enum("pjsip_transport_protocol_values_v2")),
    ("require_client_cert", AST_BOOL),
    ("verify_client", AST_BOOL),
    ("verify_server", AST_BOOL),
    ("tos", sa.String(10)),
    ("cos", sa.Integer()),
    ("allow_reload", AST_BOOL),
    ("symmetric_transport", AST_BOOL),
    ("allow_wildcard_certs", AST_BOOL),
    ("tcp_keepalive_enable", sa.Boolean()),
    ("tcp_keepalive_idle_time", sa.Integer()),
    ("tcp_keepalive_interval_time", sa.Integer()),
    ("tcp_keepalive_probe_count", sa.Integer()),
    ("external_signaling_hostname", sa.String(40)),
)
ps_globals = _table(
    "ps_globals",
    40,
    ("max_forwards", sa.Integer()),
    ("user_agent", sa.String(255)),
    ("default_outbound_endpoint", sa.String(40)),
    ("debug", sa.String(40)),
    ("endpoint_identifier_order", sa.String(40)),
    ("max_initial_qualify_time", sa.Integer()),
    ("default_from_user", sa.String(80)),
    ("keep_alive_interval", sa.Integer()),
    ("regcontext", sa.String(80)),
    ("contact_expiration_check_interval", sa.Integer()),
    ("default_voicemail_extension", sa.String(40)),
    ("disable_multi_domain", AST_BOOL),
    ("unidentified_request_count", sa.Integer()),
    ("unidentified_request_period", sa.Integer()),
    ("unidentified_request_prune_interval", sa.Integer()),
    ("default_realm", sa.String(40)),
    ("mwi_tps_queue_high", sa.Integer()),
    ("mwi_tps_queue_low", sa.Integer()),
    ("mwi_disable_initial_unsolicited", AST_BOOL),
    ("ignore_uri_user_options", AST_BOOL),
    ("use_callerid_contact", AST_BOOL),
    ("send_contact_status_on_update_registration", AST_BOOL),
    ("taskprocessor_overload_trigger", _enum("pjsip_taskprocessor_overload_trigger_values")),
    ("norefersub", AST_BOOL),
    ("allow_sending_180_after_183", AST_BOOL),
    ("all_codecs_on_empty_reinvite", AST_BOOL),
    ("default_auth_algorithms_uas", sa.String(1024)),
    ("default_auth_algorithms_uac", sa.String(1024)),
)
ps_systems = _table(
    "ps_systems",
    40,
    ("timer_t1", sa.Integer()),
    ("timer_b", sa.Integer()),
    ("compact_headers", AST_BOOL),
    ("threadpool_initial_size", sa.Integer()),
    ("threadpool_auto_increment", sa.Integer()),
    ("threadpool_idle_timeout", sa.Integer()),
    ("threadpool_max_size", sa.Integer()),
    ("disable_tcp_switch", AST_BOOL),
    ("follow_early_media_fork", AST_BOOL),
    ("accept_multiple_sdp_answers", AST_BOOL),
    ("disable_rport", AST_BOOL),
    ("taskpool_minimum_size", sa.Integer()),
    ("taskpool_initial_size", sa.Integer()),
    ("taskpool_auto_increment", sa.Integer()),
    ("taskpool_idle_timeout", sa.Integer()),
    ("taskpool_max_size", sa.Integer()),
)

sa.Index("ps_aors_qualifyfreq_contact", ps_aors.c.qualify_frequency, ps_aors.c.contact)

# Sorcery object type -> its realtime table (the extconfig.conf family of the same name).
TABLE_BY_TYPE: dict[str, sa.Table] = {
    "endpoint": ps_endpoints,
    "aor": ps_aors,
    "auth": ps_auths,
    "identify": ps_endpoint_id_ips,
    "registration": ps_registrations,
    "transport": ps_transports,
    "global": ps_globals,
    "system": ps_systems,
}
TYPE_BY_TABLE: dict[str, str] = {table.name: object_type for object_type, table in TABLE_BY_TYPE.items()}
OBJECT_TYPES: tuple[str, ...] = tuple(TABLE_BY_TYPE)


def table_for(object_type: str) -> sa.Table | None:
    """The realtime table of a Sorcery object type, or None for a type that has none here."""
    return TABLE_BY_TYPE.get(object_type)


async def create_schema(url: str) -> None:
    """Create the enumerated types and the eight ps_* tables that are missing.

    Idempotent, and harmless on a database Asterisk's own alembic migrations
    already set up: existing types and tables are left exactly as they are
    (this never alters or migrates a table).
    """
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(METADATA.create_all, checkfirst=True)
    finally:
        await engine.dispose()
    log.info("realtime schema is present at %s", sa.engine.make_url(url).render_as_string(hide_password=True))
