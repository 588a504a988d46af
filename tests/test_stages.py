"""Unit tests of the stages, one behaviour each."""
from __future__ import annotations

import os

import pytest

from generator.content import markdown
from generator.core import yamldoc
from generator.content.load import split_front_matter
from generator.output.rendered import Rendered
from generator.output.write import WriteError, write_site
from sitekit import FIXTURES, article, build, content, copy_fixture, errors


def test_yaml_lines_are_kept_inside_nested_lists():
    doc = yamldoc.parse("title: x\nawards:\n  - award: a\n    recipient: b\n  - award: c\n", line_offset=1)
    assert doc.line("title") == 2
    assert doc.line("awards", 1, "award") == 6
    assert doc.line("awards", 0, "recipient") == 5
    assert doc.line("awards", 9) == 3  # nearest known parent


def test_yaml_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    with pytest.raises(yamldoc.YamlProblem) as exc:
        yamldoc.parse(bomb)
    assert "repeated aliases" in exc.value.message


def test_duplicate_keys_are_remembered():
    doc = yamldoc.parse("title: a\ntitle: b\n")
    assert doc.duplicates == ((("title",), 2),)


def test_front_matter_split_keeps_body_lines():
    fm, fm_line, body, body_line = split_front_matter("---\ntitle: x\ndate: 2020-01-01\n---\nbody\nline\n")
    assert fm == "title: x\ndate: 2020-01-01\n" and fm_line == 2
    assert body == "body\nline\n" and body_line == 5


def test_a_loaded_body_is_the_files_text_whatever_its_line_endings_and_byte_order_mark(tmp_path):
    from generator.build import pipeline
    from generator.content.load import load

    body = "Sở Nội vụ tỉnh Đắk Lắk ✓ 𝔸\n\nĐoạn hai.\n"
    plain = article("Hội nghị một", body=body).encode("utf-8")
    windows = b"\xef\xbb\xbf" + article("Hội nghị hai", body=body).replace("\n", "\r\n").encode("utf-8")
    root = content(tmp_path / "content", {"reports/a.md": plain, "reports/b.md": windows})
    docs = {d.rel: d for d in load(pipeline.configure(root, tmp_path / "site")).documents}
    for rel in ("reports/a.md", "reports/b.md"):
        assert docs[rel].body == body + "\n" and docs[rel].body_line == 5
        assert docs[rel].front_matter.startswith("title: Hội nghị")


def test_markdown_headings_get_folded_unique_anchors_and_lines_for_problems():
    resolver = markdown.Resolver("reports/a.md", "/tin/", {"media/x.png": None}, {})
    body, problems = markdown.render("# Đắk Lắk\n\n## Đắk Lắk\n\n![a](/media/x.png)\n\n![b](y.png)\n", resolver, 10)
    assert '<h1 id="dak-lak">' in body.html and '<h2 id="dak-lak-1">' in body.html
    assert '<img src="/tin/media/x.png" alt="a">' in body.html
    assert body.media == ("media/x.png",)
    assert [(p.line, p.field) for p in problems] == [(16, "image")]


def test_a_body_reads_back_exactly_as_rendered_wherever_it_travels():
    """Bodies are stored compactly (UTF-8) and travel pickled (from workers, into the build
    cache) or are read lazily from the cache: each way gives back the same HTML and text."""
    import pickle

    from generator.content.lazy import LazyBody

    text = "## Kết quả\n\nSở Nội vụ tỉnh Đắk Lắk đạt **994/1000** điểm; ký tự lạ: \u00a0 € 𝔸 ✓.\n"
    body, _ = markdown.render(text, markdown.Resolver("a.md", "/", {}, {}), 1)
    assert "Sở Nội vụ tỉnh Đắk Lắk đạt <strong>994/1000</strong> điểm; ký tự lạ: &nbsp; € 𝔸 ✓." in body.html
    assert body.text.startswith("Kết quả") and "𝔸 ✓" in body.text
    again = pickle.loads(pickle.dumps(body))
    lazy = LazyBody(body.media, body.fingerprint, lambda: again)
    for other in (again, lazy, pickle.loads(pickle.dumps(lazy))):
        assert (other.html, other.text, other.headings, other.media) == (body.html, body.text, body.headings, body.media)
        assert other == body and body == other and hash(other) == hash(body)
    changed = markdown.render(text.replace("994", "995"), markdown.Resolver("a.md", "/", {}, {}), 1)[0]
    assert changed != body and LazyBody(changed.media, changed.fingerprint, lambda: changed) != body
    with pytest.raises(AttributeError):
        body.html = "<p>khác</p>"       # type: ignore[misc]


