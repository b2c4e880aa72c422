"""Per-client sliding window."""

import threading

import pytest

from page.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_allows_the_limit_then_refuses_with_the_wait():
    clock = Clock()
    rl = RateLimiter(3, window=60, clock=clock)
    assert [rl.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.t += 10
    assert rl.hit("a") == pytest.approx(50.0)


def test_window_slides():
    clock = Clock()
    rl = RateLimiter(2, window=60, clock=clock)
    rl.hit("a")
    clock.t += 30
    rl.hit("a")
    clock.t += 31  # the first hit is now out of the window, the second is not
    assert rl.hit("a") == 0.0
    assert rl.hit("a") > 0


def test_refused_requests_do_not_extend_the_wait():
    clock = Clock()
    rl = RateLimiter(1, window=60, clock=clock)
    rl.hit("a")
    for _ in range(5):
        clock.t += 10
        rl.hit("a")
    clock.t += 10.5  # 60.5 s after the only allowed hit
    assert rl.hit("a") == 0.0


def test_clients_are_counted_separately():
    rl = RateLimiter(1, clock=Clock())
    assert rl.hit("ip:10.0.0.1") == 0.0
    assert rl.hit("ip:10.0.0.2") == 0.0
    assert rl.hit("ip:10.0.0.1") > 0


def test_idle_clients_are_forgotten():
    clock = Clock()
    rl = RateLimiter(1, window=60, clock=clock)
    for i in range(1001):
        rl.hit(f"c{i}")
    clock.t += 61
    rl.hit("new")
    rl.hit("another")
    assert len(rl) < 10


def test_thread_safe_count():
    rl = RateLimiter(100, clock=Clock())
    allowed = []

    def worker():
        for _ in range(50):
            allowed.append(rl.hit("same") == 0.0)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 100


def test_limit_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(0)


def test_page_limits_count_per_account_and_per_address():
    from page.ratelimit import PageLimits

    clock = [0.0]
    limits = PageLimits(per_account=2, per_address=3, clock=lambda: clock[0])
    assert limits.hit("user:rotterdam", "ip:10.0.0.1") == (0.0, 0)
    assert limits.hit("user:rotterdam", "ip:10.0.0.2") == (0.0, 0)
    wait, limit = limits.hit("user:rotterdam", "ip:10.0.0.3")  # the account is full, from any address
    assert wait > 0 and limit == 2
    assert limits.hit("user:schiedam", "ip:10.0.0.1") == (0.0, 0)
    assert limits.hit("user:delft", "ip:10.0.0.1") == (0.0, 0)
    wait, limit = limits.hit("user:vlaardingen", "ip:10.0.0.1")  # the address is full, for any account
    assert wait > 0 and limit == 3
    assert limits.hit(None, "ip:10.0.0.9") == (0.0, 0)  # no login (loopback): the address is the client
    assert limits.hit(None, "ip:10.0.0.9") == (0.0, 0)
    assert limits.hit(None, "ip:10.0.0.9")[1] == 2
    clock[0] += 61
    assert limits.hit("user:rotterdam", "ip:10.0.0.1") == (0.0, 0)
