"""A minimal SIP user agent for the tests, over UDP on loopback, with no dependency.

``register()`` sends a REGISTER, answers one digest challenge (MD5, with or without qop=auth) and
returns the final status code. ``Registrar`` plays a registrar: it challenges every REGISTER without
credentials with 401 and accepts the ones that carry an Authorization header (recording all of them),
so a test can check a trunk's outbound registration and the credentials it used.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import socket
import threading
from dataclasses import dataclass, field


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # SIP digest authentication is MD5 by definition


def parse_auth_params(header_value: str) -> dict[str, str]:
    """The key=value pairs of a Digest challenge or Authorization header."""
    value = re.sub(r"^\s*Digest\s+", "", header_value, flags=re.IGNORECASE)
    params: dict[str, str] = {}
    for match in re.finditer(r'(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]+))', value):
        params[match.group(1).lower()] = match.group(2) if match.group(2) is not None else match.group(3)
    return params


def digest_response(
    *,
    username: str,
    password: str,
    realm: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None,
    nc: str,
    cnonce: str,
) -> str:
    ha1 = _md5(f"{username}:{realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    if qop:
        return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _md5(f"{ha1}:{nonce}:{ha2}")


@dataclass
class SipMessage:
    start_line: str
    headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def status(self) -> int:
        return int(self.start_line.split()[1])


def parse_message(data: bytes) -> SipMessage:
    head = data.decode(errors="replace").split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    headers = []
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers.append((key.strip(), value.strip()))
    return SipMessage(lines[0], headers)


def register(
    *,
    server_port: int,
    username: str,
    password: str,
    aor: str | None = None,
    auth_username: str | None = None,
    expires: int = 60,
    timeout: float = 5.0,
) -> int:
    """REGISTER ``aor`` (default: ``username``) at 127.0.0.1:server_port; the final status code."""
    user = aor or username
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(timeout)
    local_port = sock.getsockname()[1]
    uri = f"sip:127.0.0.1:{server_port}"
    call_id = secrets.token_hex(8)
    tag = secrets.token_hex(4)
    try:
        authorization: str | None = None
        for cseq in (1, 2, 3):
            branch = "z9hG4bK" + secrets.token_hex(8)
            lines = [
                f"REGISTER {uri} SIP/2.0",
                f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch};rport",
                "Max-Forwards: 70",
                f"From: <sip:{user}@127.0.0.1>;tag={tag}",
                f"To: <sip:{user}@127.0.0.1>",
                f"Call-ID: {call_id}",
                f"CSeq: {cseq} REGISTER",
                f"Contact: <sip:{user}@127.0.0.1:{local_port}>",
                f"Expires: {expires}",
                "User-Agent: pjsip-graph-tests",
            ]
            if authorization:
                lines.append(f"Authorization: {authorization}")
            lines.append("Content-Length: 0")
            sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), ("127.0.0.1", server_port))
            while True:
                reply = parse_message(sock.recv(65535))
                # Asterisk may qualify the new contact (OPTIONS) before its answer arrives: not a reply.
                if reply.start_line.startswith("SIP/2.0") and reply.status >= 200:
                    break
            if reply.status != 401 or authorization is not None:
                return reply.status
            challenge = reply.header("WWW-Authenticate")
            if challenge is None:
                return reply.status
            params = parse_auth_params(challenge)
            qop = "auth" if "auth" in params.get("qop", "").split(",") else None
            cnonce = secrets.token_hex(8)
            response = digest_response(
                username=auth_username or username,
                password=password,
                realm=params["realm"],
                method="REGISTER",
                uri=uri,
                nonce=params["nonce"],
                qop=qop,
                nc="00000001",
                cnonce=cnonce,
            )
            parts = [
                f'username="{auth_username or username}"',
                f'realm="{params["realm"]}"',
                f'nonce="{params["nonce"]}"',
                f'uri="{uri}"',
                f'response="{response}"',
                "algorithm=MD5",
            ]
            if "opaque" in params:
                parts.append(f'opaque="{params["opaque"]}"')
            if qop:
                parts += [f"qop={qop}", "nc=00000001", f'cnonce="{cnonce}"']
            authorization = "Digest " + ", ".join(parts)
        return reply.status
    finally:
        sock.close()


@dataclass
class ReceivedRegister:
    request_uri: str
    from_: str
    to: str
    authorization: dict[str, str] | None


@dataclass
class Registrar:
    """A registrar on a loopback UDP port that challenges, then accepts any credentials it is sent.

    It checks the digest when ``expected`` credentials are given (``{username: password}``) and answers
    403 to a wrong one.
    """

    realm: str = "registrar.test"
    expected: dict[str, str] = field(default_factory=dict)
    received: list[ReceivedRegister] = field(default_factory=list)
    port: int = 0
    _sock: socket.socket | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _stopped: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self) -> Registrar:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", self.port))
        sock.settimeout(0.2)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()

    def authenticated(self) -> list[ReceivedRegister]:
        return [r for r in self.received if r.authorization is not None]

    def _serve(self) -> None:
        assert self._sock is not None
        nonce = secrets.token_hex(12)
        while not self._stopped.is_set():
            try:
                data, peer = self._sock.recvfrom(65535)
            except (TimeoutError, OSError):
                continue
            request = parse_message(data)
            method, request_uri = request.start_line.split()[:2]
            if method != "REGISTER":
                continue
            auth_header = request.header("Authorization")
            auth = parse_auth_params(auth_header) if auth_header else None
            self.received.append(
                ReceivedRegister(request_uri, request.header("From") or "", request.header("To") or "", auth)
            )
            if auth is None:
                status = "401 Unauthorized"
                extra = [f'WWW-Authenticate: Digest realm="{self.realm}", nonce="{nonce}", algorithm=MD5, qop="auth"']
            elif self._valid(auth):
                status, extra = "200 OK", [f"Contact: {request.header('Contact') or ''};expires=60"]
            else:
                status, extra = "403 Forbidden", []
            to = request.header("To") or ""
            lines = [f"SIP/2.0 {status}"]
            lines += [f"Via: {v}" for k, v in request.headers if k.lower() == "via"]
            lines += [
                f"From: {request.header('From')}",
                f"To: {to}{'' if ';tag=' in to else ';tag=' + secrets.token_hex(4)}",
                f"Call-ID: {request.header('Call-ID')}",
                f"CSeq: {request.header('CSeq')}",
                *extra,
                "Content-Length: 0",
            ]
            self._sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), peer)

    def _valid(self, auth: dict[str, str]) -> bool:
        username = auth.get("username", "")
        if not self.expected:
            return True
        password = self.expected.get(username)
        if password is None:
            return False
        expected = digest_response(
            username=username,
            password=password,
            realm=auth.get("realm", ""),
            method="REGISTER",
            uri=auth.get("uri", ""),
            nonce=auth.get("nonce", ""),
            qop=auth.get("qop"),
            nc=auth.get("nc", ""),
            cnonce=auth.get("cnonce", ""),
        )
        return expected == auth.get("response")
