"""Incremental builds: the build cache may make a build faster, never different.

After every step of random edit sequences the cached build's output folder is compared
byte for byte with a clean ``--no-cache`` build of the same content.
"""
from __future__ import annotations

import os
import pickle
import random
import re
import time
from pathlib import Path

import pytest

from generator.build import pipeline
from generator.render import render, search
from sitekit import build, copy_fixture, tree_bytes, without_progress

pytestmark = pytest.mark.slow

CLUSTERS = ["Cụm thi đua các tỉnh, thành Bắc Bộ", "Cụm thi đua Sở Nội vụ các tỉnh Tây Nguyên",
            "Cụm thi đua Sở Nội vụ các tỉnh, thành Tây Nam Bộ"]
UNITS = ["Sở Nội vụ tỉnh Quảng Ninh", "Sở Nội vụ tỉnh Gia Lai", "Sở Nội vụ thành phố Cần Thơ",
         "Sở Nội vụ tỉnh Nam Định", "Sở Nội vụ tỉnh Kon Tum"]
ARTICLE_TEMPLATE = ("{% extends 'base.html' %}{% block main %}<h1>{{ article.title }}</h1>"
                    "<p class=\"mark-{n}\">{{ article.date|long_date }}</p>{{ article.body.html|safe }}{% endblock %}\n")


def _articles(root: Path) -> list[Path]:
    return sorted(p for p in (root / "reports").rglob("*.md") if not p.name.startswith("_"))


def _set_field(path: Path, key: str, value: str | None) -> None:
    text = path.read_text("utf-8")
    head, sep, body = text.partition("\n---\n")
    lines = [ln for ln in head.splitlines() if not ln.startswith(f"{key}:")]
    if value is not None:
        lines.insert(2, f"{key}: {value}")
    path.write_text("\n".join(lines) + sep + body, "utf-8")


def _edit(root: Path, rng: random.Random, step: int) -> str:
    """One random editor's change to the content folder; returns what was done."""
    articles = _articles(root)
    kind = rng.choice(["body", "body", "title", "cluster", "host", "add", "remove", "template", "page", "link"])
    target = rng.choice(articles)
    if kind == "body":
        with target.open("a", encoding="utf-8") as f:
            f.write(f"\nĐoạn thêm số {step}: các đơn vị thống nhất nội dung.\n")
    elif kind == "title":
        _set_field(target, "title", f"Hội nghị đổi tên lần {step}")
    elif kind == "cluster":
        name = rng.choice([*CLUSTERS, None])
        _set_field(target, "cluster", f'"{name}"' if name else None)
    elif kind == "host":
        _set_field(target, "host", rng.choice(UNITS))
    elif kind == "add":
        year = rng.choice([2019, 2021, 2022, 2023])
        (root / "reports/moi").mkdir(parents=True, exist_ok=True)
        (root / f"reports/moi/bai-{step}.md").write_text(
            f"---\ntitle: Hội nghị bổ sung số {step}\ndate: {year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n"
            f'cluster: "{rng.choice(CLUSTERS)}"\nhost: {rng.choice(UNITS)}\nsummary: Bài thêm ở bước {step}.\n'
            f"---\nNội dung bài số {step}.\n", "utf-8")
    elif kind == "remove" and len(articles) > 3:
        target.unlink()
    elif kind == "template":
        override = root / "templates/article.html"
        if override.exists() and rng.random() < 0.4:
            override.unlink()
        else:
            override.parent.mkdir(exist_ok=True)
            override.write_text(ARTICLE_TEMPLATE.replace("{n}", str(step)), "utf-8")
    elif kind == "page":
        _set_field(root / "pages/gioi-thieu.md", "title", f"Giới thiệu {step}")
    elif kind == "link":
        other = rng.choice(articles)
        rel = os.path.relpath(other, target.parent).replace(os.sep, "/")
        with target.open("a", encoding="utf-8") as f:
            f.write(f"\nXem thêm [bài liên quan]({rel}).\n")
    return f"{kind} {target.relative_to(root)}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cached_builds_match_clean_builds_after_random_edits(tmp_path, seed):
    rng = random.Random(seed)
    root = copy_fixture("basic", tmp_path / "content")
    done = []
    for step in range(10):
        if step:
            done.append(_edit(root, rng, step))
        # Renames and removals are the point here, not the guard of published addresses.
        code, _, err = build(root, tmp_path / "site", "--allow-removed")
        clean_code, _, clean_err = build(root, tmp_path / "clean", "--no-cache", "--allow-removed")
        assert (code, without_progress(err)) == (clean_code, without_progress(clean_err)), done
        if code == 0:
            assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean"), done
    assert (tmp_path / ".confsite-cache/site").is_dir()
    assert not (tmp_path / ".confsite-cache/clean").exists()


