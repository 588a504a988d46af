"""`confsite publish`: releases served by a real nginx from DEST/current, switched while
readers fetch pages, rolled back, and killed at every step without a broken site."""
from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import tools
from generator.commands.publish import PAUSE_ENV, POINTS

pytestmark = [pytest.mark.kill, pytest.mark.tool]

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(rb'<meta name="confsite-release" content="([0-9a-f]+)">')
URLS = ["", "bai-viet/bac-bo-tong-ket-2020/", "cum-thi-dua/bac-bo/", "feed.xml", "cum-thi-dua/bac-bo/feed.xml",
        "sitemap.xml", "robots.txt", "du-lieu/", "du-lieu/diem.csv", "du-lieu/hoi-nghi.json"]


def run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)
    if check and proc.returncode != 0:
        pytest.fail(f"confsite {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}", pytrace=False)
    return proc


@pytest.fixture(scope="module")
def contents(tmp_path_factory) -> tuple[Path, Path]:
    """Two versions of the content: A (as bundled) and B (a report retitled, a score changed)."""
    base = tmp_path_factory.mktemp("publish")
    a, b = base / "a", base / "b"
    shutil.copytree(ROOT / "content", a)
    shutil.copytree(ROOT / "content", b)
    report = b / "reports/2020/bac-bo-tong-ket-2020.md"
    text = report.read_text("utf-8")
    text = text.replace("Hải Phòng đứng đầu với 994 điểm", "Hải Phòng dẫn đầu với 995 điểm")
    text = text.replace("points: 994,", "points: 995,")
    report.write_text(text, "utf-8")
    return a, b


def release_of(dest: Path) -> str:
    return os.readlink(dest / "current").split("/")[-1]


def marker(data: bytes) -> bytes:
    m = MARKER.search(data)
    assert m, "every page carries the release marker"
    return m.group(1)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def release_bytes(dest: Path, name: str, url: str) -> bytes:
    path = dest / "releases" / name / url
    return (path / "index.html" if url == "" or url.endswith("/") else path).read_bytes()


def test_publish_and_rollback_under_load_never_serve_an_error_or_a_mix(contents, tmp_path: Path):
    a, b = contents
    dest = tmp_path / "dest"
    run("publish", str(dest), "--content", str(a), "--keep", "3")
    rel_a = release_of(dest)
    assert sorted(p.name for p in (dest / "releases").iterdir()) == [rel_a]

    with tools.nginx_server(dest / "current", "/tin/") as base:
        seen: list[tuple[str, int, bytes]] = []
        stop = threading.Event()
        fetched = threading.Condition()

        def reader() -> None:
            while not stop.is_set():
                for url in URLS:
                    status, body = fetch(base + url)
                    with fetched:
                        seen.append((url, status, body))
                        fetched.notify_all()

        def served_more(count: int = 2 * len(URLS)) -> None:
            """Wait until the readers have had *count* more answers (the site is under load)."""
            with fetched:
                goal = len(seen) + count
                assert fetched.wait_for(lambda: len(seen) >= goal, timeout=60), "the readers got no answers"

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            served_more()
            run("publish", str(dest), "--content", str(b), "--keep", "3")
            rel_b = release_of(dest)
            served_more()
            out = run("publish", "--rollback", str(dest))
            assert release_of(dest) == rel_a and rel_b in out.stdout
            served_more()
        finally:
            stop.set()
            for t in threads:
                t.join()

    assert rel_a != rel_b
    versions = {name: {u: release_bytes(dest, name, u) for u in URLS} for name in (rel_a, rel_b)}
    assert versions[rel_a][""] != versions[rel_b][""]
    assert versions[rel_a]["du-lieu/diem.csv"] != versions[rel_b]["du-lieu/diem.csv"]
    served = {rel_a: 0, rel_b: 0}
    for url, status, body in seen:
        assert status == 200, f"/{url} answered {status}"
        owner = [name for name, files in versions.items() if files[url] == body]
        assert owner, f"/{url} served bytes that belong to no complete release"
        if len(owner) == 1:
            served[owner[0]] += 1
        if url.endswith("/") or url == "":
            assert marker(body) == marker(versions[owner[0]][""])
    assert len(seen) > 3 * len(URLS) and served[rel_a] and served[rel_b], served


