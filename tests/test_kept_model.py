"""The model kept between builds (``build/kept.py``): an edit of documents' text alone
is built from the last build's model, and the site is the one a clean build makes.

Every scenario compares the output, byte for byte, with a clean build (``--no-cache``)
of the same content, and says whether the kept model was used: a build that used it
loads and validates nothing (no ``load`` or ``validate`` stage in its timings).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.build import pipeline
from sitekit import build, copy_fixture, errors, tree_bytes

pytestmark = pytest.mark.slow

ARTICLE = "reports/bac-bo/tong-ket-2019.md"
OTHER = "reports/tay-nguyen/trien-khai-2023.md"


def _age(root: Path) -> None:
    """Files saved a while ago, as an editor's are: a build trusts their stat (and keeps
    its model) only past the window where a second save could leave the stat as it was."""
    time.sleep(0.15)


def _append(root: Path, rel: str, text: str) -> None:
    with (root / rel).open("a", encoding="utf-8") as f:
        f.write(text)


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def site(tmp_path):
    root = copy_fixture("basic", tmp_path / "content")
    config = pipeline.configure(root, tmp_path / "site")
    _age(root)
    pipeline.build(config)

    def rebuild() -> pipeline.BuildResult:
        """Build after an edit; then the output must be a clean build's."""
        _age(root)
        result = pipeline.build(config)
        code, _, err = build(root, tmp_path / "clean", "--no-cache")
        assert code == 0, err
        assert tree_bytes(tmp_path / "site") == tree_bytes(tmp_path / "clean")
        return result

    return root, config, rebuild


def _kept(result: pipeline.BuildResult) -> bool:
    return "load" not in result.timings and "validate" not in result.timings


def test_text_edits_are_built_from_the_kept_model(site):
    root, _, rebuild = site
    _append(root, ARTICLE, "\nMột câu mới trong thân bài.\n")
    first = rebuild()
    assert _kept(first)
    page = next(a for a in first.site.articles if a.source == ARTICLE).url + "index.html"
    assert "Một câu mới trong thân bài." in (root.parent / "site" / page).read_text("utf-8")

    # Another edit, of another article, on top: the first one's text stays.
    _replace(root, OTHER, "\n---\n", "\n---\nĐoạn mở đầu viết thêm.\n\n")
    second = rebuild()
    assert _kept(second)
    assert "Một câu mới trong thân bài." in (root.parent / "site" / page).read_text("utf-8")

    # The same article again, a link to another report now in its text.
    _append(root, ARTICLE, "\nXem [bài triển khai](../tay-nguyen/trien-khai-2023.md).\n")
    assert _kept(rebuild())


@pytest.mark.parametrize("change", [
    ("the date", lambda root: _replace(root, ARTICLE, "date: 2019-12-10", "date: 2019-12-11")),
    ("an image in the text", lambda root: _append(root, ARTICLE, "\n![Ảnh](/media/anh-hoi-nghi-2.png)\n")),
    ("a new article", lambda root: (root / "reports/tin/moi.md").write_text(
        "---\ntitle: Tin mới\ndate: 2024-01-05\n---\nNội dung.\n", "utf-8")),
    ("the clusters", lambda root: _append(root, "clusters.yaml", "\n")),
])
def test_other_edits_make_the_model_whole(site, change):
    root, _, rebuild = site
    if change[0] == "an image in the text":
        (root / "media/anh-hoi-nghi-2.png").write_bytes((root / "media/anh-hoi-nghi.png").read_bytes())
    change[1](root)
    assert not _kept(rebuild())
    # And the model kept by that build serves the next text edit.
    _append(root, ARTICLE, "\nThêm một câu.\n")
    assert _kept(rebuild())


def test_an_edit_with_an_error_fails_as_a_whole_build_does(site, tmp_path):
    root, config, rebuild = site
    _append(root, ARTICLE, "\nXem [bài không có](khong-co.md).\n")
    _age(root)
    code, _, err = build(root, tmp_path / "site")
    clean_code, _, clean_err = build(root, tmp_path / "clean", "--no-cache")
    assert code == clean_code == 1
    assert errors(err) == errors(clean_err) and "khong-co.md" in err
    _replace(root, ARTICLE, "khong-co.md", "so-ket-2022.md")
    rebuild()


