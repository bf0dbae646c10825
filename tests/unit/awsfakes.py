"""AWS fakes for the unit tests: a session factory whose clients are real boto3 clients behind
botocore's `Stubber`, each primed with exactly the calls a test expects (an unexpected or a second
call makes the Stubber fail it), and a calls object that fails any use at all.
"""

from __future__ import annotations

import base64
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.exceptions as bx
from botocore.stub import Stubber

ACCOUNT = "123456789012"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(hours=12)
OPERATIONS = {
    "ecr": "get_authorization_token",
    "ecr-public": "get_authorization_token",
    "sts": "get_caller_identity",
    "ec2": "describe_regions",
}

_shared: list[Any] = []


def _boto() -> Any:
    """One boto3 session with fixed fake keys for every stubbed client (clients are cheap)."""
    if not _shared:
        _shared.append(
            boto3.Session(
                aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake", region_name="us-east-1"
            )
        )
    return _shared[0]


def password_for(profile: str | None, region: str) -> str:
    return f"pw-{profile or 'default'}-{region}-" + "x" * 20


def encode(password: str) -> str:
    return base64.b64encode(f"AWS:{password}".encode()).decode()


def ecr_answer(profile: str | None, region: str, account: str = ACCOUNT) -> dict[str, Any]:
    return {
        "authorizationData": [
            {
                "authorizationToken": encode(password_for(profile, region)),
                "expiresAt": EXPIRES,
                "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.amazonaws.com",
            }
        ]
    }


def identity_answer(profile: str | None, account: str = ACCOUNT) -> dict[str, Any]:
    return {
        "UserId": "AROAFAKE:alice",
        "Account": account,
        "Arn": f"arn:aws:sts::{account}:assumed-role/dev/{profile or 'default'}",
    }


class ClientError(Exception):
    """Tells `StubbedSessions` to answer with an AWS error code instead of a response."""

    def __init__(self, code: str, status: int = 400, message: str = "") -> None:
        super().__init__(code)
        self.code, self.status, self.message = code, status, message or code


Answer = Callable[[str | None, str, str], Any]


class StubbedSessions:
    """A session factory: `.sessions` counts sessions per profile, `.calls` counts API calls
    per (profile, service, region). `answers[service](profile, region, service)` gives the
    response (a dict) or a `ClientError` for each client's single call."""

    def __init__(self, region: str | None = "eu-west-1", **answers: Answer) -> None:
        self.region = region
        self.sessions: Counter[str | None] = Counter()
        self.clients: list[tuple[str | None, str, str, Any]] = []
        self.calls: Counter[tuple[str | None, str, str]] = Counter()
        self.answers: dict[str, Answer] = {
            "ecr": lambda p, r, s: ecr_answer(p, r),
            "sts": lambda p, r, s: identity_answer(p),
            "ecr-public": lambda p, r, s: {
                "authorizationData": {
                    "authorizationToken": encode(password_for(p, "public")),
                    "expiresAt": EXPIRES,
                }
            },
            "ec2": lambda p, r, s: {"Regions": []},
        }
        self.answers.update({k.replace("_", "-"): v for k, v in answers.items()})
        self.key_id = "AKIDFAKE"  # what every profile's credential chain gives now
        self._lock = threading.Lock()

    def __call__(self, profile: str | None) -> FakeSession:
        self.sessions[profile] += 1
        return FakeSession(self, profile)

    def count(self, service: str) -> int:
        return sum(n for (_, s, _), n in self.calls.items() if s == service)


class FakeSession:
    def __init__(self, owner: StubbedSessions, profile: str | None) -> None:
        self.owner = owner
        self.profile = profile
        self.region_name = owner.region

    def credentials(self) -> Any:
        """The credentials the profile's chain gives now (only their key id is real)."""
        from botocore.credentials import Credentials

        return Credentials(self.owner.key_id, "secret")

    def client_settings(self) -> None:
        """None: each profile gets clients of its own (a Stubber answers one call per client)."""

    def client(self, service: str, region_name: str, config: Any = None) -> Any:
        client = _boto().client(service, region_name=region_name, config=config)
        self.owner.clients.append((self.profile, service, region_name, config))
        stubber = Stubber(client)
        answer = self.owner.answers[service](self.profile, region_name, service)
        operation = OPERATIONS[service]
        if isinstance(answer, ClientError):
            stubber.add_client_error(
                operation,
                service_error_code=answer.code,
                service_message=answer.message,
                http_status_code=answer.status,
            )
        else:
            stubber.add_response(operation, answer)
        key = (self.profile, service, region_name)

        def count(**_: Any) -> None:
            with self.owner._lock:
                self.owner.calls[key] += 1

        client.meta.events.register(f"before-parameter-build.*.{_pascal(operation)}", count)
        stubber.activate()
        return client


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


class NoCalls:
    """A calls object for paths that must make no AWS call: any use fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"an AWS call was made: AwsCalls.{name}")


class FakeOidc:
    """sso-oidc as botocore's client shows it; `answers` are CreateToken's, in order."""

    def __init__(self, *answers: str | dict[str, Any], interval: int | None = 2) -> None:
        self.answers = list(answers)
        self.interval = interval
        self.registered: dict[str, Any] = {}

    def register_client(self, **params: Any) -> dict[str, Any]:
        self.registered = params
        return {"clientId": "cid", "clientSecret": "csecret", "clientSecretExpiresAt": 1900000000}

    def start_device_authorization(self, **params: Any) -> dict[str, Any]:
        found = {"deviceCode": "dc", "userCode": "AB-CD", "verificationUri": "https://v"}
        return found | {"expiresIn": 600} | ({"interval": self.interval} if self.interval else {})

    def create_token(self, **params: Any) -> dict[str, Any]:
        answer = self.answers.pop(0)
        if isinstance(answer, str):
            raise bx.ClientError({"Error": {"Code": answer, "Message": answer}}, "CreateToken")
        return answer
