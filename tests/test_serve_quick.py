"""``confsite serve``'s quick path: an edit of one document's text is shown at once.

The preview builds the whole site after every change; before that, when the change is
one document's body (``build/quick.py``), it makes that document's page alone and shows
it, and when the change leaves the document with errors it shows them. These tests hold
the quick page to the whole build's page byte for byte, check the changes it must leave
to the whole build, and drive a real server to see which open pages are told to reload.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import tools
from generator.commands.serve import Preview
from sitekit import copy_fixture

pytestmark = pytest.mark.slow

ARTICLE = "reports/bac-bo/tong-ket-2019.md"
ARTICLE_PAGE = "bai-viet/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2019-cum-bac-bo/index.html"
PAGE = "pages/gioi-thieu.md"


def _settle() -> None:
    time.sleep(0.15)        # past the racy window, as an editor's saves are


@pytest.fixture
def preview(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    shown = Preview(root, "127.0.0.1", 8000, 35729, log=lambda line: None)
    try:
        _settle()
        assert shown.rebuild()
        yield shown
    finally:
        shown.close()


def _edit(preview: Preview, rel: str, old: str, new: str) -> Path:
    path = preview.content / rel
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_a_body_edit_shows_the_page_the_whole_build_makes(preview):
    assert (preview.output / ARTICLE_PAGE).is_file()
    path = _edit(preview, ARTICLE, "## Kết quả nổi bật",
                 "Đoạn mới có **chữ đậm**, một [liên kết](../tin/tin-tuc-2022.md) và https://example.gov.vn/moi.\n\n"
                 "## Kết quả nổi bật")
    made, problems_changed = preview.quick([str(path)])
    assert made == [ARTICLE_PAGE] and not problems_changed
    quick = preview.served(ARTICLE_PAGE)
    assert quick is not None and "chữ đậm".encode() in quick
    assert "chữ đậm".encode() not in (preview.output / ARTICLE_PAGE).read_bytes()    # not built yet
    _settle()
    assert preview.rebuild()
    assert (preview.output / ARTICLE_PAGE).read_bytes() == quick
    assert preview.quick_pages == {}        # the whole build has it: the output is served again


def test_a_standalone_page_edit_too(preview):
    path = preview.content / PAGE
    path.write_text(path.read_text("utf-8") + "\nMột câu giới thiệu thêm.\n", "utf-8")
    made, _ = preview.quick([str(path)])
    assert len(made) == 1
    quick = preview.served(made[0])
    assert quick is not None and "Một câu giới thiệu thêm.".encode() in quick
    _settle()
    assert preview.rebuild()
    assert (preview.output / made[0]).read_bytes() == quick


@pytest.mark.parametrize("change", [
    ("  - {unit: Sở Nội vụ tỉnh Nam Định, rank: 3}", "  - {unit: Sở Nội vụ tỉnh Nam Định, points: 980, rank: 3}"),
    ("award: Cờ thi đua của Bộ Nội vụ", "award: Cờ thi đua xuất sắc của Bộ Nội vụ"),
    ("title: Hội nghị tổng kết công tác thi đua năm 2019 Cụm Bắc Bộ",
     f"slug: {ARTICLE_PAGE.split('/')[1]}\ntitle: Hội nghị tổng kết thi đua năm 2019"),
])
def test_a_field_edit_in_place_shows_the_page_the_whole_build_makes(preview, change):
    path = _edit(preview, ARTICLE, *change)
    made, _ = preview.quick([str(path)])
    assert made == [ARTICLE_PAGE]
    quick = preview.served(ARTICLE_PAGE)
    assert quick != (preview.output / ARTICLE_PAGE).read_bytes()
    _settle()
    assert preview.rebuild()
    assert (preview.output / ARTICLE_PAGE).read_bytes() == quick


@pytest.mark.parametrize("change", [
    ("title: Hội nghị tổng kết công tác thi đua năm 2019 Cụm Bắc Bộ", "title: Hội nghị tổng kết năm 2019"),  # its address
    ("cluster: Cụm thi đua các tỉnh, thành Bắc Bộ", "cluster: Cụm thi đua Tây Nguyên"),    # its cluster
    (" và [tài liệu](/media/tai-lieu.pdf)", ""),                                   # the media it uses
    ("id: bb-2019", "id: bb-2019-moi"),                                           # its short address
    ("[bài sơ kết 2022](so-ket-2022.md)", "[bài sơ kết 2022](ftp://example.gov.vn/a.pdf)"),   # a warning now
])
def test_other_changes_wait_for_the_whole_build(preview, change):
    path = _edit(preview, ARTICLE, *change)
    assert preview.quick([str(path)]) == ([], False)
    assert preview.served(ARTICLE_PAGE) == (preview.output / ARTICLE_PAGE).read_bytes()


def test_a_link_to_a_file_made_since_the_last_build_waits_for_the_whole_build(preview):
    (preview.content / "media/bao-cao.pdf").write_bytes(b"%PDF-1.4\n")
    (preview.content / "reports/bac-bo/moi.md").write_text("---\ntitle: Bài mới\ndate: 2024-01-02\n---\nMới.\n", "utf-8")
    for link in ("/media/bao-cao.pdf", "moi.md"):
        path = _edit(preview, ARTICLE, "Xem thêm", f"Xem [báo cáo]({link}) và xem thêm")
        assert preview.quick([str(path)]) == ([], False)
        assert not preview.state.failing
        _edit(preview, ARTICLE, f"Xem [báo cáo]({link}) và xem thêm", "Xem thêm")
    _settle()
    assert preview.rebuild()


def test_more_than_one_file_or_not_a_document_waits_for_the_whole_build(preview):
    one = _edit(preview, ARTICLE, "Hội nghị đánh giá", "Hội nghị đã đánh giá")
    other = _edit(preview, "reports/bac-bo/so-ket-2022.md", "---\n", "---\n")
    assert preview.quick([str(one), str(other)]) == ([], False)
    assert preview.quick([str(preview.content / "site.yaml")]) == ([], False)
    new = preview.content / "reports/bac-bo/moi.md"
    new.write_text("---\ntitle: Bài mới\ndate: 2024-01-02\n---\nNội dung.\n", "utf-8")
    assert preview.quick([str(new)]) == ([], False)
    assert preview.quick([str(preview.content.parent / "elsewhere.md")]) == ([], False)
    (preview.content / "reports/bac-bo/so-ket-2022.md").unlink()        # removed: no error to show
    assert preview.quick([str(preview.content / "reports/bac-bo/so-ket-2022.md")]) == ([], False)
    assert not preview.state.failing


def _errors(preview: Preview) -> list:
    return [p for p in preview.state.problems if p.severity.name == "ERROR"]


def test_errors_of_the_edited_file_are_shown_at_once_as_the_whole_build_gives_them(preview):
    path = preview.content / ARTICLE
    good = path.read_bytes()
    shown = preview.config().display(ARTICLE)
    broken = [
        good[:good.index("Hội".encode(), 10) + 2],                            # saved half-way through a letter
        good.replace(b"\ndate: 2019-12-10", b"\ndate: 2019-12-40", 1),        # a date that is not one
        good.replace(b"(so-ket-2022.md)", b"(khong-co.md)", 1),                # a link to no document
    ]
    for data in broken:
        path.write_bytes(data)
        made, problems_changed = preview.quick([str(path)])
        assert made == [] and problems_changed and preview.state.failing
        quick = _errors(preview)
        assert quick and {p.path for p in quick} == {shown}
        _settle()
        assert not preview.rebuild()
        assert _errors(preview) == quick
    [error] = quick
    assert error.field == "link" and "khong-co.md" in error.message

    # Fixed: the errors go at once, and the page shows the edit.
    path.write_bytes(good.replace("Hội nghị đánh giá".encode(), "Hội nghị đã đánh giá".encode(), 1))
    made, problems_changed = preview.quick([str(path)])
    assert made == [ARTICLE_PAGE] and problems_changed and not preview.state.failing
    assert "Hội nghị đã đánh giá".encode() in preview.served(ARTICLE_PAGE)
    _settle()
    assert preview.rebuild()
    assert not preview.state.failing
    assert (preview.output / ARTICLE_PAGE).read_bytes() == preview.served(ARTICLE_PAGE)
    assert "Hội nghị đã đánh giá".encode() in preview.served(ARTICLE_PAGE)


def _edited_during_the_next_build(preview: Preview, monkeypatch, path: Path, data: bytes) -> None:
    """The next whole build reads the files, then *data* is saved to *path* and the
    quick path sees it, while that build is still running."""
    from generator.commands import serve

    real = serve.pipeline.build

    def build(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        finally:
            path.write_bytes(data)
            preview.quick([str(path)])
    monkeypatch.setattr(serve.pipeline, "build", build)


def test_a_whole_build_begun_before_an_edit_keeps_that_edits_errors(preview, monkeypatch):
    path = preview.content / ARTICLE
    good = path.read_bytes()
    broken = good.replace(b"\ndate: 2019-12-10", b"\ndate: 2019-12-40", 1)
    _edit(preview, ARTICLE, "## Kết quả nổi bật", "Một câu mới.\n\n## Kết quả nổi bật")
    _settle()
    _edited_during_the_next_build(preview, monkeypatch, path, broken)
    assert preview.rebuild()            # it read the good file; the broken one came after
    assert preview.state.failing, "the errors of the edit were lost to a build that began before it"
    quick = _errors(preview)
    assert {p.path for p in quick} == {preview.config().display(ARTICLE)}
    monkeypatch.undo()
    _settle()
    assert not preview.rebuild()        # the build that saw the edit says the same
    assert _errors(preview) == quick

    # And the other way round: a build that read the broken file, the fix saved meanwhile.
    fixed = good.replace("Hội nghị đánh giá".encode(), "Hội nghị đã đánh giá".encode(), 1)
    _edited_during_the_next_build(preview, monkeypatch, path, fixed)
    assert not preview.rebuild()
    assert not preview.state.failing, "a build that began before the fix brought its errors back"
    assert "Hội nghị đã đánh giá".encode() in preview.served(ARTICLE_PAGE)
    monkeypatch.undo()
    _settle()
    assert preview.rebuild() and not preview.state.failing


# -- a real server: which open pages are told to reload ------------------------------------

async def _browser(live: int, url: str):
    """A websocket connected as livereload.js connects from the page at *url*."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{live}/livereload")
    await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    while json.loads(await ws.read_message()).get("command") != "hello":
        pass
    await ws.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
    return ws


