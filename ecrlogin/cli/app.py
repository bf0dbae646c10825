"""The command line: parse options, build a request, call the core, hand results to output.

`login` is the default command, so `ecrlogin -q HOST` and `ecrlogin -p prod all-regions` both
work. One handler at the top turns every `EcrLoginError` into one line and its exit code.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ecrlogin.flows.model import Settings
    from ecrlogin.flows.targets import Request

from ecrlogin.cli.options import (
    CONTEXT,
    DefaultToLogin,
    docker_config_option,
    login_options,
    output_option,
)
from ecrlogin.errors import EXIT_BUG, EXIT_INTERRUPTED, EcrLoginError, UsageError, redact


@click.group(cls=DefaultToLogin, context_settings=CONTEXT)
@click.version_option(package_name="ecrlogin", prog_name="ecrlogin")
def cli() -> None:
    """Log Docker into Amazon ECR: every profile, region and account, in one fast command.

    \b
    ecrlogin                                   own registry, default profile and region
    ecrlogin -p prod -r eu-west-1 -r us-east-1 two regions of profile prod
    ecrlogin all-regions -q                    every enabled region, quietly
    ecrlogin -q 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
                                               the registry of an image (a no-op while valid)
    ecrlogin status                            who is logged in where, and until when

    `login` is the default command. Exit codes: 0 ok, 1 a registry failed, 2 bad command line,
    3 internal error, 130 interrupted.
    """


@cli.command(context_settings=CONTEXT)
@click.argument("references", nargs=-1, metavar="[REGISTRY_OR_IMAGE]...")
@click.option(
    "-r",
    "--region",
    "regions",
    multiple=True,
    metavar="NAME",
    help="Your own registry in this region; repeatable. Default: the profile's region.",
)
@login_options
def login(references: tuple[str, ...], regions: tuple[str, ...], **options: Any) -> int:
    """Log in to ECR registries (the default command).

    With REGISTRY_OR_IMAGE arguments (hosts or image references), exactly those registries;
    -r and -a add to them. Without, your own registry in the default or given regions.
    """
    from ecrlogin import registry

    parsed = tuple(registry.parse(ref) for ref in references)
    checked = tuple(registry.check_region(region) for region in regions)
    request = make_request(options, registries=parsed, regions=checked)
    return run_login(options, request, make_settings(options))


@cli.command("all-regions", context_settings=CONTEXT)
@click.option(
    "--include", multiple=True, metavar="GLOB", help="Only regions matching (eu-*); repeatable."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip regions matching; repeatable.")
@login_options
def all_regions(include: tuple[str, ...], exclude: tuple[str, ...], **options: Any) -> int:
    """Log in to your registry in every region enabled for the account.

    Needs ec2:DescribeRegions; where it is denied (and with --dry-run), the partition's regions
    from botocore's data are used, and a note says so.
    """
    from ecrlogin.aws.calls import AwsCalls
    from ecrlogin.flows.allregions import discover
    from ecrlogin.flows.login import regions_to_refresh

    request, settings = make_request(options), make_settings(options)
    calls = AwsCalls()
    try:
        found = discover(
            request.profiles_or_default,
            calls,
            include=include,
            exclude=exclude,
            dry_run=settings.dry_run,
            likely=regions_to_refresh(settings),
        )
        return run_login(
            options, request, settings, calls=calls, regions_of=found.regions_of, notes=found.notes
        )
    finally:
        calls.close()


def make_request(options: dict[str, Any], **named: Any) -> Request:
    """The targets' ingredients; every value is checked before any AWS call."""
    from ecrlogin.flows.targets import Request
    from ecrlogin.registry import check_account

    configure_logging(options)
    accounts = tuple(check_account(account) for account in options["accounts"])
    return Request(options["profiles"], accounts=accounts, public=options["public"], **named)


def make_settings(options: dict[str, Any]) -> Settings:
    from ecrlogin import state
    from ecrlogin.flows.model import Settings
    from ecrlogin.sinks import dockerconfig

    return Settings(
        docker_config=dockerconfig.config_dir(options["docker_config"]),
        state_dir=state.state_dir(),
        to=options["to"],
        min_ttl=options["min_ttl"],
        force=options["force"],
        dry_run=options["dry_run"],
    )


