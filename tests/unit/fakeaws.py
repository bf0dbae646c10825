"""A loopback stand-in for ECR, STS and EC2 that tells which credentials signed each request:
the token it issues is `pw-<access key id>`, the caller's ARN ends in the access key id. It can
fail a number of first attempts (HTTP 500, which botocore retries), and serve over TLS with a
throw-away certificate for 127.0.0.1."""

from __future__ import annotations

import base64
import datetime
import json
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ACCOUNT = "123456789012"
_KEY = re.compile(r"Credential=([A-Z0-9]+)/")


@dataclass
class Seen:
    """What the server was asked: (access key id, service, attempt) per request."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_first: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self, service: str) -> list[str]:
        return sorted(key for key, s in self.requests if s == service)


def _answer(service: str, key: str, region: str) -> tuple[str, bytes]:
    if service == "ecr":
        token = base64.b64encode(f"AWS:pw-{key}".encode()).decode()
        endpoint = f"https://{ACCOUNT}.dkr.ecr.{region}.amazonaws.com"
        data = {"authorizationToken": token, "expiresAt": 1.9e9, "proxyEndpoint": endpoint}
        return "application/x-amz-json-1.1", json.dumps({"authorizationData": [data]}).encode()
    if service == "sts":
        arn = f"arn:aws:iam::{ACCOUNT}:user/{key}"
        body = (
            "<GetCallerIdentityResponse><GetCallerIdentityResult>"
            f"<Arn>{arn}</Arn><UserId>{key}</UserId><Account>{ACCOUNT}</Account>"
            "</GetCallerIdentityResult></GetCallerIdentityResponse>"
        )
        return "text/xml", body.encode()
    body = (
        "<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName>"
        "<optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"
        "</DescribeRegionsResponse>"
    )
    return "text/xml", body.encode()


def _handler(seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            scope = re.search(r"/\d{8}/([a-z0-9-]+)/([a-z0-9]+)/", self.headers["Authorization"])
            region, service = scope.groups() if scope else ("", "")
            found = _KEY.search(self.headers["Authorization"] or "")
            key = found.group(1) if found else ""
            with seen.lock:
                seen.requests.append((key, service))
                failing = len(seen.requests) <= seen.fail_first
            kind, body = ("text/plain", b"try again") if failing else _answer(service, key, region)
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(fail_first: int = 0, tls: Path | None = None) -> Iterator[tuple[str, Seen]]:
    """(endpoint URL, what was seen); with `tls`, HTTPS with the key pair `certificate(tls)`
    wrote there."""
    seen = Seen(fail_first=fail_first)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(seen))
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls / "cert.pem", tls / "key.pem")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


def certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (cert.pem, key.pem) in `folder`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder
