"""Our QR encoder makes the very symbol zxing-cpp (zint inside) made before it — same
segments, version and mask — so pages and the downloadable codes did not change when it
replaced zxing-cpp at run time; and zbar reads what it makes."""
from __future__ import annotations

import random
import subprocess

import pytest
import zxingcpp

from generator.core.slugs import slugify
from generator.render import qr, qrencode

BASES = ["https://snv.example.gov.vn/tin/", "https://noivu.example.vn/", "http://127.0.0.1:8000/",
         "https://sonoivu.daklak.gov.vn/thong-tin/hoi-nghi/", "HTTPS://SNV.EXAMPLE.GOV.VN/", "https://x.vn/"]
TITLES = ["Hội nghị tổng kết công tác thi đua, khen thưởng năm {n} Cụm thi đua các tỉnh Tây Nguyên",
          "Sơ kết 6 tháng đầu năm {n} – Cụm thi đua Trung du và miền núi phía Bắc", "Ngắn {n}",
          "Quyết định số {n}/QĐ-UBND ngày 12/3/2024 về việc khen thưởng 1234567 tập thể",
          "Báo cáo {n} " + "rất dài " * 40]


def zxing_rows(text: str) -> list[str]:
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = pixels.shape
    data = pixels.tobytes()
    return ["".join("1" if b == 0 else "0" for b in data[y * width:(y + 1) * width]) for y in range(height)]


def our_rows(text: str) -> list[str]:
    return ["".join(map(str, row)) for row in qr.matrix(text)]


def site_urls() -> list[str]:
    rng = random.Random(20)
    out = []
    for i in range(600):
        base = BASES[i % len(BASES)]
        slug = slugify(rng.choice(TITLES).format(n=rng.randint(1, 10 ** rng.randint(1, 12))))
        kind = i % 5
        if kind == 0:
            out.append(f"{base}bai-viet/{slug}/")
        elif kind == 1:                                   # short addresses by id
            out.append(f"{base}p/{rng.choice(['dl-2023', 'a', 'HN-2024-001', '2024-12-31', slug[:20]])}/")
        elif kind == 2:                                   # percent-encoded paths
            out.append(f"{base}bai-viet/{slug[:30]}" + "%E1%BB%99%C3%A0" * rng.randint(1, 12) + "/")
        elif kind == 3:                                   # long, up to well past version 10
            out.append(f"{base}bai-viet/" + "-".join([slug[:60]] * rng.randint(1, 8)) + "/")
        else:
            out.append(f"{base}bai-viet/{slug}/?trang={rng.randint(1, 99999)}#muc-{rng.randint(1, 9)}")
    return out


def test_same_symbols_as_zxing_cpp_for_this_sites_addresses():
    urls = site_urls()
    sizes = {len(qr.matrix(u)) for u in urls}
    assert min(sizes) <= 33 and max(sizes) >= 77, "versions from 4 or less to past 15"
    different = [u for u in urls if our_rows(u) != zxing_rows(u)]
    assert different == []


def test_same_symbols_as_zxing_cpp_for_any_text():
    """Digits, capitals and other characters in every mix and length (all 40 versions):
    the segment search (numeric, alphanumeric, byte), the version and the mask agree."""
    rng = random.Random(7)
    alphabets = ["0123456789", "0123456789ABCDEF%/-:. ", "abc0123ABC-/.$*+ ",
                 "".join(map(chr, range(32, 127))), "aé/ßÀ0ü9"]
    texts = ["0", "A", "a", "https://x.vn/bai-viet/sở-nội-vụ/", "https://sởnộivụ.vn/tin/bai-viet/x/"]
    for i in range(400):
        length = rng.choice([3, 10, 40, 120, 300, 800, 1600, 2300])
        texts.append("".join(rng.choice(alphabets[i % 5]) for _ in range(rng.randint(1, length))))
    sizes = set()
    for text in texts:
        rows = zxing_rows(text)
        sizes.add(len(rows))
        assert our_rows(text) == rows, text
    assert len(sizes) >= 30


def test_the_piecewise_segment_search_is_the_whole_search():
    """Between two byte-only characters the search starts afresh, and a run of at most 5
    alphanumeric characters there stays in byte mode: cutting the search into runs (and
    caching them) changes no segment."""
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice("09AZ-/:%ab.") for _ in range(rng.randint(1, 60)))
        for version in (1, 10, 27):
            whole = qrencode._search(text, qrencode._span(version), start="head", at_end=True)
            assert qrencode.segment_modes(text, version) == whole, (text, version)


@pytest.mark.tool
def test_zbar_reads_every_version_and_text_kind(tmp_path):
    texts = [u for u in site_urls()[::40]] + ["https://x.vn/café/", "https://sởnộivụ.vn/tin/", "https://x.gr/Ωμέγα/"]
    for i, text in enumerate(texts):
        path = tmp_path / f"{i}.png"
        path.write_bytes(qr.png(text))
        out = subprocess.run(["zbarimg", "--quiet", "--raw", "--nodbus", str(path)], capture_output=True)
        assert out.stdout.decode("utf-8").strip() == text