def run_login(options: dict[str, Any], request: Request, settings: Settings, **extra: Any) -> int:
    from ecrlogin.cli import output
    from ecrlogin.flows import login

    show_progress = not options["quiet"] and options["fmt"] == "table"
    with output.progress_bar(show_progress) as progress:
        outcome = login.login(request, settings, progress=progress, **extra)
    output.print_login(outcome, fmt=options["fmt"], quiet=options["quiet"], now=login.utc_now())
    return 1 if outcome.failed else 0


@cli.command(context_settings=CONTEXT)
@output_option
@docker_config_option
def status(fmt: str, docker_config: str | None) -> int:
    """Show every ECR registry in the Docker config: who, where, and when it expires."""
    from ecrlogin import state
    from ecrlogin.cli import output
    from ecrlogin.flows import login, manage
    from ecrlogin.sinks import dockerconfig

    now = login.utc_now()
    rows = manage.status(dockerconfig.config_dir(docker_config), state.state_dir(), now)
    output.print_status(rows, fmt=fmt, now=now)
    return 0


@cli.command(context_settings=CONTEXT)
@click.argument("references", nargs=-1, metavar="[REGISTRY]...")
@click.option("--all", "everything", is_flag=True, help="Every ECR registry in the Docker config.")
@docker_config_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def logout(
    references: tuple[str, ...], everything: bool, docker_config: str | None, quiet: bool
) -> int:
    """Remove ECR registries from the Docker config and its credential store.

    Only ECR hosts are ever touched; every other entry is kept as it is.
    """
    from ecrlogin import registry, state
    from ecrlogin.cli import output
    from ecrlogin.flows import manage
    from ecrlogin.sinks import dockerconfig

    if not references and not everything:
        raise UsageError("name the registries to log out of, or pass --all")
    hosts = [registry.parse(ref).host for ref in references]
    removals = manage.logout(
        dockerconfig.config_dir(docker_config), state.state_dir(), hosts, everything=everything
    )
    output.print_logout(removals, quiet=quiet)
    return 1 if any(r.error for r in removals) else 0


@cli.command(context_settings=CONTEXT)
@click.option("-p", "--profile", metavar="NAME", help="AWS profile. Default: the SDK's own choice.")
@click.option("-r", "--region", metavar="NAME", help="Region. Default: the profile's region.")
@click.option("--public", is_flag=True, help="The password of ECR Public (public.ecr.aws).")
def password(profile: str | None, region: str | None, public: bool) -> int:
    """Print the registry password alone, for pipes (like `aws ecr get-login-password`)."""
    from ecrlogin import registry
    from ecrlogin.flows import login

    if region:
        registry.check_region(region)
    secret = login.password(profile, region, public=public)
    sys.stdout.write(secret + "\n")
    return 0


def configure_logging(options: dict[str, Any]) -> None:
    level = (
        logging.DEBUG
        if options.get("debug")
        else logging.INFO
        if options.get("verbose")
        else logging.WARNING
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("ecrlogin: %(levelname)s: %(message)s"))
    handler.addFilter(_redacting)
    logger = logging.getLogger("ecrlogin")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def _redacting(record: logging.LogRecord) -> bool:
    record.msg = redact(record.getMessage())
    record.args = None
    return True


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="ecrlogin", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("ecrlogin: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except EcrLoginError as error:
        click.echo(f"ecrlogin: error: {error.one_line()}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:  # a bug: one line, the traceback only with --debug
        click.echo(
            f"ecrlogin: internal error: {type(error).__name__}: {redact(str(error))}", err=True
        )
        if "--debug" in args:
            import traceback

            click.echo(redact(traceback.format_exc()), err=True)
        else:
            click.echo(
                "ecrlogin: run again with --debug for the traceback, and report it", err=True
            )
        sys.exit(EXIT_BUG)
    sys.exit(code if isinstance(code, int) else 0)


def entry() -> None:
    """The console script: `main`, then leave without tearing the interpreter down.

    Everything ecrlogin writes is fsync'd and replaced before `main` returns and its thread
    pool is shut down; what is left is freeing botocore's thousands of objects one by one,
    60-80 ms a run for nothing.
    """
    try:
        main()
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    logging.shutdown()
    os._exit(code or 0)
