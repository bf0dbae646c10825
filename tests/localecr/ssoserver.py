"""A local stand-in for IAM Identity Center: the SSO-OIDC service and the SSO portal (moto has
neither), on 127.0.0.1, speaking the JSON protocol botocore's service models define, so that
botocore itself is the client (point it here with AWS_ENDPOINT_URL_SSO_OIDC and
AWS_ENDPOINT_URL_SSO).

- sso-oidc (rest-json): `POST /client/register`, `POST /device_authorization`, `POST /token`
  (the device-code grant and the refresh-token grant). Errors as the real service sends them:
  HTTP 400, header `x-amzn-ErrorType: AuthorizationPendingException` (…), body
  `{"error": "authorization_pending", "error_description": …}`.
- the portal: `GET /federation/credentials?account_id=…&role_name=…` with the access token in
  `x-amz-sso_bearer_token`; role credentials come from moto's STS (`AssumeRole` of
  `arn:aws:iam::<account>:role/<role>`), so moto knows whose they are.

A device code stays pending until the test says otherwise: `approve()`, `deny()`, or
`decision` set before the sign-in starts; `script` lists error codes to answer first (e.g.
`["SlowDownException"]`). What the stand-in saw is kept for the tests: `grants`, `polls`,
`registrations`.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
_ERROR_WORDS = {
    "AuthorizationPendingException": "authorization_pending",
    "SlowDownException": "slow_down",
    "ExpiredTokenException": "expired_token",
    "AccessDeniedException": "access_denied",
    "InvalidClientException": "invalid_client",
    "InvalidGrantException": "invalid_grant",
    "UnsupportedGrantTypeException": "unsupported_grant_type",
    "InvalidRequestException": "invalid_request",
}


class _Refusal(Exception):
    def __init__(self, code: str, status: int = 400, text: str = "") -> None:
        super().__init__(code)
        self.code, self.status, self.text = code, status, text


@dataclass
class _Device:
    client_id: str
    user_code: str
    expires: float
    scopes: list[str]
    state: str = "pending"  # pending, approved, denied, used


@dataclass
class SsoStandIn:
    """Start with `with SsoStandIn.running(moto_url) as sso:`; `sso.url` is both endpoints."""

    moto_url: str | None = None
    interval: int = 1  # seconds between polls, as the service tells the client
    code_lifetime: int = 600  # seconds a device code stays valid
    token_lifetime: int = 8 * 3600
    decision: str = "pending"  # what a device code becomes on its first poll
    script: list[str] = field(default_factory=list)  # error codes answered before deciding
    grants: list[str] = field(default_factory=list)
    polls: list[float] = field(default_factory=list)  # monotonic time of each device-grant poll
    registrations: list[dict[str, Any]] = field(default_factory=list)
    role_calls: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""
    _clients: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    _devices: dict[str, _Device] = field(default_factory=dict)
    _access: dict[str, float] = field(default_factory=dict)  # token -> expiry (epoch s)
    _refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> client id
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    @contextlib.contextmanager
    def running(cls, moto_url: str | None = None, **settings: Any) -> Iterator[SsoStandIn]:
        stand_in = cls(moto_url, **settings)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
        server.daemon_threads = True
        stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, name="sso-stand-in", daemon=True)
        thread.start()
        try:
            yield stand_in
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)

    # ---- what tests do ----------------------------------------------------------------

    def approve(self, user_code: str | None = None) -> None:
        """Approve the device code shown as `user_code` (every pending one when None)."""
        self._settle("approved", user_code)

    def deny(self, user_code: str | None = None) -> None:
        self._settle("denied", user_code)

    def approve_when_shown(self, delay: float = 0.0, timeout: float = 60.0) -> threading.Thread:
        """In the background: approve the first device code once one is pending (the user read
        the code and confirmed it `delay` seconds later)."""

        def watch() -> None:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                codes = self.pending_codes()
                if codes:
                    time.sleep(delay)
                    self.approve(codes[0])
                    return
                time.sleep(0.05)

        thread = threading.Thread(target=watch, name="sso-approver", daemon=True)
        thread.start()
        return thread

    def pending_codes(self) -> list[str]:
        with self._lock:
            return [d.user_code for d in self._devices.values() if d.state == "pending"]

    def env(self) -> dict[str, str]:
        """What points botocore here."""
        return {"AWS_ENDPOINT_URL_SSO_OIDC": self.url, "AWS_ENDPOINT_URL_SSO": self.url}

    def accepts(self, access_token: str) -> bool:
        with self._lock:
            return self._access.get(access_token, 0) > time.time()

    def _settle(self, state: str, user_code: str | None) -> None:
        with self._lock:
            for device in self._devices.values():
                if device.state == "pending" and user_code in (None, device.user_code):
                    device.state = state

    # ---- the services -------------------------------------------------------------------

    def register(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("clientType") != "public" or not body.get("clientName"):
            raise _Refusal("InvalidRequestException", text="clientName and clientType public")
        client_id, client_secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
        scopes = list(body.get("scopes") or [])
        with self._lock:
            self._clients[client_id] = (client_secret, scopes)
            self.registrations.append({"clientName": body["clientName"], "scopes": scopes})
        now = int(time.time())
        return {
            "clientId": client_id,
            "clientSecret": client_secret,
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": now + 90 * 86400,
        }

    def authorize_device(self, body: dict[str, Any]) -> dict[str, Any]:
        scopes = self._client(body)
        if not str(body.get("startUrl", "")).startswith("https://"):
            raise _Refusal("InvalidRequestException", text="startUrl")
        device_code = secrets.token_urlsafe(32)
        user_code = f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"
        with self._lock:
            self._devices[device_code] = _Device(
                body["clientId"], user_code, time.time() + self.code_lifetime, scopes
            )
        page = f"{self.url}/device"
        return {
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": page,
            "verificationUriComplete": f"{page}?user_code={user_code}",
            "expiresIn": self.code_lifetime,
            "interval": self.interval,
        }

    def token(self, body: dict[str, Any]) -> dict[str, Any]:
        self._client(body)
        grant = body.get("grantType")
        with self._lock:
            self.grants.append(str(grant))
        if grant == DEVICE_GRANT:
            return self._device_grant(body)
        if grant == REFRESH_GRANT:
            with self._lock:
                owner = self._refresh.pop(str(body.get("refreshToken")), None)
            if owner != body["clientId"]:
                raise _Refusal("InvalidGrantException", text="refresh token")
            return self._issue(body["clientId"], refreshable=True)
        raise _Refusal("UnsupportedGrantTypeException")

    def _device_grant(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.polls.append(time.monotonic())
            device = self._devices.get(str(body.get("deviceCode")))
            if device is None or device.client_id != body["clientId"]:
                raise _Refusal("InvalidGrantException", text="device code")
            if self.script:
                raise _Refusal(self.script.pop(0))
            if time.time() > device.expires:
                raise _Refusal("ExpiredTokenException")
            if device.state == "pending" and self.decision != "pending":
                device.state = self.decision
            state = device.state
            if state == "approved":
                device.state = "used"
        if state == "pending":
            raise _Refusal("AuthorizationPendingException")
        if state == "denied":
            raise _Refusal("AccessDeniedException")
        if state == "used":
            raise _Refusal("InvalidGrantException", text="device code already used")
        return self._issue(device.client_id, refreshable=bool(device.scopes))

    def _issue(self, client_id: str, *, refreshable: bool) -> dict[str, Any]:
        access = secrets.token_urlsafe(48)
        answer: dict[str, Any] = {
            "accessToken": access,
            "tokenType": "Bearer",
            "expiresIn": self.token_lifetime,
        }
        with self._lock:
            self._access[access] = time.time() + self.token_lifetime
            if refreshable:
                refresh = secrets.token_urlsafe(48)
                self._refresh[refresh] = client_id
                answer["refreshToken"] = refresh
        return answer

    def _client(self, body: dict[str, Any]) -> list[str]:
        with self._lock:
            known = self._clients.get(str(body.get("clientId")))
        if known is None or known[0] != body.get("clientSecret"):
            raise _Refusal("InvalidClientException")
        return known[1]

    def role_credentials(self, query: dict[str, str], bearer: str | None) -> dict[str, Any]:
        if not bearer or not self.accepts(bearer):
            raise _Refusal("UnauthorizedException", 401, "Session token not found or invalid")
        account, role = query.get("account_id", ""), query.get("role_name", "")
        with self._lock:
            self.role_calls.append((account, role))
        creds = self._assume(account, role)
        return {"roleCredentials": creds}

    def _assume(self, account: str, role: str) -> dict[str, Any]:
        expiration_ms = int((time.time() + 3600) * 1000)
        if self.moto_url is None:
            return {
                "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                "secretAccessKey": secrets.token_urlsafe(30),
                "sessionToken": secrets.token_urlsafe(60),
                "expiration": expiration_ms,
            }
        import boto3

        sts = boto3.client(
            "sts",
            endpoint_url=self.moto_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        found = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="sso-user"
        )["Credentials"]
        return {
            "accessKeyId": found["AccessKeyId"],
            "secretAccessKey": found["SecretAccessKey"],
            "sessionToken": found["SessionToken"],
            "expiration": expiration_ms,
        }


def _handler(stand_in: SsoStandIn) -> type[BaseHTTPRequestHandler]:
    routes = {
        "/client/register": stand_in.register,
        "/device_authorization": stand_in.authorize_device,
        "/token": stand_in.token,
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            route = routes.get(urlparse(self.path).path)
            if route is None:
                self._answer(404, {"message": "no such operation"})
                return
            self._run(lambda: route(json.loads(raw or b"{}")))

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            if parsed.path == "/federation/credentials":
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                bearer = self.headers.get("x-amz-sso_bearer_token")
                self._run(lambda: stand_in.role_credentials(query, bearer))
            elif parsed.path == "/device":
                self._answer(200, {"message": "the stand-in's approval page: the test approves"})
            else:
                self._answer(404, {"message": "not found"})

        def _run(self, work: Any) -> None:
            try:
                answer = work()
            except _Refusal as refusal:
                body = {
                    "error": _ERROR_WORDS.get(refusal.code, refusal.code),
                    "error_description": refusal.text or refusal.code,
                    "message": refusal.text or refusal.code,
                }
                self._answer(refusal.status, body, {"x-amzn-ErrorType": refusal.code})
                return
            self._answer(200, answer)

        def _answer(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    return Handler
