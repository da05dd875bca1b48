"""The k8s export: manifests the API schemas accept, commands expanded back exactly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from engine_cases import (
    HOSTILE,
    check_golden,
    export_examples,
    hostile_definition,
    run_procreg,
    store,
)
from kubernetes_validate.utils import latest_version

from procreg_tui.export import ExportError, ExportFormat, engine_export
from procreg_tui.export._engine import one_line
from procreg_tui.export._k8s import is_image_reference
from procreg_tui.resolve import resolve

_EXPANSION = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def expand(text: str, variables: dict[str, str]) -> str:
    """Return ``text`` as Kubernetes expands it: ``$$`` is ``$``, ``$(NAME)`` a value.

    A reference to a variable that is not defined stays as written.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group() == "$$":
            return "$"
        return variables.get(match.group(1), match.group())

    return _EXPANSION.sub(replace, text)


def container(document: dict[str, Any]) -> dict[str, Any]:
    """Return the one container of a Job's or Deployment's pod template."""
    containers: list[dict[str, Any]] = document["spec"]["template"]["spec"][
        "containers"
    ]
    assert len(containers) == 1
    return containers[0]


def test_examples_match_golden_files(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Each example's manifest is exactly its golden file."""
    export = export_examples(registry_path, example_definitions, ExportFormat.K8S)

    check_golden(export, "k8s")


def test_every_example_manifest_is_valid(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """kubernetes-validate accepts every manifest, strictly, as the latest API."""
    export = export_examples(registry_path, example_definitions, ExportFormat.K8S)

    kinds = []
    for document in export.documents:
        manifest = yaml.safe_load(document.text)
        kubernetes_validate.validate(manifest, latest_version(), strict=True)
        kinds.append(manifest["kind"])
    assert kinds == ["Job", "Deployment", "Job", "Job", "Job", "Job"]


def test_stream_is_one_manifest_per_definition(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """The stream of several definitions reads as that many YAML documents."""
    export = export_examples(registry_path, example_definitions, ExportFormat.K8S)

    names = [d["metadata"]["name"] for d in yaml.safe_load_all(export.text)]
    assert names == [
        "procreg-1-ffmpeg-to-mp3",
        "procreg-2-full-format-service",
        "procreg-3-iconv-output-argument",
        "procreg-4-sort-lines",
        "procreg-5-tr-strip-x",
        "procreg-6-wc-input-argument",
    ]


def test_hostile_command_and_args_expand_to_exec_and_argv(
    registry_path: Path,
) -> None:
    """command + args, as Kubernetes expands them, equal exec + argv exactly."""
    arguments = [*HOSTILE, "$$(VAR)", "$(HOSTILE)", "line\nbreak", "end$"]
    definition = {**hostile_definition(arguments), "cwd": "/srv/it's here"}
    export = engine_export(store(registry_path, [definition]), ExportFormat.K8S)
    manifest = yaml.safe_load(export.text)
    kubernetes_validate.validate(manifest, latest_version(), strict=True)
    main = container(manifest)
    variables = {item["name"]: item["value"] for item in main["env"]}

    environment = {name: expand(value, {}) for name, value in variables.items()}
    argv = [expand(word, environment) for word in main["command"] + main["args"]]

    assert argv == list(resolve(definition).argv)
    assert argv[3:] == arguments
    assert environment == definition["environment"]
    assert main["workingDir"] == "/srv/it's here"


def test_streams_and_missing_image_are_warnings(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """Redirections and the default image are said in the file and as warnings."""
    tr = next(d for d in example_definitions if d["name"] == "tr-strip-x")

    export = engine_export(store(registry_path, [tr]), ExportFormat.K8S)

    assert export.warnings == [
        "definition 1 (tr-strip-x): the definition names no application: the image"
        " is debian:stable-slim; set the image that holds the executable.",
        "definition 1 (tr-strip-x): < /tmp/procreg/input is not carried: a"
        " container's standard streams cannot be connected to files.",
        "definition 1 (tr-strip-x): > /tmp/procreg/output is not carried: a"
        " container's standard streams cannot be connected to files.",
    ]
    comments = [line for line in export.text.splitlines() if "WARNING" in line]
    assert len(comments) == 3


def test_service_timeout_is_a_warning(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """A Deployment has no deadline: the service's timeout is warned about."""
    service = next(d for d in example_definitions if d["process_type"] == "service")

    export = engine_export(store(registry_path, [service]), ExportFormat.K8S)

    assert "activeDeadlineSeconds" not in export.text
    assert export.warnings[-1] == (
        "definition 1 (full-format-service): the timeout of 3600 s is not carried:"
        " a Deployment restarts its pods and has no deadline."
    )


_DIGEST = "f" * 64

VALID_IMAGES = [
    "ingest-worker-v2",
    "debian:stable-slim",
    "test_com",
    "test.com:5000",
    "lowercase:Uppercase",
    "test:5000/repo:tag",
    f"test:5000/repo:tag@sha256:{_DIGEST}",
    "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
    "b.gcr.io/test.example.com/my-app:test.example.com",
    "xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + "f" * 128,
    "192.168.1.1:5000/repo:5050",
    "[2001:db8::1]:5000/repo:tag",
    "Uppercase/lowercase:tag",
    "index.docker.io/" + "a" * 237,
    "a/" * 118 + "a" * 9,
]
"""Image references the kubelet parses (distribution's reference tests)."""

INVALID_IMAGES = [
    "",
    "debian\n",
    "registry.example/tool\nrm",
    " debian",
    "debian ",
    "my app",
    "Debian",
    ":justtag",
    f"@sha256:{_DIGEST}",
    "repo@sha256:" + "f" * 34,
    f"validname@invaliddigest:{_DIGEST}",
    f"repo@sha256:{_DIGEST.upper()}",
    "test:5000/Uppercase/lowercase:tag",
    "aa/asdf$$^/aa",
    "[2001:db8::1]:5000",
    "[fe80::1%eth0]:5000/repo",
    _DIGEST,
    "index.docker.io/" + "a" * 238,
    "a/" * 118 + "a" * 10,
]
"""What the kubelet refuses: white space, upper case, bad digests, IDs, long names.

The last two are 256 characters with docker.io/ and library/ added, one more
than the last two of VALID_IMAGES.
"""


@pytest.mark.parametrize("image", VALID_IMAGES)
def test_an_image_reference_becomes_the_image(registry_path: Path, image: str) -> None:
    """The application, a valid reference, is the container's image as written."""
    definition = {"name": "app", "exec": "/bin/true", "application": image}

    export = engine_export(store(registry_path, [definition]), ExportFormat.K8S)

    manifest = yaml.safe_load(export.text)
    kubernetes_validate.validate(manifest, latest_version(), strict=True)
    assert container(manifest)["image"] == image
    assert export.warnings == []


@pytest.mark.parametrize("image", INVALID_IMAGES[1:])
def test_an_application_that_is_no_image_reference_is_an_error(
    registry_path: Path, image: str
) -> None:
    """A line break, a space, upper case... in the image stop the export, naming it."""
    definition = {"name": "app", "exec": "/bin/true", "application": image}

    with pytest.raises(ExportError) as raised:
        engine_export(store(registry_path, [definition]), ExportFormat.K8S)

    assert str(raised.value) == (
        f"definition 1 (app): application {one_line(image)} is not an image"
        " reference Kubernetes can pull: [registry/]name[:tag][@digest], the name"
        " in lower case"
    )


def test_the_image_grammar_accepts_and_refuses_as_the_kubelet() -> None:
    """is_image_reference on every case, the empty reference included."""
    assert [is_image_reference(image) for image in VALID_IMAGES] == [True] * len(
        VALID_IMAGES
    )
    assert [is_image_reference(image) for image in INVALID_IMAGES] == [False] * len(
        INVALID_IMAGES
    )


def test_procreg_export_writes_nothing_for_an_image_with_a_line_break(
    registry_path: Path, tmp_path: Path
) -> None:
    """procreg export --format k8s: exit 1, one message, no file."""
    application = "registry.example/tool\nrm"
    store(
        registry_path,
        [{"name": "app", "exec": "/bin/true", "application": application}],
    )
    target = tmp_path / "app.yaml"

    result = run_procreg(
        registry_path, "export", "1", "--format", "k8s", "-o", str(target)
    )

    assert result == (
        1,
        "",
        "procreg: definition 1 (app): application registry.example/tool\\nrm is not"
        " an image reference Kubernetes can pull: [registry/]name[:tag][@digest],"
        " the name in lower case; nothing was written\n",
    )
    assert not target.exists()


@pytest.mark.parametrize("cwd", ["work", "relative dir", " /srv", "~/work"])
def test_a_relative_working_directory_is_an_error(
    registry_path: Path, cwd: str
) -> None:
    """The OCI runtime refuses a relative workingDir: the export stops, naming it."""
    definition = {"name": "app", "exec": "/bin/true", "cwd": cwd}

    with pytest.raises(ExportError) as raised:
        engine_export(store(registry_path, [definition]), ExportFormat.K8S)

    assert str(raised.value) == (
        f"definition 1 (app): cwd {cwd} is relative: a container's workingDir must"
        " be an absolute path"
    )
