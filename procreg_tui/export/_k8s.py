"""The ``k8s`` export: a Kubernetes Job (single) or Deployment (service) manifest."""

from __future__ import annotations

import re

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line, yaml_scalar

_REFERENCE_START = re.compile(r"\$(?=[$(])")
_NAME_LENGTH = 63
_DEFAULT_IMAGE = "debian:stable-slim"
MAX_SECONDS = 2**63 - 1
"""The longest ``activeDeadlineSeconds``: the API's type is int64."""


def escape_references(text: str) -> str:
    """Return ``text`` with Kubernetes' ``$(VAR)`` expansion undone in advance.

    Kubernetes reads ``$$`` as ``$`` and ``$(NAME)`` as the variable's value
    in ``command``, ``args`` and ``env`` values; every ``$`` that would start
    either is doubled, so ``$(VAR)`` reaches the process as written.
    """
    return _REFERENCE_START.sub("$$", text)


def manifest(job: Job, notes: Notes) -> str:
    """Return the Job or Deployment manifest of ``job`` after its header comment."""
    resolution = job.resolution
    name = resource_name(job)
    image = job.application
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
    file_name=lambda job: f"{job.record_id}-{job.slug}.yaml",
    yaml=True,
    application_used=True,
)
"""Kubernetes manifests."""
