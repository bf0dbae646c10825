"""`--verify` and `status --verify`: does each registry still accept what the client would send?

One `GET https://HOST/v2/` with the stored credential per registry, all at once, `DEADLINE`
seconds at most for the lot. True: accepted (200); False: refused (401/403); None: not asked, no
credential to send, or no answer in time (a warning, never a failure).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecrlogin import registryhttp
from ecrlogin.errors import EcrLoginError
from ecrlogin.sinks import reading

DEADLINE = 5.0


@dataclass(frozen=True)
class Answer:
    accepted: bool | None
    why: str = ""  # for None: what kept the question from an answer


Asked = tuple[str, str]  # (host, whose view: docker, podman, …)
Ask = Callable[[Sequence[Asked], Path, Mapping[str, str]], Mapping[Asked, "Answer"]]


def ask(
    asked: Iterable[Asked],
    docker_config: Path,
    environ: Mapping[str, str] = os.environ,
    *,
    http: Callable[[], registryhttp.Client] = registryhttp.Client,
    deadline: float = DEADLINE,
) -> dict[Asked, Answer]:
    """Every (host, view) asked at once; whatever has not answered by `deadline` is None."""
    import concurrent.futures

    wanted = list(dict.fromkeys(asked))
    if not wanted:
        return {}
    client = http()
    client.timeout = deadline
    pool = concurrent.futures.ThreadPoolExecutor(min(16, len(wanted)))
    futures = {
        key: pool.submit(_one, key[0], key[1], docker_config, client, environ) for key in wanted
    }
    concurrent.futures.wait(futures.values(), timeout=deadline)
    pool.shutdown(wait=False, cancel_futures=True)
    answers = {}
    for key, future in futures.items():
        if future.done() and not future.cancelled():
            answers[key] = future.result()
        else:
            answers[key] = Answer(None, f"no answer within {deadline:g}s")
    return answers


def _one(
    host: str,
    to: str,
    docker_config: Path,
    client: registryhttp.Client,
    environ: Mapping[str, str],
) -> Answer:
    try:
        found = reading.read(reading.lookup(host, to, docker_config, environ), host)
    except EcrLoginError as error:
        return Answer(None, error.message)
    if found is None:
        return Answer(None, "no credential stored")
    authorization = registryhttp.basic(found.username, found.password)
    try:
        answer = client.request(
            "GET", host, "/v2/", {"Authorization": authorization}, (found.password,)
        )
    except registryhttp.Unreachable as problem:
        return Answer(None, problem.text)
    if answer.status == 200:
        return Answer(True)
    if answer.status in (401, 403):
        return Answer(False, f"HTTP {answer.status}")
    return Answer(None, f"HTTP {answer.status} on /v2/")
