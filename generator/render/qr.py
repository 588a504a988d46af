"""QR codes for article pages: URL → module matrix → inline SVG or print PNG.

Pure functions of their arguments, so a caller may cache their results by URL (an
in-process cache is kept here; the same URL is never encoded twice in one build).

- Error correction level M: a code stays readable with up to ~15 % of it scratched,
  folded or covered.
- The quiet zone of 4 modules that the standard requires is part of every output.
- The symbol comes from zxing-cpp (a C++ encoder that also chooses the mask pattern
  by the standard's penalty rules). Measured with benchmarks/qr_bench.py, it is 3–6×
  faster than segno with a fixed mask and ~20× faster than segno choosing the mask,
  and zbar reads every code it makes; the SVG and PNG writers are our own.
"""
from __future__ import annotations

import re
import struct
import zlib
from functools import lru_cache
from html import escape

import zxingcpp

QUIET_ZONE = 4
ERROR_CORRECTION = "M"
PNG_MODULE_PX = 16       # pixels per module in the print PNG (a multiple of 8)
PNG_DPI = 300

Matrix = tuple[bytes, ...]          # rows of modules: 1 dark, 0 light
_DARK = bytes([1] + [0] * 255)      # zxing's image: 0 is black, 255 white
_RUN = re.compile(b"\x01+")
_GREY = bytes([255, 0]) + bytes(254)  # module → PNG byte: light 0xff, dark 0x00


@lru_cache(maxsize=8192)
def matrix(url: str) -> Matrix:
    """The QR symbol of *url* without quiet zone: rows of modules, 1 is dark."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_CORRECTION)
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = pixels.shape
    data = pixels.tobytes().translate(_DARK)
    return tuple(data[y * width:(y + 1) * width] for y in range(height))


def size(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(matrix(url)) + 2 * QUIET_ZONE


@lru_cache(maxsize=8192)
def path_data(url: str) -> str:
    """One SVG path of the dark modules: a 1-module-wide stroke along each horizontal run.

    Each row starts with an absolute move to its left edge (``M4 y.5``); within it, runs
    are relative moves and strokes (``m gap 0h run``). A row's relative part does not
    depend on where the row is, so rows met before (finder patterns, timing lines) are
    written once a build: about twice as fast, and a third smaller than absolute runs."""
    out = []
    for y, row in enumerate(matrix(url)):
        runs = _ROWS.get(row)
        if runs is None:
            if len(_ROWS) > 100_000:
                _ROWS.clear()
            parts, x = [], 0
            for run in _RUN.finditer(row):
                start, end = run.span()
                parts.append(f"m{start - x} 0h{end - start}")
                x = end
            runs = _ROWS[row] = "".join(parts)
        if runs:
            out.append(f"M{QUIET_ZONE} {y + QUIET_ZONE}.5{runs}")
    return "".join(out)


_ROWS: dict[bytes, str] = {}


@lru_cache(maxsize=8192)
def svg(url: str, label: str, *, standalone: bool = False) -> str:
    """The code as SVG markup with *label* as its text alternative.

    Inline (the default) the markup goes into an HTML page: ``role="img"``, an
    ``aria-label`` and a ``<title>``; its light background comes from the page's CSS.
    ``standalone`` gives a file of its own, with the XML declaration and a white
    background so the quiet zone stays light wherever the file is placed.
    """
    n = size(url)
    text = escape(label, quote=True)
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if standalone else ""
    background = f'<rect width="{n}" height="{n}" fill="#fff"/>' if standalone else ""
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
            f'width="{n * 4}" height="{n * 4}" role="img" aria-label="{text}" class="qr-code" '
            f'shape-rendering="crispEdges"><title>{text}</title>{background}'
            f'<path stroke="#000" d="{path_data(url)}"/></svg>' + ("\n" if standalone else ""))


def svg_file(url: str) -> bytes:
    """The downloadable SVG file; its text alternative is the URL itself."""
    return svg(url, url, standalone=True).encode("utf-8")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=1024)
def png(url: str) -> bytes:
    """A 1-bit greyscale PNG for print: 16 px a module, marked 300 dpi (≈1.4 mm a module).

    Each module row is 16 identical pixel rows: the first carries the pixels (filter
    0), the other 15 say "same as the row above" (filter 2, all zero bytes), which
    run-length coding compresses to almost nothing, ~4× faster than plain deflate."""
    n = size(url)
    px = n * PNG_MODULE_PX
    step = PNG_MODULE_PX // 8                         # bytes a module takes in a 1-bit row
    blank, same, repeat = _png_rows(n)
    quiet = b"\xff" * (QUIET_ZONE * step)
    parts = [blank]
    previous = None
    for row in matrix(url):
        if row == previous:         # a module row like the one above: all "same as above"
            parts += (same, repeat)
            continue
        grey = row.translate(_GREY)
        wide = bytearray(len(grey) * step)
        for i in range(step):
            wide[i::step] = grey
        parts += (b"\x00", quiet, wide, quiet, repeat)
        previous = row
    parts.append(blank)
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = packer.compress(b"".join(parts)) + packer.flush()
    per_metre = round(PNG_DPI / 0.0254)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", px, px, 1, 0, 0, 0, 0))
            + _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


@lru_cache(maxsize=64)
def _png_rows(n: int) -> tuple[bytes, bytes, bytes]:
    """For a code *n* modules wide: the pixel rows of the light quiet zone above or below
    it, one pixel row "same as above", and the 15 of them that follow every module row's
    first pixel row."""
    width = n * (PNG_MODULE_PX // 8)
    same = b"\x02" + bytes(width)
    repeat = same * (PNG_MODULE_PX - 1)
    return b"\x00" + b"\xff" * width + same * (QUIET_ZONE * PNG_MODULE_PX - 1), same, repeat


def clear_cache() -> None:
    for fn in (matrix, path_data, svg, png, _png_rows):
        fn.cache_clear()
    _ROWS.clear()