def test_markdown_tables_keep_alignment_without_inline_styles():
    resolver = markdown.Resolver("a.md", "/", {}, {})
    body, _ = markdown.render("| a | b |\n|:-:|--:|\n| 1 | 2 |\n", resolver, 1)
    assert 'class="al-center"' in body.html and 'class="al-right"' in body.html and "style=" not in body.html


def test_write_swaps_the_whole_folder_and_removes_stale_files(tmp_path):
    out = tmp_path / "site"
    write_site(Rendered({"a.html": b"1", "old.html": b"x"}), out)
    stats = write_site(Rendered({"a.html": b"1", "b/index.html": b"2"}), out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".confsite.json", "a.html", "b/index.html"]
    assert (stats.written, stats.unchanged, stats.removed) == (1, 1, 1)
    assert oct(out.stat().st_mode & 0o777) == "0o755"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.new")]


def test_write_refuses_paths_that_leave_the_output(tmp_path):
    with pytest.raises(WriteError):
        write_site(Rendered({"../evil.html": b"x"}), tmp_path / "site")
    assert not (tmp_path / "evil.html").exists()


def test_an_undefined_template_variable_fails_the_build_loudly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = copy_fixture("basic", tmp_path / "content")
    (src / "templates").mkdir()
    (src / "templates/page.html").write_text("{% extends 'base.html' %}{% block main %}{{ page.subtitle }}{% endblock %}")
    assert build(FIXTURES / "basic/content", tmp_path / "site")[0] == 0
    before = (tmp_path / "site/gioi-thieu/index.html").read_bytes()
    code, _, err = build(src, tmp_path / "site")
    assert code == 1
    assert errors(err) == ["content/templates/page.html:1: template: while making /gioi-thieu/: Page has no value "
                           "named 'subtitle'; fix the template; the site was not changed"]
    assert "Traceback" not in err
    assert (tmp_path / "site/gioi-thieu/index.html").read_bytes() == before


def test_an_editors_template_overrides_the_bundled_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = content(tmp_path / "content", {
        "pages/a.md": "---\ntitle: Trang A\n---\nx\n",
        "templates/page.html": "{% extends 'base.html' %}{% block main %}<p>Riêng: {{ page.title }}</p>{% endblock %}",
    })
    assert build(src, tmp_path / "site")[0] == 0
    assert "<p>Riêng: Trang A</p>" in (tmp_path / "site/a/index.html").read_text("utf-8")
    assert not (tmp_path / "site/templates").exists()