def _old_mtimes(root: Path) -> None:
    """Files saved a while ago, as an editor's would be (not within the racy window: their
    mtime says so, and their ctime, which nothing can set back, is let age past it)."""
    past = time.time() - 60
    for p in root.rglob("*"):
        os.utime(p, (past, past))
    time.sleep(0.15)


def test_a_body_edit_renders_only_the_pages_that_show_the_body(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    first = pipeline.build(config)
    target = root / "reports/bac-bo/tong-ket-2019.md"
    with target.open("a", encoding="utf-8") as f:
        f.write("\nMột câu mới trong thân bài.\n")
    second = pipeline.build(config)
    pages = {p for p in second.rendered.made if p.endswith((".html", ".xml"))}
    article = next(a for a in second.site.articles if a.source == "reports/bac-bo/tong-ket-2019.md")
    assert article.url + "index.html" in pages
    assert "Một câu mới trong thân bài." in (tmp_path / "site" / article.url / "index.html").read_text("utf-8")
    # Listings show titles and summaries, not bodies: they are kept as they were.
    # (Feeds carry bodies; the search page and the data page depend on everything.)
    assert not any(p.endswith("index.html") and p.startswith(("cum-thi-dua/", "don-vi/", "nam/")) for p in pages), pages
    assert "sitemap.xml" not in pages
    assert len(pages) <= 6, pages
    assert second.written.unchanged >= len([p for p in first.rendered.outputs if p.endswith(".html")]) - 6


@pytest.mark.parametrize("jobs", [1, 2])     # 2: the index is made in a forked process
def test_a_body_edit_recomputes_the_search_entry_of_that_article_alone(tmp_path, monkeypatch, jobs):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    first = pipeline.build(config, jobs=jobs)
    shards = tmp_path / ".confsite-cache/site/search"

    def keys() -> set[str]:
        return {k for p in shards.glob("*.pickle") for k in pickle.loads(p.read_bytes())["items"]}

    before = keys()
    assert len(before) == len(first.site.articles)
    computed = []
    real = search._article_entry
    monkeypatch.setattr(search, "_article_entry", lambda a, *rest: computed.append(a.source) or real(a, *rest))
    with (root / "reports/bac-bo/tong-ket-2019.md").open("a", encoding="utf-8") as f:
        f.write("\nMột câu mới trong thân bài.\n")
    pipeline.build(config, jobs=jobs)
    assert len(keys() - before) == 1
    if jobs == 1:
        assert computed == ["reports/bac-bo/tong-ket-2019.md"]


def test_a_title_edit_renders_the_listings_that_show_it(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    pipeline.build(config)
    _set_field(root / "reports/bac-bo/tong-ket-2019.md", "title", "Tổng kết năm 2019, tên mới")
    second = pipeline.build(config, allow_removed=True)     # the title gives the page a new address
    assert "Tổng kết năm 2019, tên mới" in (tmp_path / "site/cum-thi-dua/bac-bo/index.html").read_text("utf-8")
    assert "cum-thi-dua/tay-nguyen/index.html" not in second.rendered.made


def test_a_template_edit_renders_the_pages_that_use_it(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    pipeline.build(config)
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        "{% extends 'base.html' %}{% block main %}<p>Mẫu mới: {{ page.title }}</p>{% endblock %}", "utf-8")
    second = pipeline.build(config)
    html = {p for p in second.rendered.made if p.endswith(".html")}
    assert html == {"gioi-thieu/index.html"}
    assert "Mẫu mới: Giới thiệu" in (tmp_path / "site/gioi-thieu/index.html").read_text("utf-8")


def test_nothing_changed_means_nothing_rendered_and_files_untouched(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    _old_mtimes(root)
    assert build(root, tmp_path / "site")[0] == 0
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()}
    code, out, _ = build(root, tmp_path / "site")
    assert code == 0 and "nothing changed since the last build" in out
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*") if p.is_file()} == before
    # An edit is seen again (the no-op check looks at every file's size and mtime).
    page = root / "pages/gioi-thieu.md"
    page.write_text(page.read_text("utf-8") + "\nCâu mới.\n", "utf-8")
    code, out, _ = build(root, tmp_path / "site")
    assert code == 0 and "nothing changed" not in out
    assert "Câu mới." in (tmp_path / "site/gioi-thieu/index.html").read_text("utf-8")


def test_unchanged_pages_keep_their_files_after_an_edit(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    assert build(root, tmp_path / "site")[0] == 0
    home = tmp_path / "site/gioi-thieu/index.html"
    before = home.stat()
    with (root / "reports/bac-bo/tong-ket-2019.md").open("a", encoding="utf-8") as f:
        f.write("\nThêm.\n")
    assert build(root, tmp_path / "site")[0] == 0
    after = home.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_no_cache_neither_reads_nor_writes_the_cache(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    assert build(root, tmp_path / "site", "--no-cache")[0] == 0
    assert not (tmp_path / ".confsite-cache").exists()
    assert build(root, tmp_path / "site")[0] == 0
    cache = tmp_path / ".confsite-cache/site"
    # Poison the cache: every cached Markdown body now says something else.
    shards = sorted((cache / "bodies").glob("*.pickle"))
    assert shards
    for bodies in shards:
        data = pickle.loads(bodies.read_bytes())
        for key, (body, problems, lookups) in data["items"].items():
            data["items"][key] = (type(body)("<p>POISON</p>", body.headings, body.media, "POISON"), problems, lookups)
        bodies.write_bytes(pickle.dumps(data))
    (root / "pages/gioi-thieu.md").write_text("---\ntitle: Giới thiệu\n---\nTrang giới thiệu mới.\n", "utf-8")
    def state() -> dict:
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(cache.rglob("*")) if p.is_file()}

    before = state()
    assert build(root, tmp_path / "site", "--no-cache")[0] == 0
    assert state() == before
    assert not any(b"POISON" in data for data in tree_bytes(tmp_path / "site").values())


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05\x95garbage"])
def test_a_damaged_cache_is_rebuilt_not_a_crash(tmp_path, damage):
    root = copy_fixture("basic", tmp_path / "content")
    assert build(root, tmp_path / "site")[0] == 0
    cache = tmp_path / ".confsite-cache/site"
    names = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*.pickle"))
    assert {"routes.pickle", "state.pickle"} <= set(names)
    assert any(n.startswith("bodies/") for n in names) and any(n.startswith("fields/") for n in names)
    for p in cache.rglob("*.pickle"):
        p.write_bytes(damage)
    with (root / "reports/bac-bo/tong-ket-2019.md").open("a", encoding="utf-8") as f:
        f.write("\nThêm một câu.\n")
    code, _, err = build(root, tmp_path / "site")
    assert code == 0 and "Traceback" not in err
    assert build(root, tmp_path / "clean", "--no-cache")[0] == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean")
    after = {p.relative_to(cache).as_posix() for p in cache.rglob("*.pickle")}
    assert set(names) <= after
    # Every table and shard the rebuild needed was written afresh; at most the shards that
    # held only the edited file's old entries (one of bodies, one of fields) were not.
    for name in ("state.pickle", "routes.pickle"):
        assert (cache / name).read_bytes() != damage
    left = [n for n in after if n.startswith(("bodies/", "fields/")) and (cache / n).read_bytes() == damage]
    assert len(left) <= 2, left


def test_parallel_rendering_gives_the_same_site(tmp_path, monkeypatch):
    root = copy_fixture("basic", tmp_path / "content")
    one = pipeline.build(pipeline.configure(root, tmp_path / "one"), cache=False, jobs=1)
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    two = pipeline.build(pipeline.configure(root, tmp_path / "two"), cache=False, jobs=2)
    assert one.rendered.made == two.rendered.made
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_a_template_error_in_a_render_worker_is_reported_like_any_other(tmp_path, monkeypatch):
    root = copy_fixture("basic", tmp_path / "content")
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text("{% extends 'base.html' %}{% block main %}{{ article.nothing }}"
                                                 "{% endblock %}", "utf-8")
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    code, _, err = build(root, tmp_path / "site", "--jobs", "2")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"content/templates/article\.html:1: template: while making /bai-viet/", err), err
    assert not (tmp_path / "site").exists()


def test_rebuilds_in_one_process_reuse_the_cache_tables_it_holds(tmp_path, monkeypatch):
    """`confsite serve` builds again and again: cache files this process read or wrote,
    unchanged since, are not unpickled again; one another process rewrote is."""
    import pickle

    from generator.cache import cache as cache_module

    root = copy_fixture("basic", tmp_path / "content")
    assert build(root, tmp_path / "site")[0] == 0
    loads = []
    real_load = pickle.load
    monkeypatch.setattr(cache_module.pickle, "load",
                        lambda f: loads.append(getattr(f, "name", "")) or real_load(f))
    with (root / "reports/bac-bo/tong-ket-2019.md").open("a", encoding="utf-8") as f:
        f.write("\nThêm một câu.\n")
    assert build(root, tmp_path / "site")[0] == 0
    assert [n for n in loads if n.endswith(".pickle")] == []
    routes = tmp_path / ".confsite-cache/site/routes.pickle"
    other = tmp_path / "routes-copy.pickle"
    other.write_bytes(routes.read_bytes())
    os.replace(other, routes)                           # as another process's save would: a new file
    with (root / "reports/bac-bo/tong-ket-2019.md").open("a", encoding="utf-8") as f:
        f.write("\nThêm câu nữa.\n")
    assert build(root, tmp_path / "site")[0] == 0
    assert [Path(n).name for n in loads if n.endswith(".pickle")] == ["routes.pickle"]
    assert build(root, tmp_path / "clean", "--no-cache")[0] == 0
    assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean")


def test_pages_kept_on_their_previous_signature_follow_every_input_they_depend_on(tmp_path):
    """A rebuild keeps the signature of a page whose deps are one document or value when
    nothing of it changed; each step below changes one input of such pages (a body, an
    alias, the settings, the article template) or changes it back, and the cached build
    stays byte for byte the clean one."""
    root = copy_fixture("basic", tmp_path / "content")
    target = root / "reports/bac-bo/tong-ket-2019.md"
    original = target.read_text("utf-8")
    site_yaml = (root / "site.yaml").read_text("utf-8")
    override = root / "templates/article.html"

    def body() -> None:
        with target.open("a", encoding="utf-8") as f:
            f.write("\nMột câu mới trong thân bài.\n")

    def alias() -> None:
        _set_field(target, "aliases", "[tong-ket-cu-2019]")

    def settings() -> None:
        (root / "site.yaml").write_text(site_yaml.replace("Lưu trữ hội nghị", "Kho hội nghị"), "utf-8")

    def template() -> None:
        override.parent.mkdir(exist_ok=True)
        override.write_text(ARTICLE_TEMPLATE.replace("{n}", "1"), "utf-8")

    steps = [body, alias, settings, template, lambda: override.unlink(),
             lambda: (root / "site.yaml").write_text(site_yaml, "utf-8"), lambda: target.write_text(original, "utf-8")]
    for step in [None, *steps]:
        if step is not None:
            step()
        code, _, err = build(root, tmp_path / "site", "--allow-removed")
        assert code == 0, err
        assert build(root, tmp_path / "clean", "--no-cache", "--allow-removed")[0] == 0
        assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean"), step
