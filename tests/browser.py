"""Headless Chromium for the browser tests (the steps page, the replay page, the pictures),
driven with selenium: one way to start it, shared by all of them.

Skipped where selenium, Chromium or chromedriver is missing; CI installs Debian's chromium
and chromium-driver. An explicit chromedriver means selenium never tries to download one."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

# As root, on a machine without network: no sandbox, no GPU, nothing that calls home.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> Any:
    """selenium's webdriver module; skips the calling test module without a browser."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium and chromedriver are not installed", allow_module_level=True)
    return webdriver


@contextmanager
def chromium(window_size: str) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, its console log kept, quit afterwards."""
    webdriver = require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="micrograd-chromium-")
    for flag in [*FLAGS, f"--window-size={window_size}", f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(browser: Any, page: Path, read: str, fragment: str = "") -> Any:
    """Load `page` (at `#fragment`) afresh and return what the script `read` reads from it."""
    browser.get("about:blank")  # a fresh load, even when only the fragment differs
    browser.get(page.as_uri() + fragment)
    return browser.execute_script(read)


def press(browser: Any, key: str, read: str) -> Any:
    """Press `key` on the page and return what the script `read` reads from it then."""
    browser.find_element("tag name", "body").send_keys(key)
    return browser.execute_script(read)
