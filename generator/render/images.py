"""Article images for phones: intrinsic sizes and responsive variants.

Raster images (JPEG, PNG, WebP) an article shows get smaller copies made with Pillow,
one per width in :data:`WIDTHS` narrower than the original, named after the original's
content (``photo-960w.1a2b3c4d.jpg``) so they can be cached for a year and never go
stale. Copies carry no metadata (no EXIF, no GPS) and follow the EXIF orientation.
Every image, SVG included, gets its width and height so the page does not jump while
it loads.

:func:`prepare` is a pure function of the site model and the media files' bytes.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from ..core.hashing import name_hash
from ..site.sitemodel import Site

WIDTHS = (480, 960, 1440)
SIZES = "(min-width: 48rem) 46rem, 100vw"
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'\b(width|height|viewBox)\s*=\s*["\']([^"\']*)["\']')
_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")


@dataclass(frozen=True)
class Variant:
    path: str          # site-relative output path
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    src: str                          # site-relative path of the original
    width: int
    height: int
    variants: tuple[Variant, ...] = ()  # narrower copies, narrowest first


def _variant_name(rel: str, width: int, digest: str) -> str:
    stem, dot, ext = rel.rpartition(".")
    ext = "jpg" if ext.lower() == "jpeg" else ext.lower()
    return f"{stem}-{width}w.{digest}.{ext}"


def _svg_size(data: bytes) -> tuple[int, int] | None:
    root = _SVG_ROOT.search(data[:8192])
    if not root:
        return None
    attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(root.group(0))}
    w, h = (_LENGTH.match(attrs.get(k, "")) for k in ("width", "height"))
    if w and h:
        return round(float(w.group(1))), round(float(h.group(1)))
    box = attrs.get("viewBox", "").replace(",", " ").split()
    try:
        bw, bh = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return None
    return (round(bw), round(bh)) if bw > 0 and bh > 0 else None


@lru_cache(maxsize=512)
def _raster(path: Path, size: int, mtime_ns: int, rel: str) -> tuple[Picture, tuple[tuple[str, bytes], ...]] | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = path.read_bytes()
    digest = name_hash(data)
    try:
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im)
            width, height = im.size
            fmt = RASTER[path.suffix.lower()]
            files, variants = [], []
            for w in WIDTHS:
                if w >= width:
                    break
                h = max(1, round(height * w / width))
                small = im.resize((w, h), Image.Resampling.LANCZOS)
                if fmt == "JPEG" and small.mode not in ("RGB", "L"):
                    small = small.convert("RGB")
                out = io.BytesIO()
                options = {"quality": 82, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
                small.save(out, fmt, **options)
                name = _variant_name(rel, w, digest)
                files.append((name, out.getvalue()))
                variants.append(Variant(name, w, h))
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return Picture(rel, width, height, tuple(variants)), tuple(files)


def picture(path: Path, rel: str) -> tuple[Picture, tuple[tuple[str, bytes], ...]] | None:
    """Size and variants of one media file; None when it is not an image we can read."""
    suffix = path.suffix.lower()
    try:
        st = path.stat()
    except OSError:
        return None
    if suffix == ".svg":
        size = _svg_size(path.read_bytes())
        return (Picture(rel, *size), ()) if size else None
    if suffix in RASTER:
        return _raster(path, st.st_size, st.st_mtime_ns, rel)
    return None


def prepare(site: Site, only: set[str] | None = None) -> tuple[dict[str, Picture], dict[str, bytes]]:
    """Every article image's :class:`Picture`, and the variant files to write (of the
    media files in *only*, when given: a page rendered alone needs its own)."""
    media = {i.src for a in site.articles for i in a.images} | {m for a in site.articles for m in a.body.media}
    media = sorted(media if only is None else media & only)
    pictures: dict[str, Picture] = {}
    files: dict[str, bytes] = {}
    for rel in media:
        found = picture(site.config.content_dir / rel, rel)
        if found:
            pictures[rel] = found[0]
            files.update(found[1])
    return pictures, files


def srcset(p: Picture, url) -> str:
    """``srcset`` value, the original last; empty when there are no variants."""
    if not p.variants:
        return ""
    return ", ".join([*(f"{url(v.path)} {v.width}w" for v in p.variants), f"{url(p.src)} {p.width}w"])


_IMG = re.compile(r"<img\b([^>]*?)\bsrc=\"([^\"]+)\"([^>]*)>")


def responsive_body(body_html: str, pictures: dict[str, Picture], base_path: str, url) -> str:
    """Add width, height, srcset and sizes to the body's ``<img>`` tags of known images."""
    def fix(m: re.Match) -> str:
        before, src, after = m.group(1), m.group(2), m.group(3)
        raw = html.unescape(src)
        if not raw.startswith(base_path):
            return m.group(0)
        p = pictures.get(unquote(raw[len(base_path):]))
        if p is None or "width=" in m.group(0):
            return m.group(0)
        extra = f' width="{p.width}" height="{p.height}"'
        sset = srcset(p, url)
        if sset:
            extra += f' srcset="{html.escape(sset)}" sizes="{SIZES}"'
        closing = "/>" if after.rstrip().endswith("/") else ">"
        after = after.rstrip().rstrip("/")
        return f'<img{before}src="{src}"{after}{extra} loading="lazy" decoding="async"{closing}'
    return _IMG.sub(fix, body_html)

