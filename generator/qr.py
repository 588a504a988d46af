"""QR codes for article pages: URL → module matrix → inline SVG or print PNG.

Pure functions of their arguments, so a caller may cache their results by URL (an
in-process cache is kept here; the same URL is never encoded twice in one build).

- Error correction level M (segno raises it to Q or H when that fits in the same
  version), so a code stays readable with up to ~15 % of it scratched or folded.
- The quiet zone of 4 modules that the standard requires is part of every output.
- The mask pattern is fixed instead of chosen by segno's penalty scoring: choosing it
  evaluates all eight masks and makes encoding about five times slower, while any
  mask is valid and decodes with zbar (benchmarks/qr_bench.py measures both).
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache
from html import escape

import segno

QUIET_ZONE = 4
MASK = 0                 # a fixed, valid mask pattern; see the module docstring
PNG_MODULE_PX = 16       # pixels per module in the print PNG (a multiple of 8)
PNG_DPI = 300

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=8192)
def matrix(url: str) -> Matrix:
    """The QR symbol of *url* without quiet zone: rows of modules, True is dark."""
    code = segno.make_qr(url, error="m", boost_error=True, mask=MASK)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def size(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(matrix(url)) + 2 * QUIET_ZONE


def path_data(url: str) -> str:
    """One SVG path of the dark modules: a 1-module-wide stroke along each horizontal run
    (``M x y.5 h run``), about half the size of a filled rectangle per run."""
    parts = []
    for y, row in enumerate(matrix(url)):
        x, n = 0, len(row)
        while x < n:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < n and row[x]:
                x += 1
            run = x - start
            parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}.5h{run}")
    return "".join(parts)


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
    """A 1-bit greyscale PNG for print: 16 px a module, marked 300 dpi (≈1.4 mm a module)."""
    m = matrix(url)
    n = size(url)
    px = n * PNG_MODULE_PX
    step = PNG_MODULE_PX // 8
    light, dark = b"\xff" * step, b"\x00" * step
    quiet = light * QUIET_ZONE
    blank = b"\x00" + light * n                       # filter byte 0, then a white row
    rows = [blank] * (QUIET_ZONE * PNG_MODULE_PX)
    for row in m:
        line = b"\x00" + quiet + b"".join(dark if v else light for v in row) + quiet
        rows.extend([line] * PNG_MODULE_PX)
    rows.extend([blank] * (QUIET_ZONE * PNG_MODULE_PX))
    per_metre = round(PNG_DPI / 0.0254)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", px, px, 1, 0, 0, 0, 0))
            + _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + _chunk(b"IEND", b""))


def clear_cache() -> None:
    for fn in (matrix, svg, png):
        fn.cache_clear()
