"""The project's own corpus generator (benchmarks/make_corpus.py), used by tests and benchmarks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
