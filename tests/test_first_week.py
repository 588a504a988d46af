"""Issue 18: what an editor meets in the first week. One test (or a few) per item;
each failed before its fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitekit import article, build, content, errors, run, warnings


# 1. The link-rot guard suggests a page only on strong evidence, and says why.

def _bundled(tmp_path: Path, project_root: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(project_root / "content", dest)
    return dest


def test_deleted_article_gets_no_unrelated_suggestion(tmp_path, project_root):
    folder = _bundled(tmp_path, project_root)
    (folder / "reports" / "2023" / "trien-khai-cong-tac-noi-vu-2023.md").unlink()
    code, _, err = run("check", "--content", str(folder))
    assert code == 1
    line = next(l for l in err.splitlines() if "trien-khai-cong-tac-noi-vu-2023" in l and "was published" in l)
    assert "likely new page" not in line and "trung-du" not in line
    assert "no page of this build replaces it" in line
    assert "--allow-removed" in line and "aliases:" in line


def test_renamed_article_with_same_id_is_suggested_with_the_reason(tmp_path):
    folder = content(tmp_path / "content", {
        "reports/2023/a.md": article("Hội nghị triển khai nhiệm vụ", "2023-03-01", id="tk-2023"),
        "reports/2023/b.md": article("Hội nghị tổng kết Cụm Bắc Bộ", "2023-12-20"),
    })
    assert build(folder, tmp_path / "site")[0] == 0
    (folder / "reports/2023/a.md").write_text(
        article("Triển khai công tác năm mới của ngành", "2023-03-01", id="tk-2023"), "utf-8")
    code, _, err = build(folder, tmp_path / "site")
    assert code == 1
    assert ("/bai-viet/hoi-nghi-trien-khai-nhiem-vu/ was published before and this build no longer has it; "
            "the likely new page is /bai-viet/trien-khai-cong-tac-nam-moi-cua-nganh/ (") in err
    assert 'reports/2023/a.md), which keeps its id "tk-2023": add aliases: [hoi-nghi-trien-khai-nhiem-vu]' in err


# 9. Only builds of the real output (and publish) record published addresses.

def test_scratch_build_does_not_record_addresses(tmp_path):
    folder = content(tmp_path / "content", {"reports/2023/a.md": article("Bài thật", "2023-03-01")})
    assert build(folder, tmp_path / "site")[0] == 0
    listed = (folder / ".published-urls").read_text("utf-8")
    (folder / "reports/2023/thu.md").write_text(article("Bài thử nghiệm", "2023-03-02"), "utf-8")
    assert build(folder, tmp_path / "scratch")[0] == 0
    assert (folder / ".published-urls").read_text("utf-8") == listed
    (folder / "reports/2023/thu.md").unlink()
    code, _, err = build(folder, tmp_path / "site")
    assert code == 0, err


# 10. The preview's QR codes encode the portal address, and the preview says so.

@pytest.mark.tool
def test_preview_qr_codes_encode_the_portal_address(tmp_path):
    import tools
    from generator.build import pipeline
    from generator.commands.serve import Preview

    folder = content(tmp_path / "content", {"reports/2023/a.md": article("Bài thật", "2023-03-01")})
    preview = Preview(folder, "127.0.0.1", 8765, 35729, log=lambda line: None)
    try:
        config = preview.config()
        assert config.base_url == "http://127.0.0.1:8765/tin/"
        pipeline.build(config, allow_removed=True, cache=False)
        page = preview.output / "bai-viet" / "bai-that"
        assert tools.zbar_decode(page / "qr.png") == ["https://snv.example.gov.vn/tin/bai-viet/bai-that/"]
        html = (page / "index.html").read_text("utf-8")
        assert "127.0.0.1" not in html.split('class="qr-box"', 1)[1].split("</aside>", 1)[0]
        assert "https://snv.example.gov.vn/tin/bai-viet/bai-that/" in html
        assert "Bản xem trước: mã QR dẫn tới địa chỉ chính thức trên cổng thông tin" in html
    finally:
        shutil.rmtree(preview.workdir, ignore_errors=True)


# 13. Long unbroken text never makes a phone scroll sideways (320 and 375 px).

LONG_UNIT = "Sở Nội vụ tỉnh " + "Bà-Rịa-Vũng-Tàu-Đồng-Nai-Bình-Dương-Tây-Ninh-Bình-Phước" * 2
LONG_URL = "https://snv.example.gov.vn/tin-tuc/" + "hoi-nghi-tong-ket-cong-tac-thi-dua-khen-thuong-nam-2023-" * 3 + ".html"
LONG_MAIL = "van-phong-so-noi-vu-tinh-ba-ria-vung-tau-dong-nai-binh-duong@snv.example.gov.vn"


def test_long_urls_emails_units_and_cells_wrap_on_phones(tmp_path, page):
    import tools

    body = (f"Liên hệ {LONG_MAIL} hoặc xem {LONG_URL}.\n\n"
            f"Mã văn bản: {'QĐ-UBND-' * 20}\n\n"
            f"| Đơn vị | Ghi chú |\n|---|---|\n| {LONG_UNIT} | {LONG_URL} |\n")
    folder = content(tmp_path / "content", {
        "clusters.yaml": f"- name: Cụm thi đua dài\n  members: ['{LONG_UNIT}']\n",
        "reports/2023/a.md": article(
            "Hội nghị tổng kết", "2023-12-01", body=body, cluster="Cụm thi đua dài", source=LONG_URL,
            host=f"'{LONG_UNIT}'", author=LONG_MAIL,
            scores=f"[{{unit: '{LONG_UNIT}', points: 990, out_of: 1000, rank: 1}}]",
            attendees=f"['Nguyễn Văn A, Giám đốc, {LONG_UNIT}']"),
    })
    code, _, err = build(folder, tmp_path / "site")
    assert code == 0, err
    paths = ["bai-viet/hoi-nghi-tong-ket/"]
    unit = [p.parent.relative_to(tmp_path / "site").as_posix() + "/"
            for p in (tmp_path / "site").glob("don-vi/*/index.html")]
    paths += unit
    with tools.serve_directory(tmp_path / "site", "/tin/") as served:
        for path in paths:
            page.goto(served + path)
            for px in (320, 375, 600):
                page.set_viewport_size({"width": px, "height": 800})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= px, f"/{path} at {px} px scrolls sideways: {scroll} > {px}"
                # Nor does a box scroll inside the page: the text itself wraps.
                wide = page.evaluate("""[...document.querySelectorAll('main *')]
                    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                    .map(e => e.tagName + ' ' + e.textContent.slice(0, 40))""")
                assert wide == [], f"/{path} at {px} px: {wide[:3]} stand out to the right"


# 12. Strikethrough, bare web addresses and footnotes, as editors paste them from Word.

def _body(text: str) -> tuple[str, list]:
    from generator.content.markdown import Resolver, render

    body, problems = render(text, Resolver("reports/2023/a.md", "/tin/", frozenset()), 5)
    return body.html, problems


def test_strikethrough():
    assert _body("Kế hoạch ~~cũ~~ mới.")[0] == "<p>Kế hoạch <s>cũ</s> mới.</p>\n"


def test_bare_web_addresses_become_links():
    html, problems = _body("Xem https://snv.example.gov.vn/tin/a.html và www.example.gov.vn hôm nay.")
    assert problems == []
    assert '<a href="https://snv.example.gov.vn/tin/a.html" rel="noopener noreferrer">https://snv.example.gov.vn/tin/a.html</a>' in html
    assert '<a href="http://www.example.gov.vn" rel="noopener noreferrer">www.example.gov.vn</a>' in html
    assert _body("Xem tệp bao-cao.md và ban-ghi.py.")[0] == "<p>Xem tệp bao-cao.md và ban-ghi.py.</p>\n"


def test_footnotes_are_kept_and_linked_both_ways():
    html, problems = _body("Tổng điểm đạt 994 điểm.[^1]\n\n[^1]: Theo biên bản chấm điểm ngày 10/12.\n")
    assert problems == []
    assert "Theo biên bản chấm điểm ngày 10/12." in html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1" rel="noopener noreferrer">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert 'href="#fnref1"' in html


# 11. Links: query strings kept, deep nesting refused with its line, ftp:/data:/file: and
#     empty links explained.

def _site_body(tmp_path, body: str, files: dict | None = None):
    folder = content(tmp_path / "content", {"reports/2023/a.md": article("Bài", "2023-03-01", body=body),
                                            **(files or {})})
    return build(folder, tmp_path / "site")


def test_local_link_keeps_its_query_string(tmp_path):
    code, _, err = _site_body(tmp_path, "[Tải](../../media/a.pdf?v=2#page=3)", {"media/a.pdf": b"%PDF-1.4\n"})
    assert code == 0, err
    html = (tmp_path / "site/bai-viet/bai/index.html").read_text("utf-8")
    assert 'href="/tin/media/a.pdf?v=2#page=3"' in html


@pytest.mark.parametrize("body, line", [
    ("Mở đầu.\n\n" + "".join("  " * i + "- mục\n" for i in range(10)), 16),
    ("Mở đầu.\n\n" + ">" * 20 + " trích dẫn sâu\n", 7),
])
def test_deep_nesting_is_an_error_with_its_line(tmp_path, body, line):
    code, _, err = _site_body(tmp_path, body)
    assert code == 1
    [message] = errors(err)
    assert f"reports/2023/a.md:{line}: body: " in message and "nested" in message


@pytest.mark.parametrize("link, expected", [
    ("ftp://ftp.example.gov.vn/bao-cao.pdf", "ftp: links do not open in today's web browsers"),
    ("data:text/plain,xin-chao", "data: links are not shown on the site"),
])
def test_ftp_and_data_links_are_explained(tmp_path, link, expected):
    code, _, err = _site_body(tmp_path, f"[Tệp]({link})")
    assert code == 0, err
    [warning] = warnings(err)
    assert "reports/2023/a.md:5: link: " in warning and expected in warning


def test_file_links_are_refused_like_windows_paths(tmp_path):
    code, _, err = _site_body(tmp_path, "[Ảnh](file:///C:/Users/Lan/anh.jpg) và [Ảnh](C:\\Users\\Lan\\anh.jpg)")
    assert code == 1
    first, second = sorted(errors(err), key=lambda line: "file:" not in line)
    assert "link: 'file:///C:/Users/Lan/anh.jpg' is a path on one computer, not in the content folder" in first
    assert "link: 'C:\\Users\\Lan\\anh.jpg' is a path on one computer, not in the content folder" in second
    assert first.split("; ", 1)[1] == second.split("; ", 1)[1]


def test_empty_link_target_says_the_address_is_missing(tmp_path):
    code, _, err = _site_body(tmp_path, "Xem [báo cáo]().")
    assert code == 1
    [message] = errors(err)
    assert "link: the link [báo cáo] has no address" in message
    assert "content folder" not in message


# 5. A wrong-case path gets the existing file suggested; paths are shown as written.

def test_wrong_case_image_path_suggests_the_file(tmp_path):
    folder = content(tmp_path / "content", {
        "media/2023/Anh-Hoi-Nghi.JPG": b"\xff\xd8\xff\xe0",
        "reports/2023/a.md": "---\ntitle: Bài\ndate: 2023-03-01\nimages:\n  - src: ../../media/2023/anh-hoi-nghi.jpg\n"
                             "---\n![Ảnh](../../media/2023/anh-hoi-nghi.jpg)\n",
    })
    code, _, err = build(folder, tmp_path / "site")
    assert code == 1
    found = errors(err)
    assert len(found) == 2
    for line in found:
        assert "'../../media/2023/anh-hoi-nghi.jpg' does not exist in the content folder" in line.replace('"', "'")
        assert 'did you mean "/media/2023/Anh-Hoi-Nghi.JPG"?' in line


def test_paths_in_messages_are_shown_as_written(tmp_path):
    code, _, err = _site_body(tmp_path, "[Bài cũ](../2023/tổng-kết-cũ.md) và ![Ảnh](C:\\Users\\Lan\\ảnh.jpg)")
    assert code == 1
    text = "\n".join(errors(err))
    assert "'../2023/tổng-kết-cũ.md' does not exist in the content folder" in text
    assert "'C:\\Users\\Lan\\ảnh.jpg' is a path on one computer" in text
    assert "%" not in text


# 4. points: 994/1000 keeps the 1000; points: 1.000 is not silently one.

def _scores(tmp_path, row: str):
    folder = content(tmp_path / "content", {
        "reports/2023/a.md": article("Bài", "2023-03-01", scores=f"\n  - {row}")})
    return build(folder, tmp_path / "site")


def test_points_with_a_slash_suggests_points_and_out_of(tmp_path):
    code, _, err = _scores(tmp_path, "{unit: Sở Nội vụ tỉnh Hà Nam, points: 994/1000}")
    assert code == 1
    [message] = errors(err)
    assert 'scores[1].points: "994/1000" is the points and the maximum in one' in message
    assert "write points: 994 and out_of: 1000" in message


def test_points_with_a_thousands_dot_warns(tmp_path):
    code, _, err = _scores(tmp_path, "{unit: Sở Nội vụ tỉnh Hà Nam, points: 1.000}")
    assert code == 0, err
    [message] = warnings(err)
    assert 'scores[1].points: 1.000 is read as the number 1' in message
    assert "write points: 1000 if you mean 1000" in message


def test_points_with_decimals_do_not_warn(tmp_path):
    code, _, err = _scores(tmp_path, "{unit: Sở Nội vụ tỉnh Hà Nam, points: 99.5, out_of: 100}")
    assert code == 0 and warnings(err) == []


# 14. A score table with ranks only has no empty "Điểm" column.
# 15. The source label reads "Nguồn"; no link says only "báo cáo".

RANKS_ONLY = ("\n  - {unit: Sở Nội vụ tỉnh Hà Nam, rank: 1}\n  - {unit: Sở Nội vụ tỉnh Nam Định, rank: 2}")
CLUSTERS = ("- name: Cụm thi đua Bắc Bộ\n  slug: bac-bo\n  members: [Sở Nội vụ tỉnh Hà Nam, Sở Nội vụ tỉnh Nam Định]\n")


@pytest.fixture(scope="module")
def ranked_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranked")
    folder = content(root / "content", {
        "clusters.yaml": CLUSTERS,
        "reports/2023/a.md": article(
            "Hội nghị tổng kết năm 2023", "2023-12-20", cluster="Cụm thi đua Bắc Bộ", period="2023",
            scores=RANKS_ONLY, source="https://snv.example.gov.vn/tin-tuc/a.html",
            awards="\n  - {award: Cờ thi đua, recipient: Sở Nội vụ tỉnh Hà Nam}",
            elected="\n  term: 2024\n  chair: Sở Nội vụ tỉnh Nam Định"),
        "reports/2024/b.md": article(
            "Hội nghị sơ kết năm 2024", "2024-07-01", cluster="Cụm thi đua Bắc Bộ", period="2024"),
    })
    code, _, err = build(folder, root / "site")
    assert code == 0, err
    return root / "site"


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


@pytest.mark.parametrize("path", ["bai-viet/hoi-nghi-tong-ket-nam-2023/", "cum-thi-dua/bac-bo/",
                                  "don-vi/so-noi-vu-tinh-ha-nam/"])
def test_rank_only_score_tables_have_no_points_column(ranked_site, path):
    html = _page(ranked_site, path)
    table = html[html.index('<table class="scores">'):]
    table = table[:table.index("</table>")]
    assert "Xếp hạng</th>" in table and ">Điểm</th>" not in table and 'class="num"' not in table


def test_source_label_and_report_links(ranked_site):
    html = _page(ranked_site, "bai-viet/hoi-nghi-tong-ket-nam-2023/")
    assert "<dt>Nguồn</dt>" in html and "Nguồn gốc" not in html
    for path in ("cum-thi-dua/bac-bo/", "don-vi/so-noi-vu-tinh-nam-dinh/", "don-vi/so-noi-vu-tinh-ha-nam/"):
        page = _page(ranked_site, path)
        assert ">báo cáo</a>" not in page.lower(), path


# 16. Year pages file reports by the year of their date, as the docs say; kind: other has
#     no label, as the docs say.

def test_year_pages_file_by_the_dates_year_as_documented(tmp_path, project_root):
    folder = content(tmp_path / "content", {
        "reports/2023/a.md": article("Tổng kết năm 2022", "2023-01-10", period="2022")})
    assert build(folder, tmp_path / "site")[0] == 0
    assert "Tổng kết năm 2022" in (tmp_path / "site/nam/2023/index.html").read_text("utf-8")
    assert not (tmp_path / "site/nam/2022").exists()
    docs = " ".join((project_root / "docs/content-format.md").read_text("utf-8").split())
    assert "The year pages file every article by the year of its `date`" in docs
    assert "under their period on the year pages" not in docs


def test_kind_other_has_no_label(tmp_path):
    folder = content(tmp_path / "content", {
        "clusters.yaml": CLUSTERS,
        "reports/2023/a.md": article("Gặp mặt đầu xuân", "2023-02-01", kind="other", cluster="Cụm thi đua Bắc Bộ")})
    assert build(folder, tmp_path / "site")[0] == 0
    for path in ("bai-viet/gap-mat-dau-xuan/", "cum-thi-dua/bac-bo/", "nam/2023/", ""):
        html = (tmp_path / "site" / path / "index.html").read_text("utf-8")
        assert "Gặp mặt đầu xuân" in html
        assert "Khác" not in html, path


# 3. UTF-16 without a byte-order mark is named as UTF-16, with a command that works.

@pytest.mark.tool
@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_without_bom_is_named(tmp_path, codec, name):
    text = article("Hội nghị tổng kết", "2023-12-20", body="Nội dung báo cáo.")
    folder = content(tmp_path / "content", {"reports/2023/a.md": text.encode(codec)})
    code, _, err = build(folder, tmp_path / "site")
    assert code == 1
    [message] = errors(err)
    assert "the file is not UTF-8 (it looks like UTF-16" in message
    assert "CP1258" not in message and "1258" not in message
    assert f"iconv -f {name} -t UTF-8" in message
    import subprocess
    fixed = subprocess.run(["iconv", "-f", name, "-t", "UTF-8"], input=text.encode(codec), capture_output=True)
    assert fixed.stdout.decode("utf-8") == text


# 6. confsite new: month-only dates; a cluster not in clusters.yaml is not an error.

def test_new_accepts_a_month_only_date(tmp_path, monkeypatch):
    folder = content(tmp_path / "content", {})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("new", "Sơ kết công tác tháng 12", "--date", "2024-12")
    assert code == 0, err
    path = tmp_path / "content/reports/2024/so-ket-cong-tac-thang-12.md"
    assert "\ndate: 2024-12\n" in path.read_text("utf-8")
    assert build(folder, tmp_path / "site")[0] == 0
    page = (tmp_path / "site/bai-viet/so-ket-cong-tac-thang-12/index.html").read_text("utf-8")
    assert 'datetime="2024-12"' in page


def test_new_with_an_unregistered_cluster_writes_and_says_how_to_register(tmp_path, monkeypatch):
    content(tmp_path / "content", {"clusters.yaml": CLUSTERS})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("new", "Tổng kết năm 2024", "--cluster", "Cụm thi đua Tây Nam Bộ", "--date", "2024-12-20")
    assert code == 0, err
    text = (tmp_path / "content/reports/2024/tong-ket-nam-2024.md").read_text("utf-8")
    assert "cluster: Cụm thi đua Tây Nam Bộ" in text
    assert err.startswith("warning: content/clusters.yaml: cluster: \"Cụm thi đua Tây Nam Bộ\" is not in clusters.yaml")
    assert "did you mean" not in err and "Bắc Bộ" not in err       # no unrelated cluster offered
    assert "add it to content/clusters.yaml" in err and "- name: Cụm thi đua Tây Nam Bộ" in err


# 2. The duplicate-address error quotes the slug where it says slug.

def test_duplicate_slug_message_quotes_the_slug(tmp_path):
    folder = content(tmp_path / "content", {
        "reports/a.md": article("Cụm thi đua Bắc Bộ tổng kết năm 2022", slug="bac-bo-2022"),
        "reports/b.md": article("Hội nghị khác", slug="bac-bo-2022"),
    })
    code, _, err = build(folder, tmp_path / "site")
    assert code == 1
    [message] = errors(err)
    assert 'reports/b.md:4: slug: "bac-bo-2022" would be published at /bai-viet/bac-bo-2022/, which ' in message
    assert 'reports/a.md:4 ("Cụm thi đua Bắc Bộ tổng kết năm 2022") already uses; give one of them another slug' in message
    assert 'slug: "Hội nghị khác"' not in message


# 7. check and build count warnings differently: check says why.

def test_check_explains_how_its_warnings_differ_from_builds(tmp_path):
    folder = content(tmp_path / "content", {
        "clusters.yaml": CLUSTERS,
        "reports/2023/a.md": article("Tổng kết", "2023-12-20", cluster="Cụm thi đua Nam Bộ", summary="Tóm tắt."),
        "reports/2023/b.md": article("Hội nghị sơ kết", "2023-07-01"),     # advice: no summary
        "reports/2023/c.md": article("Nháp", "2023-08-01", draft="true", cluster="Cụm thi đua Tây Bắc",
                                     summary="Tóm tắt."),
    })
    code, out, err = build(folder, tmp_path / "site")
    assert code == 0
    built = len(warnings(err))
    assert f"{built} warning(s)" in out
    code, out, err = run("check", "--content", str(folder))
    assert code == 0
    checked = len(warnings(err))
    assert checked > built + 1
    drafts = sum("c.md" in w for w in warnings(err))
    assert (f"{checked} warning(s): {built} that confsite build also gives, {drafts} in drafts (build leaves "
            f"drafts out), {checked - built - drafts} advice that only check gives") in out


# 8. publish --rollback with no earlier release says so, not "publish failed".

def test_rollback_without_an_earlier_release(tmp_path):
    folder = content(tmp_path / "content", {"reports/2023/a.md": article("Bài", "2023-03-01")})
    dest = tmp_path / "www"
    code, _, err = run("publish", "--rollback", str(dest))
    assert code == 1
    assert err.strip() == f"rollback: nothing was published to {dest} yet, so there is no earlier release to go back to"
    assert run("publish", str(dest), "--content", str(folder))[0] == 0
    live = (dest / "current").resolve()
    code, _, err = run("publish", "--rollback", str(dest))
    assert code == 1
    assert "publish failed" not in err
    assert err.startswith(f"rollback: there is no earlier release to go back to: {live.name} is the only release")
    assert (dest / "current").resolve() == live
