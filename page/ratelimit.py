"""Per-client sliding-window rate limit for the page: at most N questions in any 60 seconds."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Sliding window per key (client address or user name); thread-safe, forgets idle clients."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds until `key` may make a request, without counting one (0.0: now)."""
        now = self._clock()
        with self._lock:
            q = self._hits.get(key)
            if q is None:
                return 0.0
            while q and q[0] <= now - self.window:
                q.popleft()
            return max(q[0] + self.window - now, 0.001) if len(q) >= self.limit else 0.0

    def hit(self, key: str) -> float:
        """Count one request of `key`; 0.0 when allowed, else the seconds until the next one is."""
        now = self._clock()
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(q[0] + self.window - now, 0.001)
            q.append(now)
            if len(self._hits) > 1000:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        # Bounded memory: a client with no request inside the window has nothing left to count.
        for key in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.window]:
            del self._hits[key]

    def __len__(self) -> int:
        return len(self._hits)


class PageLimits:
    """The page's limits: questions per account and, separately, per client address.

    An account is one officer or municipality; an address may be an office behind one NAT router with
    several accounts, so it has a limit of its own (higher by default). A request must be inside both;
    a refused one counts for neither. Without a login, the address counts as the account too.
    """

    def __init__(self, per_account: int, per_address: int, clock: Callable[[], float] = time.monotonic):
        self.account = RateLimiter(per_account, clock=clock)
        self.address = RateLimiter(per_address, clock=clock)
        self._lock = threading.Lock()

    def hit(self, account_key: str | None, address_key: str) -> tuple[float, int]:
        """(0.0, 0) when allowed (and counted), else (seconds to wait, the limit that was reached)."""
        # Without a login (loopback) the address is the one client: the per-account limit holds for it.
        pairs = [(self.account, account_key or address_key), (self.address, address_key)]
        with self._lock:
            for limiter, key in pairs:
                wait = limiter.wait(key)
                if wait:
                    return wait, limiter.limit
            for limiter, key in pairs:
                limiter.hit(key)
        return 0.0, 0
