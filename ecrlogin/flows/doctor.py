"""`ecrlogin doctor IMAGE|HOST`: why would a pull fail? The client's own steps, one by one.

reference → store → credential → network → registry_auth → repository → tag (DESIGN.md, v3).
Reads what the client reads (`sinks.reading`), asks the registry as the client asks
(`registryhttp`), writes nothing; `--fix` logs in again through `flows.login` where the cause is
ecrlogin's, then runs the steps again.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ecrlogin import registry, registryhttp, state
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows.login import TOKEN_LIFE, utc_now
from ecrlogin.flows.model import Outcome, Request, Settings
from ecrlogin.registry import Registry
from ecrlogin.sinks import reading

STEPS = ("reference", "store", "credential", "network", "registry_auth", "repository", "tag")
FIXABLE = frozenset({"credential", "registry_auth"})  # a fresh login is the fix
_REPOSITORY = (
    r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*"
)


@dataclass(frozen=True)
class Step:
    step: str
    status: str  # ok, failed, warning, skipped
    detail: str


@dataclass(frozen=True)
class Verdict:
    step: str
    cause: str
    fix: str


@dataclass(frozen=True)
class Diagnosis:
    image: str
    registry: str
    steps: tuple[Step, ...]
    verdict: Verdict | None
    fixable: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class Report:
    """One run of doctor: the diagnosis, and with --fix the login and the second diagnosis."""

    first: Diagnosis
    login: Outcome | None = None
    second: Diagnosis | None = None

    @property
    def final(self) -> Diagnosis:
        return self.second or self.first


@dataclass(frozen=True)
class DoctorRequest:
    reference: str
    profile: str | None = None
    to: str = "docker"
    fix: bool = False


@dataclass(frozen=True)
class Image:
    registry: Registry
    repository: str | None
    reference: str | None  # tag or digest

    @property
    def is_digest(self) -> bool:
        return bool(self.reference and ":" in self.reference)


def parse_image(text: str) -> Image:
    """Host, repository and tag/digest (docker's default tag `latest`); a non-ECR host: exit 2."""
    reg = registry.parse(text)
    rest = text.split("://", 1)[-1].split("/", 1)
    if len(rest) < 2 or not rest[1].strip("/"):
        return Image(reg, None, None)
    path = rest[1]
    if "@" in path:
        repo, ref = path.split("@", 1)
    else:
        head, _, last = path.rpartition("/")
        name, colon, tag = last.partition(":")
        repo, ref = (f"{head}/{name}" if head else name), (tag if colon else "latest")
    return Image(reg, repo, ref)


@dataclass
class _Run:
    """The steps so far; after the first failure, every later step is skipped."""

    steps: list[Step] = field(default_factory=list)
    verdict: Verdict | None = None

    def add(self, step: str, status: str, detail: str, fix: str = "") -> None:
        if self.verdict:
            status, detail = "skipped", "an earlier step failed"
        self.steps.append(Step(step, status, detail))
        if status == "failed":
            self.verdict = Verdict(step, detail, fix)

    @property
    def stopped(self) -> bool:
        return self.verdict is not None


def doctor(
    request: DoctorRequest,
    settings: Settings,
    *,
    http: Callable[[], registryhttp.Client] = registryhttp.Client,
    clock: Callable[[], datetime] = utc_now,
    environ: Mapping[str, str] = os.environ,
    login: Callable[[Request, Settings], Outcome] | None = None,
) -> Report:
    """Diagnose; with `request.fix` and a cause that is ecrlogin's, log in and diagnose again."""
    first = diagnose(request, settings, http=http, clock=clock, environ=environ)
    if not (request.fix and first.fixable):
        return Report(first)
    image = parse_image(request.reference)
    profiles = (request.profile,) if request.profile else ()
    fresh = Settings(settings.docker_config, settings.state_dir, to=request.to, force=True)
    if login is None:
        from ecrlogin.flows.login import login as login_flow

        login = login_flow
    outcome = login(Request(profiles=profiles, registries=(image.registry,)), fresh)
    second = diagnose(request, settings, http=http, clock=clock, environ=environ)
    return Report(first, outcome, second)


def diagnose(
    request: DoctorRequest,
    settings: Settings,
    *,
    http: Callable[[], registryhttp.Client] = registryhttp.Client,
    clock: Callable[[], datetime] = utc_now,
    environ: Mapping[str, str] = os.environ,
) -> Diagnosis:
    import time

    began = time.monotonic()
    image = parse_image(request.reference)  # not ECR: UsageError, exit 2
    host = image.registry.host
    run = _Run()
    _reference(run, image)
    found = _store(run, request, settings, host, environ)
    credential = _credential(run, request, settings, host, found, clock(), environ)
    client = http()
    challenge = _network(run, client, host, environ)
    authorization = _registry_auth(run, request, client, host, image, credential, challenge)
    _manifest(run, client, image, authorization)
    verdict = run.verdict
    return Diagnosis(
        request.reference,
        host,
        tuple(run.steps),
        verdict,
        fixable=verdict is not None and verdict.step in FIXABLE,
        seconds=time.monotonic() - began,
    )


def _reference(run: _Run, image: Image) -> None:
    import re

    reg = image.registry
    what = "ECR Public" if reg.public else f"account {reg.account}"
    where = f"{what}, {reg.region} ({reg.partition}{', FIPS' if reg.fips else ''})"
    if image.repository is None:
        run.add("reference", "ok", f"{where}; a bare host: no repository to check")
    elif not re.fullmatch(_REPOSITORY, image.repository):
        run.add(
            "reference",
            "failed",
            f"{image.repository!r} is not a valid repository name",
            "repository names are lower case: letters, digits, '.', '_', '-', '/'",
        )
    else:
        kind = "digest" if image.is_digest else "tag"
        run.add(
            "reference", "ok", f"{where}, repository {image.repository}, {kind} {image.reference}"
        )


@dataclass(frozen=True)
class _Looked:
    """Where the client looks, and what it found there (the helper answered)."""

    where: reading.Lookup
    found: reading.Found | None


def _store(
    run: _Run, request: DoctorRequest, settings: Settings, host: str, environ: Mapping[str, str]
) -> _Looked | None:
    if run.stopped:
        run.add("store", "skipped", "")
        return None
    try:
        found = reading.lookup(host, request.to, settings.docker_config, environ)
        program = reading.installed(found)
        missing = found.helper is not None and program is None
        # a helper that fails to answer fails this step, not the next
        credential = None if missing else reading.read(found, host)
    except EcrLoginError as error:
        run.add("store", "failed", error.message, error.hint or "")
        return None
    if missing:
        run.add(
            "store",
            "failed",
            f"{found.key} in {found.file} names {found.program}, which is not installed",
            f"install {found.program}, or remove {found.helper!r} from {found.key} in {found.file}",
        )
        return None
    client = "podman" if request.to == "podman" else "docker"
    if found.helper:
        where = (
            f"nothing set in {found.file}: the platform's default store"
            if found.detected
            else f"{found.key} in {found.file}"
        )
        run.add("store", "ok", f"{client} runs {program} ({where})")
    else:
        run.add("store", "ok", f"{client} reads auths in {found.file} (no credential helper)")
    return _Looked(found, credential)


@dataclass(frozen=True)
class _Credential:
    found: reading.Found | None  # None: none stored, and the registry serves anonymous pulls
    profile: str | None


def _credential(
    run: _Run,
    request: DoctorRequest,
    settings: Settings,
    host: str,
    looked: _Looked | None,
    now: datetime,
    environ: Mapping[str, str],
) -> _Credential | None:
    if run.stopped or looked is None:
        run.add("credential", "skipped", "")
        return None
    record = _record(request, settings, host, environ)
    profile = request.profile or (record.profile if record else None)
    login = _login_command(request, host, profile)
    credential = looked.found
    if credential is None and registry.parse(host).public:
        run.add(
            "credential",
            "warning",
            f"none for this host in {looked.where.label}: ECR Public serves anonymous pulls",
        )
        return _Credential(None, profile)
    if credential is None:
        run.add("credential", "failed", f"none for this host in {looked.where.label}", login)
        return None
    if record is None:
        expires = _token_expiry(credential.password)
        if expires is not None and expires <= now:
            run.add(
                "credential",
                "failed",
                f"expired {_ago(expires, now)} (not stored by ecrlogin)",
                login,
            )
        else:
            known = f", expires {_in(expires, now)}" if expires else ""
            run.add("credential", "warning", f"present, not stored by ecrlogin{known}")
        return _Credential(credential, profile)
    stored = f" {_ago(record.expires_at - TOKEN_LIFE, now)}" if record.expires_at else ""
    by = f"stored by ecrlogin{stored} for {_profile_name(record.profile)}"
    who = f" ({record.identity})" if record.identity else ""
    if record.expires_at is not None and record.expires_at <= now:
        run.add("credential", "failed", f"{by}{who}: expired {_ago(record.expires_at, now)}", login)
    elif _identity_changed(record, environ):
        run.add(
            "credential",
            "failed",
            f"{by}{who}, but {_profile_name(record.profile)} has changed since: that is not the "
            "identity in effect now",
            login,
        )
    else:
        until = f", expires {_in(record.expires_at, now)}" if record.expires_at else ""
        run.add("credential", "ok", f"{by}{who}{until}")
    return _Credential(credential, profile)


def _network(
    run: _Run, client: registryhttp.Client, host: str, environ: Mapping[str, str]
) -> str | None:
    """The registry's challenge to an unauthenticated `GET /v2/`."""
    if run.stopped:
        run.add("network", "skipped", "")
        return None
    proxy = registryhttp.proxy_for(host, environ)
    try:
        addresses = [] if proxy else client.resolve(host)
        answer = client.request("GET", host, "/v2/")
    except registryhttp.Unreachable as problem:
        run.add("network", "failed", problem.text, _network_fix(problem.kind, host))
        return None
    where = f"via proxy {_without_userinfo(proxy)}" if proxy else ", ".join(addresses[:2])
    if answer.status not in (200, 401):
        run.add(
            "network",
            "failed",
            f"{host} ({where}) answers /v2/ with HTTP {answer.status}{_quoted(answer)}",
            "is this host a registry? check proxies (HTTPS_PROXY, NO_PROXY)",
        )
        return None
    scheme = answer.challenge.split(" ", 1)[0] or "none"
    run.add(
        "network", "ok", f"{where}: TLS verified, /v2/ answers {answer.status} ({scheme} challenge)"
    )
    return answer.challenge


def _registry_auth(
    run: _Run,
    request: DoctorRequest,
    client: registryhttp.Client,
    host: str,
    image: Image,
    credential: _Credential | None,
    challenge: str | None,
) -> str | None:
    if run.stopped or credential is None or challenge is None:
        run.add("registry_auth", "skipped", "")
        return None
    found = credential.found
    scope = f"repository:{image.repository}:pull" if image.repository else ""
    secrets = (found.password,) if found else ()
    try:
        pair = (found.username, found.password) if found else None
        authorization = client.authorization(host, challenge, pair, scope)
        headers = {"Authorization": authorization} if authorization else {}
        answer = client.request("GET", host, "/v2/", headers, secrets)
    except registryhttp.Unreachable as problem:
        run.add("registry_auth", "failed", problem.text, _network_fix(problem.kind, host))
        return None
    if answer.status == 200:
        what = "the credential" if found else "anonymous pulls"
        run.add("registry_auth", "ok", f"the registry accepts {what} (HTTP 200 on /v2/)")
        return authorization or ""  # "": nothing to send
    if found is None:
        run.add(
            "registry_auth",
            "failed",
            f"the registry refuses anonymous pulls: HTTP {answer.status}{_quoted(answer)}",
            _login_command(request, host, credential.profile),
        )
        return None
    fix = _login_command(request, host, credential.profile)
    run.add(
        "registry_auth",
        "failed",
        f"the registry refuses the stored credential: HTTP {answer.status}{_quoted(answer)}",
        fix,
    )
    return None


def _manifest(
    run: _Run, client: registryhttp.Client, image: Image, authorization: str | None
) -> None:
    if image.repository is None:
        for step in ("repository", "tag"):
            run.steps.append(Step(step, "skipped", "a bare host: nothing to check"))
        return
    if run.stopped or authorization is None:
        run.add("repository", "skipped", "")
        run.add("tag", "skipped", "")
        return
    host, repo, ref = image.registry.host, image.repository, image.reference
    auth = {"Authorization": authorization} if authorization else {}
    headers = {**auth, "Accept": ", ".join(registryhttp.MANIFEST_TYPES)}
    path = f"/v2/{repo}/manifests/{ref}"
    try:
        head = client.request("HEAD", host, path, headers)
        if head.status == 200:
            run.add("repository", "ok", f"{repo} exists and may be read")
            run.add(
                "tag",
                "ok",
                f"{ref} exists ({repo}:{ref})" if not image.is_digest else f"{ref} exists",
            )
            return
        answer = client.request("GET", host, path, headers)  # HEAD has no body: the error text
        names = client.request("GET", host, f"/v2/{repo}/tags/list", auth)
    except registryhttp.Unreachable as problem:
        run.add("repository", "failed", problem.text, _network_fix(problem.kind, host))
        run.add("tag", "skipped", "")
        return
    region = image.registry.region
    if answer.status in (401, 403) or "DENIED" in answer.codes:
        run.add(
            "repository",
            "failed",
            f"reading {repo} is denied: HTTP {answer.status}{_quoted(answer)}",
            f"the identity needs ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on {repo} "
            f"(its repository policy or the identity's IAM policy)",
        )
    elif "NAME_UNKNOWN" in answer.codes + names.codes:
        quoted = answer if "NAME_UNKNOWN" in answer.codes else names
        run.add(
            "repository",
            "failed",
            f"{repo} does not exist in {host}: HTTP {quoted.status}{_quoted(quoted)}",
            f"check the name: aws ecr describe-repositories --region {region}",
        )
    else:
        run.add("repository", "ok", f"{repo} exists and may be read")
        run.add(
            "tag",
            "failed",
            f"{ref} does not exist in {repo}: HTTP {answer.status}{_quoted(answer)}",
            f"aws ecr list-images --repository-name {repo} --region {region}",
        )
        return
    run.add("tag", "skipped", "")


def _record(
    request: DoctorRequest, settings: Settings, host: str, environ: Mapping[str, str]
) -> state.Record | None:
    """ecrlogin's record of the entry the client reads now (the same fingerprint), if any."""
    from ecrlogin.sinks.choose import open_sink

    to = "docker" if request.to == "daemon" else request.to
    try:
        sink = open_sink(to, settings.docker_config, state_dir=settings.state_dir, environ=environ)
        held = sink.held().get(host)
    except EcrLoginError:
        return None
    if held is None:
        return None
    mine = [
        r
        for r in state.load(settings.state_dir).for_host(host)
        if r.place == sink.place and r.entry_print == held.fingerprint
    ]
    return max(mine, key=lambda r: r.expires_at or datetime.min.replace(tzinfo=UTC), default=None)


def _identity_changed(record: state.Record, environ: Mapping[str, str]) -> bool:
    from ecrlogin.flows.status import identity_changed

    return identity_changed(record, environ) is True  # unknown (an opaque source): not shown


def _token_expiry(password: str) -> datetime | None:
    """An ECR password is base64 of JSON with `expiration` (epoch seconds); else unknown."""
    import base64
    import json

    try:
        data = json.loads(base64.b64decode(password + "=" * (-len(password) % 4)))
        return datetime.fromtimestamp(int(data["expiration"]), UTC)
    except (ValueError, TypeError, KeyError, OverflowError, UnicodeDecodeError):
        return None


def _login_command(request: DoctorRequest, host: str, profile: str | None) -> str:
    words = ["ecrlogin", "--force"]
    if profile:
        words += ["-p", profile]
    if request.to != "docker":
        words += ["--to", request.to]
    return " ".join(shlex.quote(w) for w in [*words, host])


def _network_fix(kind: str, host: str) -> str:
    return {
        "resolve": f"check the name and your DNS (a VPC endpoint needs its private DNS): {host}",
        "tls": "the system does not trust the registry's certificate: is a proxy intercepting "
        "TLS? add its CA to the system store (or SSL_CERT_FILE)",
        "timeout": "check the network, a firewall, or the proxy (HTTPS_PROXY, NO_PROXY)",
    }.get(kind, "check the network and the proxy settings (HTTPS_PROXY, NO_PROXY)")


def _quoted(answer: registryhttp.Answer) -> str:
    return f" ({answer.errors})" if answer.errors else ""


def _without_userinfo(proxy: str | None) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(proxy or "")
    return f"{parts.scheme}://{parts.hostname}:{parts.port}" if parts.hostname else ""


def _profile_name(profile: str | None) -> str:
    return f"profile {profile}" if profile else "the default profile"


def _in(moment: datetime | None, now: datetime) -> str:
    return _span(moment, now, "in {}")


def _ago(moment: datetime, now: datetime) -> str:
    return "just now" if abs(moment - now).total_seconds() < 60 else _span(moment, now, "{} ago")


def _span(moment: datetime | None, now: datetime, form: str) -> str:
    if moment is None:
        return "-"
    seconds = abs(int((moment - now).total_seconds()))
    hours, minutes = divmod(seconds // 60, 60)
    return form.format(f"{hours}h {minutes:02d}m" if hours else f"{minutes}m")
