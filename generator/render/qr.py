"""QR codes for article pages: URL → module matrix → inline SVG or print PNG.

Pure functions of their arguments, so a caller may cache their results by URL. The
small in-process cache kept here serves the pages that follow each other: an article's
page (the inline SVG), then its qr.svg and qr.png files, rendered one after the other by
the same process, encode its URL once. It is small on purpose: a code's text, matrix,
path and SVGs take about 20 kB, and a large cache of them (8,192 codes were kept before)
grew every render worker by up to 160 MB that no later page would ask for again.

- Error correction level M: a code stays readable with up to ~15 % of it scratched,
  folded or covered.
- The quiet zone of 4 modules that the standard requires is part of every output.
- The symbol comes from qrencode (our own encoder, which makes the symbol zint — the
  encoder in zxing-cpp that confsite used before — makes: same segments, version and
  mask; tests/test_qrencode.py holds them to each other). It hands over the rows as text
  framed by light modules, so the SVG path and the PNG rows are cut from one string.
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache
from html import escape

from . import qrencode

QUIET_ZONE = qrencode.MARGIN    # 4 modules, as the standard requires
PNG_MODULE_PX = 16       # pixels per module in the print PNG (a multiple of 8)
PNG_DPI = 300
RECENT = 32              # codes kept in memory: the pages of a few articles in a row

Matrix = tuple[bytes, ...]          # rows of modules: 1 dark, 0 light
_BITS = bytes.maketrans(b"01", b"\x00\x01")
_GREY = bytes.maketrans(b"01", b"\xff\x00")  # module → PNG byte: light 0xff, dark 0x00


@lru_cache(maxsize=RECENT)
def _symbol(url: str) -> tuple[int, str]:
    """Size in modules and rows as ``0``/``1`` text (see :func:`qrencode.encode`)."""
    return qrencode.encode(url)


def _rows(n: int, picture: str) -> list[str]:
    step = n + QUIET_ZONE
    return [picture[i:i + n] for i in range(QUIET_ZONE, n * step, step)]


@lru_cache(maxsize=RECENT)
def matrix(url: str) -> Matrix:
    """The QR symbol of *url* without quiet zone: rows of modules, 1 is dark."""
    return tuple(row.encode("ascii").translate(_BITS) for row in _rows(*_symbol(url)))


def size(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return _symbol(url)[0] + 2 * QUIET_ZONE


@lru_cache(maxsize=RECENT)
def path_data(url: str) -> str:
    """One SVG path of the dark modules: a 1-module-wide stroke along each horizontal run.

    Each row starts with an absolute move to its left edge (``M4 y.5``); within it, runs
    are relative moves and strokes (``m gap 0h run``), a third smaller than absolute runs.
    Built in one pass: the rows are joined, each behind a character that stands for its
    row's move, cut into tokens (a move, light modules then dark ones, or the light ones
    that end a row), and each token is looked up."""
    n, picture = _symbol(url)
    rows = _rows(n, picture)
    text = "".join(map(str.__add__, _ROW_MARKS, rows))
    if "0" * n in rows:                     # a row without dark modules gets no move
        text = "".join(mark + row for mark, row in zip(_ROW_MARKS, rows) if "1" in row)
    return "".join(map(_PATH_TOKENS.__getitem__, text.replace("10", "1|0").split("|")))


class _PathTokens(dict):
    def __missing__(self, token: str) -> str:
        if token in _ROW_OF_MARK:
            text = f"M{QUIET_ZONE} {_ROW_OF_MARK[token] + QUIET_ZONE}.5"
        elif "1" in token:
            gap = token.count("0")
            text = f"m{gap} 0h{len(token) - gap}"
        else:                                   # light modules at the end of a row
            text = ""
        self[token] = text
        return text


# A character for each row (version 40 has 177), between the "|" that end tokens.
_ROW_OF_MARK = {c: y for y, c in enumerate(c for c in map(chr, range(2, 256)) if c not in "01|") if y < 177}
_ROW_MARKS = [f"|{c}|" for c in _ROW_OF_MARK]
_PATH_TOKENS = _PathTokens()


@lru_cache(maxsize=RECENT)
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


@lru_cache(maxsize=RECENT)
def png(url: str) -> bytes:
    """A 1-bit greyscale PNG for print: 16 px a module, marked 300 dpi (≈1.4 mm a module).

    Each module row is 16 identical pixel rows: the first carries the pixels (filter
    0), the other 15 say "same as the row above" (filter 2, all zero bytes), which
    run-length coding compresses to almost nothing, ~4× faster than plain deflate. A
    module row like the one above is 16 rows "same as above"."""
    n, picture = _symbol(url)
    width = n + 2 * QUIET_ZONE
    px = width * PNG_MODULE_PX
    step = PNG_MODULE_PX // 8                         # bytes a module takes in a 1-bit row
    blank, same, repeat = _png_rows(width)
    grey = picture.encode("ascii").translate(_GREY)   # every row framed by light modules
    wide = bytearray(len(grey) * step)
    for i in range(step):
        wide[i::step] = grey
    stride, line = (n + QUIET_ZONE) * step, width * step
    firsts = [b"\x00" + wide[i:i + line] for i in range(0, n * stride, stride)]
    rows = _rows(n, picture)
    for y in range(1, n):
        if rows[y] == rows[y - 1]:  # a module row like the one above: all "same as above"
            firsts[y] = same
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    data = packer.compress(b"".join((blank, repeat.join(firsts), repeat, blank))) + packer.flush()
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
    for fn in (_symbol, matrix, path_data, svg, png, _png_rows):
        fn.cache_clear()
