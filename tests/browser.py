"""Headless Chromium for the page tests: the system's chromium, driven by Playwright, offline."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (scripts/setup --tests installs it; Debian: apt-get install "
    "chromium)",
)
# No network, no updates, no first-run pages: the page is a local file.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
