"""Suite-wide options and fixtures.

- ``--update-golden``: golden-file tests rewrite their expected output instead of
  comparing (fixture ``update_golden``); review the diff like code.
- ``browser``: one headless Debian chromium (Playwright) for the session.
- ``page``: a fresh page in its own context with ``bypass_csp=True`` (so axe can be
  injected), closed after the test.
- Hypothesis profiles: ``ci`` (bounded, used when CI is set), ``dev`` (default),
  ``long`` (the documented long run); choose with ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import tools` from any test module

# The suite's tests read the command line's messages in English (the tool's own default is
# Vietnamese); the tests of the Vietnamese messages choose their language themselves.
os.environ["CONFSITE_LANG"] = "en"

import tools  # noqa: E402

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is in the [test] extra
    settings = None

if settings is not None:
    settings.register_profile(
        "ci", max_examples=100, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile("dev", max_examples=100, deadline=1000)
    settings.register_profile("long", max_examples=20_000, deadline=None, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files with the current output instead of comparing against them",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def project_root() -> Path:
    return tools.ROOT


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    b = tools.launch_chromium(playwright)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = tools.new_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- Tests never change tracked files ------------------------------------------------
# A build of the bundled content/ in place would rewrite content/.published-urls, a golden
# file written by mistake would change tests/: the session fails when any file git tracks
# has other bytes at the end than at the start (unless --update-golden was asked for).

def _tracked_files() -> dict[str, str] | None:
    import hashlib
    import subprocess

    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=tools.ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None     # not a git checkout (e.g. a source archive): nothing to compare
    found = {}
    for name in listed.stdout.decode("utf-8", "surrogateescape").split("\0"):
        path = tools.ROOT / name
        if name and path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_TRACKED] = _tracked_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_TRACKED, None)
    if before is None or session.config.getoption("--update-golden"):
        return
    after = _tracked_files() or {}
    changed = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = ("the tests changed files that git tracks (a test must work on a copy): "
                   + ", ".join(changed[:10]) + (" …" if len(changed) > 10 else ""))
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(message, red=True, bold=True)
        else:
            print(message, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_TRACKED = pytest.StashKey[dict[str, str] | None]()


# -- markers: `make test-fast` runs what is left without them ----------------------------
# browser: drives headless Chromium (added here to every test that asks for it);
# tool: runs an outside program (vnu, zbar, rsvg, poppler, nginx);
# kill: starts confsite in a process of its own and kills or interrupts it;
# slow: any of these, and whatever else takes more than a few seconds (whole-corpus
# builds, property tests, random edit sequences). The markers are declared in pyproject.toml.
BROWSER_FIXTURES = {"playwright", "browser", "page"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if any(item.get_closest_marker(m) for m in ("browser", "tool", "kill")):
            item.add_marker(pytest.mark.slow)
