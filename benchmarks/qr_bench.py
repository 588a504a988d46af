"""QR cost per article: segno (automatic vs fixed mask) vs zxing-cpp, SVG and PNG output, and
whether zbar decodes every code (rsvg-convert renders the SVG; the PNG is read as is).

    .venv/bin/python benchmarks/qr_bench.py [count]

Prints milliseconds per code for each step and the number of codes zbar failed to read.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import segno  # noqa: E402
import zxingcpp  # noqa: E402

from generator.render import qr  # noqa: E402
from generator.core.slugs import slugify  # noqa: E402

TITLES = ["Hội nghị tổng kết công tác thi đua, khen thưởng năm {n} Cụm thi đua các tỉnh Đắk Lắk",
          "Sơ kết 6 tháng đầu năm {n} – Cụm thi đua Trung du và miền núi phía Bắc",
          "Triển khai nhiệm vụ {n}"]


def urls(count: int) -> list[str]:
    return [f"https://snv.example.gov.vn/tin/bai-viet/{slugify(TITLES[i % 3].format(n=2000 + i))}/"
            for i in range(count)]


def per_code(fn, items, rounds: int = 5, cold: bool = False) -> float:
    """Best of *rounds* (the machine may be busy), in milliseconds a code; *cold*
    empties qr's in-process cache before each round."""
    best = float("inf")
    for _ in range(rounds):
        if cold:
            qr.clear_cache()
        start = time.perf_counter()
        for u in items:
            fn(u)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1000


def zbar_failures(items, tmp: Path) -> tuple[int, int]:
    svg_bad = png_bad = 0
    for i, u in enumerate(items):
        svg_png = tmp / f"s{i}.png"
        subprocess.run(["rsvg-convert", "-b", "white", "-z", "2", "-o", str(svg_png)],
                       input=qr.svg(u, "QR", standalone=True).encode(), check=True)
        raw = tmp / f"p{i}.png"
        raw.write_bytes(qr.png(u))
        for path, bad in ((svg_png, "svg"), (raw, "png")):
            out = subprocess.run(["zbarimg", "--quiet", "--raw", "--nodbus", str(path)],
                                 capture_output=True).stdout.decode().strip()
            if out != u:
                if bad == "svg":
                    svg_bad += 1
                else:
                    png_bad += 1
    return svg_bad, png_bad


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    items = urls(count)
    print(f"{count} article URLs, {min(map(len, items))}–{max(map(len, items))} characters")
    print(f"segno, automatic mask : {per_code(lambda u: segno.make_qr(u, error='m').matrix, items):.3f} ms/code")
    print(f"segno, fixed mask 0   : {per_code(lambda u: segno.make_qr(u, error='m', mask=0).matrix, items):.3f} ms/code")
    print(f"zxing-cpp, bare       : {per_code(lambda u: zxingcpp.create_barcode(u, zxingcpp.BarcodeFormat.QRCode, ec_level='M').to_image(scale=1, add_quiet_zones=False), items):.3f} ms/code")
    print(f"qr.matrix (zxing-cpp) : {per_code(qr.matrix, items, cold=True):.3f} ms/code")
    print(f"qr.svg, cold cache    : {per_code(lambda u: qr.svg(u, 'QR'), items, cold=True):.3f} ms/code (matrix included)")
    print(f"qr.png, cold cache    : {per_code(qr.png, items, cold=True):.3f} ms/code (matrix included)")
    print(f"qr.svg, warm cache    : {per_code(lambda u: qr.svg(u, 'QR'), items):.4f} ms/code")
    with tempfile.TemporaryDirectory() as tmp:
        sample = items[: min(count, 200)]
        svg_bad, png_bad = zbar_failures(sample, Path(tmp))
    print(f"zbar: {svg_bad} of {len(sample)} SVG codes and {png_bad} of {len(sample)} PNG codes not read back exactly")


if __name__ == "__main__":
    main()
