"""``confsite serve``: a real server process, a real browser, real file edits.

The server runs as ``python -m generator serve`` on free loopback ports (site and
livereload websocket), on a copy of the bundled content, and is stopped by the
fixture in every outcome. Pages are opened without ``bypass_csp``: the theme's
Content-Security-Policy must let livereload and the overlay work as they are.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import tools

pytestmark = pytest.mark.kill

ARTICLE = Path("reports/2020/bac-bo-tong-ket-2020.md")
ARTICLE_URL = "bai-viet/bac-bo-tong-ket-2020/"
DRAFT = Path("reports/2023/bac-bo-tong-ket-2022.md")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    content = work / "content"
    shutil.copytree(tools.ROOT / "content", content)
    draft = content / DRAFT
    draft.write_text(draft.read_text("utf-8").replace("\ntitle:", "\ndraft: true\ntitle:", 1), "utf-8")
    port, live = tools.free_port(), tools.free_port()
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", "content", "--port", str(port),
         "--livereload-port", str(live)],
        cwd=work, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        tools.wait_for_port(port, timeout=30, proc=proc)
        tools.wait_for_port(live, timeout=10, proc=proc)
        yield {"url": f"http://127.0.0.1:{port}/tin/", "content": content, "proc": proc, "log": work / "serve.log"}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


class Reloads:
    """Counts livereload handshakes: after one, the page will hear about the next rebuild."""

    def __init__(self, page):
        self.ready = 0
        page.on("websocket", lambda ws: ws.on("framesent", self._sent))

    def _sent(self, payload) -> None:
        if '"info"' in str(payload):
            self.ready += 1

    def wait(self, page, count: int) -> None:
        for _ in range(200):
            if self.ready >= count:
                return
            page.wait_for_timeout(50)
        pytest.fail(f"the page did not connect to livereload ({self.ready} handshakes, wanted {count})")


def test_serves_under_base_path_with_drafts(server):
    with urllib.request.urlopen(server["url"].replace("/tin/", "/")) as r:
        assert r.url == server["url"]
    with urllib.request.urlopen(server["url"] + "bai-viet/bac-bo-tong-ket-2022/") as r:
        html = r.read().decode()
    assert "draft-banner" in html
    assert 'href="/tin/' in html


def test_edit_reload_break_and_recover(server, browser):
    from playwright.sync_api import expect

    context = browser.new_context()          # the real CSP, not bypassed
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        reloads = Reloads(page)
        page.goto(server["url"] + ARTICLE_URL)
        reloads.wait(page, 1)
        source = server["content"] / ARTICLE
        original = source.read_bytes()

        # 1. An edit shows up without touching the browser.
        edited = original.replace("Ngày 11/12/2020".encode(), "Sửa đổi thử nghiệm 7319".encode(), 1)
        assert edited != original
        source.write_bytes(edited)
        expect(page.locator("main")).to_contain_text("Sửa đổi thử nghiệm 7319", timeout=2000)
        reloads.wait(page, 2)

        # 2. A half-saved file (cut inside a multi-byte character): the overlay, the server stays up.
        cut = edited.index("Hội".encode()) + 2
        source.write_bytes(edited[:cut])
        overlay = page.locator("#confsite-errors")
        expect(overlay).to_be_visible(timeout=5000)
        expect(overlay).to_contain_text(f"content/{ARTICLE.as_posix()}")
        # Its stylesheet comes from the preview server, which may be busy with the whole build.
        page.wait_for_function(
            "getComputedStyle(document.getElementById('confsite-errors')).position === 'fixed'", timeout=5000)
        expect(page.locator("main")).to_contain_text("Sửa đổi thử nghiệm 7319")   # last good site underneath
        assert server["proc"].poll() is None
        reloads.wait(page, 3)

        # 3. Front-matter broken on a line: the overlay names the line and shows it.
        broken = edited.replace(b"\ndate: 2020-12-11", b"\ndate: 2020-12-41", 1)
        assert broken != edited
        source.write_bytes(broken)
        expect(overlay).to_contain_text("2020-12-41", timeout=5000)
        expect(overlay.locator("pre")).to_contain_text("date: 2020-12-41")
        reloads.wait(page, 4)

        # 4. Fixed: the overlay goes, the new text is there.
        fixed = edited.replace("Sửa đổi thử nghiệm 7319".encode(), "Đã sửa xong 4521".encode(), 1)
        source.write_bytes(fixed)
        try:
            expect(page.locator("main")).to_contain_text("Đã sửa xong 4521", timeout=5000)
        except AssertionError as exc:     # say what the server did, for a failure seen once in CI
            log = server["log"].read_text("utf-8", "replace")[-3000:]
            raise AssertionError(f"{exc}\n--- serve log ---\n{log}\nreload handshakes: {reloads.ready}") from None
        expect(overlay).to_have_count(0)
        assert server["proc"].poll() is None
        reloads.wait(page, 5)

        # 5. The editor's own template (content/templates/) is watched too.
        own = server["content"] / "templates" / "article.html"
        own.parent.mkdir()
        theme = (tools.ROOT / "templates" / "article.html").read_text("utf-8")
        assert "{% block main %}" in theme
        own.write_text(theme.replace("{% block main %}", "{% block main %}<p>Mẫu riêng 8842</p>", 1), "utf-8")
        expect(page.locator("main")).to_contain_text("Mẫu riêng 8842", timeout=5000)
        assert blocked == [], blocked
    finally:
        context.close()
