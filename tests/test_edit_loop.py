"""The edit loop: what a build, `serve` and `check` reuse after an edit, and that the
reuse never shows: every result is the one a clean build (or a check without a cache)
gives.

A build trusts a file whose stat (size, mtime, ctime, inode) is the one an earlier
build read, without reading it again; `check` keeps a cache of its own beside the
content folder.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest

from generator.build import pipeline
from generator.cache.cache import BuildCache, settled
from generator.content import load as loading
from generator.commands.serve import Preview
from sitekit import article, build, copy_fixture, run, tree_bytes, without_progress

pytestmark = pytest.mark.slow

ARTICLE = "reports/bac-bo/tong-ket-2019.md"


def _settle() -> None:
    """Let the files just written age past the racy window, as an editor's saves would."""
    time.sleep(0.15)


def _same_as_clean(root: Path, tmp_path: Path, *extra: str) -> None:
    code, _, err = build(root, tmp_path / "site", "--allow-removed", *extra)
    clean_code, _, clean_err = build(root, tmp_path / "clean", "--no-cache", "--allow-removed", *extra)
    assert (code, without_progress(err)) == (clean_code, without_progress(clean_err))
    assert code == 0, err
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean")
    shutil.rmtree(tmp_path / "clean")


def _built(root: Path, tmp_path: Path) -> None:
    _settle()
    assert build(root, tmp_path / "site")[0] == 0