def test_media_links_in_bodies_are_copied_and_others_not(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = content(tmp_path / "content", {
        "reports/2020/a.md": article("A", body="[tệp](tai%20lieu.pdf)"),
        "reports/2020/tai lieu.pdf": b"%PDF-1.4\n",
        "reports/2020/unused.png": b"\x89PNG\r\n\x1a\n",
    })
    assert build(src, tmp_path / "site")[0] == 0
    assert (tmp_path / "site/reports/2020/tai lieu.pdf").is_file()
    assert not (tmp_path / "site/reports/2020/unused.png").exists()
    page = (tmp_path / "site/bai-viet/a/index.html").read_text("utf-8")
    assert 'href="/tin/reports/2020/tai%20lieu.pdf"' in page


def test_symlinks_out_of_the_content_folder_are_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.md").write_text(article("Bí mật"))
    src = content(tmp_path / "content", {"reports/a.md": article("A")})
    os.symlink(tmp_path / "secret.md", src / "reports/link.md")
    code, _, err = build(src, tmp_path / "site")
    assert code == 1
    assert errors(err) == ["content/reports/link.md: file: this file is a link to a place outside the content "
                           "folder; copy the file into the content folder instead of linking it"]


def _many_documents(root, broken: bool) -> None:
    """Enough documents for the stages to fan out over processes, four of them broken or not."""
    files = {}
    for i in range(150):
        body = f"Đoạn {i}. Xem [bài trước](bai-{i - 1}.md)." if i else "Bài đầu."
        files[f"reports/2020/bai-{i}.md"] = article(f"Hội nghị số {i}", f"2020-{i % 12 + 1:02d}-11", body)
    if not broken:
        return content(root, files)
    files["reports/2020/bai-7.md"] = "---\ntitle: [không đóng\ndate: 2020-01-01\n---\nx\n"
    files["reports/2020/bai-40.md"] = article("Ngày sai", "2020-02-30")
    files["reports/2020/bai-90.md"] = article("Liên kết hỏng", body="Xem [bài](khong-co.md).")
    files["reports/2020/bai-120.md"] = article("Trường lạ", colour="xanh")
    return content(root, files)


@pytest.mark.parametrize("broken", [False, True])
def test_stages_give_the_same_result_in_one_process_and_in_several(tmp_path, broken):
    from generator.build import pipeline
    from generator.core.errors import BuildFailed

    _many_documents(tmp_path / "content", broken)
    config = pipeline.configure(tmp_path / "content", tmp_path / "site")
    results = []
    for jobs in (1, 2):
        try:
            site = pipeline.model(config, jobs=jobs)
            rendered = pipeline.build(config, write=False, cache=False, jobs=jobs).rendered
            results.append(([a.url for a in site.articles], [a.body.html for a in site.articles], rendered.files))
        except BuildFailed as exc:
            results.append([(p.path, p.line, p.field, p.message) for p in exc.problems])
    assert results[0] == results[1]
    if broken:
        fields = {(p[0].rsplit("/", 1)[-1], p[2]) for p in results[0]}
        assert {("bai-7.md", "front-matter"), ("bai-40.md", "date"), ("bai-120.md", "colour")} <= fields
        assert any(p[0].endswith("bai-90.md") and "khong-co.md" in p[3] for p in results[0])
    else:
        assert len(results[0][0]) == 150 and len(results[0][2]) > 500


def test_a_finished_build_keeps_nothing_of_its_model(tmp_path):
    """`confsite serve` builds again and again in one process: the last model must be
    freed, not carried into the next build by what the stages remembered of it."""
    import gc
    import weakref

    from generator.build import pipeline

    copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(tmp_path / "content", tmp_path / "site")
    result = pipeline.build(config)
    model = weakref.ref(result.site)
    del result
    gc.collect()
    assert model() is None


def test_a_worker_process_that_dies_stops_the_stage_instead_of_hanging():
    import signal

    from generator.cache import parallel

    def work(x: int) -> int:
        if x == 70:
            os._exit(3)          # as the kernel's out-of-memory killer would end it
        return x * 2

    def hung(*_):
        raise AssertionError("the stage waited for a dead worker")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(parallel.WorkerDied):
            parallel.fork_map(work, list(range(100)), jobs=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert parallel.fork_map(lambda x: x * 2, list(range(100)), jobs=2) == [x * 2 for x in range(100)]


def test_forked_workers_end_on_sigterm_even_where_the_parent_handles_it(tmp_path, monkeypatch):
    """`confsite serve` handles SIGTERM; its build workers must not inherit that, or a
    pool shut down with SIGTERM leaves the build waiting for a worker forever."""
    import signal

    from generator.build import pipeline
    from generator.cache import parallel

    marks = tmp_path / "marks"
    original = parallel.worker_started

    def started() -> None:
        original()
        with marks.open("a") as f:
            f.write(f"{signal.getsignal(signal.SIGTERM) is signal.SIG_DFL}\n")

    monkeypatch.setattr(parallel, "worker_started", started)
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        _many_documents(tmp_path / "content", broken=False)
        config = pipeline.configure(tmp_path / "content", tmp_path / "site")
        pipeline.build(config, jobs=2)      # load/validate workers, render workers, the index process
        assert parallel.fork_map(lambda _: signal.getsignal(signal.SIGTERM) is signal.SIG_DFL,
                                 list(range(100)), jobs=2) == [True] * 100
    finally:
        signal.signal(signal.SIGTERM, previous)
    seen = marks.read_text().split()
    assert len(seen) >= 5 and set(seen) == {"True"}
