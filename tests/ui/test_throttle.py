"""Login throttling, unit level: a fake clock; the real server is tested in tests/reliability."""

from __future__ import annotations

from page.throttle import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_locks_after_the_free_failures_doubling_and_the_right_password_works_after(caplog):
    clock = Clock()
    t = LoginThrottle(free=5, base=2.0, cap=60.0, clock=clock)
    keys = ("ip:10.0.0.1", "user:rotterdam")
    for _ in range(5):
        assert t.wait(*keys) == 0.0
        assert t.failed(*keys) == 0.0
    assert t.failed(*keys) == 2.0  # the sixth failure locks for 2 s
    assert "Inloggen geblokkeerd voor ip:10.0.0.1: 6 mislukte pogingen, 2 s" in caplog.text
    assert t.wait("ip:10.0.0.1") == 2.0 and t.wait("user:rotterdam") == 2.0
    assert t.wait("ip:10.0.0.2", "user:schiedam") == 0.0  # other addresses and accounts are free
    clock.now += 2.0
    assert t.wait(*keys) == 0.0
    assert t.failed(*keys) == 4.0  # each further failure doubles the lock
    clock.now += 4.0
    assert t.failed(*keys) == 8.0
    clock.now += 100
    for _ in range(10):
        t.failed(*keys)
    assert t.failed(*keys) == 60.0  # capped
    clock.now += 60
    t.succeeded(*keys)  # the right password after the lock: counts cleared
    assert t.wait(*keys) == 0.0 and t.failed(*keys) == 0.0


def test_an_account_is_throttled_from_many_addresses_and_an_address_across_accounts():
    clock = Clock()
    t = LoginThrottle(free=3, base=1.0, clock=clock)
    for n in range(4):
        t.failed(f"ip:10.0.0.{n}", "user:delft")
    assert t.wait("ip:10.0.0.99", "user:delft") > 0
    for n in range(4):
        t.failed("ip:10.0.1.1", f"user:naam{n}")
    assert t.wait("ip:10.0.1.1", "user:nieuw") > 0
