"""The AWS config and credentials files as botocore groups their sections, and what they say
about a run: whose credentials (`identity_source`) and which region (`configured_region`).

Shared by `identity.profiles` (the full CLI) and the fast path, so the two cannot read a profile
differently; standard library only, and none of its heavier modules (no `re`, `dataclasses` or
`typing` at run time), since the fast path pays every import. How the files are parsed is each
caller's (`identity.profiles`, with configparser).
"""

from __future__ import annotations

from ecrlogin.freshness import digest

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    Section = Mapping[str, str]

DEFAULT_CONFIG_FILE = "~/.aws/config"
DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"


class AwsFiles:
    """The sections of the AWS config and credentials files, by (kind, name)."""

    __slots__ = ("config", "credentials")

    def __init__(self, config: Mapping[str, Section], credentials: Mapping[str, Section]) -> None:
        """`config` and `credentials`: each file's sections by title, as parsed."""
        self.config: dict[tuple[str, str], Section] = {}
        for title, section in config.items():
            kind, _, name = title.strip().partition(" ")
            if title == "default":
                self.config.setdefault(("profile", "default"), section)
            elif kind in ("profile", "sso-session") and name.strip():
                self.config[kind, name.strip()] = section  # botocore: [profile default] wins
        self.credentials = credentials

    def sections_of(self, kind: str, name: str) -> Iterator[tuple[str, Section]]:
        if (kind, name) in self.config:
            yield "config", self.config[kind, name]
        if kind == "profile" and name in self.credentials:
            yield "credentials", self.credentials[name]

    def profile_names(self) -> list[str]:
        names = [name for kind, name in self.config if kind == "profile"]
        return sorted({*names, *self.credentials})

    def value(self, profile: str, key: str) -> str | None:
        return self.config.get(("profile", profile), {}).get(key, "").strip() or None


def named_profile(environ: Mapping[str, str]) -> str:
    return environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE") or "default"


def identity_source(profile: str | None, environ: Mapping[str, str]) -> str:
    """Whose credentials a run uses: a profile name, or a digest of an environment key.

    Mirrors botocore's order: an explicit profile wins; else keys in the environment; else
    AWS_DEFAULT_PROFILE / AWS_PROFILE / "default".
    """
    if profile:
        return f"profile:{profile}"
    key_id = environ.get("AWS_ACCESS_KEY_ID")
    if key_id:
        return "key:" + digest(key_id, 12)
    return f"profile:{named_profile(environ)}"


def configured_region(
    files: AwsFiles, profile: str | None, environ: Mapping[str, str]
) -> str | None:
    """AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (aws-cli v2's order)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(variable):
            return environ[variable]
    return files.value(profile or named_profile(environ), "region")
