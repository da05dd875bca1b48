"""The ``k8s`` export: a Kubernetes Job (single) or Deployment (service) manifest."""

from __future__ import annotations

import re

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line, yaml_scalar
from procreg_tui.export._errors import ExportError

_REFERENCE_START = re.compile(r"\$(?=[$(])")
_NAME_LENGTH = 63
_DEFAULT_IMAGE = "debian:stable-slim"
MAX_SECONDS = 2**63 - 1
"""The longest ``activeDeadlineSeconds``: the API's type is int64."""

_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE_REFERENCE = re.compile(
    rf"(?P<name>(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*)"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
    r"(?:@(?P<algorithm>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*)"
    r":(?P<hex>[0-9a-fA-F]{32,}))?"
)
"""An image reference: ``[domain[:port]/]path[:tag][@digest]`` (distribution's
reference grammar, which the kubelet parses the image with)."""
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_IMAGE_ID = re.compile(r"[a-f0-9]{64}")
_NAME_MAX = 255
"""The longest repository name, counted as the kubelet completes it."""


def escape_references(text: str) -> str:
    """Return ``text`` with Kubernetes' ``$(VAR)`` expansion undone in advance.

    Kubernetes reads ``$$`` as ``$`` and ``$(NAME)`` as the variable's value
    in ``command``, ``args`` and ``env`` values; every ``$`` that would start
    either is doubled, so ``$(VAR)`` reaches the process as written.
    """
    return _REFERENCE_START.sub("$$", text)


def is_image_reference(text: str) -> bool:
    """Return whether the kubelet can pull an image named ``text``.

    It parses ``[domain[:port]/]path[:tag][@digest]``: a path in lower case
    letters, digits and single separators, a known digest of its length, a
    name of at most 255 characters once ``docker.io/library/`` is added, and
    never 64 hexadecimal digits alone, which name an image by its ID.
    """
    match = _IMAGE_REFERENCE.fullmatch(text)
    if match is None or _IMAGE_ID.fullmatch(text):
        return False
    algorithm = match.group("algorithm")
    if algorithm is not None:
        digest = match.group("hex")
        if len(digest) != _DIGEST_LENGTHS.get(algorithm) or digest != digest.lower():
            return False
    return len(_full_name(match.group("name"))) <= _NAME_MAX


def _full_name(name: str) -> str:
    """Return ``name`` with the registry and namespace the kubelet adds to it."""
    first, slash, rest = name.partition("/")
    if not slash:
        return f"docker.io/library/{name}"
    if first == "index.docker.io":
        return f"docker.io/{rest}" if "/" in rest else f"docker.io/library/{rest}"
    if first == "localhost" or "." in first or ":" in first or first != first.lower():
        return name
    return f"docker.io/{name}"


def manifest(job: Job, notes: Notes) -> str:
    """Return the Job or Deployment manifest of ``job`` after its header comment.

    Raises:
        ExportError: the definition's ``application``, the image, is not an
            image reference the kubelet can pull, or its ``cwd`` is relative,
            which a container runtime refuses (the OCI runtime specification
            wants the process's working directory absolute).
    """
    resolution = job.resolution
    name = resource_name(job)
    image = job.application
    if image is not None and not is_image_reference(image):
        raise ExportError(
            f"{job.where()}: application {one_line(image)} is not an image"
            " reference Kubernetes can pull: [registry/]name[:tag][@digest], the"
            " name in lower case"
        )
    if image is None:
        image = _DEFAULT_IMAGE
        notes.warn(
            f"the definition names no application: the image is {image}; set the"
            " image that holds the executable."
        )
    for redirection in resolution.redirections:
        notes.warn(
            f"{redirection.operator} {one_line(redirection.target)} is not carried:"
            " a container's standard streams cannot be connected to files."
        )

    container = [
        "- name: main",
        f"  image: {yaml_scalar(image)}",
        f"  command: [{yaml_scalar(escape_references(resolution.argv[0]))}]",
    ]
    if len(resolution.argv) > 1:
        container.append("  args:")
        container += [
            f"  - {yaml_scalar(escape_references(argument))}"
            for argument in resolution.argv[1:]
        ]
    if resolution.cwd is not None:
        if not resolution.cwd.startswith("/"):
            raise ExportError(
                f"{job.where()}: cwd {one_line(resolution.cwd)} is relative: a"
                " container's workingDir must be an absolute path"
            )
        container.append(f"  workingDir: {yaml_scalar(resolution.cwd)}")
    if resolution.environment:
        container.append("  env:")
        for variable, value in resolution.environment.items():
            container += [
                f"  - name: {yaml_scalar(variable)}",
                f"    value: {yaml_scalar(escape_references(value))}",
            ]

    labels = [
        f"app.kubernetes.io/name: {yaml_scalar(name)}",
        "app.kubernetes.io/managed-by: procreg",
    ]
    if job.service:
        lines = _deployment(job, notes, name, labels, container)
    else:
        lines = _job(job, notes, name, labels, container)
    return "\n".join(lines) + "\n"


def _job(
    job: Job, notes: Notes, name: str, labels: list[str], container: list[str]
) -> list[str]:
    """Return the lines of a ``batch/v1`` Job that runs once and is not retried."""
    lines = [
        "apiVersion: batch/v1",
        "kind: Job",
        "metadata:",
        f"  name: {yaml_scalar(name)}",
        "  labels:",
        *_indent(labels, 4),
        "spec:",
        "  backoffLimit: 0",
    ]
    seconds = job.timeout_within(notes, MAX_SECONDS, "activeDeadlineSeconds")
    if seconds is not None:
        lines.append(f"  activeDeadlineSeconds: {seconds}")
    lines += [
        "  template:",
        "    metadata:",
        "      labels:",
        *_indent(labels, 8),
        "    spec:",
        "      restartPolicy: Never",
        "      containers:",
        *_indent(container, 6),
    ]
    return lines


def _deployment(
    job: Job, notes: Notes, name: str, labels: list[str], container: list[str]
) -> list[str]:
    """Return the lines of an ``apps/v1`` Deployment that keeps one replica up."""
    if job.timeout_text is not None:
        notes.warn(
            f"the timeout of {job.timeout_text} s is not carried: a Deployment"
            " restarts its pods and has no deadline."
        )
    return [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        f"  name: {yaml_scalar(name)}",
        "  labels:",
        *_indent(labels, 4),
        "spec:",
        "  replicas: 1",
        "  selector:",
        "    matchLabels:",
        *_indent(labels[:1], 6),
        "  template:",
        "    metadata:",
        "      labels:",
        *_indent(labels, 8),
        "    spec:",
        "      containers:",
        *_indent(container, 6),
    ]


def resource_name(job: Job) -> str:
    """Return the object's name: ``procreg-ID-LABEL``, a DNS label of 63 at most."""
    return f"procreg-{job.record_id}-{job.slug}"[:_NAME_LENGTH].rstrip("-")


def _indent(lines: list[str], width: int) -> list[str]:
    """Return ``lines`` indented by ``width`` spaces."""
    return [" " * width + line for line in lines]


K8S = EngineFormat(
    render=manifest,
    file_name=lambda job: job.file_name(".yaml"),
    yaml=True,
    application_used=True,
)
"""Kubernetes manifests."""
