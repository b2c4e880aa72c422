"""Helpers of the page tests: free ports, asking in the page, reading toasts, measuring overflow.

A module of its own (not conftest) so the test modules can import it: several conftest.py files exist.
"""

import socket
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(page, question: str, *, press_enter: bool = False):
    """Type a question and send it; returns the locator of the newest answer once it is there."""
    before = page.locator('#gesprek [data-testid="bot"]').count()
    page.fill("#vraag textarea", question)
    if press_enter:
        page.press("#vraag textarea", "Enter")
    else:
        page.click("#verstuur")
    page.wait_for_function(
        "n => document.querySelectorAll('#gesprek [data-testid=\"bot\"]').length > n", arg=before
    )
    return page.locator('#gesprek [data-testid="bot"]').last


def toast_text(page) -> str:
    """Text of the error toast that appears for gr.Error."""
    toast = page.locator(".toast-body").last
    toast.wait_for()
    return toast.inner_text()


def no_horizontal_overflow(page) -> dict:
    return page.evaluate(
        """() => {
        const doc = document.documentElement;
        const chat = document.querySelector('#gesprek');
        const wide = [...document.querySelectorAll('#gesprek *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.className);
        return {doc: doc.scrollWidth, viewport: window.innerWidth,
                chatRight: chat.getBoundingClientRect().right, wide: wide.slice(0, 5)};
    }"""
    )
