"""The wheel carries every stage, the theme and the catalogue, and an installed confsite builds
a Vietnamese site from them (not from a checkout's ``templates/``)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tools

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--disable-pip-version-check", "-q", "-w", str(out), str(tools.ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    found = sorted(out.glob("confsite-*.whl"))
    assert len(found) == 1, found
    return found[0]


def test_wheel_holds_every_stage_theme_and_catalogue(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for stage in ("core", "cache", "output", "content", "site", "render", "build", "commands"):
        assert f"generator/{stage}/__init__.py" in names
    for name in ("base.html", "article.html", "sitemap.xml", "robots.txt", "static/style.css", "static/search.js"):
        assert f"generator/render/templates/{name}" in names
    assert "generator/render/locale/vi.po" in names
    assert "generator/render/locale/vi.mo" in names       # the theme's strings, compiled
    assert "generator/core/locale/vi/LC_MESSAGES/cli.mo" in names      # the command line's messages
    ours = {p.relative_to(tools.ROOT).as_posix() for p in (tools.ROOT / "generator").rglob("*.py")}
    assert ours <= names


def test_installed_package_builds_the_site_with_its_own_theme(wheel: Path, tmp_path: Path) -> None:
    site_packages = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(site_packages)
    work = tmp_path / "work"
    shutil.copytree(tools.ROOT / "content", work / "content")
    env = {**os.environ, "PYTHONPATH": str(site_packages)}
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.path.remove(''); "
                           "import generator.core.bundle as b; print(b.bundled_templates()); "
                           "from generator.commands.cli import run; sys.argv[1:] = ['build']; run()"],
                          cwd=work, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr
    theme = Path(proc.stdout.splitlines()[0])
    assert theme.is_relative_to(site_packages), theme
    home = (work / "site" / "index.html").read_text("utf-8")
    assert 'lang="vi"' in home
    assert list((work / "site" / "static").glob("style.*.css"))
