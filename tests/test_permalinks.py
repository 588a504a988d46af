"""Permalinks that survive edits: short /p/<id>/ and alias redirect pages, their
collisions, and the link-rot guard over content/.published-urls."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import tools
from generator.commands.cli import main

BASE = "https://snv.example.gov.vn/tin/"


def article(content: Path, rel: str, meta: str, body: str = "Nội dung.") -> None:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{meta}---\n{body}\n", encoding="utf-8")


def make_content(root: Path) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    (content / "site.yaml").write_text(f"title: Sở Nội vụ\nbase_url: {BASE}\n", encoding="utf-8")
    article(content, "2023/dak-lak.md", "title: Hội nghị tỉnh Đắk Lắk tổng kết năm 2023\ndate: 2023-12-20\n"
            "id: dl-2023\naliases: [dak-lak-2023, tin-cu/dak-lak]\n")
    article(content, "2022/quang-ninh.md", "title: Quảng Ninh sơ kết 6 tháng năm 2022\ndate: 2022-07-01\n")
    article(content, "pages/lien-he.md", "title: Liên hệ\naliases: [lien-lac]\n")
    return content


def run(capsys, content: Path, output: Path, *extra: str) -> tuple[int, str]:
    code = main(["build", "--content", str(content), "--output", str(output), *extra])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("permalinks")
    content = make_content(root)
    assert main(["build", "--content", str(content), "--output", str(root / "site")]) == 0
    return root / "site"


ARTICLE = "bai-viet/hoi-nghi-tinh-dak-lak-tong-ket-nam-2023/"


@pytest.mark.parametrize("old, target", [
    ("p/dl-2023/", ARTICLE),                      # the short address of the id
    ("bai-viet/dak-lak-2023/", ARTICLE),          # an old slug
    ("tin-cu/dak-lak/", ARTICLE),                 # an old path
    ("lien-lac/", "lien-he/"),                    # an old slug of a page
])
def test_redirect_pages_lead_to_the_page(built, old, target):
    html = (built / old / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{BASE}{target}">' in html
    assert f'<meta http-equiv="refresh" content="0; url=/tin/{target}">' in html
    assert f'<a href="/tin/{target}">' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.tool
def test_redirects_work_in_a_browser_and_are_valid_html(built, page):
    with tools.serve_directory(built, "/tin/") as served:
        page.goto(served + "p/dl-2023/")
        page.wait_for_url(served + ARTICLE)
        assert page.locator("h1").inner_text() == "Hội nghị tỉnh Đắk Lắk tổng kết năm 2023"
    assert tools.vnu_validate([str(built / "p" / "dl-2023" / "index.html"),
                               str(built / "lien-lac" / "index.html")]) == []


def test_redirects_are_not_in_the_sitemap(built):
    sitemap = (built / "sitemap.xml").read_text("utf-8")
    assert f"{BASE}{ARTICLE}" in sitemap and "/p/dl-2023/" not in sitemap and "dak-lak-2023" not in sitemap


@pytest.mark.parametrize("meta, expected", [
    # an alias that is another article's address
    ("title: Bài khác\ndate: 2024-01-02\naliases: [quang-ninh-so-ket-6-thang-nam-2022]\n",
     r'content/2024/khac\.md:4: aliases: the old address of "Bài khác" would be published at '
     r'/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/, which content/2022/quang-ninh\.md:\d+ '
     r'\("Quảng Ninh sơ kết 6 tháng năm 2022"\) already uses'),
    # an id that another article has
    ("title: Bài khác\ndate: 2024-01-02\nid: dl-2023\n",
     r'content/2024/khac\.md:4: id: "dl-2023" is also the id of content/2023/dak-lak\.md; give each article its own id'),
    # the same old address claimed by two articles
    ("title: Bài khác\ndate: 2024-01-02\naliases: [dak-lak-2023]\n",
     r"content/2024/khac\.md:4: aliases: the old address of \"Bài khác\" would be published at "
     r"/bai-viet/dak-lak-2023/, which content/2023/dak-lak\.md:\d+ .*already uses"),
])
def test_redirect_collisions_are_errors(tmp_path, capsys, monkeypatch, meta, expected):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    article(content, "2024/khac.md", meta)
    code, err = run(capsys, Path("content"), Path("site"))
    assert code == 1
    assert re.search(expected, err), err
    assert not (tmp_path / "site").exists()


# -- the link-rot guard ----------------------------------------------------------


def manifest(content: Path) -> list[str]:
    return [line for line in (content / ".published-urls").read_text("utf-8").splitlines()
            if line and not line.startswith("#")]


def test_manifest_lists_every_permanent_address_sorted(tmp_path, capsys):
    content = make_content(tmp_path)
    assert run(capsys, content, tmp_path / "site")[0] == 0
    assert manifest(content) == sorted([
        "/" + ARTICLE, "/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/", "/lien-he/", "/lien-lac/",
        "/p/dl-2023/", "/bai-viet/dak-lak-2023/", "/tin-cu/dak-lak/"])


def test_renamed_article_fails_with_old_url_and_likely_new_page(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    assert run(capsys, Path("content"), Path("site"))[0] == 0
    before = (tmp_path / "site" / "index.html").read_bytes()
    # The editor corrects the title; the derived slug changes with it.
    article(content, "2022/quang-ninh.md", "title: Quảng Ninh sơ kết 6 tháng đầu năm 2022\ndate: 2022-07-01\n")
    code, err = run(capsys, Path("content"), Path("site"))
    assert code == 1
    line = manifest(content).index("/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/") + 4   # after the header
    assert (f"content/.published-urls:{line}: url: /bai-viet/quang-ninh-so-ket-6-thang-nam-2022/ was published "
            "before and this build no longer has it; the likely new page is "
            "/bai-viet/quang-ninh-so-ket-6-thang-dau-nam-2022/ (content/2022/quang-ninh.md), whose title is nearly "
            "the same: add aliases: "
            "[quang-ninh-so-ket-6-thang-nam-2022] to its front-matter") in err
    assert "--allow-removed" in err
    assert (tmp_path / "site" / "index.html").read_bytes() == before, "a failed build leaves the site alone"
    assert "/bai-viet/quang-ninh-so-ket-6-thang-dau-nam-2022/" not in manifest(content)

    # Following the hint fixes it: the old address becomes a redirect and stays listed.
    article(content, "2022/quang-ninh.md", "title: Quảng Ninh sơ kết 6 tháng đầu năm 2022\ndate: 2022-07-01\n"
            "aliases: [quang-ninh-so-ket-6-thang-nam-2022]\n")
    assert run(capsys, Path("content"), Path("site")) == (0, "")
    assert {"/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/",
            "/bai-viet/quang-ninh-so-ket-6-thang-dau-nam-2022/"} <= set(manifest(content))
    old = (tmp_path / "site" / "bai-viet" / "quang-ninh-so-ket-6-thang-nam-2022" / "index.html").read_text("utf-8")
    assert 'url=/tin/bai-viet/quang-ninh-so-ket-6-thang-dau-nam-2022/"' in old


def test_allow_removed_accepts_and_forgets_the_address(tmp_path, capsys):
    content = make_content(tmp_path)
    assert run(capsys, content, tmp_path / "site")[0] == 0
    (content / "2022" / "quang-ninh.md").unlink()
    code, err = run(capsys, content, tmp_path / "site")
    assert code == 1 and "/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/ was published before" in err
    assert run(capsys, content, tmp_path / "site", "--allow-removed")[0] == 0
    assert "/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/" not in manifest(content)
    assert run(capsys, content, tmp_path / "site")[0] == 0


def test_removed_id_fails_too(tmp_path, capsys):
    content = make_content(tmp_path)
    assert run(capsys, content, tmp_path / "site")[0] == 0
    article(content, "2023/dak-lak.md", "title: Hội nghị tỉnh Đắk Lắk tổng kết năm 2023\ndate: 2023-12-20\n"
            "aliases: [dak-lak-2023, tin-cu/dak-lak]\n")
    code, err = run(capsys, content, tmp_path / "site")
    assert code == 1 and "url: /p/dl-2023/ was published before" in err


def test_draft_preview_does_not_record_drafts(tmp_path, capsys):
    content = make_content(tmp_path)
    article(content, "2024/nhap.md", "title: Bản nháp\ndate: 2024-02-02\ndraft: true\n")
    assert run(capsys, content, tmp_path / "site", "--drafts")[0] == 0
    assert not (content / ".published-urls").exists()
    assert run(capsys, content, tmp_path / "site")[0] == 0
    assert "/bai-viet/ban-nhap/" not in manifest(content)


def test_bundled_content_manifest_is_up_to_date(tmp_path, capsys, project_root):
    committed = (project_root / "content" / ".published-urls").read_text("utf-8")
    content = tmp_path / "content"
    shutil.copytree(project_root / "content", content)
    assert run(capsys, content, tmp_path / "site")[0] == 0
    assert (content / ".published-urls").read_text("utf-8") == committed


def test_publish_records_and_guards_the_addresses(tmp_path, capsys):
    content = make_content(tmp_path)
    dest = tmp_path / "www"
    code = main(["publish", str(dest), "--content", str(content)])
    assert code == 0, capsys.readouterr().err
    assert "/p/dl-2023/" in manifest(content)
    (content / "2022" / "quang-ninh.md").unlink()
    assert main(["publish", str(dest), "--content", str(content)]) == 1
    assert "url: /bai-viet/quang-ninh-so-ket-6-thang-nam-2022/ was published before" in capsys.readouterr().err
    assert main(["publish", str(dest), "--content", str(content), "--allow-removed"]) == 0
    assert "/bai-viet/quang-ninh-so-ket-6-thang-nam-2022/" not in manifest(content)
