"""registryhttp: requests to a registry over real TLS on loopback, proxies, challenges, errors."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ecrlogin import registryhttp

TOKEN_ASKS: list[str] = []
ERRORS = {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}


class Registry(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        accepted = self.headers.get("Authorization") == registryhttp.basic("AWS", "good")
        if self.path.startswith("/token?"):  # a Bearer realm: a token for the credential
            TOKEN_ASKS.append(self.path)
            anonymous = "Authorization" not in self.headers
            token = "t0k" if accepted else "anon" if anonymous else ""
            body = json.dumps({"token": token}).encode()
            self.send_response(200 if token else 401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = b"{}" if accepted else json.dumps(ERRORS).encode()
        self.send_response(200 if accepted else 401)
        if not accepted:
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate naming that address."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *(
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=test",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}", cert
    httpd.shutdown()


def test_answer_with_challenge_and_the_registrys_errors(
    server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, cert = server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    client = registryhttp.Client(environ={})
    refused = client.request("GET", host, "/v2/", {"Authorization": "Basic x"})
    assert (refused.status, refused.challenge) == (401, 'Basic realm="test"')
    assert (refused.errors, refused.codes) == (
        "UNAUTHORIZED: authentication required",
        ("UNAUTHORIZED",),
    )
    accepted = client.request(
        "GET", host, "/v2/", {"Authorization": registryhttp.basic("AWS", "good")}
    )
    assert accepted.status == 200


def test_an_untrusted_certificate_is_a_tls_failure(
    server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(registryhttp.Unreachable) as caught:
        registryhttp.Client(environ={}).request("GET", server[0], "/v2/")
    assert caught.value.kind == "tls"
    assert "TLS does not verify" in caught.value.text


def test_nothing_listening_is_a_connect_failure() -> None:
    with pytest.raises(registryhttp.Unreachable) as caught:
        registryhttp.Client(timeout=1, environ={}).request("GET", "127.0.0.1:1", "/v2/")
    assert (caught.value.kind, caught.value.text) == (
        "connect",
        "cannot connect to 127.0.0.1:1: Connection refused",
    )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"HTTPS_PROXY": "http://proxy:3128"}, "http://proxy:3128"),
        ({"https_proxy": "http://proxy:3128", "NO_PROXY": ".amazonaws.com"}, None),
        ({"ALL_PROXY": "http://p:1", "no_proxy": "other.example"}, "http://p:1"),
    ],
)
def test_proxy_as_the_standard_library_reads_it(
    environ: dict[str, str], expected: str | None
) -> None:
    assert registryhttp.proxy_for("1.dkr.ecr.eu-west-1.amazonaws.com", environ) == expected


def test_basic_challenge_answered_with_the_credential() -> None:
    header = registryhttp.Client(environ={}).authorization(
        "h", 'Basic realm="x"', ("AWS", "pw"), ""
    )
    assert header == registryhttp.basic("AWS", "pw") == "Basic QVdTOnB3"


def test_bearer_challenge_asks_the_realm_for_a_token(
    server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, cert = server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    challenge = f'Bearer realm="https://{host}/token",service="{host}"'
    client = registryhttp.Client(environ={})
    header = client.authorization(host, challenge, ("AWS", "good"), "repository:app:pull")
    assert header == "Bearer t0k"
    assert (
        TOKEN_ASKS[-1] == f"/token?service={host.replace(':', '%3A')}&scope=repository%3Aapp%3Apull"
    )
    refused = client.authorization(host, challenge, ("AWS", "bad"), "repository:app:pull")
    assert refused == registryhttp.basic("AWS", "bad")  # no token: the registry says why
    assert client.authorization(host, challenge, None, "repository:app:pull") == "Bearer anon"
    assert client.authorization(host, 'Basic realm="x"', None, "") is None


def test_resolve_within_the_time_limit() -> None:
    assert "127.0.0.1" in registryhttp.resolve("localhost")
