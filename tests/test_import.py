"""``confsite import``: reports from Word files, saved portal pages, text and feeds become
draft articles whose front-matter carries the facts an editor would find in them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import importkit as kit
from generator.commands import cli
from generator.content.load import split_front_matter

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


@pytest.mark.slow
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


# -- formats and the body --------------------------------------------------------------

def test_word_score_tables_stay_tables_and_formatting_is_kept(site: Path, tmp_path: Path, capsys) -> None:
    _held_out_site(site)
    report = kit.read_fixture(kit.FIXTURES / "heldout" / "dong-nam-bo-2024.txt")
    code, written, out, err = imported(capsys, site, kit.word_file(report, tmp_path / "in"))
    assert code == 0, err
    body = split_front_matter(written[0].read_text("utf-8"))[2]
    assert "| Hạng | Đơn vị | Điểm |\n|---|---|---|\n| 1 | Sở Nội vụ tỉnh Bình Dương | 986 |" in body
    assert "**Hạng**" not in body.split("\n")[0]


def test_portal_pages_keep_headings_lists_emphasis_and_links(site: Path, tmp_path: Path, capsys) -> None:
    page = tmp_path / "trang.html"
    page.write_text("""<html><head><title>Tin</title></head><body><nav><a href="/">Trang chủ</a></nav>
