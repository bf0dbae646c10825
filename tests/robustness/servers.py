"""Loopback servers for fault injection: an HTTP proxy in front of moto that answers chosen
calls itself, and a TCP listener that accepts connections, records what arrives and never answers.

Everything binds to 127.0.0.1 on a free port and is stopped by the fixture that made it.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/\d+/(?P<region>[^/]+)/(?P<service>[^/]+)/")


@dataclass(frozen=True)
class Call:
    """One AWS request as the proxy saw it."""

    service: str
    region: str
    action: str
    key_id: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/x-amz-json-1.1"


HANG = "hang"  # a rule answer: hold the connection, never answer
Answer = Reply | str


@dataclass
class Rule:
    """Answer matching calls with `answer`, `times` times (None: always); else forward."""

    service: str
    action: str
    region: str | None = None
    answer: Answer = HANG
    times: int | None = None
    used: int = 0

    def matches(self, call: Call) -> bool:
        return (
            call.service == self.service
            and call.action == self.action
            and (self.region is None or call.region == self.region)
            and (self.times is None or self.used < self.times)
        )


def json_error(code: str, message: str = "injected", status: int = 400) -> Reply:
    """An error as AWS's JSON protocols (ECR) send it."""
    return Reply(status, json.dumps({"__type": code, "message": message}).encode())


def token_answer(items: list[dict[str, object]]) -> Reply:
    """A GetAuthorizationToken answer with the given `authorizationData`."""
    return Reply(200, json.dumps({"authorizationData": items}).encode())


def token_item(token: str, endpoint: str, expires: float | None = None) -> dict[str, object]:
    return {
        "authorizationToken": token,
        "expiresAt": expires if expires is not None else time.time() + 12 * 3600,
        "proxyEndpoint": endpoint,
    }


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass
class FaultProxy:
    """An HTTP server that forwards to `upstream` (moto) unless a rule answers first."""

    upstream: str | None
    rules: list[Rule] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def count(self, service: str, action: str, region: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for c in self.calls
                if (c.service, c.action) == (service, action) and region in (None, c.region)
            )

    def decide(self, call: Call) -> Answer | None:
        with self._lock:
            self.calls.append(call)
            for rule in self.rules:
                if rule.matches(call):
                    rule.used += 1
                    return rule.answer
        return None

    def wait_stopped(self) -> None:
        self._stop.wait()


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve(b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._serve(self.rfile.read(length))

        def _serve(self, body: bytes) -> None:
            call = describe(self.headers.get("Authorization", ""), self.headers, body)
            answer = proxy.decide(call)
            if answer == HANG:
                proxy.wait_stopped()
                self.close_connection = True
                return
            if isinstance(answer, Reply):
                self._reply(answer.status, answer.body, answer.content_type)
                return
            if proxy.upstream is None:
                self._reply(500, b'{"__type": "NoUpstream"}', "application/json")
                return
            self._forward(body)

        def _forward(self, body: bytes) -> None:
            parts = urlsplit(proxy.upstream)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            conn.close()
            self._reply(answer.status, data, answer.getheader("Content-Type") or "text/xml")

        def _reply(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "robustness")
            self.end_headers()
            self.wfile.write(data)

    return Handler


def describe(authorization: str, headers: object, body: bytes) -> Call:
    scope = _SCOPE.search(authorization)
    target = getattr(headers, "get", lambda _: None)("X-Amz-Target") or ""
    action = target.rsplit(".", 1)[-1] if target else ""
    if not action:
        form = parse_qs(body.decode(errors="replace"))
        action = (form.get("Action") or [""])[0]
    if scope is None:
        return Call("", "", action, "")
    return Call(scope["service"], scope["region"], action, scope["key"])


class Listener:
    """A TCP port that accepts connections, records every byte sent to it, and never answers."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self.received = b""
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                self._drain()
                continue
            conn.setblocking(False)
            self.connections += 1
            self._open.append(conn)

    def _drain(self) -> None:
        for conn in self._open:
            with contextlib.suppress(OSError):
                self.received += conn.recv(65536)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._drain()
        for conn in self._open:
            conn.close()
        self._sock.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
