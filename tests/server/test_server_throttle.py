"""Wrong passwords are throttled per client address and user name."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_harness import API, LiveServer, make_users, running_server

from procreg_tui.server._throttle import LoginThrottle, client_key


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_name_bucket_refuses_after_its_burst_and_refills() -> None:
    """Three attempts on one name pass, the fourth waits 5 s, and 5 s later one
    more passes."""
    clock = Clock()
    throttle = LoginThrottle(
        address_burst=100, name_burst=3, name_refill_seconds=5.0, clock=clock
    )

    assert [throttle.attempt("10.0.0.1", "alice") for _ in range(3)] == [0, 0, 0]
    assert throttle.attempt("10.0.0.2", "alice") == 5

    clock.now += 2.5
    assert throttle.attempt("10.0.0.3", "alice") == 3
    clock.now += 2.5
    assert throttle.attempt("10.0.0.3", "alice") == 0
    assert throttle.attempt("10.0.0.3", "alice") == 5


def test_address_bucket_refuses_whatever_name_is_tried() -> None:
    """Two attempts from one address with different names pass; the third waits,
    while another address is not held up."""
    clock = Clock()
    throttle = LoginThrottle(
        address_burst=2, address_refill_seconds=3.0, name_burst=100, clock=clock
    )

    assert throttle.attempt("10.0.0.1", "a") == 0
    assert throttle.attempt("10.0.0.1", "b") == 0
    assert throttle.attempt("10.0.0.1", "c") == 3
    assert throttle.attempt("10.0.0.9", "c") == 0


def test_right_passwords_give_their_tokens_back() -> None:
    """Fifty right passwords in a row from one address never reach a limit of two."""
    throttle = LoginThrottle(address_burst=2, name_burst=2, clock=Clock())

    waits = []
    for _ in range(50):
        waits.append(throttle.attempt("10.0.0.1", "alice"))
        throttle.succeeded("10.0.0.1", "alice")

    assert waits == [0] * 50


def test_refused_attempts_take_no_token() -> None:
    """Being refused does not push the wait further out."""
    clock = Clock()
    throttle = LoginThrottle(
        address_burst=100, name_burst=1, name_refill_seconds=4.0, clock=clock
    )

    assert throttle.attempt("10.0.0.1", "alice") == 0
    assert [throttle.attempt("10.0.0.1", "alice") for _ in range(10)] == [4] * 10
    clock.now += 4.0
    assert throttle.attempt("10.0.0.1", "alice") == 0


def test_memory_is_bounded_and_full_buckets_go_first() -> None:
    """With room for three buckets, a fourth key drops the bucket that refilled,
    keeping the one still empty; ten thousand keys keep at most three."""
    clock = Clock()
    throttle = LoginThrottle(
        address_burst=1,
        address_refill_seconds=10.0,
        name_burst=100_000,
        max_keys=3,
        clock=clock,
    )
    throttle.attempt("held", "n")
    clock.now += 1
    throttle.attempt("old-1", "n")
    throttle.attempt("old-2", "n")
    clock.now += 9.5

    assert throttle.attempt("new", "n") == 0
    assert throttle.attempt("held", "n") == 0
    assert throttle.attempt("old-2", "n") == 1

    for number in range(10_000):
        throttle.attempt(f"spray-{number}", "n")
    assert throttle.sizes() == (3, 1)


@pytest.fixture
def frozen(registry_path: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose throttle has the default limits and a clock that stands
    still, with users that have not logged in yet."""
    throttle = LoginThrottle(clock=Clock())
    users = make_users(tmp_path / "registry.users.json")
    with running_server(registry_path, users, throttle=throttle) as live:
        yield live


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("unknown", "unknown"),
    ],
)
def test_ipv6_clients_are_counted_by_their_64_network(host: str, key: str) -> None:
    """Two addresses of one IPv6 /64 share a bucket; IPv4, mapped or not, is
    counted per address."""
    assert client_key(host) == key


def test_live_server_answers_429_once_a_name_is_guessed_too_often(
    frozen: LiveServer,
) -> None:
    """Ten wrong passwords for alice get 401, the eleventh 429 with Retry-After;
    alice's known password and bob still get in."""
    server = frozen
    assert server.request("GET", API, user="alice").status == 200

    wrong = [
        server.request("GET", API, user="alice", password=f"guess-{number}").status
        for number in range(10)
    ]
    refused = server.request("GET", API, user="alice", password="guess-10")

    assert wrong == [401] * 10
    assert refused.status == 429
    assert refused.headers["retry-after"] == "6"
    assert refused.body == {
        "error": "too many wrong passwords from this address or for this user; "
        "try again in 6 s"
    }
    assert "www-authenticate" not in refused.headers
    assert server.request("GET", API, user="alice").status == 200
    assert server.request("GET", API, user="bob").status == 200


def test_live_server_answers_429_once_an_address_guesses_too_often(
    frozen: LiveServer,
) -> None:
    """Twenty wrong logins from one address under twenty names get 401, the next
    429 with Retry-After, even for a right password not yet known to the server."""
    server = frozen
    wrong = [
        server.request("GET", API, user=None, headers=_wrong(f"user{number}")).status
        for number in range(20)
    ]
    refused = server.request("GET", API, user="bob")

    assert wrong == [401] * 20
    assert (refused.status, refused.headers["retry-after"]) == (429, "3")


def _wrong(name: str) -> dict[str, str]:
    """Return an Authorization header for ``name`` with a wrong password."""
    token = base64.b64encode(f"{name}:wrong".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _spoofed_guesses(server: LiveServer) -> list[int]:
    """Return the statuses of 25 wrong logins under 25 names, each claiming to
    come from another address through X-Forwarded-For."""
    return [
        server.request(
            "GET",
            API,
            user=None,
            headers={**_wrong(f"y{number}"), "X-Forwarded-For": f"10.0.0.{number}"},
        ).status
        for number in range(25)
    ]


def test_forwarded_addresses_are_not_believed_by_default(frozen: LiveServer) -> None:
    """A local client cannot get a fresh address bucket per request by sending
    X-Forwarded-For: the twenty-first guess from it gets 429; nor does
    X-Forwarded-Proto change the scheme of Location."""
    created = frozen.request(
        "POST",
        API,
        {"definition": {"exec": "/bin/true"}},
        user="alice",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1"},
    )
    assert created.headers["location"] == f"{frozen.url}{API}1/"

    assert _spoofed_guesses(frozen) == [401] * 20 + [429] * 5


def test_forwarded_addresses_of_a_named_proxy_are_believed(
    registry_path: Path, tmp_path: Path
) -> None:
    """With --forwarded-allow-ips naming the proxy, each forwarded client
    address has its own bucket and X-Forwarded-Proto sets Location's scheme."""
    throttle = LoginThrottle(clock=Clock())
    users = make_users(tmp_path / "registry.users.json")
    with running_server(
        registry_path, users, throttle=throttle, forwarded_allow_ips="127.0.0.1"
    ) as server:
        statuses = _spoofed_guesses(server)
        created = server.request(
            "POST",
            API,
            {"definition": {"exec": "/bin/true"}},
            user="alice",
            headers={"X-Forwarded-Proto": "https", "Host": "registry.example"},
        )

    assert statuses == [401] * 25
    assert created.headers["location"] == f"https://registry.example{API}1/"