def test_keep_prunes_old_releases_and_rollback_stops_at_the_oldest(contents, tmp_path: Path):
    a, b = contents
    dest = tmp_path / "dest"
    names = []
    for content in (a, b, a):
        run("publish", str(dest), "--content", str(content), "--keep", "2")
        names.append(release_of(dest))
    assert names == sorted(names) and len(set(names)) == 3
    assert sorted(p.name for p in (dest / "releases").iterdir()) == names[1:]
    run("publish", "--rollback", str(dest))
    assert release_of(dest) == names[1]
    failed = run("publish", "--rollback", str(dest), check=False)
    assert failed.returncode == 1 and "no earlier release to go back to" in failed.stderr
    assert release_of(dest) == names[1]


def test_a_failed_build_leaves_current_alone(contents, tmp_path: Path):
    a, _ = contents
    dest = tmp_path / "dest"
    run("publish", str(dest), "--content", str(a))
    live = release_of(dest)
    broken = tmp_path / "broken"
    shutil.copytree(a, broken)
    report = broken / "reports/2020/bac-bo-tong-ket-2020.md"
    report.write_text(report.read_text("utf-8").replace("date: 2020-12-11", "date: 11/12/2020"), "utf-8")
    proc = run("publish", str(dest), "--content", str(broken), check=False)
    assert proc.returncode == 1
    line = report.read_text("utf-8").splitlines().index("date: 11/12/2020") + 1
    assert f"bac-bo-tong-ket-2020.md:{line}: date:" in proc.stderr and "Traceback" not in proc.stderr
    assert release_of(dest) == live and [p.name for p in (dest / "releases").iterdir()] == [live]


def _kill_at(point: str, content: Path, dest: Path, tmp_path: Path) -> None:
    """Run a publish that stops at *point*, and kill it there. The publish announces the
    point on a named pipe; the test waits on the pipe and the publish's stderr together, so
    it wakes the moment either speaks (no polling)."""
    signal_file = tmp_path / f"paused-{point}"
    os.mkfifo(signal_file)
    pipe = os.open(signal_file, os.O_RDONLY | os.O_NONBLOCK)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "publish", str(dest), "--content", str(content)],
                            cwd=ROOT, env={**os.environ, PAUSE_ENV: f"{point}:{signal_file}"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        said, err = b"", b""
        deadline = time.monotonic() + 60
        while said != point.encode():
            ready, _, _ = select.select([pipe, proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                pytest.fail(f"publish never reached {point}", pytrace=False)
            if pipe in ready:
                chunk = os.read(pipe, 64)
                if not chunk:
                    pytest.fail(f"publish closed the pause pipe having said {said!r}, not {point}", pytrace=False)
                said += chunk
            if proc.stderr in ready:
                chunk = os.read(proc.stderr.fileno(), 65536)
                err += chunk
                if not chunk:
                    proc.wait(timeout=10)
                    pytest.fail(f"publish ended before {point}: {err.decode()}", pytrace=False)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stderr.close()
        os.close(pipe)


def test_a_publish_killed_at_any_step_leaves_a_complete_release_served(contents, tmp_path: Path):
    a, b = contents
    dest = tmp_path / "dest"
    run("publish", str(dest), "--content", str(a))
    rel_a = release_of(dest)
    with tools.nginx_server(dest / "current", "/tin/") as base:
        for point in POINTS:
            _kill_at(point, b, dest, tmp_path)
            live = release_of(dest)
            expected = rel_a if POINTS.index(point) < POINTS.index("switched") else live
            assert live == expected, point
            assert (dest / "releases" / live / ".confsite.json").is_file()
            for url in URLS:
                status, body = fetch(base + url)
                assert status == 200, (point, url)
                assert body == release_bytes(dest, live, url), (point, url)
            if live != rel_a:                     # killed after the switch: B is live; roll back to A
                run("publish", "--rollback", str(dest))
                assert release_of(dest) == rel_a
    # The next publish clears what the killed ones left (staging folders, temporary
    # links, releases installed but never made current) and goes live.
    run("publish", str(dest), "--content", str(b))
    rel_b = release_of(dest)
    assert rel_b != rel_a
    assert sorted(p.name for p in (dest / "releases").iterdir()) == [rel_a, rel_b]
    assert not list(dest.glob(".current-*"))
    run("publish", "--rollback", str(dest))
    assert release_of(dest) == rel_a
