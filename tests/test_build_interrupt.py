"""Nothing is lost: a build killed at any moment leaves the previous site intact, the
next build recovers, and two builds on one output never interleave.

The build is stopped at named points of the write stage with the test hook
``CONFSITE_TEST_PAUSE=<point>`` (it prints ``paused at <point>`` and waits), then
killed with SIGKILL, as a power cut or the OOM killer would.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import tools
from sitekit import PROGRESS
from test_hostile_content import tree_digest

pytestmark = pytest.mark.kill

POINTS_BEFORE_SWAP = ["locked", "writing", "staged"]


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict:
    """Content A (the bundled site), content B (A with one article changed and one added),
    and a reference build of each in its own folder."""
    root = tmp_path_factory.mktemp("interrupt")
    a = root / "content-a"
    shutil.copytree(tools.ROOT / "content", a)
    b = root / "content-b"
    shutil.copytree(a, b)
    reports = sorted((b / "reports").rglob("*.md"))
    reports[0].write_text(reports[0].read_text("utf-8").replace("\n---\n", "\n---\nĐoạn mở đầu mới.\n\n", 1), "utf-8")
    (b / "reports" / "moi.md").write_text("---\ntitle: Bài mới\ndate: 2024-05-01\n---\nNội dung mới.\n", "utf-8")
    refs = {}
    for name, content in (("a", a), ("b", b)):
        out = root / f"ref-{name}" / "site"
        proc = build(content, out)
        assert proc.returncode == 0, proc.stderr
        refs[name] = tree_digest(out)
    assert refs["a"] != refs["b"]
    return {"a": a, "b": b, "ref_a": refs["a"], "ref_b": refs["b"]}


def command(content: Path, output: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--content", str(content), "--output", str(output)]


def build(content: Path, output: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(content, output), capture_output=True, text=True, cwd=tools.ROOT,
                          env={**os.environ, **env}, timeout=120)


def start_paused(content: Path, output: Path, point: str, resume: Path | None = None, **env: str):
    """Start a build that stops at *point*; return it once it says so."""
    extra = {"CONFSITE_TEST_PAUSE": point, **env}
    if resume is not None:
        extra["CONFSITE_TEST_RESUME"] = str(resume)
    proc = subprocess.Popen(command(content, output), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tools.ROOT, env={**os.environ, **extra}, start_new_session=True)
    line = proc.stderr.readline().decode()
    while PROGRESS.match(line):         # "[5/6] write … 2.2 s": a busy machine slowed the build
        line = proc.stderr.readline().decode()
    if f"paused at {point}" not in line:
        proc.kill()
        out, err = proc.communicate(timeout=30)
        pytest.fail(f"the build did not stop at {point}: {line}{err.decode()}")
    return proc


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def leftovers(output: Path) -> list[str]:
    """Half-done work beside the output; the lock and the spare (the site before, kept
    for the next build to bring up to date) belong there."""
    return sorted(p.name for p in output.parent.glob(f".{output.name}.*")
                  if not p.name.endswith((".lock", ".spare")))


@pytest.fixture
def published(versions, tmp_path) -> Path:
    output = tmp_path / "public" / "site"
    proc = build(versions["a"], output)
    assert proc.returncode == 0, proc.stderr
    assert tree_digest(output) == versions["ref_a"]
    return output


@pytest.mark.parametrize("point", POINTS_BEFORE_SWAP)
def test_kill_before_the_swap_keeps_the_previous_site(versions, published, point):
    proc = start_paused(versions["b"], published, point)
    kill(proc)
    assert tree_digest(published) == versions["ref_a"], f"killed at {point}: the previous site changed"
    again = build(versions["b"], published)
    assert again.returncode == 0, again.stderr
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published) == []


def test_kill_right_after_the_swap_leaves_the_new_site(versions, published):
    proc = start_paused(versions["b"], published, "swapped")
    kill(proc)
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published)                      # the old site, not yet removed
    again = build(versions["b"], published)
    assert again.returncode == 0, again.stderr
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published) == []


def test_kill_between_the_two_renames_is_recovered(versions, published):
    """Where renameat2 cannot exchange folders, the swap is two renames; a build killed
    between them leaves the previous site beside the output, and the next build restores it."""
    proc = start_paused(versions["b"], published, "renamed", CONFSITE_TEST_NO_EXCHANGE="1")
    kill(proc)
    assert not published.exists()
    olds = [p for p in published.parent.glob(".site.old-*")]
    assert len(olds) == 1 and tree_digest(olds[0]) == versions["ref_a"]
    again = build(versions["b"], published, CONFSITE_TEST_NO_EXCHANGE="1")
    assert again.returncode == 0, again.stderr
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published) == []


def test_a_second_build_is_refused_while_one_is_writing(versions, published, tmp_path):
    resume = tmp_path / "resume"
    os.mkfifo(resume)
    first = start_paused(versions["b"], published, "writing", resume)
    try:
        second = build(versions["a"], published)
        assert second.returncode == 1
        assert "another build is writing to site/ right now" in second.stderr
        assert "wait for it to finish, then build again" in second.stderr
        assert "Traceback" not in second.stderr
        assert tree_digest(published) == versions["ref_a"]    # the first has not swapped yet
    finally:
        # The paused build holds the pipe open for reading (no reader: ENXIO, a clear failure).
        pipe = os.open(resume, os.O_WRONLY | os.O_NONBLOCK)
        os.write(pipe, b"go")
        os.close(pipe)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err.decode()
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published) == []


def test_builds_started_together_leave_one_complete_site(versions, published):
    procs = [subprocess.Popen(command(versions["b"], published), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=tools.ROOT, text=True) for _ in range(3)]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    assert any(code == 0 for code, _ in results), results
    for code, err in results:
        assert code == 0 or (code == 1 and "another build is writing" in err), err
    assert tree_digest(published) == versions["ref_b"]
    assert leftovers(published) == []
