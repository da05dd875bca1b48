"""Requests per second of ``procreg serve`` next to the framework's trivial endpoint.

Run with ``python benchmarks/bench_server.py`` (needs the server extra). It
starts two servers on free loopback ports, each its own process served by
uvicorn the same way: ``procreg serve`` on a registry of 200 definitions (100
of them the benchmark user's), and a Starlette app whose one endpoint answers
``ok``. Then, for a few seconds each, a few client threads with kept-alive
connections ask for the trivial endpoint, a page of the list, the whole list
and one definition, and last send a flood of wrong passwords. It prints
requests per second, the ratio to the trivial endpoint and the count of errors
(any answer but 200; for the flood, any but 401 and 429), with how many wrong
passwords were hashed (401) before the throttle answered 429, and exits 1 on
any error. Traffic goes to 127.0.0.1 only, and every loop is bounded in requests
and in time.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from procreg_tui.registry import Registry
from procreg_tui.server import UserStore, bind

LOOPBACK = "127.0.0.1"
USER = "bench"
PASSWORD = "bench-password"
API = "/api/process_definition/"


@dataclass
class Measure:
    """What one load run saw."""

    name: str
    requests: int
    errors: int
    seconds: float
    hashed: int = 0
    """Answers of 401: wrong passwords the server paid a hash for."""

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def _trivial_server() -> None:
    """Serve the framework's trivial endpoint on a free loopback port."""

    async def hello(request: Request) -> PlainTextResponse:
        del request
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", hello)])
    listener = bind(LOOPBACK, 0)
    print(f"port {listener.getsockname()[1]}", file=sys.stderr, flush=True)
    # As procreg serve configures uvicorn: h11, no forwarded headers.
    config = uvicorn.Config(
        app,
        http="h11",
        proxy_headers=False,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[listener])


def _start(command: list[str], pattern: str) -> tuple[subprocess.Popen[str], int]:
    """Start a server process and return it with the port it says it listens on."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    # Warnings (such as about a file others may read) come before the address.
    lines = []
    found = None
    while found is None and len(lines) < 10:
        lines.append(process.stderr.readline())
        found = re.search(pattern, lines[-1])
        if not lines[-1]:
            break
    if not found:
        process.kill()
        raise SystemExit(f"the server did not start: {''.join(lines)!r}")
    # Keep reading its log so a full pipe never blocks it.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return process, int(found.group(1))


def _load(
    name: str,
    port: int,
    path: str,
    *,
    seconds: float,
    threads: int,
    limit: int,
    auth: bool,
    password: str = PASSWORD,
    expected: frozenset[int] = frozenset({200}),
) -> Measure:
    """Ask for ``path`` from ``threads`` connections for ``seconds`` (at most
    ``limit`` requests in all) and count the answers; any status outside
    ``expected`` is an error."""
    headers = {}
    if auth:
        token = base64.b64encode(f"{USER}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    counts = [0] * threads
    errors = [0] * threads
    hashed = [0] * threads
    share = limit // threads
    start = time.perf_counter()
    deadline = start + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        while counts[index] + errors[index] < share and time.perf_counter() < deadline:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status in expected:
                    counts[index] += 1
                    hashed[index] += response.status == 401
                else:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    seconds_taken = time.perf_counter() - start
    return Measure(name, sum(counts), sum(errors), seconds_taken, sum(hashed))


def _prepare(folder: Path) -> Path:
    """Write a registry of 200 definitions (100 the benchmark user's) and its users."""
    path = folder / "registry.json"
    with Registry.open(path) as registry:
        for owner in (USER, "someone-else"):
            registry.create_many(
                [
                    {"exec": f"/usr/bin/tool{n}", "argv": ["-v", "${input_file}"]}
                    for n in range(100)
                ],
                owner=owner,
            )
    UserStore(folder / "registry.users.json").add(USER, PASSWORD)
    return path


def main() -> int:
    """Run the load against both servers and print the table; 1 on any error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measure")
    parser.add_argument("--threads", type=int, default=4, help="client connections")
    parser.add_argument(
        "--limit", type=int, default=200_000, help="requests per measure"
    )
    parser.add_argument("--trivial-server", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.trivial_server:
        _trivial_server()
        return 0

    with tempfile.TemporaryDirectory() as folder:
        registry = _prepare(Path(folder))
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PROCREG_")}
        os.environ.clear()
        os.environ.update(environ)
        procreg, procreg_port = _start(
            [
                sys.executable,
                "-m",
                "procreg_tui",
                "--db",
                str(registry),
                "serve",
                "--port",
                "0",
                "--no-access-log",
            ],
            r"127\.0\.0\.1:(\d+)/",
        )
        trivial, trivial_port = _start(
            [sys.executable, __file__, "--trivial-server"], r"port (\d+)"
        )
        try:
            load = {
                "seconds": options.seconds,
                "threads": options.threads,
                "limit": options.limit,
            }
            # One request first, so the password is checked before timing.
            _load(
                "warm-up", procreg_port, API, seconds=1, threads=1, limit=1, auth=True
            )
            measures = [
                _load("trivial endpoint", trivial_port, "/", auth=False, **load),
                _load("list, page of 20", procreg_port, API, auth=True, **load),
                _load(
                    "list, all 100",
                    procreg_port,
                    API + "?limit=0",
                    auth=True,
                    **load,
                ),
                _load("detail", procreg_port, API + "50/", auth=True, **load),
                # Bounded by its count: the first wrong passwords each cost a
                # slow hash, and the throttle shows only once they are spent.
                _load(
                    "wrong passwords",
                    procreg_port,
                    API,
                    auth=True,
                    password="not-the-password",
                    expected=frozenset({401, 429}),
                    seconds=60,
                    threads=options.threads,
                    limit=400,
                ),
            ]
        finally:
            for process in (procreg, trivial):
                process.terminate()
                process.wait(timeout=30)

    baseline = measures[0].rate
    print(f"{'endpoint':<20} {'requests':>9} {'req/s':>9} {'vs trivial':>10} errors")
    for measure in measures:
        ratio = measure.rate / baseline if baseline else 0.0
        print(
            f"{measure.name:<20} {measure.requests:>9} {measure.rate:>9.0f} "
            f"{ratio:>9.2f}x {measure.errors:>6}"
        )
    flood = measures[-1]
    print(
        f"wrong passwords: {flood.hashed} hashed (401), then "
        f"{flood.requests - flood.hashed} refused by the throttle (429)"
    )
    errors = sum(measure.errors for measure in measures)
    print(f"{options.threads} connections, {options.seconds:g} s each, loopback only")

    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
