"""The toolchain works on this machine: each test drives a real external tool.

If a Debian or npm package is missing these tests fail (never skip), so CI cannot
pass without the tools the rest of the suite relies on.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
import segno

import tools

pytestmark = pytest.mark.tool

URL = "https://snv.example.gov.vn/tin/2020/12/hoi-nghi-tong-ket-cong-tac-thi-dua-khen-thuong-nam-2020-cum-thi-dua-bac-bo/"


def test_qr_svg_to_png_decodes_with_zbar(tmp_path: Path) -> None:
    qr = segno.make_qr(URL, error="m")
    svg = tmp_path / "qr.svg"
    qr.save(str(svg), kind="svg", border=4)  # segno's default SVG: no background
    from_file = tools.svg_to_png(svg, tmp_path / "from-file.png", scale=4)
    from_bytes = tools.svg_to_png(svg.read_bytes(), tmp_path / "from-bytes.png", scale=4)
    assert tools.zbar_decode(from_file) == [URL]
    assert tools.zbar_decode(from_bytes) == [URL]


def test_zbar_finds_nothing_in_a_blank_image(tmp_path: Path) -> None:
    blank = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"></svg>'
    assert tools.zbar_decode(tools.svg_to_png(blank, tmp_path / "blank.png")) == []


VALID = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Hội nghị tổng kết</title></head>
<body><main><h1>Hội nghị tổng kết năm 2020</h1><p>Sở Nội vụ tỉnh Đắk Lắk.</p></main></body>
</html>
"""

BROKEN = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"></head>
<body><p><div>block inside p</p></div><img src="a.png"></body>
</html>
"""


def test_vnu_reports_errors_only_for_broken_html(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "index.html").write_text(VALID, encoding="utf-8")
    (tmp_path / "ok" / "style.css").write_text("body { color: #222 }\n", encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN, encoding="utf-8")

    assert tools.vnu_validate(tmp_path / "ok") == []  # a directory: only its HTML files
    # Without --skip-non-html vnu parses style.css as HTML: that is why it is the default.
    assert any(m["url"].endswith("style.css") for m in tools.vnu_validate(tmp_path / "ok", skip_non_html=False))

    messages = tools.vnu_validate([broken])
    assert messages, "vnu found nothing wrong in broken HTML"
    assert all(m["type"] == "error" for m in messages)
    assert all(m["url"].endswith("broken.html") for m in messages)
    text = " ".join(m["message"] for m in messages)
    assert "title" in text  # missing <title>
    assert "alt" in text  # <img> without alt


PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'none'">
<title>Hội nghị tổng kết</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<main>
<h1>Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020</h1>
<p>Đồng chí Vũ Đăng Minh, Chánh Văn phòng Bộ Nội vụ, dự và phát biểu.</p>
<img class="qr" src="qr.svg" alt="Mã QR của bài viết" width="200" height="200">
<img src="anh-hoi-nghi.svg" width="40" height="40">
</main>
</body>
</html>
"""


def _site(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "style.css").write_text("h1 { color: rgb(0, 51, 102) }\n", encoding="utf-8")
    segno.make_qr(URL, error="m").save(str(root / "qr.svg"), kind="svg", border=4, light="white")
    (root / "anh-hoi-nghi.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>',
        encoding="utf-8",
    )
    return root


def test_serve_directory_under_a_prefix(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with tools.serve_directory(root, "/tin/") as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/tin/")
        with urllib.request.urlopen(base) as r:
            assert "charset=utf-8" in r.headers["Content-Type"]
            assert r.read().decode("utf-8") == PAGE
        with urllib.request.urlopen(base + "qr.svg") as r:
            assert r.headers["Content-Type"] == "image/svg+xml"
        with urllib.request.urlopen(base[: -len("/tin/")] + "/tin") as r:  # redirect to the slash
            assert r.url == base
        for outside in ("/", "/index.html"):
            try:
                urllib.request.urlopen(base[: -len("/tin/")] + outside)
            except urllib.error.HTTPError as e:
                assert e.code == 404
            else:
                raise AssertionError(f"{outside} served outside the prefix")
    try:  # stopped after the block
        urllib.request.urlopen(base, timeout=2)
    except urllib.error.URLError:
        pass
    else:
        raise AssertionError("serve_directory still serving after the block")


def test_chromium_loads_served_page_and_prints_pdf_with_readable_qr(page, tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with tools.serve_directory(root, "/tin/") as base:
        response = page.goto(base)
        assert response is not None and response.ok
        assert page.title() == "Hội nghị tổng kết"
        assert page.locator("h1").inner_text().startswith("Hội nghị tổng kết")
        assert page.eval_on_selector("h1", "h => getComputedStyle(h).color") == "rgb(0, 51, 102)"
        assert page.eval_on_selector("img.qr", "i => i.complete && i.naturalWidth > 0")
        pdf = tmp_path / "page.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pngs = tools.pdf_to_png(pdf, tmp_path / "pages", dpi=150)
    assert len(pngs) == 1
    assert tools.zbar_decode(pngs[0]) == [URL]


def test_axe_finds_image_without_alt_despite_csp(page, tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with tools.serve_directory(root, "/tin/") as base:
        page.goto(base)
        violations = tools.run_axe(page)
    ids = {v["id"] for v in violations}
    assert "image-alt" in ids, ids
    [image_alt] = [v for v in violations if v["id"] == "image-alt"]
    assert [n["target"] for n in image_alt["nodes"]] == [["img[src$=\"anh-hoi-nghi.svg\"]"]]


def test_nginx_serves_a_file_under_a_prefix(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    with tools.nginx_server(root, "/tin/") as base:
        with urllib.request.urlopen(base) as r:
            assert r.status == 200
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
            assert r.read().decode("utf-8") == PAGE
        with urllib.request.urlopen(base + "qr.svg") as r:
            assert r.headers["Content-Type"].startswith("image/svg+xml")
        try:
            urllib.request.urlopen(base + "khong-co.html")
        except urllib.error.HTTPError as e:
            assert e.code == 404
        else:
            raise AssertionError("nginx served a missing file")
    try:
        urllib.request.urlopen(base, timeout=2)
    except urllib.error.URLError:
        pass
    else:
        raise AssertionError("nginx still running after the block")
