"""``confsite import``: reports from Word files, saved portal pages, text and feeds become
draft articles whose front-matter carries the facts an editor would find in them."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

import importkit as kit
from generator import cli
from generator.load import split_front_matter

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted(p for p in (kit.FIXTURES / "seeds").glob("*.txt"))
EXPECTED = yaml.safe_load((kit.FIXTURES / "seeds" / "expected.yaml").read_text("utf-8"))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the bundled content folder, with its registry of clusters."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    return content


def run(*args: str) -> int:
    return cli.main(list(args))


def imported(capsys, content: Path, *paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, list[Path], str, str]:
    before = set(content.rglob("*.md"))
    code = run("import", *map(str, paths), "--content", str(content), *extra)
    out, err = capsys.readouterr()
    return code, sorted(set(content.rglob("*.md")) - before), out, err


def _expected_for(name: str, fmt: str) -> dict:
    expected = dict(EXPECTED[name])
    in_text = expected.pop("source_in_text")
    expected.pop("images", None)
    if fmt == "docx" and not in_text:
        expected.pop("source", None)
    return kit.flatten(expected)


@pytest.mark.parametrize("fmt", ["html", "docx"])
@pytest.mark.parametrize("fixture", SEEDS, ids=lambda p: p.stem)
def test_seed_reports_import_with_the_facts_of_the_facts_table(fixture: Path, fmt: str, site: Path, tmp_path: Path,
                                                                capsys) -> None:
    report = kit.read_fixture(fixture)
    source = kit.portal_page(report, tmp_path / "in") if fmt == "html" else kit.word_file(report, tmp_path / "in")
    code, written, out, err = imported(capsys, site, source)
    assert code == 0, err
    assert len(written) == 1, out
    article = written[0]
    drafted, unsure = kit.facts_of(article)
    expected = _expected_for(fixture.stem, fmt)
    score = kit.Score()
    score.add(expected, drafted, unsure)
    assert not score.missing and not score.invented and not score.wrong_but_marked, (
        f"missing {score.missing}; wrong {score.invented}; marked but wrong {score.wrong_but_marked}\n"
        + article.read_text("utf-8"))
    text = article.read_text("utf-8")
    fm, _, body, _ = split_front_matter(text)
    meta = yaml.safe_load(fm)
    assert meta["draft"] is True and meta["title"] == report.title
    assert article.parent == site / "reports" / str(meta["date"])[:4]
    # every drafted fact says where it came from
    assert text.count("# from:") >= len(drafted)
    # the portal's furniture stays out of the article
    for furniture in ("Trang chủ", "Chia sẻ", "QR Code", "Lượt xem", "Bản quyền", "Tin khác"):
        assert furniture not in text
    images = EXPECTED[fixture.stem].get("images")
    if images:
        assert len(meta["images"]) == images
        for img in meta["images"]:
            assert (site / img["src"].lstrip("/")).is_file() and img["caption"]
        assert f"{images} image(s) copied" in out


def test_the_imported_site_builds(site: Path, tmp_path: Path, capsys) -> None:
    sources = [kit.portal_page(kit.read_fixture(p), tmp_path / "in") for p in SEEDS]
    code, written, out, err = imported(capsys, site, *sources)
    assert code == 0 and len(written) == 5, err
    assert run("build", "--content", str(site), "--output", str(tmp_path / "site"), "--drafts") == 0, \
        capsys.readouterr().err
    for article in written:
        meta = yaml.safe_load(split_front_matter(article.read_text("utf-8"))[0])
        page = tmp_path / "site" / "bai-viet" / meta["slug"] / "index.html"
        assert page.is_file()
        assert meta["title"] in page.read_text("utf-8").replace("&#34;", '"').replace("&quot;", '"')
    # drafts stay out of the production site
    assert run("build", "--content", str(site), "--output", str(tmp_path / "prod")) == 0
    assert not any((tmp_path / "prod" / "bai-viet" / yaml.safe_load(split_front_matter(a.read_text("utf-8"))[0])["slug"])
                   .exists() for a in written)


HELD_OUT = yaml.safe_load((kit.FIXTURES / "heldout" / "expected.yaml").read_text("utf-8"))


def _held_out_site(site: Path) -> Path:
    with open(site / "clusters.yaml", "a", encoding="utf-8") as f:
        f.write("\n" + yaml.safe_dump(HELD_OUT["clusters"], allow_unicode=True, sort_keys=False))
    return site


def test_held_out_reports_import_with_nine_facts_in_ten_and_none_invented(site: Path, tmp_path: Path,
                                                                           capsys) -> None:
    _held_out_site(site)
    inputs: list[Path] = []
    feed_items = []
    for name, spec in HELD_OUT["reports"].items():
        report = kit.read_fixture(kit.FIXTURES / "heldout" / f"{name}.txt")
        if spec["format"] == "html":
            inputs.append(kit.portal_page(report, tmp_path / "in"))
        elif spec["format"] == "docx":
            inputs.append(kit.word_file(report, tmp_path / "in"))
        elif spec["format"] == "txt":
            path = tmp_path / "in" / f"{name}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n\n".join([report.title] + [v for k, v in report.blocks if k == "p"]), encoding="utf-8")
            inputs.append(path)
        else:
            feed_items.append(report)
    inputs.append(kit.rss_feed(feed_items, tmp_path / "in" / "rss.xml"))
    code, written, out, err = imported(capsys, site, *inputs)
    assert code == 0, err
    assert len(written) == len(HELD_OUT["reports"]), out
    by_source = {}
    for line in out.splitlines():
        if " → " in line:
            label, rest = line.split(" → ", 1)
            by_source[label] = Path(rest.split(": ")[0])
    score = kit.Score()
    report_lines = []
    feed_n = 0
    for name, spec in HELD_OUT["reports"].items():
        expected = {k: v for k, v in spec.items() if k != "format"}
        if spec["format"] == "feed":
            feed_n += 1
            label = next(lbl for lbl in by_source if lbl.endswith(f"rss.xml, item {feed_n}"))
        else:
            label = next(lbl for lbl in by_source if Path(lbl).stem == name)
        drafted, unsure = kit.facts_of(by_source[label])
        one = kit.Score()
        one.add(kit.flatten(expected), drafted, unsure)
        score.add(kit.flatten(expected), drafted, unsure)
        report_lines.append(f"{name}: {one.right}/{one.expected}; missing {one.missing}; wrong {one.invented}; "
                            f"marked {one.wrong_but_marked}")
    summary = "\n".join(report_lines)
    assert not score.invented, summary
    assert score.ratio >= 0.9, summary
    # the editor is told where the drafts need checking
    assert "to review" in out
