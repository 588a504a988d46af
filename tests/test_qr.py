"""QR-linked article pages: every code decodes (zbar) to the page's canonical address,
the downloadable files too, and the printed page (Chromium, A4 PDF) carries it."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import tools
from generator.build import pipeline
from generator.render import qr

BASE = "https://snv.example.gov.vn/tin/"

ARTICLES = {
    # file → (front-matter, expected slug)
    "reports/2023/dak-lak.md": ("title: Hội nghị Sở Nội vụ tỉnh Đắk Lắk tổng kết năm 2023\ndate: 2023-12-20\n"
                                "id: dl-2023\nimages:\n  - {src: /media/rong.png, caption: Ảnh rất rộng}\n",
                                "hoi-nghi-so-noi-vu-tinh-dak-lak-tong-ket-nam-2023"),
    "reports/2022/dien-bien.md": ("title: Điện Biên – Sơ kết 6 tháng đầu năm 2022 của Cụm thi đua\ndate: 2022-07-01\n"
                                  "aliases: [so-ket-dien-bien, tin-cu/dien-bien-2022]\n",
                                  "dien-bien-so-ket-6-thang-dau-nam-2022-cua-cum-thi-dua"),
    "reports/2021/ngan.md": ("title: Ngắn\ndate: 2021-03\n", "ngan"),
}


def write_site(root: Path, site_yaml: str = "") -> Path:
    content = root / "content"
    (content / "pages").mkdir(parents=True)
    (content / "media").mkdir()
    (content / "site.yaml").write_text(f"title: Sở Nội vụ\nbase_url: {BASE}\n{site_yaml}", encoding="utf-8")
    for rel, (meta, _slug) in ARTICLES.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(f"Đoạn {i}: nội dung báo cáo về công tác thi đua, khen thưởng." for i in range(40))
        path.write_text(f"---\n{meta}---\n{body}\n", encoding="utf-8")
    (content / "pages" / "gioi-thieu.md").write_text("---\ntitle: Giới thiệu\n---\nTrang giới thiệu.\n", encoding="utf-8")
    # A picture much wider than an A4 page, to see that print keeps it within the page.
    (content / "media" / "rong.png").write_bytes(qr.png("https://example.org/" + "x" * 200))
    return content


def build(content: Path, output: Path) -> pipeline.BuildResult:
    return pipeline.build(pipeline.configure(content, output))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("qr-site")
    content = write_site(root)
    build(content, root / "site")
    return root / "site"


def canonical(html: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert len(found) == 1, found
    return found[0]


def inline_svg(html: str) -> str:
    found = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(found) == 1, "one inline QR code per article page"
    return found[0]


def article_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "bai-viet").glob("*/index.html") if "refresh" not in p.read_text("utf-8"))


@pytest.mark.tool
def test_every_article_qr_decodes_to_its_canonical_url(site, tmp_path):
    pages = article_pages(site)
    assert {p.parent.name for p in pages} == {slug for _, slug in ARTICLES.values()}
    for page in pages:
        html = page.read_text("utf-8")
        url = canonical(html)
        assert url == f"{BASE}bai-viet/{page.parent.name}/"
        assert f'<meta property="og:url" content="{url}">' in html
        svg = inline_svg(html)
        assert 'role="img"' in svg and f"<title>Mã QR của địa chỉ {url}</title>" in svg
        assert f'aria-label="Mã QR của địa chỉ {url}"' in svg
        assert svg.count("<path") == 1
        png = tools.svg_to_png(svg, tmp_path / f"{page.parent.name}.png", scale=3)
        assert tools.zbar_decode(png) == [url]
        assert f'<p class="qr-url"><a href="{url}">{url}</a></p>' in html


@pytest.mark.tool
def test_downloadable_files_have_stable_names_and_decode(site, tmp_path):
    for page in article_pages(site):
        html = page.read_text("utf-8")
        url = canonical(html)
        slug = page.parent.name
        for ext in ("svg", "png"):
            href = f"/tin/bai-viet/{slug}/qr.{ext}"
            assert f'href="{href}" download="qr-{slug}.{ext}"' in html
        png = page.parent / "qr.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png.read_bytes()[16:20], "big")
        assert width >= 600, "print PNG is high resolution"
        assert tools.zbar_decode(png) == [url]
        svg_png = tools.svg_to_png(page.parent / "qr.svg", tmp_path / f"{slug}-file.png", scale=2)
        assert tools.zbar_decode(svg_png) == [url]


@pytest.mark.tool
def test_base_url_without_sub_path_and_short_encoding(tmp_path):
    content = write_site(tmp_path, "qr: {encode: short}\n")
    text = (content / "site.yaml").read_text("utf-8").replace(BASE, "https://noivu.example.vn")
    (content / "site.yaml").write_text(text, encoding="utf-8")
    build(content, tmp_path / "site")
    with_id = tmp_path / "site" / "bai-viet" / "hoi-nghi-so-noi-vu-tinh-dak-lak-tong-ket-nam-2023"
    without = tmp_path / "site" / "bai-viet" / "ngan"
    assert canonical((with_id / "index.html").read_text("utf-8")) == \
        "https://noivu.example.vn/bai-viet/hoi-nghi-so-noi-vu-tinh-dak-lak-tong-ket-nam-2023/"
    # The short address of the id, which redirects to the article, is what the code holds.
    assert tools.zbar_decode(with_id / "qr.png") == ["https://noivu.example.vn/p/dl-2023/"]
    png = tools.svg_to_png(inline_svg((with_id / "index.html").read_text("utf-8")), tmp_path / "a.png", scale=3)
    assert tools.zbar_decode(png) == ["https://noivu.example.vn/p/dl-2023/"]
    assert tools.zbar_decode(without / "qr.png") == ["https://noivu.example.vn/bai-viet/ngan/"]


def test_error_correction_m_and_quiet_zone():
    url = BASE + "bai-viet/hoi-nghi-so-noi-vu-tinh-dak-lak-tong-ket-nam-2023/"
    m = qr.matrix(url)
    n = len(m)
    assert n == 21 + 4 * ((n - 21) // 4) and all(len(row) == n for row in m), "a QR symbol is 21 + 4k modules"
    # The format information beside the top-left finder: its first two bits, unmasked
    # (ISO/IEC 18004 mask 10…), name the level: 01 L, 00 M, 11 Q, 10 H.
    level = {(0, 1): "L", (0, 0): "M", (1, 1): "Q", (1, 0): "H"}[(m[8][0] ^ 1, m[8][1] ^ 0)]
    assert level in ("M", "Q", "H")
    assert f'viewBox="0 0 {n + 8} {n + 8}"' in qr.svg(url, "x")
    starts = [(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)", qr.path_data(url))]
    assert min(x for x, _ in starts) == 4 and min(y for _, y in starts) == 4
    assert max(y for _, y in starts) == n + 3


def test_qr_output_is_deterministic():
    url = BASE + "bai-viet/x/"
    first = (qr.svg_file(url), qr.png(url))
    qr.clear_cache()
    assert (qr.svg_file(url), qr.png(url)) == first


@pytest.mark.tool
def test_article_pages_with_qr_are_valid_html(site):
    pages = [str(p) for p in article_pages(site)] + [str(site / "p" / "dl-2023" / "index.html")]
    assert tools.vnu_validate(pages) == []


def _top_of_first_page(pdf: Path, out: Path, fraction: float = 0.3) -> Path:
    """The top *fraction* of the first A4 page of *pdf* as a PNG (200 dpi)."""
    exe = tools.require_binary("pdftoppm", "poppler-utils")
    width, height = round(210 / 25.4 * 200), round(297 / 25.4 * 200 * fraction)
    subprocess.run([exe, "-png", "-r", "200", "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", str(width),
                    "-H", str(height), "-singlefile", str(pdf), str(out)], check=True, capture_output=True)
    return out.with_suffix(".png")


@pytest.mark.tool
def test_printed_article_carries_qr_and_url_on_first_page(site, browser, tmp_path):
    slug = "dien-bien-so-ket-6-thang-dau-nam-2022-cua-cum-thi-dua"
    with tools.serve_directory(site, "/tin/") as served:
        context = tools.new_context(browser)
        try:
            page = context.new_page()
            page.goto(served + f"bai-viet/{slug}/")
            # On screen the code stands beside its address and the download links.
            code, link = page.locator(".qr-box svg").bounding_box(), page.locator(".qr-url").bounding_box()
            assert code["width"] >= 96 and code["x"] + code["width"] <= link["x"]
            page.emulate_media(media="print")
            hidden = page.evaluate("""() => ['.site-header', '.site-footer', '.search-box', '.qr-files']
                .map(s => getComputedStyle(document.querySelector(s)).display)""")
            assert hidden == ["none"] * 4
            pdf = tmp_path / "article.pdf"
            pdf.write_bytes(page.pdf(format="A4", print_background=True))
            # The printable area of A4 with the stylesheet's margins (178 × 263 mm) at 96 px/in:
            # a picture wider and taller than the page is scaled to fit inside it.
            area_w, area_h = 178 / 25.4 * 96, 263 / 25.4 * 96
            page.set_viewport_size({"width": int(area_w), "height": int(area_h)})
            page.goto(served + "bai-viet/hoi-nghi-so-noi-vu-tinh-dak-lak-tong-ket-nam-2023/")
            page.emulate_media(media="print")
            boxes = page.evaluate("() => [...document.querySelectorAll('main img')].map(i => "
                                  "[i.getBoundingClientRect().width, i.getBoundingClientRect().height])")
            assert boxes and all(w <= area_w + 1 and h <= area_h + 1 for w, h in boxes), boxes
        finally:
            context.close()
    url = f"{BASE}bai-viet/{slug}/"
    pngs = tools.pdf_to_png(pdf, tmp_path / "pages", dpi=200)
    assert len(pngs) >= 2, "the fixture article is long enough for two pages"
    assert tools.zbar_decode(pngs[0]) == [url]
    assert tools.zbar_decode(pngs[1]) == [], "the code is printed on the first page only"
    top = _top_of_first_page(pdf, tmp_path / "top")
    assert tools.zbar_decode(top) == [url], "the code is in the header of the first page"
    text = subprocess.run([tools.require_binary("pdftotext", "poppler-utils"), "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True).stdout
    assert url.replace("-", "") in re.sub(r"[\s-]", "", text), "the address is printed as text"
    assert "Tìm kiếm" not in text, "search is not printed"


@pytest.mark.tool
def test_qr_files_are_listed_by_write_and_bundled_site(tmp_path, project_root):
    content = tmp_path / "content"
    shutil.copytree(project_root / "content", content)
    result = build(content, tmp_path / "site")
    for a in result.site.articles:
        assert f"{a.url}qr.svg" in result.rendered.made and f"{a.url}qr.png" in result.rendered.made
        assert tools.zbar_decode(tmp_path / "site" / a.url / "qr.png") == [BASE + a.url]