<article><h1>Hội nghị giao ban công tác nội vụ quý III năm 2024</h1>
<p>Ngày 3/10/2024, Sở Nội vụ tổ chức hội nghị giao ban quý III với <b>toàn thể lãnh đạo</b> các phòng và
<i>đơn vị trực thuộc</i>; tài liệu xem tại <a href="https://snv.example.gov.vn/tai-lieu">trang tài liệu</a>.</p>
<h2>Nhiệm vụ quý IV</h2>
<ul><li>hoàn thành đề án vị trí việc làm của các cơ quan, đơn vị;</li><li>tổ chức thi nâng ngạch công chức.</li></ul>
<p>Hội nghị thống nhất giao các phòng chuyên môn báo cáo tiến độ hằng tháng cho lãnh đạo Sở.</p></article>
<footer>Bản quyền © Sở Nội vụ</footer></body></html>""", encoding="utf-8")
    code, written, out, err = imported(capsys, site, page)
    assert code == 0, err
    text = written[0].read_text("utf-8")
    body = split_front_matter(text)[2]
    assert "**toàn thể lãnh đạo**" in body and "*đơn vị trực thuộc*" in body
    assert "[trang tài liệu](<https://snv.example.gov.vn/tai-lieu>)" in body
    assert "## Nhiệm vụ quý IV" in body and "- tổ chức thi nâng ngạch công chức." in body
    assert "Trang chủ" not in body and "Bản quyền" not in body
    assert "\ndate: 2024-10-03\n" in text and "cluster:" not in text


def test_a_folder_of_word_files_imports_in_one_go_with_one_summary_line_each(site: Path, tmp_path: Path,
                                                                               capsys) -> None:
    folder = tmp_path / "luu-tru"
    for p in SEEDS[:3]:
        kit.word_file(kit.read_fixture(p), folder)
    (folder / "~$tam.docx").write_bytes(b"lock file of an open document")
    code, written, out, err = imported(capsys, site, folder)
    assert code == 0, err
    assert len(written) == 3
    lines = [line for line in out.splitlines() if " → " in line]
    assert len(lines) == 3
    for line in lines:
        assert "facts drafted" in line and ("to review" in line) and "image(s) copied" in line
    assert "imported 3 report(s) as drafts" in out


# -- never overwrite, and clear errors ------------------------------------------------------

def test_importing_again_never_overwrites(site: Path, tmp_path: Path, capsys) -> None:
    source = kit.word_file(kit.read_fixture(SEEDS[0]), tmp_path / "in")
    code, written, _, _ = imported(capsys, site, source)
    assert code == 0
    edited = written[0].read_text("utf-8").replace("draft: true", "draft: false")
    written[0].write_text(edited, encoding="utf-8")
    media = sorted((site / "media").rglob("*.jpg"))
    code, again, out, err = imported(capsys, site, source)
    assert code == 1 and again == []
    assert "already exists; nothing was written" in err
    assert written[0].read_text("utf-8") == edited
    assert sorted((site / "media").rglob("*.jpg")) == media


def _encrypted_docx(path: Path) -> Path:
    import io

    import docx
    from msoffcrypto.format.ooxml import OOXMLFile

    d = docx.Document()
    d.add_paragraph("Báo cáo tổng kết")
    plain = io.BytesIO()
    d.save(plain)
    plain.seek(0)
    with open(path, "wb") as out:
        OOXMLFile(plain).encrypt("matkhau", out)
    return path


def test_unreadable_inputs_fail_clearly_and_the_others_still_import(site: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    good = kit.word_file(kit.read_fixture(SEEDS[0]), folder)
    broken = folder / "hong.docx"
    broken.write_bytes(good.read_bytes()[:3000])
    locked = _encrypted_docx(folder / "co-mat-khau.docx")
    old = folder / "ban-cu.doc"
    old.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4000)
    empty = folder / "trang-trong.html"
    empty.write_text("<html><head><title>Tin</title></head><body><nav>Trang chủ</nav>"
                     "<footer>Bản quyền</footer></body></html>", encoding="utf-8")
    blank = folder / "rong.html"
    blank.write_bytes(b"")
    code, written, out, err = imported(capsys, site, good, broken, locked, old, empty, blank)
    assert code == 1
    assert len(written) == 1
    assert f"{broken.as_posix()}: is a damaged Word document" in err
    assert f"{locked.as_posix()}: the Word file is protected with a password; open it in Word, remove the password" in err
    assert f"{old.as_posix()}: is an old Word file (.doc)" in err and "save it as \"Word Document (.docx)\"" in err
    assert f"{empty.as_posix()}: the page has no article text" in err
    assert f"{blank.as_posix()}: the page is empty" in err
    assert "Traceback" not in err
    assert "imported 1 report(s)" in err


def test_import_needs_a_content_folder_and_a_known_cluster(site: Path, tmp_path: Path, capsys) -> None:
    source = kit.word_file(kit.read_fixture(SEEDS[0]), tmp_path / "in")
    assert run("import", str(source), "--content", str(tmp_path / "khong-co")) == 1
    assert "is not a content folder (no site.yaml)" in capsys.readouterr().err
    assert run("import", str(source), "--content", str(site), "--cluster", "Cụm Nam Bộ") == 1
    assert "is not in clusters.yaml" in capsys.readouterr().err
    assert not list((site / "reports").rglob("so-noi-vu-hai-phong*"))


def test_cluster_given_on_the_command_line_is_used(site: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "tin.txt"
    path.write_text("Hội nghị giao ban Cụm thi đua\n\nNgày 5/3/2024, các Sở Nội vụ trong Cụm tổ chức hội nghị "
                    "giao ban quý I tại thành phố Thái Nguyên.\n", encoding="utf-8")
    code, written, out, err = imported(capsys, site, path, extra=("--cluster", "trung-du-mien-nui-phia-bac"))
    assert code == 0, err
    meta = yaml.safe_load(split_front_matter(written[0].read_text("utf-8"))[0])
    assert meta["cluster"] == "Cụm thi đua Sở Nội vụ các tỉnh Trung du và miền núi phía Bắc"
    assert str(meta["date"]) == "2024-03-05"


def test_an_atom_feed_gives_one_draft_per_entry_into_the_folder_asked_for(site: Path, tmp_path: Path,
                                                                         capsys) -> None:
    feed = tmp_path / "atom.xml"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Tin tức Sở Nội vụ</title><id>urn:snv</id>
<updated>2024-03-02T08:00:00Z</updated>
<entry><title>Sở Nội vụ tỉnh Phú Thọ triển khai nhiệm vụ năm 2024</title><id>urn:1</id>
<link href="https://snv.phutho.gov.vn/tin/trien-khai-2024"/><published>2024-01-09T08:00:00Z</published>
<updated>2024-01-09T08:00:00Z</updated><author><name>Thu Hà</name></author>
<content type="html">&lt;p&gt;Sở Nội vụ tỉnh Phú Thọ tổ chức hội nghị triển khai nhiệm vụ công tác năm 2024 với sự
tham dự của lãnh đạo các phòng, đơn vị trực thuộc.&lt;/p&gt;</content></entry>
<entry><title>Giao ban công tác cải cách hành chính quý I năm 2024</title><id>urn:2</id>
<link href="https://snv.phutho.gov.vn/tin/giao-ban-q1-2024"/><published>2024-03-01T08:00:00Z</published>
<updated>2024-03-01T08:00:00Z</updated>
<content type="html">&lt;p&gt;Ngày 1/3/2024, Sở Nội vụ tỉnh Phú Thọ họp giao ban công tác cải cách hành chính
quý I với các sở, ngành.&lt;/p&gt;</content></entry></feed>""", encoding="utf-8")
    code, written, out, err = imported(capsys, site, feed, extra=("--into", str(site / "reports" / "phu-tho")))
    assert code == 0, err
    assert [p.relative_to(site / "reports" / "phu-tho").as_posix() for p in written] == [
        "2024/giao-ban-cong-tac-cai-cach-hanh-chinh-quy-i-nam-2024.md",
        "2024/so-noi-vu-tinh-phu-tho-trien-khai-nhiem-vu-nam-2024.md"]
    first = yaml.safe_load(split_front_matter(written[1].read_text("utf-8"))[0])
    assert str(first["date"]) == "2024-01-09" and first["kind"] == "trien-khai"
    assert first["source"] == "https://snv.phutho.gov.vn/tin/trien-khai-2024"
    assert "# REVIEW: the date the page was published" in written[1].read_text("utf-8")
    second = yaml.safe_load(split_front_matter(written[0].read_text("utf-8"))[0])
    assert str(second["date"]) == "2024-03-01" and "kind" not in second
    assert "atom.xml, item 1 → " in out and "atom.xml, item 2 → " in out
    assert run("import", str(feed), "--content", str(site), "--into", str(tmp_path / "ngoai")) == 1
    assert "is not inside the content folder" in capsys.readouterr().err
