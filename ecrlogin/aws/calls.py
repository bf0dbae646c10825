"""AWS calls for many targets at once: one session per profile, clients made on the calling
thread (botocore sessions are not thread-safe, clients are), the calls themselves in a bounded
pool. Profiles whose client settings are the same share their ECR, STS and EC2 clients, each
call signed with its own profile's credentials (`ecrlogin.aws.shared`).

Every submit returns a Future; a failure to even start the call (unknown profile, a bad region)
comes back as a failed Future too, so callers handle one shape of outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from ecrlogin.aws import sdk, shared
from ecrlogin.aws.errors import translate
from ecrlogin.aws.keys import TokenKey

if TYPE_CHECKING:
    from ecrlogin.aws.loader import ModelCache

MAX_CONCURRENT_CALLS = 48
log = logging.getLogger("ecrlogin")
T = TypeVar("T")


class AwsCalls:
    def __init__(
        self, session_factory: sdk.SessionFactory | None = None, *, models: ModelCache | None = None
    ) -> None:
        self._factory = session_factory
        self._models = models  # where cut service models are kept between runs
        self._sessions: dict[str | None, Any] = {}
        self._clients: dict[tuple[Hashable, str, str, bool], Any] = {}
        self._settings: dict[str | None, Hashable | None] = {}
        self._credentials: dict[str | None, Any] = {}  # botocore's, per profile (None: none)
        self._identities: dict[str | None, Future[sdk.Identity]] = {}
        self._tokens: dict[TokenKey, Future[sdk.Token]] = {}
        self._pool = ThreadPoolExecutor(MAX_CONCURRENT_CALLS, thread_name_prefix="aws")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def forget(self) -> None:
        """Drop every session, credential and answer kept so far (after an SSO sign-in the
        same profiles are asked again, and botocore must read the new token)."""
        self._sessions.clear()
        self._clients.clear()
        self._settings.clear()
        self._credentials.clear()
        self._identities.clear()
        self._tokens.clear()

    def token(self, key: TokenKey) -> Future[sdk.Token]:
        """`GetAuthorizationToken`, once per key however often it is asked for."""
        if key not in self._tokens:
            self._tokens[key] = self._token(key)
        return self._tokens[key]

    def _token(self, key: TokenKey) -> Future[sdk.Token]:
        if key.public:
            return self._submit(
                lambda: self._client(key.profile, "ecr-public", key.region),
                lambda c: sdk.fetch_public_token(c, profile=key.profile),
                key.profile,
                key.region,
            )
        return self._submit(
            lambda: self._client(key.profile, "ecr", key.region, fips=key.fips),
            lambda c: sdk.fetch_token(c, profile=key.profile, region=key.region),
            key.profile,
            key.region,
        )

    def identity(self, profile: str | None, region: str) -> Future[sdk.Identity]:
        """`sts:GetCallerIdentity`, once per profile however often it is asked for."""
        if profile not in self._identities:
            self._identities[profile] = self._submit(
                lambda: self._client(profile, "sts", region),
                lambda c: sdk.caller_identity(c, profile=profile, region=region),
                profile,
                region,
            )
        return self._identities[profile]

    def prepare_ecr_clients(
        self, wanted: Sequence[tuple[str | None, str]], until: Sequence[Future[Any]]
    ) -> None:
        """Make ECR clients (profile, region) while any of `until` is in flight.

        Client creation is CPU work (3-7 ms each) that the calling thread would otherwise do
        after the round trip; done during it, it costs no time.
        """
        for profile, region in wanted:
            if all(future.done() for future in until):
                return
            try:
                self._client(profile, "ecr", region)
            except Exception:  # the real call will report it
                return

    def regions(self, profile: str | None, region: str, partition: str) -> Future[list[str]]:
        return self._submit(
            lambda: self._client(profile, "ec2", region),
            lambda c: sdk.enabled_regions(c, profile=profile, partition=partition),
            profile,
            region,
        )

    def credential_key(self, profile: str | None) -> str | None:
        """The access key id of the credentials the profile's chain gives now (None: none, or
        the chain failed; the real call reports why). For an opaque source this runs the
        `credential_process` or asks the container or instance endpoint: once per run, the
        credentials are then the ones every call of the profile signs with."""
        try:
            credentials = self._profile_credentials(profile, self._session(profile))
            if credentials is None:
                return None
            key_id: str | None = credentials.get_frozen_credentials().access_key
        except Exception as error:  # the token call reports it, translated
            log.debug("%s: no credentials now (%s)", profile or "default", type(error).__name__)
            return None
        return key_id or None

    def session_region(self, profile: str | None) -> str | None:
        """The region the SDK itself resolves for a profile (config, environment, …)."""
        region: str | None = self._session(profile).region_name
        return region

    def _submit(
        self,
        make_client: Callable[[], Any],
        call: Callable[[Any], T],
        profile: str | None,
        region: str,
    ) -> Future[T]:
        try:
            client = make_client()
        except Exception as error:
            failed: Future[T] = Future()
            failed.set_exception(translate(error, profile=profile, region=region, action="setup"))
            return failed
        return self._pool.submit(call, client)

    def _session(self, profile: str | None) -> Any:
        if profile not in self._sessions:
            if self._factory is None:
                self._factory = sdk.default_session_factory(models=self._models)
            self._sessions[profile] = self._factory(profile)
        return self._sessions[profile]

    def _client(self, profile: str | None, service: str, region: str, *, fips: bool = False) -> Any:
        """The client for a profile's call: its own, or one shared with every profile whose
        client settings are the same (`ecrlogin.aws.shared`), bound to its credentials."""
        session = self._session(profile)
        settings = self._client_settings(profile, session, service)
        if settings is None:
            return self._made(("own", profile), session, profile, service, region, fips)
        client = self._made(("shared", settings), session, profile, service, region, fips)
        return shared.ProfileClient(client, self._profile_credentials(profile, session))

    def _profile_credentials(self, profile: str | None, session: Any) -> Any:
        """The profile's botocore credentials, its chain resolved once on this thread (as making
        a client of its own did); a failure is raised again on each use, as it was then."""
        if profile not in self._credentials:
            self._credentials[profile] = session.credentials()
        return self._credentials[profile]

    def _client_settings(self, profile: str | None, session: Any, service: str) -> Hashable | None:
        """What the profile's clients depend on but credentials; None: clients of its own."""
        if service not in shared.SHARED_SERVICES:
            return None
        if profile not in self._settings:
            self._settings[profile] = session.client_settings()
        return self._settings[profile]

    def _made(
        self,
        owner: tuple[str, Hashable],
        session: Any,
        profile: str | None,
        service: str,
        region: str,
        fips: bool,
    ) -> Any:
        key = (owner, service, region, fips)
        if key not in self._clients:
            config = sdk.client_config(fips=fips)
            client = session.client(service, region_name=region, config=config)
            if owner[0] == "shared":
                shared.share(client)
            log.debug(
                "%s %s client for %s%s: %s",
                region,
                service,
                profile or "default",
                " (and profiles of the same settings)" if owner[0] == "shared" else "",
                client.meta.endpoint_url,
            )
            self._clients[key] = client
        return self._clients[key]
