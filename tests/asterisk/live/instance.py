"""A real Asterisk as a test fixture: its own directory, loopback ports, started as a child process.

Every directory Asterisk writes to lives under the instance's ``root``; only the modules and the
static data are read from the installed build (``PJSIP_GRAPH_ASTERISK_ROOT``, default ``/opt/asterisk``,
the prefix the build was made for). Every socket is bound to 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ASTERISK_ROOT = Path(os.environ.get("PJSIP_GRAPH_ASTERISK_ROOT", "/opt/asterisk"))
ASTERISK_BINARY = ASTERISK_ROOT / "sbin" / "asterisk"
BOOT_TIMEOUT_S = 60.0

# Modules that open ports of their own (or need services the tests do not run).
NOLOAD_MODULES = (
    "chan_iax2.so",
    "chan_unistim.so",
    "chan_mgcp.so",
    "chan_skinny.so",
    "res_hep.so",
    "res_hep_pjsip.so",
    "res_hep_rtcp.so",
    "res_statsd.so",
    "res_stun_monitor.so",
    "res_prometheus.so",
    "pbx_dundi.so",
    "res_pjsip_phoneprov_provider.so",
    "res_phoneprov.so",
    "cdr_radius.so",
    "cel_radius.so",
)

# res_pjsip / sorcery lines that every start prints whatever the configuration: not findings.
HARMLESS = (
    re.compile(r"Unable to load config file"),
    re.compile(r"Missing config file"),
)
# The sources whose warnings speak about PJSIP objects or their storage.
_WATCHED_SOURCE = re.compile(r"^(res_pjsip|pjsip|res_sorcery|sorcery\.c|config\.c|res_config_pgsql)")

_LOG_LINE = re.compile(r"^\[[^\]]*\]\s+(WARNING|ERROR)\[[^\]]*\]\s+(\S+?):")


def asterisk_available() -> str | None:
    """None when the Asterisk build is installed, otherwise why not."""
    if not ASTERISK_BINARY.is_file():
        return f"no Asterisk at {ASTERISK_BINARY} (set PJSIP_GRAPH_ASTERISK_ROOT or unpack the test build)"
    if not os.access(ASTERISK_BINARY, os.X_OK):
        return f"{ASTERISK_BINARY} is not executable"
    return None


# Ports handed to Asterisk: above Linux's ephemeral range (32768-60999), which outgoing sockets
# (database clients, DNS lookups) draw from between the moment a port is found free and the
# moment Asterisk binds it ("Address already in use" for transport-udp), and away from the RTP
# ports of the fixture's rtp.conf (20000-30000).
ASTERISK_PORTS = range(61000, 65536)
# Its own generator: test runners reseed the global one before each test.
_ports = random.Random()
_handed_out: set[int] = set()


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (the SIP transport uses both), never
    handed out before in this process."""
    for _ in range(200):
        port = _ports.choice(ASTERISK_PORTS)
        if port in _handed_out:
            continue
        try:
            for other in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, other) as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free loopback port")


@dataclass
class AsteriskInstance:
    root: Path
    sip_port: int
    http_port: int
    ari_user: str = "pjsipgraph"
    ari_password: str = "pjsipgraph-test"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def ari_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/ari"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def conf_path(self) -> Path:
        return self.root / "etc" / "asterisk.conf"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        lib = str(ASTERISK_ROOT / "lib")
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        return env

    def write_config(self, name: str, text: str) -> None:
        (self.root / "etc" / name).write_text(text)

    def cli(self, command: str, *, timeout: float = 60.0) -> str:
        done = subprocess.run(
            [str(ASTERISK_BINARY), "-C", str(self.conf_path), "-rx", command],
            capture_output=True,
            timeout=timeout,
            env=self._env(),
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"asterisk -rx {command!r} failed ({done.returncode}): {done.stderr.decode()}")
        return done.stdout.decode(errors="replace")

    def messages(self) -> str:
        path = self.root / "log" / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_mark(self) -> int:
        """The current length of the log, to read only what follows with ``warnings_and_errors(since=)``."""
        return len(self.messages())

    def warnings_and_errors(self, since: int = 0) -> list[str]:
        """res_pjsip and sorcery WARNING/ERROR lines, without the known start-up noise."""
        found: list[str] = []
        for line in self.messages()[since:].splitlines():
            match = _LOG_LINE.match(line)
            if match is None:
                continue
            source = match.group(2)
            if not _WATCHED_SOURCE.match(source):
                continue
            if any(p.search(line) for p in HARMLESS):
                continue
            found.append(line)
        return found

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(ASTERISK_BINARY), "-C", str(self.conf_path), "-f", "-n", "-q"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self._env(),
            start_new_session=True,
        )
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Asterisk exited at start ({self.process.returncode}):\n{self.messages()[-4000:]}")
            try:
                self.cli("core waitfullybooted", timeout=10)
                return
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"Asterisk did not boot within {BOOT_TIMEOUT_S} s") from None
                time.sleep(0.2)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


