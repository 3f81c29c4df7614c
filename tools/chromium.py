"""Debian's Chromium, as the browser tests, `make audit` and `make screenshots` launch it.

No browser is ever downloaded (`playwright install` is not used): every tool points at the
system package. The flags keep a headless Chromium off the network it would otherwise keep
trying to reach (updates, sync, field trials), so runs are offline and repeatable.
"""

import os
from pathlib import Path

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def playwright_launch_args():
    """The flags for Playwright, which adds --headless itself unless asked for a visible browser."""
    return [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]


def chromium_available():
    return CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def in_ci():
    """True on the CI machine (`.ci/run` exports CI=true), where quality tools must all run."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")