def test_a_damaged_kept_model_or_a_missing_body_is_no_crash(site, tmp_path):
    root, _, rebuild = site
    kept = tmp_path / ".confsite-cache/site/model.pickle"
    assert kept.is_file()
    kept.write_bytes(kept.read_bytes()[: kept.stat().st_size // 2])
    _append(root, ARTICLE, "\nCâu thứ nhất.\n")
    assert not _kept(rebuild())
    # The cached bodies gone: the kept model's bodies are made again from their files.
    for shard in (tmp_path / ".confsite-cache/site/bodies").iterdir():
        shard.unlink()
    _append(root, OTHER, "\nCâu thứ hai.\n")
    result = rebuild()
    assert _kept(result)
    for article in result.site.articles:
        assert article.body.html      # every body readable, from the cache or from its file


def test_the_output_removed_meanwhile_is_made_whole_again(site, tmp_path):
    import shutil

    root, _, rebuild = site
    shutil.rmtree(tmp_path / "site")
    _append(root, ARTICLE, "\nCâu viết sau khi thư mục đầu ra bị xoá.\n")
    assert _kept(rebuild())


def test_a_kept_body_that_cannot_be_made_again_is_an_error_not_a_crash(site, tmp_path, monkeypatch):
    # Its cache entry gone, and its file broken while the site was being built (as if):
    # the build stops with an editor's message.
    from generator.build import kept, rebuild
    from generator.cache.cache import BuildCache
    from generator.core.errors import BuildFailed

    root, config, _ = site
    for shard in (tmp_path / ".confsite-cache/site/bodies").iterdir():
        shard.unlink()
    _append(root, OTHER, "\nMột câu.\n")
    _age(root)
    monkeypatch.setattr(kept, "validate_document", lambda *args: (None, ()))
    restored = kept.restore(BuildCache.for_config(config), rebuild.snapshot(config, ""), config)
    assert restored is None      # the edited file itself is checked first: a whole model then
    monkeypatch.undo()
    restored = kept.restore(BuildCache.for_config(config), rebuild.snapshot(config, ""), config)
    assert restored is not None
    monkeypatch.setattr(kept, "validate_document", lambda *args: (None, ()))
    unread = next(a for a in restored.site.articles if a.source == ARTICLE)
    with pytest.raises(BuildFailed) as failed:
        unread.body.html
    [problem] = failed.value.problems
    assert problem.path.endswith(ARTICLE) and problem.message == "changed while the site was being built"


def test_a_text_edit_signs_only_the_pages_that_show_it(site, monkeypatch):
    # The routes the previous build signed, its output as it left it: the other pages keep
    # their signatures unread (listings of every cluster, year and unit among them).
    from generator.render.signatures import Signer

    root, _, rebuild = site
    signed: list[str] = []
    sign = Signer.sign
    monkeypatch.setattr(Signer, "sign", lambda self, route: signed.append(route.output) or sign(self, route))
    table = root.parent / ".confsite-cache" / "site" / "routes.pickle"
    written = table.stat().st_mtime_ns
    for rel, text in ((ARTICLE, "\nMột câu cho chữ ký của trang.\n"), (OTHER, "\nVà một câu ở bài khác.\n")):
        signed.clear()
        _append(root, rel, text)
        result = rebuild()
        assert _kept(result)
        page = next(a for a in result.site.articles if a.source == rel).url + "index.html"
        assert page in signed
        assert len(signed) <= 12, signed
    # The signatures of the pages not looked at stand as the table has them: only the
    # changes were written (beside it), and the next build read them with it.
    assert table.stat().st_mtime_ns == written


def test_an_output_another_build_wrote_meanwhile_is_looked_at_page_by_page(site, tmp_path):
    # A build without the cache writes the other article's edited page into the output;
    # that text then goes back as it was, and an article is edited. The kept signatures say
    # nothing of the other article changed since, but the output holds its page of the
    # build in between: the build must see it (the output is not as the cache left it).
    root, _, rebuild = site
    before = (root / OTHER).read_text("utf-8")
    _replace(root, OTHER, "\n---\n", "\n---\nMột đoạn chỉ có trong lần dựng không dùng bộ nhớ đệm.\n\n")
    code, _, err = build(root, tmp_path / "site", "--no-cache")
    assert code == 0, err
    (root / OTHER).write_text(before, "utf-8")
    _append(root, ARTICLE, "\nMột câu sau lần dựng xen giữa.\n")
    assert _kept(rebuild())
