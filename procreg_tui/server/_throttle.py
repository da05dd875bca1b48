"""Slowing down password guessing: a bounded token bucket per address and name.

Every password that is not already known to be right costs one slow Argon2
hash. Each such attempt takes a token from the bucket of the client's address
and from the bucket of the user name it tries; a right password gives both
tokens back, so people who type their password right are not held up by their
own tries. Once either bucket is empty, further attempts are refused before
any hashing, until tokens have trickled back in.

That includes a right password the server has not checked before, while its
name or address is being guessed at: it cannot be told from a guess without
the hash the limit is there to spare. Passwords checked before are let in
without asking the throttle (``UserStore.remembered``). This module needs only
the standard library.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

ADDRESS_BURST = 20
"""Wrong passwords one client address may send at once."""

ADDRESS_REFILL_SECONDS = 3.0
"""After the burst, one more attempt per address every this many seconds."""

NAME_BURST = 10
"""Wrong passwords one user name may be tried with at once, from anywhere."""

NAME_REFILL_SECONDS = 6.0
"""After the burst, one more attempt per user name every this many seconds."""

MAX_KEYS = 4096
"""Buckets kept for each kind of key; the least recently used go first."""


def client_key(host: str) -> str:
    """Return the key that ``host``'s attempts are counted under.

    An IPv6 client usually holds a whole /64 network, so its attempts are
    counted for that network; an IPv4 address (also one mapped into IPv6)
    and anything else that is not an address count as themselves.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))

    return str(address)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class _Buckets:
    """Token buckets by key, at most ``max_keys`` of them."""

    def __init__(self, burst: int, refill_seconds: float, max_keys: int) -> None:
        self.burst = burst
        self.refill_seconds = refill_seconds
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Return the seconds until ``key`` has a token again; 0 if it has one."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = self._refilled(bucket, now)

        return 0.0 if tokens >= 1 else (1 - tokens) * self.refill_seconds

    def take(self, key: str, now: float) -> None:
        """Take one token from ``key``'s bucket (which must have one)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            self._make_room(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = self._refilled(bucket, now) - 1
        bucket.stamp = now
        self._buckets.move_to_end(key)

    def give_back(self, key: str, now: float) -> None:
        """Return one token to ``key``'s bucket, if it still has one."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return
        bucket.tokens = min(self._refilled(bucket, now) + 1, float(self.burst))
        bucket.stamp = now

    def __len__(self) -> int:
        return len(self._buckets)

    def _refilled(self, bucket: _Bucket, now: float) -> float:
        gained = max(now - bucket.stamp, 0.0) / self.refill_seconds
        return min(bucket.tokens + gained, float(self.burst))

    def _make_room(self, now: float) -> None:
        """Drop the buckets that are full again; if none is, the least recently used.

        A full bucket is the same as no bucket, so dropping it forgets nothing.
        """
        if len(self._buckets) < self.max_keys:
            return
        full = [
            key
            for key, bucket in self._buckets.items()
            if self._refilled(bucket, now) >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            self._buckets.popitem(last=False)


class LoginThrottle:
    """Limits password attempts per client address and per user name.

    ``attempt`` is asked before the slow check; ``succeeded`` after a right
    password. Memory is bounded by ``max_keys`` buckets of each kind. It may be
    shared by threads.
    """

    def __init__(
        self,
        *,
        address_burst: int = ADDRESS_BURST,
        address_refill_seconds: float = ADDRESS_REFILL_SECONDS,
        name_burst: int = NAME_BURST,
        name_refill_seconds: float = NAME_REFILL_SECONDS,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._addresses = _Buckets(address_burst, address_refill_seconds, max_keys)
        self._names = _Buckets(name_burst, name_refill_seconds, max_keys)
        self._clock = clock
        self._lock = threading.Lock()

    def attempt(self, address: str, name: str) -> int:
        """Count a password attempt of ``name`` from ``address``.

        Returns 0 when it may be checked (a token of each bucket is taken), or
        the whole seconds to wait before the next attempt can be (nothing is
        taken then).
        """
        with self._lock:
            now = self._clock()
            wait = max(self._addresses.wait(address, now), self._names.wait(name, now))
            if wait > 0:
                return max(math.ceil(wait), 1)
            self._addresses.take(address, now)
            self._names.take(name, now)

        return 0

    def succeeded(self, address: str, name: str) -> None:
        """Give back the tokens of an attempt whose password was right."""
        with self._lock:
            now = self._clock()
            self._addresses.give_back(address, now)
            self._names.give_back(name, now)

    def sizes(self) -> tuple[int, int]:
        """Return how many address and name buckets are kept."""
        with self._lock:
            return len(self._addresses), len(self._names)
