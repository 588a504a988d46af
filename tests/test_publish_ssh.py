"""`confsite publish user@host:/folder`: releases on a real OpenSSH server (sshd on loopback,
a throwaway user and keys), served by nginx from DEST/current while readers fetch pages,
rolled back, killed at every step, raced, and every fault with its exact message."""
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
from pathlib import Path

import pytest

import tools
from generator.commands.publish import PAUSE_ENV
from generator.commands.remote import POINTS as REMOTE_POINTS
from sshkit import SSHServer, ssh_server
from test_publish import URLS, fetch, release_bytes, release_of

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "docs/publishing-ssh.md"
CLUSTERS = ("Cụm thi đua các tỉnh, thành Bắc Bộ", "Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc",
            "Cụm thi đua Sở Nội vụ các tỉnh, thành miền Trung, Tây Nguyên")


@pytest.fixture(scope="module")
def server() -> SSHServer:
    with ssh_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def contents(tmp_path_factory) -> tuple[Path, Path]:
    """Two versions of the bundled content: A as it is, B with one report edited."""
    base = tmp_path_factory.mktemp("ssh-publish")
    a, b = base / "a", base / "b"
    shutil.copytree(ROOT / "content", a)
    shutil.copytree(ROOT / "content", b)
    edit(b / "reports/2020/bac-bo-tong-ket-2020.md")
    return a, b


def edit(report: Path) -> None:
    text = report.read_text("utf-8")
    assert "994 điểm" in text
    report.write_text(text.replace("994 điểm", "995 điểm").replace("points: 994,", "points: 995,"), "utf-8")


def run(server: SSHServer, *args: str, config: Path | None = None, env: dict | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "generator", "publish", *args, "--ssh-config", str(config or server.client_config("good"))]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
                          timeout=600)
    if check and proc.returncode != 0:
        pytest.fail(f"confsite {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}", pytrace=False)
    return proc