async def _reloads(ws, seconds: float) -> int:
    count = 0
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.read_message(), timeout=left)
        except asyncio.TimeoutError:
            break
        assert message is not None, "the livereload websocket closed"
        count += json.loads(message).get("command") == "reload"
    return count


def _builds(log: Path) -> int:
    return len(re.findall(r"^built \d+ articles", log.read_text("utf-8", "replace"), re.MULTILINE))


async def _wait_for_build(log: Path, count: int) -> None:
    for _ in range(600):
        if _builds(log) >= count:
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"no whole build after the edit:\n{log.read_text('utf-8', 'replace')[-2000:]}")


def test_only_the_pages_an_edit_changed_are_reloaded(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    log = tmp_path / "serve.log"
    with _serving(root, log) as (base, live):
        article = base + ARTICLE_PAGE.removesuffix("index.html")

        async def scenario() -> None:
            on_article, on_year = await _browser(live, article), await _browser(live, base + "nam/2019/")
            # 1. The body: the article's page reloads at once, with the edit; the year's page
            # (which lists it, but shows no body) is not disturbed, nor the article's page again.
            _settle()
            _edit_file(root / ARTICLE, "Hội nghị đánh giá", "Hội nghị đã đánh giá")
            assert await _reloads(on_article, 3) == 1
            assert "Hội nghị đã đánh giá" in _get(article)
            await _wait_for_build(log, 2)
            assert await _reloads(on_article, 0.5) == 0
            assert await _reloads(on_year, 0.5) == 0
            # 2. The title: both reload once the whole build has it (the year's page lists titles).
            _settle()
            _edit_file(root / ARTICLE, "title: Hội nghị tổng kết công tác thi đua năm 2019 Cụm Bắc Bộ",
                       f"slug: {ARTICLE_PAGE.split('/')[1]}\ntitle: Hội nghị tổng kết thi đua năm 2019 Cụm Bắc Bộ")
            await _wait_for_build(log, 3)
            assert await _reloads(on_year, 3) == 1
            assert await _reloads(on_article, 3) == 1
            assert "Hội nghị tổng kết thi đua năm 2019 Cụm Bắc Bộ" in _get(base + "nam/2019/")

        _run_apart(scenario)


def test_a_page_that_missed_a_reload_is_reloaded_when_it_connects(tmp_path):
    # A page loaded just before an edit's reload went out, whose livereload connection
    # opens just after, would show the old page (or old errors) until the next change.
    root = copy_fixture("basic", tmp_path / "content")
    log = tmp_path / "serve.log"
    with _serving(root, log) as (base, live):
        article = base + ARTICLE_PAGE.removesuffix("index.html")

        async def scenario() -> None:
            assert "Hội nghị đánh giá" in _get(article)         # loaded, not yet connected
            _settle()
            _edit_file(root / ARTICLE, "Hội nghị đánh giá", "Hội nghị đã đánh giá")
            await _wait_for_build(log, 2)                       # the reloads went out meanwhile
            late = await _browser(live, article)
            assert await _reloads(late, 3) == 1
            assert "Hội nghị đã đánh giá" in _get(article)      # what the reload loads
            again = await _browser(live, article)
            assert await _reloads(again, 0.5) == 0              # loaded after the reloads: as it is

        _run_apart(scenario)


@contextlib.contextmanager
def _serving(root: Path, log: Path):
    """``confsite serve`` on *root* in a process of its own: (the site's address, the
    livereload port), its output in *log*."""
    port, live = tools.free_port(), tools.free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "--lang", "en", "serve", "--content", str(root),
                                 "--port", str(port), "--livereload-port", str(live)], cwd=log.parent,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        tools.wait_for_port(port, timeout=60, proc=proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            base = r.url
        yield base, live
    finally:
        tools.stop_process(proc)


def _run_apart(scenario) -> None:
    """asyncio.run(scenario()) in a thread of its own: a browser test before this one may
    have left an event loop running in this thread (Playwright's)."""
    import threading

    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as exc:        # re-raised in the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def _edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def _get(url: str) -> str:
    with urllib.request.urlopen(url) as r:
        return r.read().decode("utf-8")


def test_the_model_a_build_replaces_is_freed_at_once(preview):
    """The preview keeps its last model, set aside from the cycle collector (so that the
    quick path does not walk it): the one a new build replaces must then go by reference
    counting alone, or every build of a long session would keep another model."""
    import gc
    import weakref

    path = preview.content / ARTICLE
    for step in range(3):
        if step == 2:
            replaced = weakref.ref(preview.last.site)
            assert gc.get_freeze_count() > 0
        path.write_text(path.read_text("utf-8") + f"\nThêm đoạn {step}.\n", "utf-8")
        _settle()
        assert preview.rebuild()
    assert replaced() is None