def test_an_edit_that_keeps_the_size_and_mtime_is_seen(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _built(root, tmp_path)
    path = root / ARTICLE
    text = path.read_text("utf-8")
    st = path.stat()
    changed = text.replace("990 điểm", "919 điểm", 1)           # the same size
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed, "utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))          # the mtime set back as it was
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    _settle()
    _same_as_clean(root, tmp_path)
    assert any("919 điểm" in p.read_text("utf-8") for p in (tmp_path / "site").rglob("*.html"))


def test_touch_rename_and_delete_give_the_clean_build(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _built(root, tmp_path)
    # Only the mtime changes: same bytes, the file is read again and found the same.
    path = root / ARTICLE
    os.utime(path, (time.time() - 30, time.time() - 30))
    _settle()
    _same_as_clean(root, tmp_path)
    # Renamed: its address stays (the slug is its title's), its source moves.
    moved = root / "reports/bac-bo/tong-ket-nam-2019.md"
    path.rename(moved)
    _settle()
    _same_as_clean(root, tmp_path)
    # Deleted.
    moved.unlink()
    _settle()
    _same_as_clean(root, tmp_path)
    # A file put back where another was, with the same size and times: another inode and ctime.
    (root / "reports/bac-bo/so-ket-2022.md").rename(moved)
    _settle()
    _same_as_clean(root, tmp_path)


def test_a_file_saved_within_the_racy_window_is_read_again(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    cache_dir = tmp_path / "cache"

    def loaded() -> dict[str, loading.RawDocument]:
        cache = BuildCache(cache_dir)
        found = loading.load(config, cache)
        cache.save()
        return {d.rel: d for d in found.documents}

    _settle()
    loaded()                                            # settled files: their stats are recorded
    docs = loaded()
    assert all(isinstance(d, loading._Unread) for d in docs.values())
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8") + "\nCâu mới.\n", "utf-8")
    # Saved just now: another save within the same clock tick could keep its stat, so
    # it is read, and its stat is not recorded for the next build either.
    for _ in range(2):
        docs = loaded()
        assert not isinstance(docs[ARTICLE], loading._Unread)
        assert docs[ARTICLE].body.endswith("Câu mới.\n")
    assert isinstance(docs["pages/gioi-thieu.md"], loading._Unread)
    assert docs["pages/gioi-thieu.md"].body == loading._read_document(
        str(root / "pages/gioi-thieu.md"), "pages/gioi-thieu.md", "x", config, loading.Report()).body
    _settle()
    loaded()
    assert isinstance(loaded()[ARTICLE], loading._Unread)


def test_settled_wants_both_times_past_the_window():
    now = 1_700_000_000_123_456_789
    assert settled(now - 200_000_000, now - 200_000_000, now)
    assert not settled(now - 200_000_000, now - 50_000_000, now)      # ctime: changed just now
    assert not settled(now - 50_000_000, now - 200_000_000, now)
    whole = (now // 1_000_000_000 - 1) * 1_000_000_000                 # a file system of whole seconds
    assert not settled(whole, whole, now)
    assert settled(whole - 3_000_000_000, whole - 3_000_000_000, now)


def _check(root: Path) -> tuple[int, str, str]:
    code, out, err = run("--lang", "en", "check", "--content", str(root))
    return code, out, without_progress(err)


def _check_without_cache(root: Path) -> tuple[int, str, str]:
    cache = root.parent / ".confsite-cache/check"
    saved = root.parent / "saved-check-cache"
    if cache.exists():
        cache.rename(saved)
    try:
        return _check(root)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if saved.exists():
            saved.rename(cache)


def test_check_with_its_cache_reports_what_a_full_check_reports(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _settle()
    first = _check(root)
    assert first[0] == 0 and "warning:" in first[2], first
    assert (tmp_path / ".confsite-cache/check").is_dir()
    assert _check(root) == first                       # nothing changed: the last report
    # Another article gains a warning; the warnings of the unchanged ones are still reported.
    (root / "reports/tin/tin-tuc-2023.md").write_text(article("Tin mới của Sở", date="2023-05-02"), "utf-8")
    _settle()
    second = _check(root)
    assert second == _check_without_cache(root)
    assert second != first and set(first[2].splitlines()) <= set(second[2].splitlines())
    assert "tin-tuc-2023.md" in second[2]
    # An error: reported, and still reported when nothing changed after it.
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8").replace("date: 2019", "date: 19", 1), "utf-8")
    _settle()
    failed = _check(root)
    assert failed[0] == 1 and "check failed: 1 error(s)" in failed[2], failed
    assert _check(root) == failed == _check_without_cache(root)
    # A template that fails on one page: found although every other page was checked before.
    path.write_text(path.read_text("utf-8").replace("date: 19", "date: 2019", 1), "utf-8")
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text("{% extends 'base.html' %}{% block main %}{{ page.nothing }}"
                                              "{% endblock %}", "utf-8")
    _settle()
    broken = _check(root)
    assert broken[0] == 1 and "page.html" in broken[2], broken
    assert broken == _check_without_cache(root)
    (root / "templates/page.html").unlink()
    _settle()
    assert _check(root) == second


def test_check_without_a_usable_cache_is_the_full_check(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _settle()
    full = _check(root)
    # A corrupt cache is no cache.
    for table in (tmp_path / ".confsite-cache/check").rglob("*.pickle"):
        table.write_bytes(b"not a pickle")
    assert _check(root) == full
    # Saved within the racy window: the snapshot is not trusted, the check runs.
    path = root / ARTICLE
    path.write_text(path.read_text("utf-8") + "\nThêm một câu.\n", "utf-8")
    assert _check(root) == _check_without_cache(root)


def test_serve_rebuilds_after_edit_after_edit_as_a_clean_build(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    preview = Preview(root, "127.0.0.1", 8000, 35729, log=lambda line: None)
    try:
        _settle()
        assert preview.rebuild()
        path = root / ARTICLE
        for step, (old, new) in enumerate([("990 điểm", "990 điểm mới"), ("mới", "mới hơn"), ("Hải Phòng dẫn", "Hà Nội dẫn")]):
            text = path.read_text("utf-8")
            assert old in text
            path.write_text(text.replace(old, new, 1), "utf-8")
            if step != 1:       # the second edit comes at once, within the racy window
                _settle()
            assert preview.rebuild()
            clean = pipeline.build(dataclasses.replace(preview.config(), output_dir=tmp_path / "clean"),
                                   cache=False, allow_removed=True)
            assert not clean.noop
            assert tree_bytes(preview.output) == tree_bytes(tmp_path / "clean"), step
            shutil.rmtree(tmp_path / "clean")
    finally:
        preview.close()


def test_pages_rendered_again_read_their_bodies_from_the_cache_or_make_them_again(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _built(root, tmp_path)
    assert build(root, tmp_path / "site")[0] == 0
    # Every article page is made again (its template changed); the bodies come from the cache.
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text(
        "{% extends 'theme/article.html' %}{% block article_body %}<div class=\"moi\">{{ article.body.html|safe }}"
        "</div>{% endblock %}", "utf-8")
    _settle()
    _same_as_clean(root, tmp_path)
    assert "class=\"moi\"" in next((tmp_path / "site/bai-viet").rglob("index.html")).read_text("utf-8")
    # The bodies' table lost (the small table that stands for it kept): each body is made again.
    shutil.rmtree(tmp_path / ".confsite-cache/site/bodies")
    (root / "templates/article.html").write_text(
        "{% extends 'theme/article.html' %}{% block article_body %}<div class=\"moi-nua\">{{ article.body.html|safe }}"
        "</div>{% endblock %}", "utf-8")
    _settle()
    _same_as_clean(root, tmp_path)
    assert "class=\"moi-nua\"" in next((tmp_path / "site/bai-viet").rglob("index.html")).read_text("utf-8")


def test_the_watcher_sees_saves_new_folders_and_not_swap_files(tmp_path):
    import threading

    from generator.commands.serve import Watcher

    root = copy_fixture("basic", tmp_path / "content")
    seen: list[list[str]] = []
    got = threading.Event()

    def changed(paths: list[str]) -> None:
        seen.append(paths)
        got.set()

    watcher = Watcher(lambda: [root], changed)
    watcher.start()
    try:
        assert watcher.ready.wait(10)

        def saved(action) -> list[str]:
            got.clear()
            seen.clear()
            action()
            assert got.wait(10), "no change seen"
            time.sleep(0.3)         # nothing more comes for one burst of saves
            return [p for paths in seen for p in paths]

        path = root / ARTICLE
        assert str(path) in saved(lambda: path.write_text(path.read_text("utf-8") + "\nCâu.\n", "utf-8"))
        new = root / "reports/moi/bai.md"
        assert any(p.startswith(str(root / "reports/moi")) for p in saved(lambda: new.parent.mkdir()))
        assert str(new) in saved(lambda: new.write_text(article("Bài mới"), "utf-8"))
        got.clear()
        (root / "reports/moi/.bai.md.swp").write_text("x", "utf-8")
        assert not got.wait(0.6)
    finally:
        watcher.stopping.set()
        watcher.join(5)


def test_a_cached_body_hashes_and_compares_as_its_body_without_being_read():
    from generator.content.lazy import LazyBody
    from generator.content.model import Body, Heading

    body = Body("<p>Nội dung</p>", (Heading(2, "Kết quả", "ket-qua"),), ("media/a.png",), "Nội dung", "f1")

    def unread() -> Body:
        raise AssertionError("the body was read")

    lazy = LazyBody(body.media, body.fingerprint, unread)
    # A model groups articles in sets and dicts (a unit's awards): that reads no body.
    assert hash(lazy) == hash(body)
    assert lazy != Body("<p>Khác</p>", (), body.media, "Khác", "f2")
    assert {lazy: 1}.get(lazy) == 1
    read = LazyBody(body.media, body.fingerprint, lambda: body)
    assert read == body and body == read and len({read, body}) == 1
