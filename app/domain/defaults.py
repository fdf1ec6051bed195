"""What a new engine and a new tenant start with (docs/domain.md §2).

Template option values follow Wazo Platform's tenant defaults, so operators
coming from it find the behaviour they know.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.sections import Options, Section

DEFAULT_ENGINE = "default"
ROOT_TENANT_SLUG = "root"
ROOT_TENANT_NAME = "Root"

# SIP over UDP on the standard port. Asterisk serves WebSocket transports through its HTTP server
# (http.conf, TLS port 8089 by default) and does not listen on their bind address; the WSS transport
# names that port so that no two transports claim the same address (docs/domain.md).
DEFAULT_TRANSPORTS: dict[str, Options] = {
    "transport-udp": (("protocol", "udp"), ("bind", "0.0.0.0:5060")),
    "transport-wss": (("protocol", "wss"), ("bind", "0.0.0.0:8089")),
}


@dataclass(frozen=True, slots=True)
class DefaultTemplate:
    role: str
    label: str
    parents: tuple[str, ...] = ()
    transport: str | None = None
    sections: dict[Section, Options] = field(default_factory=dict)


DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        role="general",
        label="General defaults",
        sections={
            Section.AOR: (
                ("maximum_expiration", "3600"),
                ("default_expiration", "120"),
                ("minimum_expiration", "60"),
                ("qualify_frequency", "60"),
                ("remove_existing", "true"),
                ("max_contacts", "1"),
            ),
            Section.ENDPOINT: (
                ("rtp_timeout", "7200"),
                ("allow_transfer", "yes"),
                ("use_ptime", "yes"),
                ("direct_media", "no"),
                ("dtmf_mode", "rfc4733"),
                ("language", "en_US"),
                ("inband_progress", "no"),
                ("rtp_timeout_hold", "0"),
                ("timers_sess_expires", "600"),
                ("timers_min_se", "90"),
                ("trust_id_inbound", "no"),
                ("allow_subscribe", "yes"),
                ("allow", "!all,ulaw"),
                ("set_var", "TIMEOUT(absolute)=36000"),
                ("set_var", "DYNAMIC_FEATURES=togglerecord"),
                ("notify_early_inuse_ringing", "yes"),
            ),
        },
    ),
    DefaultTemplate(role="sip", label="SIP lines (UDP)", parents=("general",), transport="transport-udp"),
    DefaultTemplate(
        role="webrtc",
        label="WebRTC lines (WSS)",
        parents=("general",),
        transport="transport-wss",
        sections={
            Section.AOR: (("remove_existing", "false"), ("max_contacts", "10")),
            Section.ENDPOINT: (
                ("webrtc", "yes"),
                ("dtls_auto_generate_cert", "yes"),
                ("allow", "!all,opus,g722,alaw,ulaw,vp9,vp8,h264"),
                ("max_video_streams", "25"),
                ("max_audio_streams", "1"),
                ("timers", "always"),
                ("timers_sess_expires", "300"),
                ("timers_min_se", "90"),
            ),
        },
    ),
    DefaultTemplate(
        role="trunk",
        label="Trunks with outbound registration",
        parents=("general",),
        sections={
            Section.REGISTRATION: (
                ("forbidden_retry_interval", "30"),
                ("retry_interval", "20"),
                ("max_retries", "10000"),
                ("auth_rejection_permanent", "no"),
                ("fatal_retry_interval", "30"),
            ),
        },
    ),
)
DEFAULT_ROLES = tuple(t.role for t in DEFAULT_TEMPLATES)
