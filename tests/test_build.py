"""End to end: the fixture site and the bundled content, built by the real command."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitekit import FIXTURES, build, copy_fixture, tree_bytes

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'(?:href|src)="([^"]*)"')
BASE = "/luu-tru/"


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("basic") / "site"
    code, _, err = build(FIXTURES / "basic/content", out)
    assert code == 0, err
    return out


def internal_targets(site: Path):
    """(page, link, file the link must resolve to) for every internal link of the site."""
    for page in sorted(site.rglob("*.html")):
        for raw in LINK.findall(page.read_text("utf-8")):
            link = html.unescape(raw)
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            assert parts.path.startswith(BASE), f"{page}: {link} is not under the base path {BASE}"
            rel = unquote(parts.path[len(BASE):])
            target = site / rel
            yield page, link, target / "index.html" if (not rel or rel.endswith("/")) else target


def test_every_internal_link_resolves_under_the_base_path(basic_site):
    checked = 0
    for page, link, target in internal_targets(basic_site):
        assert target.is_file(), f"{page.relative_to(basic_site)} links to {link}, which does not exist"
        checked += 1
    assert checked > 200


def test_the_pages_of_the_default_url_layout_exist(basic_site):
    for rel in ["index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "tim-kiem/index.html",
                "bai-viet/hoi-nghi-tong-ket-cong-tac-thi-dua-nam-2019-cum-bac-bo/index.html",
                "cum-thi-dua/index.html", "cum-thi-dua/bac-bo/index.html",
                "cum-thi-dua/cum-thi-dua-so-noi-vu-cac-tinh-thanh-tay-nam-bo/index.html",
                "don-vi/index.html", "don-vi/so-noi-vu-tinh-dong-thap/index.html",
                "nam/index.html", "nam/2023/index.html", "gioi-thieu/index.html",
                "p/bb-2019/index.html", "media/anh-hoi-nghi.png", "media/tai-lieu.pdf"]:
        assert (basic_site / rel).is_file(), rel


def test_drafts_and_ignored_files_are_left_out(basic_site, tmp_path):
    assert not (basic_site / "bai-viet/bai-dang-viet-do").exists()
    assert "Bài đang viết dở" not in (basic_site / "index.html").read_text("utf-8")
    out = tmp_path / "with-drafts"
    assert build(FIXTURES / "basic/content", out, "--drafts")[0] == 0
    page = (out / "bai-viet/bai-dang-viet-do/index.html").read_text("utf-8")
    assert "Bản nháp" in page


def test_year_pages_are_paginated_with_stable_urls(basic_site):
    first = (basic_site / "nam/2023/index.html").read_text("utf-8")
    assert "Trang 1/1" not in first  # three articles fit on one page of three
    listing = (basic_site / "nam/2022/index.html").read_text("utf-8")
    assert "Tin khác" in listing  # news without a cluster get their own group


def test_base_url_option_overrides_site_yaml(tmp_path):
    out = tmp_path / "site"
    assert build(FIXTURES / "basic/content", out, "--base-url", "https://portal.example.vn/")[0] == 0
    page = (out / "bai-viet/tong-ket-nam-2021-cum-thi-dua-bac-bo/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://portal.example.vn/bai-viet/tong-ket-nam-2021-cum-thi-dua-bac-bo/">' in page
    assert 'href="/cum-thi-dua/bac-bo/"' in page


def test_the_same_input_gives_byte_identical_output(basic_site, tmp_path):
    # A copy made in another order on disk must not change a byte.
    src = copy_fixture("basic", tmp_path / "content")
    for p in sorted(src.rglob("*.md"), reverse=True):
        p.write_bytes(p.read_bytes())
    out = tmp_path / "site"
    assert build(src, out)[0] == 0
    assert tree_bytes(out) == tree_bytes(basic_site)


def test_unchanged_files_keep_their_mtime_on_rebuild(tmp_path):
    src = copy_fixture("basic", tmp_path / "content")
    out = tmp_path / "site"
    assert build(src, out)[0] == 0
    about = out / "gioi-thieu/index.html"
    article = out / "bai-viet/tong-ket-nam-2021-cum-thi-dua-bac-bo/index.html"
    before = (about.stat().st_mtime_ns, article.read_bytes())
    text = (src / "reports/bac-bo/tong-ket-2021.md").read_text("utf-8").replace("chưa được công bố", "chưa công bố")
    (src / "reports/bac-bo/tong-ket-2021.md").write_text(text, "utf-8")
    assert build(src, out)[0] == 0
    assert about.stat().st_mtime_ns == before[0]
    assert article.read_bytes() != before[1]


def test_output_folder_that_confsite_did_not_write_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("giữ lại")
    code, _, err = build(FIXTURES / "basic/content", out)
    assert code == 1
    assert "holds files confsite did not write" in err
    assert (out / "precious.txt").read_text() == "giữ lại"


@pytest.mark.slow
@pytest.mark.parametrize("command", [["confsite"], [sys.executable, "-m", "generator"]])
def test_console_script_and_module_build_the_bundled_site(command, tmp_path):
    if command == ["confsite"]:
        command = [str(Path(sys.executable).with_name("confsite"))]
    out = tmp_path / "site"
    shutil.copytree(ROOT / "content", tmp_path / "content")     # a build records addresses in its content folder
    result = subprocess.run([*command, "build", "--output", str(out)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    assert result.stdout.startswith("built 6 articles")
    assert (out / "index.html").is_file()


@pytest.mark.slow
def test_a_generated_corpus_site_has_working_links_and_paginated_listings(tmp_path, project_root):
    maker = project_root / "benchmarks" / "make_corpus.py"
    subprocess.run([sys.executable, str(maker), str(tmp_path), "--articles", "400", "--words", "60"], check=True)
    out = tmp_path / "site"
    code, _, err = build(tmp_path / "content", out, "--base-url", "https://snv.example.gov.vn/luu-tru/")
    assert code == 0, err
    missing = [(p.relative_to(out).as_posix(), link) for p, link, t in internal_targets(out) if not t.is_file()]
    assert missing == []
    pages = sorted(p.parent.relative_to(out).as_posix() for p in out.glob("nam/*/trang/*/index.html"))
    assert pages, "year archives of 400 articles should run over several pages"
    second = (out / pages[0] / "index.html").read_text("utf-8")
    assert 'rel="prev"' in second and "Trang 2/" in second


def test_a_busy_cluster_year_gets_its_own_paginated_page(tmp_path, monkeypatch):
    from sitekit import article, content

    monkeypatch.chdir(tmp_path)
    files = {f"r/{i:02d}.md": article(f"Hội nghị số {i}", f"2021-03-{i + 1:02d}", cluster="Cụm A") for i in range(25)}
    src = content(tmp_path / "content", files, site_yaml="title: T\nbase_url: https://x.example/\nper_page: 10\n")
    assert build(src, tmp_path / "site")[0] == 0
    cluster = (tmp_path / "site/cum-thi-dua/cum-a/index.html").read_text("utf-8")
    assert cluster.count('class="article-item"') == 8
    assert 'href="/cum-thi-dua/cum-a/2021/">Xem tất cả 25 bài của năm 2021</a>' in cluster
    pages = [tmp_path / "site/cum-thi-dua/cum-a/2021" / p / "index.html" for p in ("", "trang/2", "trang/3")]
    assert [p.read_text("utf-8").count('class="article-item"') for p in pages] == [10, 10, 5]
    assert 'href="/cum-thi-dua/cum-a/2021/trang/2/"' in pages[0].read_text("utf-8")
