"""yamlimages: compose services, Kubernetes manifests, Helm values — and YAML meant to hurt."""

from __future__ import annotations

import time

import pytest
import yaml

from ecrlogin.project.found import SyntaxProblem
from ecrlogin.project.yamlimages import images_in_yaml

ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def references(text: str, *, compose: bool = False) -> list[str]:
    return [image.reference for image in images_in_yaml(text, compose=compose)]


COMPOSE = f"""
x-base: &base
  image: {ECR}/base:1
services:
  web: *base
  api:
    <<: *base
    ports: ["80:80"]
  worker:
    <<: [*base]
    image: {ECR}/worker:2
  db:
    image: postgres:16
    environment: {{image: {ECR}/not-a-service}}
"""


def test_compose_reads_services_images_through_anchors_and_merges() -> None:
    assert references(COMPOSE, compose=True) == [
        f"{ECR}/base:1",  # web: *base
        f"{ECR}/base:1",  # api: <<: *base
        f"{ECR}/worker:2",  # worker: its own image wins over the merged one
        "postgres:16",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"kind: Pod\nspec:\n  containers:\n  - image: {ECR}/a:1\n---\nkind: Job\nimage: b\n",
            [f"{ECR}/a:1", "b"],
        ),
        (
            f"image:\n  registry: {ECR}\n  repository: team/app\n  tag: '1.2'\n",
            [f"{ECR}/team/app:1.2"],
        ),
        (f"image:\n  repository: {ECR}/app\n", [f"{ECR}/app"]),
        (f"sidecar:\n  repository: {ECR}/side\n  tag: 3\n", [f"{ECR}/side:3"]),
        (f"cache:\n  repository: {ECR}/no-tag-no-image-key\n", []),
        (f"a: {{b: [{{c: {{image: {ECR}/deep}}}}]}}\n", [f"{ECR}/deep"]),
        (
            f"Resources:\n  R:\n    Image: !Sub '${{AWS::AccountId}}/x'\n    image: !Ref {ECR}/t\n",
            [f"{ECR}/t"],
        ),  # CloudFormation's tags are not an error
        (f"defaults: &d {{repository: {ECR}/m}}\nimage: {{<<: *d, tag: '9'}}\n", [f"{ECR}/m:9"]),
        ("image: ''\nother: 1\n", []),
    ],
)
def test_any_yaml_gives_every_image(text: str, expected: list[str]) -> None:
    assert references(text) == expected


def test_images_carry_their_lines_in_document_order() -> None:
    text = f"a:\n  image: {ECR}/one\n---\nb:\n  repository: {ECR}/two\n  tag: x\n"
    assert [image.line for image in images_in_yaml(text)] == [2, 5]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("services:\n  web:\n    image: a\n   bad: [\n", 4, "did not find expected key"),
        ("a: b\n  c: d: e\n", 2, "mapping values are not allowed"),
        ("web: *missing\n", 1, "undefined alias"),
        ("ok: 1\nbad: \x00\x01\x02\n", 2, "not YAML text"),
    ],
)
def test_broken_yaml_is_a_syntax_problem_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SyntaxProblem, match=message) as caught:
        images_in_yaml(text)
    assert caught.value.line == line


@pytest.mark.parametrize(("libyaml", "depth"), [(True, 200_000), (False, 1_100)])
def test_deep_nesting_is_refused_with_a_clear_problem(
    libyaml: bool, depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not libyaml:  # the pure-Python parser has no depth limit of its own: ours must hold
        monkeypatch.delattr(yaml, "CSafeLoader")  # (and it is slow on deep flows: few levels)
    with pytest.raises(SyntaxProblem, match="nest") as caught:
        images_in_yaml("[" * depth)
    assert caught.value.line == 1
    with pytest.raises(SyntaxProblem, match="nested more than 5 levels deep") as caught:
        images_in_yaml("a:\n b:\n  c:\n   d:\n    e:\n     f: {g: 1}\n", max_depth=5)
    assert caught.value.line == 6


def test_a_billion_laughs_costs_only_its_text() -> None:
    lines = [f"a0: &a0 {{image: {ECR}/lol, x: lol}}"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    lines += [f"m{n}: &m{n} {{{', '.join(f'k{k}: *a{n}' for k in range(10))}}}" for n in range(9)]
    started = time.monotonic()
    images = images_in_yaml("\n".join(lines) + "\n")  # expanded: 10**9 mappings
    assert time.monotonic() - started < 2
    assert {image.reference for image in images} == {f"{ECR}/lol"}
    assert len(images) < 200
