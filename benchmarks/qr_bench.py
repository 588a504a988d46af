"""QR cost per article, the old way (zxing-cpp's symbol, row-by-row SVG path and PNG) and
ours (generator/render/qrencode.py and qr.py) side by side, whether both give the same
bytes, and whether zbar reads every code back (rsvg-convert renders the SVG).

    .venv/bin/python benchmarks/qr_bench.py [count] [--urls FILE]

FILE: one address a line (e.g. the articles of a corpus built by make_corpus.py); by
default, *count* addresses shaped like this site's (500).

Prints CPU milliseconds a code (best of 5 rounds, in-process caches emptied before each;
qrencode's per-version tables are built before timing: once a version a build) and the
number of codes zbar failed to read. zxing-cpp is a test dependency.
"""
from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zxingcpp  # noqa: E402

from generator.core.slugs import slugify  # noqa: E402
from generator.render import qr, qrencode  # noqa: E402

TITLES = ["Hội nghị tổng kết công tác thi đua, khen thưởng năm {n} Cụm thi đua các tỉnh Đắk Lắk",
          "Sơ kết 6 tháng đầu năm {n} – Cụm thi đua Trung du và miền núi phía Bắc",
          "Triển khai nhiệm vụ {n}"]


def urls(count: int) -> list[str]:
    return [f"https://snv.example.gov.vn/tin/bai-viet/{slugify(TITLES[i % 3].format(n=2000 + i))}/"
            for i in range(count)]


# --- The old way, as generator/render/qr.py had it before qrencode ----------------------------

def old_matrix(url: str) -> tuple[bytes, ...]:
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = pixels.shape
    data = pixels.tobytes().translate(bytes([1] + [0] * 255))
    return tuple(data[y * width:(y + 1) * width] for y in range(height))


def old_path(m: tuple[bytes, ...]) -> str:
    out = []
    for y, row in enumerate(m):
        runs = OLD_ROWS.get(row)          # rows met before (finders, timing): written once
        if runs is None:
            parts, x = [], 0
            for run in re.finditer(b"\x01+", row):
                start, end = run.span()
                parts.append(f"m{start - x} 0h{end - start}")
                x = end
            runs = OLD_ROWS[row] = "".join(parts)
        if runs:
            out.append(f"M4 {y + 4}.5{runs}")
    return "".join(out)


OLD_ROWS: dict[bytes, str] = {}


def old_png(m: tuple[bytes, ...]) -> bytes:
    n = len(m) + 8
    width = n * 2
    same = b"\x02" + bytes(width)
    repeat = same * 15
    blank = b"\x00" + b"\xff" * width + same * 63
    quiet = b"\xff" * 8
    parts, previous = [blank], None
    for row in m:
        if row == previous:
            parts += (same, repeat)
            continue
        grey = row.translate(bytes([255, 0]) + bytes(254))
        wide = bytearray(len(grey) * 2)
        wide[0::2] = grey
        wide[1::2] = grey
        parts += (b"\x00", quiet, wide, quiet, repeat)
        previous = row
    parts.append(blank)
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = packer.compress(b"".join(parts)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    dpm = round(300 / 0.0254)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n * 16, n * 16, 1, 0, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", dpm, dpm, 1)) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


# --- Measuring -------------------------------------------------------------------------------

def per_code(fn, items, rounds: int = 5, symbols: bool = False) -> float:
    """Best of *rounds* (the machine may be busy), CPU milliseconds a code; qr's in-process
    cache is emptied before each round (but for the symbols if *symbols*)."""
    best = float("inf")
    for _ in range(rounds):
        qr.clear_cache()
        OLD_ROWS.clear()
        if symbols:
            for u in items:
                qr.matrix(u)
        start = time.process_time()
        for u in items:
            fn(u)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1000


def zbar_failures(items, tmp: Path) -> tuple[int, int]:
    svg_bad = png_bad = 0
    for i, u in enumerate(items):
        svg_png = tmp / f"s{i}.png"
        subprocess.run(["rsvg-convert", "-b", "white", "-z", "2", "-o", str(svg_png)],
                       input=qr.svg_file(u), check=True)
        raw = tmp / f"p{i}.png"
        raw.write_bytes(qr.png(u))
        for path, kind in ((svg_png, "svg"), (raw, "png")):
            out = subprocess.run(["zbarimg", "--quiet", "--raw", "--nodbus", str(path)],
                                 capture_output=True).stdout.decode().strip()
            if out != u:
                svg_bad += kind == "svg"
                png_bad += kind == "png"
    return svg_bad, png_bad


def main() -> None:
    args = sys.argv[1:]
    count = int(args[0]) if args and args[0].isdigit() else 500
    if "--urls" in args:
        items = Path(args[args.index("--urls") + 1]).read_text("utf-8").split()[:count]
        count = len(items)
    else:
        items = urls(count)
    for u in items:                                  # per-version tables: once a build
        qrencode.encode(u)
    sizes = sorted({qr.size(u) - 8 for u in items})
    print(f"{count} article URLs, {min(map(len, items))}–{max(map(len, items))} characters, "
          f"symbols of {', '.join(map(str, sizes))} modules; CPU ms a code, old (zxing-cpp) → new")
    symbols = {u: old_matrix(u) for u in items}
    rows = [
        ("symbol", lambda u: old_matrix(u), qr.matrix),
        ("SVG path", lambda u: old_path(symbols[u]), qr.path_data),     # symbol made already
        ("print PNG", lambda u: old_png(symbols[u]), qr.png),
        ("all three", lambda u: (old_png(m := old_matrix(u)), old_path(m)),
         lambda u: (qr.png(u), qr.path_data(u))),
    ]
    for name, old, new in rows:
        before, after = per_code(old, items), per_code(new, items, symbols=name in ("SVG path", "print PNG"))
        print(f"{name:<10}: {before:.3f} → {after:.3f} ms/code ({before / after:.1f}×)")
    raw = {u: zlib.decompress(qr.png(u)[62:-16]) for u in items}     # the IDAT's filtered rows

    def deflate(u: str) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
        return packer.compress(raw[u]) + packer.flush()
    zlib_only = per_code(deflate, items)
    print(f"of the PNG, zlib alone (same input and settings, fixed by the bytes): ~{zlib_only:.3f} ms/code")
    different = sum(old_matrix(u) != qr.matrix(u) or old_path(symbols[u]) != qr.path_data(u)
                    or old_png(symbols[u]) != qr.png(u) for u in items)
    print(f"old and new differ on {different} of {len(items)} codes (symbol, SVG path or PNG)")
    with tempfile.TemporaryDirectory() as tmp:
        sample = items[: min(count, 200)]
        svg_bad, png_bad = zbar_failures(sample, Path(tmp))
    print(f"zbar: {svg_bad} of {len(sample)} SVG codes and {png_bad} of {len(sample)} PNG codes not read back exactly")


if __name__ == "__main__":
    main()
