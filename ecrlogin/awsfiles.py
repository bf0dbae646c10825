"""The AWS config and credentials files as botocore groups their sections, and what they say
about a run: whose credentials (`identity_source`) and which region (`configured_region`).

Read by `identity.profiles` (configparser parses the files), and by the credential helper's
cache hit; standard library only, and none of its heavier modules (no `re`, `dataclasses` or
`typing` at run time), since a cached run pays every import.
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


# Keys of a profile that name the identity its credentials belong to, in the order of botocore's
# chain: assume-role (also with a web identity), SSO, static keys. A profile with none of them
# ends in an opaque source: a `credential_process`, container credentials or the instance role.
_NAMING_KEYS = ("role_arn", "sso_account_id", "aws_access_key_id")


def opaque(files: AwsFiles, profile: str | None, environ: Mapping[str, str]) -> bool:
    """Whether the run's credentials come from a source that names no identity in any file or
    variable (DESIGN v3: "opaque sources"), as botocore's chain would pick it.

    Named: keys in the environment (no explicit profile), a web identity role in the
    environment, or a profile (config or credentials file) with a role, an SSO account or a
    static key. Anything else: a `credential_process`, container credentials, the instance
    role, or none at all.
    """
    if not profile and environ.get("AWS_ACCESS_KEY_ID"):
        return False
    if environ.get("AWS_ROLE_ARN") and environ.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        return False
    name = profile or named_profile(environ)
    sections = [section for _label, section in files.sections_of("profile", name)]
    return not any(key in section for section in sections for key in _NAMING_KEYS)


def expanded(path: str, environ: Mapping[str, str]) -> str:
    """`path` as botocore opens the AWS files: `$VAR` and `${VAR}` replaced from `environ`
    (unknown ones left as they are, as `os.path.expandvars`), then `~` expanded."""
    import os

    out: list[str] = []
    i = 0
    while i < len(path):
        name, end = _variable_at(path, i)
        if name is not None and name in environ:
            out.append(environ[name])
            i = end
        else:
            out.append(path[i])
            i += 1
    return os.path.expanduser("".join(out))


def _variable_at(path: str, i: int) -> tuple[str | None, int]:
    """The variable named at `path[i]` (`$NAME` or `${NAME}`) and where it ends."""
    if path[i] != "$":
        return None, i
    if path.startswith("{", i + 1):
        end = path.find("}", i + 2)
        return (path[i + 2 : end], end + 1) if end > i + 2 else (None, i)
    end = i + 1
    while end < len(path) and path[end].isascii() and (path[end].isalnum() or path[end] == "_"):
        end += 1
    return (path[i + 1 : end], end) if end > i + 1 else (None, i)


def configured_region(
    files: AwsFiles, profile: str | None, environ: Mapping[str, str]
) -> str | None:
    """AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (aws-cli v2's order)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(variable):
            return environ[variable]
    return files.value(profile or named_profile(environ), "region")
