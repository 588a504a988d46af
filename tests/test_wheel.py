"""The editors' install path: a wheel, installed into a fresh environment, builds the same site.

A wheel is built from a copy of the sources, installed into a new virtual environment
in an empty folder (no checkout anywhere on its path), and `confsite build` of a copy
of the bundled content/ must give the very files, byte for byte, that the in-tree
`python -m generator build` (what `make site` runs) gives. A template, static file,
translation or any other file the package forgets to ship makes the two differ or the
installed build fail.

The dependencies come from the test environment itself (its site-packages joined by a
.pth file): offline and quick, and the confsite package can come only from the wheel,
which the test checks.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import tools
from sitekit import tree_bytes

pytestmark = pytest.mark.slow

ROOT = tools.ROOT
SOURCES = ("pyproject.toml", "README.md", "generator", "templates")


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}",
                    pytrace=False)
    return proc


def build_wheel(dest: Path) -> Path:
    src = dest / "src"
    src.mkdir(parents=True)
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    # --no-build-isolation: setuptools comes from the locked test environment, no download.
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(dest / "dist"), str(src)], cwd=dest)
    (wheel,) = (dest / "dist").glob("confsite-*.whl")
    return wheel


def fresh_environment(folder: Path, wheel: Path) -> Path:
    """A new venv holding the wheel; everything else from this environment's site-packages."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)], cwd=folder.parent)
    python = folder / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                       cwd=folder).stdout.strip())
    ours = {Path(sysconfig.get_path("purelib")), Path(sysconfig.get_path("platlib"))}
    # Plain paths in a .pth are only added to sys.path: the editable install's own hook in
    # this environment (a .pth of its own there) is not run, so `generator` is not found
    # through it.
    (purelib / "test-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), "utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        cwd=folder)
    return python


def test_the_wheel_in_a_fresh_environment_builds_the_same_site(tmp_path):
    wheel = build_wheel(tmp_path / "wheel")
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/render/locale/vi.mo" in names and any(n.startswith("generator/render/templates/static/") for n in names)

    empty = tmp_path / "editor"          # an empty folder: no checkout, no sources beside it
    empty.mkdir()
    python = fresh_environment(empty / "env", wheel)
    confsite = empty / "env" / "bin" / "confsite"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    where = run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=empty, env=env).stdout
    assert Path(where.strip()).is_relative_to(empty / "env"), f"generator imported from {where}"

    shutil.copytree(ROOT / "content", empty / "content")
    installed = run([str(confsite), "build"], cwd=empty, env=env)

    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "content", tree / "content")
    in_tree = run([sys.executable, "-m", "generator", "build", "--content", str(tree / "content"),
                   "--output", str(tree / "site")], cwd=ROOT)
    # the same summary ("built N articles ..."), whatever the bundled content holds
    assert installed.stdout.startswith("built "), installed.stdout + installed.stderr
    assert installed.stdout.split()[:3] == in_tree.stdout.split()[:3], installed.stdout + in_tree.stdout

    made, expected = tree_bytes(empty / "site"), tree_bytes(tree / "site")
    assert sorted(made) == sorted(expected)
    assert [name for name in sorted(expected) if made[name] != expected[name]] == []
