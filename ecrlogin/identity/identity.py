"""A profile resolved once into the identity a run is about: who, how to show it, and a
fingerprint of everything that decides who it is (so a cached token follows the identity, not
the profile's name).

The fingerprint covers every input botocore's credential chain reads for the run: the profile's
sections in the AWS files, and the identity variables (`freshness.environment_lines`). An
opaque source (a `credential_process`, container credentials, the instance role) names no
identity anywhere: such an identity is cacheable only once `bound_to` the credentials the
source gives now (a digest of their access key id), DESIGN v3 "The identity in effect".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ecrlogin import awsfiles, freshness
from ecrlogin.identity import profiles


@dataclass(frozen=True)
class Identity:
    profile: str | None  # as handed to botocore; None: the SDK's default chain
    source: str  # "profile:NAME", or "key:<digest>" for environment keys
    shown: str | None  # the profile name people see; None for environment keys
    fingerprint: str  # a digest of the definition (never reversible to a secret)
    opaque: bool = False  # credentials from a source that names no identity
    bound: str | None = None  # an opaque source: a digest of the key id it gave this run

    @property
    def key(self) -> str:
        """The identity key: records, own accounts, caller ARNs and region lists are kept under
        it (the source and the fingerprint of everything that decides who it is)."""
        return f"{self.source}#{self.fingerprint}"

    @property
    def cacheable(self) -> bool:
        """Whether a record may stand for this identity: named, or opaque and bound."""
        return not self.opaque or self.bound is not None

    def bound_to(self, key_id: str) -> Identity:
        """This identity as the credentials with access key id `key_id` (its digest only)."""
        bound = freshness.digest("credentials\0" + key_id, 16)
        fingerprint = freshness.digest(f"{self.fingerprint}\0{bound}", 16)
        return replace(self, fingerprint=fingerprint, bound=bound)


def resolve(profile: str | None, environ: Mapping[str, str] = os.environ) -> Identity:
    source = profiles.identity_source(profile, environ)
    shown = source.removeprefix("profile:") if source.startswith("profile:") else None
    files = profiles.aws_files(environ)
    opaque = awsfiles.opaque(files, profile or None, environ)
    return Identity(profile or None, source, shown, fingerprint(source, environ), opaque)


def of_record(source: str, environ: Mapping[str, str] = os.environ) -> Identity:
    """The identity a record's `source` names, as in effect now."""
    return resolve(
        source.removeprefix("profile:") if source.startswith("profile:") else None, environ
    )


def fingerprint(source: str, environ: Mapping[str, str] = os.environ) -> str:
    """A digest of the profile's sections (following source_profile and sso_session) in the
    config and credentials files, or of the environment's access key id, and of the identity
    variables. The rule itself lives in `ecrlogin.freshness`."""
    return freshness.identity_fingerprint(source, profiles.aws_files(environ).sections_of, environ)