def failure(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr.strip().splitlines()[-1]


@pytest.mark.tool
def test_publish_edit_and_rollback_over_ssh_under_load(server: SSHServer, contents):
    a, b = contents
    dest = server.folder("load")
    out = run(server, server.url(dest), "--content", str(a), "--keep", "3").stdout
    rel_a = release_of(dest)
    assert f"{server.url(dest)}/current points at it" in out
    assert os.stat(dest / "releases" / rel_a / "index.html").st_uid == server.ids[0]

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

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            run(server, f"portal:{dest}", "--content", str(b), "--keep", "3")    # the ~/.ssh/config alias form
            rel_b = release_of(dest)
            with fetched:
                goal = len(seen)
            out = run(server, server.url(dest), "--rollback").stdout
            assert out == f"rolled back {server.url(dest)}/current from {rel_b} to {rel_a}\n"
            assert release_of(dest) == rel_a
            with fetched:                                # readers see the rolled-back site too
                goal += 2 * len(URLS)
                assert fetched.wait_for(lambda: len(seen) >= goal, timeout=60), "the readers got no answers"
        finally:
            stop.set()
            for t in threads:
                t.join()

    versions = {name: {u: release_bytes(dest, name, u) for u in URLS} for name in (rel_a, rel_b)}
    assert versions[rel_a][""] != versions[rel_b][""]
    served = {rel_a: 0, rel_b: 0}
    for url, status, body in seen:
        assert status == 200, f"/{url} answered {status}"
        owner = [name for name, files in versions.items() if files[url] == body]
        assert owner, f"/{url} served bytes that belong to no complete release"
        if len(owner) == 1:
            served[owner[0]] += 1
    assert served[rel_a] and served[rel_b], served
    # B was built on the server from A: files that did not change are hard links to A's.
    same = [u for u in ("du-lieu/hoi-nghi.json", "robots.txt") if versions[rel_a][u] == versions[rel_b][u]]
    assert same
    for u in same:
        assert os.stat(dest / "releases" / rel_b / u).st_ino == os.stat(dest / "releases" / rel_a / u).st_ino


@pytest.mark.tool
def test_dry_run_lists_what_would_be_sent_and_removed_and_changes_nothing(server: SSHServer, contents, tmp_path):
    a, _ = contents
    dest = server.folder("dry")
    run(server, server.url(dest), "--content", str(a))
    live = release_of(dest)
    before = sorted(p.name for p in (dest / "releases").iterdir())
    changed = tmp_path / "c"
    shutil.copytree(a, changed)
    edit(changed / "reports/2020/bac-bo-tong-ket-2020.md")
    (changed / "reports/2023/trien-khai-cong-tac-noi-vu-2023.md").unlink()
    proc = run(server, server.url(dest), "--content", str(changed), "--dry-run", "--allow-removed")
    lines = proc.stdout.splitlines()
    assert "would send: bai-viet/bac-bo-tong-ket-2020/index.html" in lines
    assert "would remove: bai-viet/trien-khai-cong-tac-noi-vu-2023/index.html" in lines
    assert "would send: robots.txt" not in lines
    m = re.fullmatch(rf"dry run: (\d+) file\(s\) would be sent \(([\d,]+) bytes before rsync's differences and "
                     rf"compression\), (\d+) removed; {re.escape(server.url(dest))}/current was not changed", lines[-1])
    assert m and int(m[1]) == sum(x.startswith("would send: ") for x in lines)
    assert int(m[3]) == sum(x.startswith("would remove: ") for x in lines) > 0
    assert 0 < int(m[2].replace(",", "")) < sum(p.stat().st_size for p in (dest / "current").rglob("*")
                                                 if p.is_file())
    assert release_of(dest) == live and sorted(p.name for p in (dest / "releases").iterdir()) == before


def _pause_at(server: SSHServer, point: str, content: Path, dest: Path, tmp_path: Path) -> subprocess.Popen:
    """Start a publish that stops at *point* (the project's publish test hook) and return it
    there, still running. The publish announces the point on a named pipe; the test waits on
    the pipe and the publish's stderr together, so it wakes the moment either speaks (no
    polling). A publish that never gets there is killed."""
    signal_file = tmp_path / f"paused-{point}"
    signal_file.unlink(missing_ok=True)
    os.mkfifo(signal_file)
    pipe = os.open(signal_file, os.O_RDONLY | os.O_NONBLOCK)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "publish", server.url(dest), "--content", str(content),
                             "--ssh-config", str(server.client_config("good"))],
                            cwd=ROOT, env={**os.environ, PAUSE_ENV: f"{point}:{signal_file}"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        said, err = b"", b""
        deadline = time.monotonic() + 120
        while said != point.encode():
            ready, _, _ = select.select([pipe, proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                _kill(proc)
                pytest.fail(f"publish never reached {point}: {err.decode()}", pytrace=False)
            if pipe in ready:
                chunk = os.read(pipe, 64)
                if not chunk:
                    _kill(proc)
                    pytest.fail(f"publish closed the pause pipe having said {said!r}, not {point}", pytrace=False)
                said += chunk
            if proc.stderr in ready:
                chunk = os.read(proc.stderr.fileno(), 65536)
                err += chunk
                if not chunk:
                    proc.wait(timeout=10)
                    proc.stderr.close()
                    pytest.fail(f"publish ended before {point}: {err.decode()}", pytrace=False)
    finally:
        os.close(pipe)
    return proc


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stderr.close()


@pytest.mark.tool
@pytest.mark.kill
def test_a_publish_killed_at_any_step_leaves_the_live_site_whole(server: SSHServer, contents, tmp_path):
    a, b = contents
    dest = server.folder("kill")
    run(server, server.url(dest), "--content", str(a))
    rel_a = release_of(dest)
    with tools.nginx_server(dest / "current", "/tin/") as base:
        for point in REMOTE_POINTS:
            _kill(_pause_at(server, point, b, dest, tmp_path))
            live = release_of(dest)
            assert (live == rel_a) == (point != "switched"), point
            assert (dest / "releases" / live / ".confsite.json").is_file()
            for url in URLS:
                status, body = fetch(base + url)
                assert status == 200, (point, url)
                assert body == release_bytes(dest, live, url), (point, url)
            if live != rel_a:
                run(server, server.url(dest), "--rollback")
                assert release_of(dest) == rel_a
    # The next publish clears what the killed ones left and goes live.
    run(server, server.url(dest), "--content", str(b))
    rel_b = release_of(dest)
    assert rel_b != rel_a
    assert sorted(p.name for p in (dest / "releases").iterdir()) == [rel_a, rel_b]
    assert not list(dest.glob(".current-*")) and not list(dest.glob(".history-*"))
    run(server, server.url(dest), "--rollback")
    assert release_of(dest) == rel_a


def _stderr_line(proc: subprocess.Popen, wanted: str) -> None:
    deadline = time.monotonic() + 120
    seen = b""
    while wanted.encode() not in seen:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(proc.stderr.fileno(), 4096) if ready else b""
        if not chunk:
            pytest.fail(f"never said {wanted!r}: {seen.decode()}", pytrace=False)
        seen += chunk


@pytest.mark.tool
@pytest.mark.kill
def test_two_publishers_one_fails_clearly_or_waits_never_a_mix(server: SSHServer, contents, tmp_path):
    a, b = contents
    dest = server.folder("race")
    run(server, server.url(dest), "--content", str(a))
    rel_a = release_of(dest)
    first = _pause_at(server, "uploaded", b, dest, tmp_path)     # holds the server's lock, its upload done
    try:
        busy = run(server, server.url(dest), "--content", str(a), "--wait", "0", check=False)
        assert failure(busy) == (f"publish failed: another publish to {server.url(dest)} is running; "
                                 "wait for it to finish, then try again")
        second = subprocess.Popen([sys.executable, "-m", "generator", "publish", server.url(dest), "--content",
                                   str(b), "--ssh-config", str(server.client_config("good"))],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _stderr_line(second, f"another publish to {server.url(dest)} is running; waiting for it to finish")
    finally:
        _kill(first)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0
    rel_b = release_of(dest)
    assert rel_b != rel_a and rel_b in out.decode()
    assert sorted(p.name for p in (dest / "releases").iterdir()) == [rel_a, rel_b]
    assert (dest / ".history").read_text("utf-8").split() == [rel_a, rel_b]


@pytest.mark.tool
def test_ssh_faults_have_messages_that_say_what_to_do(server: SSHServer, contents, tmp_path):
    a, _ = contents
    dest = server.folder("faults")
    url = server.url(dest)
    host = f"127.0.0.1 port {server.port}"

    closed = tools.free_port()
    proc = run(server, server.url(dest, port=closed), "--content", str(a), check=False)
    assert failure(proc) == (
        f"publish failed: cannot reach the server 127.0.0.1 port {closed}; nothing was published; check this "
        "machine's network connection and the server's name and port, and ask the IT staff whether the server "
        "and its SSH service are running")

    proc = run(server, url, "--content", str(a), config=server.client_config("other", key="other_key"), check=False)
    assert failure(proc) == (
        f"publish failed: the server {host} refused the SSH key for {server.user}; nothing was published; ask the IT "
        "staff to add this machine's public key (~/.ssh/id_ed25519.pub) to that account's ~/.ssh/authorized_keys, "
        f"or name the right key in ~/.ssh/config (see {GUIDE})")

    proc = run(server, url, "--content", str(a), config=server.client_config("unknown", known=""), check=False)
    assert failure(proc) == (
        f"publish failed: this machine does not know the host key of {host}; nothing was published; ask the IT "
        "staff for the server's host key fingerprint and add it to ~/.ssh/known_hosts after comparing it "
        f"(see {GUIDE}); confsite never accepts an unknown key by itself")

    impostor = (server.base / "client" / "other_key.pub").read_text("utf-8")
    proc = run(server, url, "--content", str(a), check=False,
               config=server.client_config("changed", known=f"[127.0.0.1]:{server.port} {impostor}"))
    assert failure(proc) == (
        f"publish failed: the server {host} answered with a different host key than the one this machine knows; "
        "nothing was published; this can mean someone is intercepting the connection, or the server was "
        "reinstalled: ask the IT staff whether its key changed and for the new fingerprint; only then remove the "
        f"old key with: ssh-keygen -R 127.0.0.1 (see {GUIDE})")
    # Neither key was accepted behind the editor's back.
    assert (server.base / "client" / "unknown.known_hosts").read_text("utf-8") == ""
    assert (server.base / "client" / "changed.known_hosts").read_text("utf-8") == f"[127.0.0.1]:{server.port} {impostor}"

    root_owned = server.base / "root-owned"
    root_owned.mkdir(mode=0o755)
    proc = run(server, server.url(root_owned / "site"), "--content", str(a), check=False)
    assert failure(proc) == (
        f"publish failed: {server.user} on 127.0.0.1 may not write in {root_owned / 'site'}; nothing was "
        f"published; ask the IT staff to give that account write access to the folder (see {GUIDE})")

    proc = run(server, server.url(dest, port=server.bare_port), "--content", str(a), check=False)
    assert failure(proc) == ("publish failed: rsync is not installed on the server 127.0.0.1; nothing was "
                             "published; ask the IT staff to install it there (Debian/Ubuntu: apt install rsync)")

    bin_dir = tmp_path / "bin"                 # this machine: ssh, but no rsync
    bin_dir.mkdir()
    (bin_dir / "ssh").symlink_to(shutil.which("ssh"))
    proc = run(server, url, "--content", str(a), env={"PATH": str(bin_dir)}, check=False)
    assert failure(proc) == ("publish failed: rsync is not installed on this machine; install it (Debian/Ubuntu: "
                             f"sudo apt install rsync; see {GUIDE}), then publish again")
    assert not dest.joinpath("current").exists()


@pytest.mark.tool
def test_a_full_disk_on_the_server_is_named_and_leaves_current_alone(server: SSHServer, contents, tmp_path):
    a, b = contents
    small = server.folder("small-disk")
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "confsite-test", str(small)],
                           capture_output=True, text=True)
    assert mount.returncode == 0, f"mounting a small tmpfs (the full disk) needs root: {mount.stderr}"
    try:
        os.chown(small, *server.ids)
        dest = small / "site"
        proc = run(server, server.url(dest), "--content", str(a), check=False)
        assert failure(proc) == (
            f"publish failed: the server's disk is full (while uploading the release in {server.url(dest)}); "
            "current was not changed; ask the IT staff to free space on the server, or publish with a smaller "
            "--keep to remove old releases, then publish again")
        assert not (dest / "current").exists()
        assert [p.name for p in (dest / "releases").iterdir()] == []     # the partial upload is gone
    finally:
        subprocess.run(["umount", "--lazy", str(small)], check=True)   # sshd may still be closing the session


# --- a 2,000-article site: one edit sends a few files, not the site ----------------------

def _big_content(root: Path, articles: int) -> Path:
    """The bundled content plus *articles* generated reports, varied enough to look real."""
    shutil.copytree(ROOT / "content", root)
    for i in range(articles):
        year = 2005 + i % 20
        cluster = CLUSTERS[i % len(CLUSTERS)]
        folder = root / "reports" / f"gen-{year}"
        folder.mkdir(exist_ok=True)
        paragraphs = "\n\n".join(
            f"Đoạn {p + 1}: hội nghị lần thứ {i} đánh giá kết quả thi đua, khen thưởng năm {year} của {cluster}. "
            f"Các đơn vị thống nhất {p + i % 7} nội dung trọng tâm: cải cách hành chính, tổ chức bộ máy, "
            f"chính quyền địa phương, công chức, viên chức và công tác thanh niên; kiến nghị Bộ Nội vụ "
            f"hướng dẫn thêm về tiêu chí chấm điểm và khen thưởng năm {year + 1}." for p in range(8))
        attendees = "".join(f"  - Lãnh đạo Sở Nội vụ số {(i + k) % 63 + 1}\n" for k in range(4))
        (folder / f"hoi-nghi-{i:05d}.md").write_text(
            f"---\ntitle: \"Hội nghị số {i} của {cluster} năm {year}\"\nslug: hoi-nghi-{i:05d}\n"
            f"date: {year}-{1 + i % 12:02d}-{1 + i % 28:02d}\ncluster: {cluster}\n"
            f"location: Hội trường số {i % 9 + 1}\nattendees:\n{attendees}"
            f"summary: \"Tóm tắt hội nghị số {i}, năm {year}: các đơn vị trong Cụm đánh giá kết quả thi đua "
            f"và thống nhất nhiệm vụ năm tới.\"\ntags: [thi đua, năm {year}]\n---\n{paragraphs}\n",
            "utf-8")
    return root


@pytest.mark.tool
@pytest.mark.slow
def test_one_edit_to_a_2000_article_site_sends_under_one_percent(server: SSHServer, tmp_path):
    content = _big_content(tmp_path / "big", 2000)
    dest = server.folder("big")
    first = run(server, server.url(dest), "--content", str(content)).stdout
    edit(content / "reports/2020/bac-bo-tong-ket-2020.md")
    out = run(server, server.url(dest), "--content", str(content)).stdout
    m = re.search(r"sent ([\d,]+) bytes for a site of ([\d,]+) bytes", out)
    assert m, out
    sent, size = (int(x.replace(",", "")) for x in m.groups())
    full = int(re.search(r"sent ([\d,]+) bytes", first)[1].replace(",", ""))
    assert size > 30_000_000 and full > size / 20, (first, out)   # the first publish sent the whole site (compressed)
    assert sent < size / 100, out


@pytest.mark.tool
def test_keep_prunes_old_releases_on_the_server_and_rollback_stops_at_the_oldest(server: SSHServer, contents):
    a, b = contents
    dest = server.folder("keep")
    names = []
    for content in (a, b, a):
        out = run(server, server.url(dest), "--content", str(content), "--keep", "2").stdout
        names.append(release_of(dest))
    assert "removed 1 old release(s)" in out
    assert sorted(p.name for p in (dest / "releases").iterdir()) == names[1:]
    run(server, server.url(dest), "--rollback")
    assert release_of(dest) == names[1]
    proc = run(server, server.url(dest), "--rollback", check=False)
    assert failure(proc) == (f"rollback: there is no earlier release to go back to: {names[1]} is the oldest release "
                             f"kept in {server.url(dest)}/releases; publish the content you want instead")
    assert release_of(dest) == names[1]


@pytest.mark.parametrize("text, expected", [
    ("bientap@portal.example.vn:/srv/snv-tin", ("portal.example.vn", "/srv/snv-tin", "bientap", None)),
    ("portal:srv/snv-tin", ("portal", "srv/snv-tin", None, None)),
    ("ssh://bientap@10.0.0.5:2222/srv/snv-tin", ("10.0.0.5", "/srv/snv-tin", "bientap", 2222)),
    ("bientap@[2001:db8::5]:/srv/snv-tin", ("2001:db8::5", "/srv/snv-tin", "bientap", None)),
    ("/srv/snv-tin", None), ("site", None), ("./a:b", None), ("C:\\site", None),
])
def test_destinations_are_told_apart(text, expected):
    from generator.commands.remote import parse_destination

    remote = parse_destination(text)
    assert (remote and (remote.host, remote.path, remote.user, remote.port)) == expected


def test_a_destination_without_a_folder_is_refused_before_anything_runs(contents):
    a, _ = contents
    proc = subprocess.run([sys.executable, "-m", "generator", "publish", "bientap@portal:", "--content", str(a)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert failure(proc) == ("publish failed: the destination bientap@portal: names no folder on the server after the colon; "
                             "write it as bientap@portal:/srv/snv-tin")
