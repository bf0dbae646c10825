"""A stand-in Docker daemon on a unix socket: answers `/_ping` and `/auth` as dockerd does and
records every request. Runs in a thread (`FakeDaemon`) or as a process (`python fakedaemon.py
SOCKET LOG MODE`) for tests that run the real ecrlogin.

Modes: `ok` (login accepted), `reject` (the registry said 401), `echo-wrapped` (the rejection
echoes the password wrapped at 76 columns), `echo-split` (in 25-character pieces), `escapes`
(the rejection carries terminal escape sequences).
"""

from __future__ import annotations

import json
import os
import socketserver
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J"


def rejection(mode: str, password: str) -> str:
    if mode == "echo-wrapped":
        return "login failed for password:\n" + "\n".join(textwrap.wrap(password, 76))
    if mode == "echo-split":
        pieces = [password[i : i + 25] for i in range(0, len(password), 25)]
        return "login failed: " + " | ".join(pieces)
    if mode == "escapes":
        return f"login attempt failed {ESCAPES}with status: 401 Unauthorized"
    return "login attempt to https://x/v2/ failed with status: 401 Unauthorized"


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def _handler(log: Path, mode: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def address_string(self) -> str:
            return "unix"

        def _record(self, body: bytes) -> None:
            with log.open("a") as f:
                f.write(
                    json.dumps({"method": self.command, "path": self.path, "body": body.decode()})
                )
                f.write("\n")

        def _answer(self, status: int, data: dict[str, str]) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Api-Version", "1.41")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            self._record(b"")
            if self.path == "/_ping":
                self.send_response(200)
                self.send_header("Api-Version", "1.41")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")
            else:
                self._answer(404, {"message": "page not found"})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._record(body)
            if not self.path.endswith("/auth"):
                self._answer(404, {"message": "page not found"})
            elif mode == "ok":
                self._answer(200, {"Status": "Login Succeeded", "IdentityToken": ""})
            else:
                password = json.loads(body).get("password", "")
                self._answer(500, {"message": rejection(mode, password)})

    return Handler


class FakeDaemon:
    def __init__(self, socket_path: Path, mode: str = "ok") -> None:
        self.socket_path = socket_path
        self.log = socket_path.with_suffix(".log")
        self._server = _Server(str(socket_path), _handler(self.log, mode))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"unix://{self.socket_path}"

    def requests(self) -> list[dict[str, str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        os.unlink(self.socket_path)


if __name__ == "__main__":
    path, log_path, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    server = _Server(str(path), _handler(log_path, how))
    print("ready", flush=True)
    server.serve_forever()
