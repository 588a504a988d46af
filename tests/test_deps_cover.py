"""Every route's declared ``deps`` cover what its template reads.

An incremental build re-renders a page only when its signature changes: the site-wide
facts, its template, or the digests of its ``deps``. So for every edit of one document,
each page whose bytes change must also have a changed signature; a page that shows more
of the model than its deps say would otherwise stay stale, silently.

The check edits each document of the bundled site in turn (its body; an article's title,
which listings show), builds and renders in this process, and compares every output file
and every route's deps digest with those of the unedited site.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tools
from generator.build import pipeline
from generator.cache.cache import BuildCache
from generator.render import render
from generator.render.routes import routes
from generator.render.signatures import Signer, site_facts

pytestmark = pytest.mark.slow

BODY_ADDITION = "\n\nĐoạn văn thêm vào để kiểm tra những trang hiện nội dung bài.\n"


def _state(content: Path, output: Path) -> tuple[list[str], dict[str, str], dict[str, bytes]]:
    """The site-wide facts, each route's deps digest and every output file."""
    config = pipeline.configure(content, output)
    site = pipeline.model(config)
    signer = Signer(site, BuildCache(None))
    deps = {r.output: signer.deps_digest(r.deps) + "\0" + r.template for r in routes(site)}
    return site_facts(site), deps, render.render_site(site).files


def _stale(before, after) -> list[str]:
    facts0, deps0, files0 = before
    facts1, deps1, files1 = after
    if facts0 != facts1:
        return []       # every page is signed anew
    return sorted(path for path, digest in deps1.items()
                  if path in deps0 and digest == deps0[path] and files1.get(path) != files0.get(path))


def _retitled(text: str) -> str:
    """*text* with a word put in front of its title (inside the quotes, if it has them)."""
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    start = len("title: ") + (title[len("title: "):][:1] in "'\"")
    return text.replace(title, title[:start] + "Sửa " + title[start:], 1)


def _edits(content: Path) -> list[tuple[str, Path, str, str]]:
    out = []
    for path in sorted((content / "reports").rglob("*.md")) + sorted((content / "pages").rglob("*.md")):
        rel = path.relative_to(content).as_posix()
        text = path.read_text("utf-8")
        out.append((f"{rel}: body", path, text, text + BODY_ADDITION))
        if rel.startswith("reports/"):
            out.append((f"{rel}: title", path, text, _retitled(text)))
    return out


def test_every_page_that_changes_with_a_document_declares_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(tools.ROOT / "content", content)
    output = tmp_path / "site"
    before = _state(content, output)
    assert before[2], "nothing was rendered"
    edits = _edits(content)
    assert len(edits) >= 8
    stale: dict[str, list[str]] = {}
    changed_somewhere = 0
    for label, path, original, edited in edits:
        path.write_text(edited, "utf-8")
        try:
            after = _state(content, output)
        finally:
            path.write_text(original, "utf-8")
        changed_somewhere += after[2] != before[2]
        found = _stale(before, after)
        if found:
            stale[label] = found
    assert changed_somewhere == len(edits), "an edit changed no output: the check would see nothing"
    assert stale == {}, "pages that changed while their signature did not (widen their deps in render/routes.py)"


def test_the_check_sees_a_page_that_shows_more_than_its_deps(tmp_path: Path, monkeypatch) -> None:
    """A route whose deps leave out a document its page shows is reported."""
    from generator.render import routes as routes_module

    real = routes_module.routes

    def narrowed(site, cache=None):
        out = real(site, cache)
        # The home page shows the newest articles; pretend it depends on nothing.
        return [r if r.url != "" else type(r)(r.url, r.template, r.context, frozenset({"nothing"}), r.produce)
                for r in out]

    monkeypatch.setattr(routes_module, "routes", narrowed)
    monkeypatch.setattr(render, "routes", narrowed)
    monkeypatch.setitem(globals(), "routes", narrowed)
    content = tmp_path / "content"
    shutil.copytree(tools.ROOT / "content", content)
    output = tmp_path / "site"
    before = _state(content, output)
    newest = max((content / "reports").rglob("*.md"), key=lambda p: p.read_text("utf-8").split("date: ", 1)[1][:10])
    newest.write_text(_retitled(newest.read_text("utf-8")), "utf-8")
    assert "index.html" in _stale(before, _state(content, output))
