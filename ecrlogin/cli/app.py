"""The command line: parse options, call one flow function per command, render the result.

`login` is the default command, so `ecrlogin -q HOST` and `ecrlogin -p prod all-regions` both
work. One handler at the top (`main`) turns every `EcrLoginError` into one line and its exit code.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any

import click
from click.core import ParameterSource

from ecrlogin.cli import logs
from ecrlogin.cli.options import (
    CONTEXT,
    DefaultToLogin,
    Duration,
    docker_config_option,
    login_options,
    output_option,
    profile_option,
    project_options,
    region_option,
    verbosity_options,
    who_options,
)
from ecrlogin.errors import EXIT_BUG, EXIT_INTERRUPTED, EcrLoginError, redact


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
@region_option(
    multiple=True, help="Your own registry in this region; repeatable. Default: the profile's."
)
@project_options
@login_options
def login(
    references: tuple[str, ...],
    region: tuple[str, ...],
    scan: tuple[str, ...],
    no_project: bool,
    **options: Any,
) -> int:
    """Log in to ECR registries (the default command).

    With REGISTRY_OR_IMAGE arguments (hosts or image references), exactly those registries;
    -r and -a add to them. Without, in a project with an .ecrlogin.toml (here or in a parent
    folder), the registries it names and finds; else your own registry in the default or given
    regions.
    """
    from ecrlogin.flows import login as flow
    from ecrlogin.flows.project import ProjectOptions, in_project

    given = click.get_current_context().get_parameter_source
    with json_on_failure(options["fmt"], "results"):
        request = _request(options, references=references, regions=region)
        project = in_project(
            request,
            _settings(options),
            ProjectOptions(
                scan=scan,
                use_file=not no_project,
                min_ttl_given=given("min_ttl") is ParameterSource.COMMANDLINE,
                to_given=given("to") is ParameterSource.COMMANDLINE,
                verify_given=options["verify"],
            ),
        )
        nothing = project.nothing_found
        return _render_login(
            options,
            project.settings,
            lambda progress: (
                flow.nowhere(nothing)
                if nothing
                else flow.login(
                    project.request, project.settings, progress=progress, hints=project.hints
                )
            ),
        )


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
    from ecrlogin.flows import allregions

    with json_on_failure(options["fmt"], "results"):
        request, settings = _request(options), _settings(options)
        return _render_login(
            options,
            settings,
            lambda progress: allregions.all_regions(
                request, settings, include=include, exclude=exclude, progress=progress
            ),
        )


def _request(options: dict[str, Any], **named: Any) -> Any:
    from ecrlogin.flows.model import Request

    logs.set_verbosity(verbose=options["verbose"], debug=options["debug"])
    return Request.from_arguments(
        profiles=options["profiles"],
        accounts=options["accounts"],
        public=options["public"],
        **named,
    )


def _settings(options: dict[str, Any]) -> Any:
    from ecrlogin.flows.model import Settings

    return Settings.resolve(
        options["docker_config"],
        to=options["to"],
        min_ttl=options["min_ttl"],
        force=options["force"],
        dry_run=options["dry_run"],
        verify=options["verify"],
        no_input=options["no_input"],
    )


def _render_login(options: dict[str, Any], settings: Any, run: Callable[[Any], Any]) -> int:
    from ecrlogin.cli import output
    from ecrlogin.flows import recorder
    from ecrlogin.flows.login import utc_now

    show_progress = not options["quiet"] and options["fmt"] == "table"
    with output.progress_bar(show_progress) as progress:
        outcome = run(progress)
    # a table shows "in 11h 59m": only what does not move with the clock is kept for the fast path
    recorder.offer(
        outcome,
        settings,
        replayable_output=(options["fmt"] == "json" or options["quiet"])
        and not (options["verbose"] or options["debug"]),
        holds_until=outcome.holds_until,
    )
    output.print_login(outcome, fmt=options["fmt"], quiet=options["quiet"], now=utc_now())
    return 1 if outcome.failed else 0


@contextlib.contextmanager
def json_on_failure(fmt: str, key: str) -> Iterator[None]:
    """With -o json, a run that fails before any registry still prints one JSON document."""
    try:
        yield
    except EcrLoginError as error:
        if fmt == "json":
            from ecrlogin.cli import output

            output.emit_json({key: [], "error": error.one_line()})
        raise


@cli.command("kube-secret", context_settings=CONTEXT)
@click.argument("name")
@click.argument("references", nargs=-1, metavar="[REGISTRY_OR_IMAGE]...")
@click.option(
    "-n",
    "--namespace",
    multiple=True,
    metavar="NS",
    help="One Secret in NS; repeatable. Default: kubectl's.",
)
@click.option("--apply", "apply", is_flag=True, help="Hand it to `kubectl apply -f -` (stdin).")
@click.option("--context", metavar="CTX", help="With --apply: kubectl's --context.")
@region_option(multiple=True, help="Your own registry in this region; repeatable.")
@project_options
@who_options
@click.option(
    "-o",
    "--output",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="The Secret as YAML, or as JSON (a List for several namespaces).",
)
@verbosity_options
def kube_secret(
    name: str,
    references: tuple[str, ...],
    namespace: tuple[str, ...],
    apply: bool,
    context: str | None,
    region: tuple[str, ...],
    scan: tuple[str, ...],
    no_project: bool,
    **options: Any,
) -> int:
    """Print a Kubernetes pull Secret (kubernetes.io/dockerconfigjson) for every registry of
    the run, or apply it with kubectl (--apply: on kubectl's stdin, once per namespace).

    Registries as for login: arguments, -r, -a, --public, the project file, --from. Any
    registry that fails: exit 1, and nothing printed or applied.
    """
    from ecrlogin.cli import output
    from ecrlogin.flows import kubesecret as flow
    from ecrlogin.flows.project import ProjectOptions, in_project

    if context and not apply:
        raise click.UsageError("--context goes with --apply")
    request = _request(options, references=references, regions=region)
    project = in_project(
        request, _settings({**options, **_NO_STORE}), ProjectOptions(scan, not no_project)
    )
    outcome = flow.kube_secret(
        project.request,
        project.settings,
        name,
        namespace,
        apply=flow.Apply(context) if apply else None,
        hints=project.hints,
    )
    output.print_kube_secret(outcome, fmt=options["fmt"], quiet=options["quiet"])
    return 1 if outcome.failed else 0


_NO_STORE = {
    "docker_config": None,
    "to": "docker",
    "min_ttl": timedelta(0),
    "force": True,
    "dry_run": False,
    "verify": False,
    "no_input": True,
}  # kube-secret stores nowhere, always fetches, never asks


@cli.command("kubelet-credential-provider", context_settings=CONTEXT)
def kubelet_credential_provider() -> int:
    """The kubelet's credential-provider plugin: a CredentialProviderRequest on stdin, the
    CredentialProviderResponse on stdout (credentialprovider.kubelet.k8s.io/v1)."""
    from ecrlogin.cli import output
    from ecrlogin.flows.kubelet import respond

    output.emit_compact_json(respond(sys.stdin.read()))
    return 0


@cli.command(context_settings=CONTEXT)
@output_option
@docker_config_option
@profile_option(multiple=True, help="Only registries this profile stored; repeatable.")
@region_option(multiple=True, help="Only registries in this region; repeatable.")
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1 if a listed registry is expired, expiring or unknown (no record of "
    "ecrlogin's), or if none is listed.",
)
@click.option("--verify", is_flag=True, help="Ask each registry whether it accepts the credential.")
@click.option(
    "--min-ttl",
    type=Duration(),
    default="0m",
    show_default=True,
    help="With --check, also fail registries valid for less than this (30m, 2h).",
)
def status(
    fmt: str,
    docker_config: str | None,
    profile: tuple[str, ...],
    region: tuple[str, ...],
    check: bool,
    verify: bool,
    min_ttl: timedelta,
) -> int:
    """Show every ECR registry ecrlogin can see: who, where, and when it expires."""
    from ecrlogin.cli import output
    from ecrlogin.flows import status as flow
    from ecrlogin.flows.login import utc_now
    from ecrlogin.flows.model import Settings

    with json_on_failure(fmt, "registries"):
        query = flow.StatusQuery(profile, region, check, min_ttl, verify)
        report = flow.status(Settings.resolve(docker_config), query, clock=utc_now)
    output.print_status(report, fmt=fmt, now=utc_now())
    return 1 if report.fails_check else 0


@cli.command(context_settings=CONTEXT)
@click.argument("references", nargs=-1, metavar="[REGISTRY]...")
@click.option("--all", "everything", is_flag=True, help="Every ECR registry ecrlogin can see.")
@profile_option(multiple=True, help="Only registries this profile stored; repeatable.")
@region_option(multiple=True, help="Only registries in this region; repeatable.")
@docker_config_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def logout(
    references: tuple[str, ...],
    everything: bool,
    profile: tuple[str, ...],
    region: tuple[str, ...],
    docker_config: str | None,
    quiet: bool,
) -> int:
    """Remove ECR registries from the Docker config and its credential store.

    Only ECR hosts are ever touched; every other entry is kept as it is.
    """
    from ecrlogin.cli import output
    from ecrlogin.flows import logout as flow
    from ecrlogin.flows.model import Settings

    request = flow.LogoutRequest(references, everything, profile, region)
    removals = flow.logout(Settings.resolve(docker_config), request)
    output.print_logout(removals, quiet=quiet)
    return 1 if any(r.error for r in removals) else 0


@cli.command(context_settings=CONTEXT)
@click.argument("reference", required=False, metavar="[REGISTRY_OR_IMAGE]")
@profile_option(help="AWS profile. Default: the SDK's own choice.")
@region_option(multiple=True, help="Region. Default: the host's, else the profile's.")
@click.option("--public", is_flag=True, help="The password of ECR Public (public.ecr.aws).")
def password(
    reference: str | None, profile: str | None, region: tuple[str, ...], public: bool
) -> int:
    """Print the registry password alone, for pipes (like `aws ecr get-login-password`)."""
    from ecrlogin.flows.password import password as flow

    secret = flow(profile, region, reference=reference, public=public)
    sys.stdout.write(secret + "\n")
    return 0


@cli.group(context_settings=CONTEXT)
def sso() -> None:
    """IAM Identity Center (AWS SSO) sessions."""


@sso.command("login", context_settings=CONTEXT)
@profile_option(help="The profile whose SSO session to sign in to. Default: the SDK's own.")
@click.option("--sso-session", "session_name", metavar="NAME", help="An [sso-session NAME].")
@click.option("--no-browser", is_flag=True, help="Only print the URL and the code.")
@verbosity_options
def sso_login(
    profile: str | None,
    session_name: str | None,
    no_browser: bool,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> int:
    """Sign in (device authorization) and cache the token where botocore and AWS CLI v2 read it.

    The URL and the code are printed on stderr, and the browser is opened where there is a
    display. Exit 0 when signed in, 1 otherwise.
    """
    from ecrlogin.cli import output
    from ecrlogin.flows import sso as flow

    logs.set_verbosity(verbose=verbose, debug=debug)
    if profile and session_name:
        raise click.UsageError("give -p PROFILE or --sso-session NAME, not both")
    result = flow.sso_login(
        profile, session_name, show=output.show_instructions, browser=not no_browser
    )
    output.print_sso_login(result, quiet=quiet)
    return 0


@cli.command(context_settings=CONTEXT)
@click.argument("reference", metavar="IMAGE|HOST")
@profile_option(help="The profile --fix logs in with. Default: the routing rules' choice.")
@docker_config_option
@click.option(
    "--to",
    type=click.Choice(["docker", "daemon", "helper", "podman"]),
    default="docker",
    show_default=True,
    help="Whose view: where that client reads credentials.",
)
@output_option
@click.option(
    "--fix", is_flag=True, help="Where the cause is ecrlogin's, log in again and re-check."
)
def doctor(
    reference: str, profile: str | None, docker_config: str | None, to: str, fmt: str, fix: bool
) -> int:
    """Why would a pull of IMAGE fail? The client's steps, one by one; changes nothing unless
    --fix. Exit 0 when every step passes, 1 when one fails."""
    from ecrlogin.cli import output
    from ecrlogin.flows import doctor as flow
    from ecrlogin.flows.model import Settings

    with json_on_failure(fmt, "steps"):
        request = flow.DoctorRequest(reference, profile, to, fix)
        report = flow.doctor(request, Settings.resolve(docker_config, to=to))
    output.print_doctor(report, fmt=fmt)
    return 1 if report.final.verdict else 0


@cli.command(context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the shell completion script: eval "$(ecrlogin completion bash)"."""
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)
    assert complete is not None  # click ships all three
    sys.stdout.write(complete(cli, {}, "ecrlogin", "_ECRLOGIN_COMPLETE").source() + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    from ecrlogin.flows import recorder

    args = list(sys.argv[1:] if argv is None else argv)
    recording = recorder.start(args)  # the fast path may repeat this run's answer
    try:
        _main(args)
    except SystemExit as done:
        recorder.finish(recording, done.code if isinstance(done.code, int) else 1)
        raise
    finally:
        recorder.finish(recording, 1)  # anything else: nothing kept (finish once: a no-op then)


def _main(args: list[str]) -> None:
    logs.install()
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
