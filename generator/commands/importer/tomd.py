"""Clean HTML (from mammoth, trafilatura or a feed item) → CommonMark with tables.

The HTML these libraries produce is small and regular: paragraphs, headings, lists,
tables, bold/italic, links, images. This walks it once and writes Markdown, and at the
same time collects what fact extraction needs: the text blocks in reading order, the
tables as rows of cells, and the images with their captions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree, html as lxml_html

from .text import nfc

_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(\s)")


@dataclass
class Image:
    src: str           # as written in the HTML
    caption: str


@dataclass
class Converted:
    markdown: str
    blocks: list[str] = field(default_factory=list)          # plain text of every block, in order
    tables: list[list[list[str]]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


def _escape(text: str) -> str:
    return _MD_INLINE.sub(r"\\\1", text)


def _caption_like(el) -> bool:
    cls = (el.get("class") or "").lower()
    return el.tag in {"figcaption"} or any(w in cls for w in ("caption", "desc", "chu-thich", "chuthich", "image_note"))


class _Writer:
    def __init__(self, keep_image: Callable[[Image], bool]):
        self.out = Converted("")
        self.parts: list[str] = []
        self.keep_image = keep_image

    # -- inline ---------------------------------------------------------------
    def inline(self, el, plain: list[str]) -> str:
        """Markdown of an element's content; its plain text is appended to *plain*."""
        pieces: list[str] = []
        if el.text:
            t = _SPACES.sub(" ", el.text)
            pieces.append(_escape(t))
            plain.append(t)
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif child.tag in {"strong", "b"}:
                inner = self.inline(child, plain).strip()
                if inner:
                    pieces.append(f"**{inner}**")
            elif child.tag in {"em", "i"}:
                inner = self.inline(child, plain).strip()
                if inner:
                    pieces.append(f"*{inner}*")
            elif child.tag == "a":
                inner = self.inline(child, plain).strip()
                href = (child.get("href") or "").strip()
                if inner and href.startswith(("http://", "https://", "mailto:")):
                    pieces.append(f"[{inner}](<{href}>)")
                else:
                    pieces.append(inner)
            elif child.tag == "br":
                pieces.append("\\\n")
                plain.append(" ")
            elif child.tag == "img":
                self.image(child.get("src") or "", child.get("alt") or child.get("title") or "")
            elif child.tag in {"script", "style"}:
                pass
            else:
                pieces.append(self.inline(child, plain))
            if child.tail:
                t = _SPACES.sub(" ", child.tail)
                pieces.append(_escape(t))
                plain.append(t)
        return "".join(pieces)

    def image(self, src: str, caption: str) -> None:
        image = Image(src.strip(), " ".join(caption.split()))
        if image.src and self.keep_image(image):
            self.out.images.append(image)
            if image.caption:
                self.out.blocks.append(image.caption)

    # -- blocks ---------------------------------------------------------------
    def para(self, text_md: str, plain: str, prefix: str = "") -> None:
        text_md = text_md.strip()
        plain = " ".join(plain.split())
        if not plain:
            return
        text_md = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text_md)
        self.parts.append(prefix + text_md)
        self.out.blocks.append(plain)

    def block(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in {"script", "style", "head", "nav", "footer"}:
            return
        if re.fullmatch(r"h[1-6]", tag):
            plain: list[str] = []
            md = self.inline(el, plain)
            text = " ".join("".join(plain).split())
            if text:
                level = max(2, int(tag[1]))          # the title is the page's own h1
                self.parts.append("#" * level + " " + md.strip())
                self.out.blocks.append(text)
                self.out.headings.append(text)
        elif tag in {"p", "blockquote", "figcaption"} or (tag == "div" and not any(
                isinstance(c.tag, str) and c.tag in _BLOCKS for c in el)):
            plain = []
            md = self.inline(el, plain)
            if tag == "p" and self.out.images and _caption_like(el) and not self.out.images[-1].caption:
                self.out.images[-1].caption = " ".join("".join(plain).split())
                self.out.blocks.append(self.out.images[-1].caption)
                return
            self.para(md, "".join(plain), "> " if tag == "blockquote" else "")
        elif tag in {"ul", "ol"}:
            self.list(el, 0)
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            img = el.find(".//img")
            cap = el.find(".//figcaption")
            if img is not None:
                self.image(img.get("src") or "", " ".join(cap.text_content().split()) if cap is not None
                           else img.get("alt") or "")
        elif tag == "img":
            self.image(el.get("src") or "", el.get("alt") or "")
        elif tag == "hr":
            self.parts.append("---")
        else:
            if el.text and el.text.strip():
                self.para(_escape(_SPACES.sub(" ", el.text)), el.text)
            for child in el:
                self.block(child)
                if child.tail and child.tail.strip():
                    self.para(_escape(_SPACES.sub(" ", child.tail)), child.tail)

    def list(self, el, depth: int) -> None:
        ordered = el.tag == "ol"
        lines = []
        n = 0
        for li in el:
            if not isinstance(li.tag, str) or li.tag != "li":
                continue
            n += 1
            nested = [c for c in li if isinstance(c.tag, str) and c.tag in {"ul", "ol"}]
            for c in nested:
                li.remove(c)
            plain: list[str] = []
            md = " ".join(self.inline(li, plain).split())
            text = " ".join("".join(plain).split())
            marker = f"{n}." if ordered else "-"
            if text:
                lines.append("   " * depth + f"{marker} {md}")
                self.out.blocks.append(text)
            for c in nested:
                before = len(self.parts)
                self.list(c, depth + 1)
                lines.extend(self.parts[before:])
                del self.parts[before:]
        if lines:
            self.parts.append("\n".join(lines))

    def table(self, el) -> None:
        rows: list[list[str]] = []
        md_rows: list[list[str]] = []
        for tr in el.iter("tr"):
            cells, md_cells = [], []
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in {"td", "th"}:
                    continue
                plain: list[str] = []
                md = " ".join(self.inline(cell, plain).replace("\\\n", " ").split())
                cells.append(" ".join("".join(plain).split()))
                md_cells.append(md.replace("|", "\\|"))
                for _ in range(int(cell.get("colspan") or 1) - 1 if (cell.get("colspan") or "1").isdigit() else 0):
                    cells.append("")
                    md_cells.append("")
            if any(cells):
                rows.append(cells)
                md_rows.append(md_cells)
        if not rows:
            return
        if len(rows) == 1 or max(len(r) for r in rows) == 1:
            for r in rows:                               # a layout table: its text as paragraphs
                for c in r:
                    self.para(_escape(c), c)
            return
        md_rows[0] = [re.sub(r"^\*\*(.*)\*\*$", r"\1", c) for c in md_rows[0]]   # a header row is bold already
        width = max(len(r) for r in md_rows)
        md_rows = [r + [""] * (width - len(r)) for r in md_rows]
        lines = ["| " + " | ".join(md_rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in md_rows[1:]]
        self.parts.append("\n".join(lines))
        self.out.tables.append(rows)


_BLOCKS = {"p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "blockquote", "section",
           "article", "img", "hr", "main"}


def convert(source: str | bytes, keep_image: Callable[[Image], bool] = lambda image: True) -> Converted:
    """Markdown and text blocks of an HTML fragment or document."""
    if isinstance(source, str):
        source = nfc(source)
    if not (source.strip() if isinstance(source, str) else source.strip()):
        return Converted("")
    try:
        root = lxml_html.fromstring(source)
    except (etree.ParserError, ValueError):
        return Converted("")
    body = root.find(".//body")
    writer = _Writer(keep_image)
    writer.block(body if body is not None else root)
    writer.out.markdown = "\n\n".join(p for p in writer.parts if p.strip()) + "\n"
    writer.out.blocks = [nfc(b) for b in writer.out.blocks]
    return writer.out