def _asterisk_conf(root: Path) -> str:
    return f"""[directories]
astetcdir => {root}/etc
astmoddir => {ASTERISK_ROOT}/lib/asterisk/modules
astdatadir => {ASTERISK_ROOT}/var/lib/asterisk
astvarlibdir => {root}/lib
astdbdir => {root}/db
astkeydir => {root}/lib
astspooldir => {root}/spool
astrundir => {root}/run
astlogdir => {root}/log
[options]
verbose = 3
"""


def _modules_conf(realtime: bool) -> str:
    lines = ["[modules]", "autoload = yes"]
    lines += [f"noload => {m}" for m in NOLOAD_MODULES]
    if not realtime:
        lines.append("noload => res_config_pgsql.so")
    return "\n".join(lines) + "\n"


def _sorcery_conf(push_config: bool, realtime: bool) -> str:
    if realtime:
        return """[res_pjsip]
endpoint = realtime,ps_endpoints
auth = realtime,ps_auths
aor = realtime,ps_aors
contact = astdb,registrator
domain_alias = realtime,ps_domain_aliases
[res_pjsip_endpoint_identifier_ip]
identify = realtime,ps_endpoint_id_ips
[res_pjsip_outbound_registration]
registration = realtime,ps_registrations
"""
    if push_config:
        return """[res_pjsip]
endpoint = memory
auth = memory
aor = memory
[res_pjsip_endpoint_identifier_ip]
identify = memory
[res_pjsip_outbound_registration]
registration = memory
"""
    return ""


def _realtime_configs(dsn: str) -> dict[str, str]:
    """res_pgsql.conf and extconfig.conf from a ``postgresql://user[:pw]@host:port/db`` DSN."""
    match = re.match(r"^postgres(?:ql)?(?:\+\w+)?://([^:@/]+)(?::([^@]*))?@([^:/]+)(?::(\d+))?/(\w+)", dsn)
    if match is None:
        raise ValueError(f"unsupported realtime DSN: {dsn}")
    user, password, host, port, db = match.groups()
    pgsql = (
        f"[general]\ndbhost = {host}\ndbport = {port or 5432}\ndbname = {db}\n"
        f"dbuser = {user}\ndbpass = {password or ''}\nrequirements = warn\n"
    )
    tables = ("endpoints", "auths", "aors", "domain_aliases", "endpoint_id_ips", "registrations", "contacts")
    ext = "[settings]\n" + "".join(f"ps_{t} => pgsql,general,ps_{t}\n" for t in tables)
    return {"res_pgsql.conf": pgsql, "extconfig.conf": ext}


def loopback_transport(sip_port: int) -> str:
    return f"""[transport-loopback-udp]
type = transport
protocol = udp
bind = 127.0.0.1:{sip_port}

[transport-loopback-tcp]
type = transport
protocol = tcp
bind = 127.0.0.1:{sip_port}

"""


def start_asterisk(
    root: Path,
    *,
    pjsip_conf: str = "",
    push_config: bool = False,
    realtime_dsn: str | None = None,
    extra_configs: dict[str, str] | None = None,
) -> AsteriskInstance:
    """Write a complete configuration under ``root`` and start Asterisk on free loopback ports."""
    for sub in ("etc", "lib", "db", "spool", "run", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    instance = AsteriskInstance(root=root, sip_port=free_port(), http_port=free_port())
    realtime = realtime_dsn is not None
    configs = {
        "asterisk.conf": _asterisk_conf(root),
        "modules.conf": _modules_conf(realtime),
        "logger.conf": "[general]\n[logfiles]\nmessages.log => notice,warning,error\n",
        "http.conf": f"[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = {instance.http_port}\n",
        "ari.conf": (
            "[general]\nenabled = yes\n"
            f"[{instance.ari_user}]\ntype = user\nread_only = no\npassword = {instance.ari_password}\n"
        ),
        "sorcery.conf": _sorcery_conf(push_config, realtime),
        "pjsip.conf": loopback_transport(instance.sip_port) + pjsip_conf,
        "extensions.conf": "[general]\n[default]\n",
        "rtp.conf": "[general]\nrtpstart = 20000\nrtpend = 30000\n",
    }
    if realtime_dsn is not None:
        configs.update(_realtime_configs(realtime_dsn))
    configs.update(extra_configs or {})
    for name, text in configs.items():
        instance.write_config(name, text)
    instance.start()
    return instance
