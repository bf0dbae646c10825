"""The command line's vocabulary: option groups shared by commands, durations, and the routing
that makes `login` the default command (`ecrlogin -q HOST`, `ecrlogin -p prod all-regions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

F = Callable[..., Any]
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DefaultToLogin(click.Group):
    """Routes `ecrlogin [OPTIONS] [COMMAND] ...` to COMMAND, or to `login` when none is named."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        completing = ctx.resilient_parsing  # shell completion: words typed so far
        if completing and not args:
            return super().parse_args(ctx, args)  # complete the command names themselves
        if args[:1] == ["help"]:  # `ecrlogin help [COMMAND]`: the help, not a registry
            args = [*args[1:2], "--help"]
        if not args or args[0] not in ("-h", "--help", "--version"):
            takes_value = value_options([self, *self.commands.values()])
            args = route(args, set(self.commands), takes_value, refuse_typos=not completing)
        return super().parse_args(ctx, args)


def value_options(commands: list[click.Command]) -> frozenset[str]:
    """Every option name (`-p`, `--profile`, `--from`…) that takes a value, as Click declares
    the commands' options: the one declaration."""
    return frozenset(
        name
        for command in commands
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag and not param.count
        for name in (*param.opts, *param.secondary_opts)
    )


def route(
    args: list[str],
    commands: set[str],
    takes_value: frozenset[str],
    *,
    refuse_typos: bool = True,
) -> list[str]:
    """Move the first positional word to the front if it names a command; else prepend login.

    An option in `takes_value` consumes the next word (`--from logs` scans `logs`). A first word
    that is no registry (no dot) but close to a command is a typo: `statu`.
    """
    expects_value = False
    for index, word in enumerate(args):
        if expects_value:
            expects_value = False
        elif word == "--":
            break
        elif word.startswith("-"):
            expects_value = word in takes_value
        else:
            if word in commands:
                return [word, *args[:index], *args[index + 1 :]]
            if refuse_typos:
                _refuse_typo(word, commands)
            break
    return ["login", *args]


class Duration(click.ParamType):  # type: ignore[type-arg]
    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ecrlogin.durations import parse_duration

        try:
            return parse_duration(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def output_option(command: F) -> F:
    return click.option(
        "-o",
        "--output",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table for people (colour only on a terminal), json for scripts.",
    )(command)


def docker_config_option(command: F) -> F:
    return click.option(
        "--docker-config",
        metavar="DIR",
        envvar=None,
        help="Docker config directory. Default: $DOCKER_CONFIG, else ~/.docker.",
    )(command)


def verbosity_options(command: F) -> F:
    command = click.option("--debug", is_flag=True, help="Everything on stderr; never a secret.")(
        command
    )
    command = click.option("-v", "--verbose", is_flag=True, help="More detail on stderr.")(command)
    return click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")(command)


def project_options(command: F) -> F:
    """`--from PATH` and `--no-project` (login, kube-secret)."""
    command = click.option("--no-project", is_flag=True, help="Ignore .ecrlogin.toml.")(command)
    return click.option(
        "--from",
        "scan",
        multiple=True,
        metavar="PATH",
        type=click.Path(),
        help="Also the ECR registries of the images named in this file or folder (Dockerfile, "
        "compose, Kubernetes, Helm values); repeatable.",
    )(command)


def who_options(command: F) -> F:
    """Whose tokens, which accounts: `-p`, `-a`, `--public` (login, all-regions, kube-secret)."""
    decorators: list[Callable[[F], F]] = [
        click.option(
            "-p",
            "--profile",
            "profiles",
            multiple=True,
            metavar="NAME",
            help="AWS profile; repeatable. Default: the AWS SDK's own choice.",
            shell_complete=_complete_profiles,
            callback=_no_empty_profile,
        ),
        click.option(
            "-a",
            "--account",
            "accounts",
            multiple=True,
            metavar="ID",
            help="Also log in to this 12-digit account's registry (cross-account); repeatable.",
        ),
        click.option("--public", is_flag=True, help="Also log in to ECR Public (public.ecr.aws)."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def login_options(command: F) -> F:
    """The options `login` and `all-regions` share (DESIGN.md's table)."""
    decorators: list[Callable[[F], F]] = [
        who_options,
        click.option(
            "--to",
            "to",
            type=click.Choice(["docker", "daemon", "helper", "podman", "helm"]),
            default="docker",
            show_default=True,
            help="docker: store as `docker login` would; daemon: have the Docker daemon "
            "check the token first, then store it; helper: set up docker-credential-ecrlogin "
            "(no token in config.json); podman: podman's auth file; helm: helm's registry config.",
        ),
        docker_config_option,
        click.option(
            "--min-ttl",
            type=Duration(),
            default="1h",
            show_default=True,
            help="Skip a registry whose token ecrlogin stored is valid this long (30m, 2h).",
        ),
        click.option(
            "--force", is_flag=True, help="Fetch even when the stored token is still good."
        ),
        click.option(
            "--dry-run", is_flag=True, help="Show what would be done; no AWS call, no write."
        ),
        click.option(
            "--verify",
            is_flag=True,
            help="Ask each registry (GET /v2/) before trusting a stored token; refused: fetch.",
        ),
        click.option(
            "--no-input",
            is_flag=True,
            help="Never ask (to sign in to an expired SSO session), even on a terminal.",
        ),
        output_option,
        verbosity_options,
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _refuse_typo(word: str, commands: set[str]) -> None:
    if "." in word or "/" in word:
        return  # a host or an image reference: login decides
    import difflib

    close = difflib.get_close_matches(word, sorted(commands), n=1, cutoff=0.6)
    if close:
        raise click.UsageError(f"no such command {word!r}; did you mean {close[0]!r}?")


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from ecrlogin.flows.completion import profile_names

    return profile_names(incomplete)


def _complete_regions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from ecrlogin.flows.completion import region_names

    return region_names(incomplete)


def profile_option(*, multiple: bool = False, help: str) -> Callable[[F], F]:
    return click.option(
        "-p",
        "--profile",
        multiple=multiple,
        metavar="NAME",
        help=help,
        shell_complete=_complete_profiles,
        callback=_no_empty_profile,
    )


def _no_empty_profile(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """`-p ""` is a mistake (a variable that was not set), never the default profile."""
    given = value if isinstance(value, tuple) else (value,)
    if "" in given:
        raise click.BadParameter(
            "an empty profile name; leave -p out for the SDK's default profile", ctx, param
        )
    return value


def region_option(*, multiple: bool = False, help: str) -> Callable[[F], F]:
    return click.option(
        "-r",
        "--region",
        multiple=multiple,
        metavar="NAME",
        help=help,
        shell_complete=_complete_regions,
    )
