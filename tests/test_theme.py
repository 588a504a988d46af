"""The bundled theme, checked the way readers meet it: in the W3C Nu validator, in
headless Chromium with axe-core, at phone and desktop widths, in light and dark.

The fixture site (tests/fixtures/theme) has every page type: several clusters, a
cluster-year long enough for its own page, a month-only date, scores, awards, images
with captions, a wide Markdown table and a standalone page.

``pytest --update-golden`` also refreshes the README's screenshots in docs/screenshots/.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import tools
from generator.build import pipeline

FIXTURE = Path(__file__).parent / "fixtures" / "theme"
PREFIX = "/tin/"  # the path of base_url in the fixture's site.yaml
SCREENSHOTS = tools.ROOT / "docs" / "screenshots"

# One page of each type the theme renders, by template.
PAGES = {
    "home": "",
    "article": "bai-viet/bac-bo-tong-ket-2023/",
    "article-month-only": "bai-viet/cum-thi-dua-trung-du-va-mien-nui-phia-bac-so-ket-6-thang-dau-nam-2024/",
    "page": "gioi-thieu/",
    "clusters": "cum-thi-dua/",
    "cluster": "cum-thi-dua/bac-bo/",
    "cluster-year": "cum-thi-dua/mien-trung/2023/",
    "units": "don-vi/",
    "unit": "don-vi/so-noi-vu-thanh-pho-hai-phong/",
    "years": "nam/",
    "year": "nam/2023/",
    "search": "tim-kiem/",
    "data": "du-lieu/",
    "404": "404.html",
}
WIDTHS = {"phone": 375, "desktop": 1280}             # screenshots
ALSO_CHECKED = {"small phone": 360, "wide": 1440}     # no sideways scrolling there either
# Screenshots kept for the README: (page type, width, colour scheme).
README_SHOTS = [("home", "desktop", "light"), ("article", "phone", "light"),
                ("article", "phone", "dark"), ("cluster", "desktop", "dark")]


def build(content: Path, output: Path) -> pipeline.BuildResult:
    return pipeline.build(pipeline.configure(content, output))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("theme") / "site"
    build(FIXTURE, out)
    return out


@pytest.fixture(scope="module")
def base_url(built: Path) -> Any:
    with tools.serve_directory(built, PREFIX) as url:
        yield url


def path_of(built: Path, page: str) -> Path:
    return built / (page + "index.html" if page == "" or page.endswith("/") else page)


def html(built: Path, page: str) -> str:
    return path_of(built, page).read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Static checks of the built pages


def test_every_page_type_is_built(built: Path) -> None:
    for name, page in PAGES.items():
        assert path_of(built, page).is_file(), name
    assert (built / "p" / "bb-2023-tk" / "index.html").is_file()  # a redirect page


@pytest.mark.tool
def test_every_page_is_valid_html5(built: Path) -> None:
    pages = list(built.rglob("*.html"))
    assert len(pages) >= len(PAGES) + 20
    assert tools.vnu_validate(built) == []


def test_pages_are_vietnamese_with_landmarks_and_skip_link(built: Path) -> None:
    for name, page in PAGES.items():
        text = html(built, page)
        assert '<html lang="vi">' in text, name
        assert '<a class="skip-link" href="#main">Bỏ qua, đến nội dung chính</a>' in text, name
        assert '<main id="main"' in text and "<header" in text and "<footer" in text, name
        assert len(re.findall(r"<h1[ >]", text)) == 1, name


def test_dates_are_written_the_vietnamese_way(built: Path) -> None:
    article = html(built, PAGES["article"])
    assert '<time datetime="2024-01-12">Thứ Sáu, 12/01/2024</time>' in article
    month_only = html(built, PAGES["article-month-only"])
    assert '<time datetime="2024-07">tháng 7 năm 2024</time>' in month_only
    assert "07/2024" in html(built, PAGES["cluster"].replace("bac-bo", "trung-du"))


def test_images_take_their_alt_text_from_captions(built: Path) -> None:
    article = html(built, PAGES["article"])
    assert re.search(r'<img src="/tin/media/quang-canh\.svg" alt="Quang cảnh hội nghị tổng kết tại Hải Phòng"',
                     article)
    assert "<figcaption>Quang cảnh hội nghị tổng kết tại Hải Phòng</figcaption>" in article


def test_wide_markdown_tables_scroll_in_a_named_focusable_box(built: Path) -> None:
    article = html(built, PAGES["article"])
    assert ('<h2 id="ket-qua-cham-diem-chi-tiet">Kết quả chấm điểm chi tiết</h2>\n'
            '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="ket-qua-cham-diem-chi-tiet">\n'
            '<table>') in article
    page = html(built, PAGES["page"])  # the page's table follows a heading too
    assert page.count('<div class="table-scroll" tabindex="0"') == 1


# --------------------------------------------------------------------------
# Overriding one block


def test_an_editors_template_replaces_one_block_and_keeps_the_rest(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    (content / "templates").mkdir()
    (content / "templates" / "base.html").write_text(
        '{% extends "theme/base.html" %}\n'
        '{% block footer_content %}<p class="own-footer">Bản quyền thuộc Sở Nội vụ tỉnh Mẫu</p>{% endblock %}\n'
        '{% block head %}<link rel="stylesheet" href="{{ asset(\'own.css\') }}">{% endblock %}\n',
        encoding="utf-8")
    (content / "templates" / "static").mkdir()
    (content / "templates" / "static" / "own.css").write_text(":root { --accent: #9b1c1c; }\n", encoding="utf-8")
    (content / "templates" / "article.html").write_text(
        '{% extends "theme/article.html" %}\n'
        '{% block attendees %}<p class="own-attendees">Danh sách đại biểu: xem văn bản gốc.</p>{% endblock %}\n',
        encoding="utf-8")
    out = tmp_path / "site"
    build(content, out)

    article = html(out, PAGES["article"])
    assert '<p class="own-footer">Bản quyền thuộc Sở Nội vụ tỉnh Mẫu</p>' in article
    assert '<p class="own-attendees">Danh sách đại biểu: xem văn bản gốc.</p>' in article
    assert 'id="attendees-h"' not in article                      # the replaced block is gone
    assert "Nguyễn Thị Thu" not in article                        # (an attendee; named nowhere else)
    assert "Thứ Sáu, 12/01/2024" in article and 'class="scores"' in article  # the rest is the theme's
    assert 'class="skip-link"' in article and 'class="site-nav"' in article
    home = html(out, "")
    own_css = re.search(r'<link rel="stylesheet" href="/tin/(static/own\.[0-9a-f]+\.css)">', home)
    assert own_css and (out / own_css.group(1)).read_text(encoding="utf-8") == ":root { --accent: #9b1c1c; }\n"
    assert re.search(r'<link rel="stylesheet" href="/tin/static/style\.[0-9a-f]+\.css">', home)  # still there
    assert 'class="own-footer"' in home and "News feed" not in home and "Nguồn tin (Atom)" not in home
    # The bundled theme itself is untouched by the override.
    assert 'class="own-footer"' not in html(build_plain(tmp_path), "")


def build_plain(tmp_path: Path) -> Path:
    out = tmp_path / "plain"
    build(FIXTURE, out)
    return out


# --------------------------------------------------------------------------
# In the browser


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations_in_light_and_dark(page: Any, base_url: str, name: str) -> None:
    page.goto(base_url + PAGES[name])
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in tools.run_axe(page) if v["impact"] in ("serious", "critical")]
        assert serious == [], scheme


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_overflow_from_360_to_1440_px(page: Any, base_url: str, name: str,
                                                           tmp_path_factory: pytest.TempPathFactory,
                                                           update_golden: bool) -> None:
    """Screenshots of every page type at both widths go to pytest's temporary folder
    (``screenshots/``); ``--update-golden`` refreshes the README's in docs/screenshots/."""
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    page.goto(base_url + PAGES[name])
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width, px in {**WIDTHS, **ALSO_CHECKED}.items():
            page.set_viewport_size({"width": px, "height": 800})
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert inner == px
            assert scroll <= inner, f"{name} at {px} px ({scheme}) scrolls sideways: {scroll} > {inner}"
            if scheme == "light" and width in WIDTHS:
                png = page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
                assert png[:8] == b"\x89PNG\r\n\x1a\n"
                assert int.from_bytes(png[16:20], "big") == px  # PNG width, from the IHDR chunk
            if update_golden and (name, width, scheme) in README_SHOTS:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"))


def test_visible_focus_and_skip_link(page: Any, base_url: str) -> None:
    page.goto(base_url + PAGES["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return [e.className, s.outlineStyle, parseFloat(s.outlineWidth), r.left >= 0 && r.top >= 0]; }""")
    assert focused == ["skip-link", "solid", 3.0, True]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_printed_article_keeps_the_report_and_drops_the_navigation(page: Any, base_url: str) -> None:
    page.goto(base_url + PAGES["article"])
    page.emulate_media(media="print")
    shown = page.evaluate("""() => Object.fromEntries(
        ['.site-header', '.search-box', '.breadcrumbs', '.site-footer', 'h1', '.facts', '.scores', 'figure']
        .map(s => [s, getComputedStyle(document.querySelector(s)).display !== 'none']))""")
    assert shown == {".site-header": False, ".search-box": False, ".breadcrumbs": False, ".site-footer": False,
                     "h1": True, ".facts": True, ".scores": True, "figure": True}
