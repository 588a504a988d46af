"""The project's own corpus generator (benchmarks/make_corpus.py), used by tests and benchmarks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import pipeline


def make(project_root: Path, out: Path, *args: str) -> dict[str, bytes]:
    subprocess.run([sys.executable, str(project_root / "benchmarks" / "make_corpus.py"), str(out), *args],
                   check=True, capture_output=True)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_same_seed_and_size_give_the_same_bytes_and_another_seed_does_not(tmp_path, project_root):
    first = make(project_root, tmp_path / "a", "--articles", "60", "--words", "40", "--seed", "3")
    assert first == make(project_root, tmp_path / "b", "--articles", "60", "--words", "40", "--seed", "3")
    assert first != make(project_root, tmp_path / "c", "--articles", "60", "--words", "40", "--seed", "4")
    assert sum(name.endswith(".md") for name in first) == 60


def test_the_corpus_has_what_real_reports_have(tmp_path, project_root):
    make(project_root, tmp_path, "--articles", "120", "--words", "40")
    site = pipeline.model(pipeline.configure(tmp_path / "content", tmp_path / "site"))
    assert [p.format() for p in site.problems] == []
    articles = site.articles
    assert len(articles) == 120
    assert {a.cluster is None for a in articles} == {True, False}     # news items and cluster reports
    assert any(a.scores for a in articles) and any(a.awards for a in articles)
    assert any(a.elected for a in articles) and any(a.attendees for a in articles)
    assert any(a.images for a in articles)
    assert all((tmp_path / "content" / i.src.lstrip("/")).is_file() for a in articles for i in a.images)
    assert len(site.clusters) == 7 and any(c.succession for c in site.clusters)
    text = " ".join(a.title for a in articles)
    assert "Hội nghị tổng kết" in text and "Sở Nội vụ" in text


def test_other_generators_get_the_same_articles_in_their_layout(tmp_path, project_root):
    hugo = make(project_root, tmp_path / "h", "--articles", "20", "--words", "30", "--flavor", "hugo")
    pelican = make(project_root, tmp_path / "p", "--articles", "20", "--words", "30", "--flavor", "pelican")
    assert len([n for n in hugo if n.startswith("content/posts/")]) == 20
    assert len(pelican) == 20 and all(b.startswith(b"Title: ") for b in pelican.values())


# Eleventy itself is installed for the benchmark only (make bench-peers); node is enough to
# load the flavor's configuration and run its collections on the articles it wrote.
ELEVENTY_PROBE = """
const [config, posts] = [process.argv[1], JSON.parse(process.argv[2])];
import(config).then(({ default: setup }) => {
  const collections = {}, filters = {};
  const api = { getFilteredByGlob: (glob) => posts.map((p) => ({ url: p.url, date: new Date(p.date), data: p })) };
  const options = setup({
    getFilter: () => (s) => s.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").replace(/đ/gi, "d")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
    addFilter: (name, f) => { filters[name] = f; },
    addCollection: (name, f) => { collections[name] = f(api); },
  });
  console.log(JSON.stringify({
    options, filters: Object.keys(filters), dmy: filters.dmy(new Date("2019-12-05")),
    articles: collections.articles.map((p) => p.url),
    termPages: collections.termPages.map((t) => ({ url: t.url, name: t.name, posts: t.posts.map((p) => p.url) })),
  }));
});
"""


@pytest.mark.tool
def test_the_eleventy_flavor_is_a_site_of_the_same_articles(tmp_path, project_root):
    import json

    import yaml

    from tools import require_binary

    eleventy = make(project_root, tmp_path / "e", "--articles", "60", "--words", "30", "--flavor", "eleventy")
    hugo = make(project_root, tmp_path / "h", "--articles", "60", "--words", "30", "--flavor", "hugo")
    posts = []
    for name, text in eleventy.items():
        if name.startswith("content/posts/") and name.endswith(".md"):
            meta = yaml.safe_load(text.decode().split("---\n")[1])
            posts.append({"url": f"/posts/{Path(name).stem}/", "title": meta["title"], "date": str(meta["date"]),
                          "cluster": meta["cluster"], "tags": meta["tags"]})
    assert sorted(p["title"] for p in posts) == sorted(
        yaml.safe_load(t.decode().split("---\n")[1])["title"] for n, t in hugo.items() if n.endswith(".md"))
    assert {"content/index.njk", "content/terms.njk", "content/feed.njk", "content/_includes/article.njk"} <= set(eleventy)

    probe = subprocess.run([require_binary("node", "nodejs"), "--input-type=module", "-e", ELEVENTY_PROBE,
                            (tmp_path / "e" / "eleventy.config.mjs").as_uri(), json.dumps(posts)],
                           capture_output=True, text=True, check=True)
    site = json.loads(probe.stdout)
    assert site["options"]["dir"]["input"] == "content" and site["dmy"] == "05/12/2019"
    newest_first = sorted(posts, key=lambda p: p["date"], reverse=True)
    assert [p["date"] for p in newest_first] == [next(q["date"] for q in posts if q["url"] == u)
                                                 for u in site["articles"]]
    pages = site["termPages"]
    assert len({p["url"] for p in pages}) == len(pages) and all(1 <= len(p["posts"]) <= 20 for p in pages)
    for post in posts:     # every article is listed once under its cluster and once under each tag
        assert sum(post["url"] in p["posts"] for p in pages if p["name"] == post["cluster"]
                   and p["url"].startswith("/clusters/")) == 1
        for tag in post["tags"]:
            assert sum(post["url"] in p["posts"] for p in pages if p["name"] == tag
                       and p["url"].startswith("/tags/")) == 1
