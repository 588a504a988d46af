"""Reading the formats an office already has: Word, saved portal pages, text, feeds.

Each reader turns one input into :class:`Source` objects (a feed gives one per item):
the body as Markdown, its text blocks for fact extraction, and the page's own
metadata. Readers raise :class:`ImportProblem` with a message for the editor.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import tomd
from .text import nfc, parse_dateline

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_SUFFIXES = {".docx"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED = WORD_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES | FEED_SUFFIXES | {".doc"}


class ImportProblem(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class SourceImage:
    name: str                       # a file name to keep (without folder)
    caption: str
    data: bytes | None = None       # the image itself, when the input carries it
    path: Path | None = None        # or the file beside the saved page
    remote: str | None = None       # or only an address on the web (not copied)


@dataclass
class Source:
    label: str                      # the input as the editor named it, e.g. "bao-cao.docx"
    title: str | None
    markdown: str
    blocks: list[str]
    tables: list[list[list[str]]] = field(default_factory=list)
    images: list[SourceImage] = field(default_factory=list)
    dateline: str | None = None     # a date the page shows or declares ("11/12/2020", "2024-02")
    author: str | None = None
    url: str | None = None


# -- Word ----------------------------------------------------------------------

_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => h2:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Chú thích'] => p.caption:fresh
"""


def check_word(data: bytes, suffix: str) -> None:
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ImportProblem("the Word file is protected with a password",
                                "open it in Word, remove the password (File → Info → Protect Document), "
                                "save, and import it again")
        raise ImportProblem("is an old Word file (.doc), which cannot be read",
                            "open it in Word or LibreOffice and save it as \"Word Document (.docx)\" "
                            "(File → Save As), then import the .docx")
    if suffix == ".doc":
        raise ImportProblem("is not a Word document that can be read (.doc)",
                            "open it in Word or LibreOffice and save it as \"Word Document (.docx)\"")
    if not data.startswith(b"PK"):
        raise ImportProblem("is not a Word document (.docx): the file is damaged or of another kind",
                            "open it in Word; if it opens, save it again as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise ImportProblem("is a ZIP file but not a Word document (no word/document.xml)",
                                    "save the report from Word as \"Word Document (.docx)\"")
    except zipfile.BadZipFile:
        raise ImportProblem("is a damaged Word document (.docx) that cannot be opened",
                            "open it in Word, let Word repair it, save it again, and import the new file") from None


_STYLE_REF = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink)\s+w:val="([^"]+)"')


_STYLE = re.compile(rb"<w:style\b[^>]*?(?:/>|>.*?</w:style>)", re.S)
_STYLE_ID = re.compile(rb'w:styleId="([^"]+)"')
_STYLE_LINKS = re.compile(rb'<w:(?:basedOn|link|next)\s+w:val="([^"]+)"')
_LATENT = re.compile(rb"<w:latentStyles\b.*?</w:latentStyles>", re.S)


def slim_docx(data: bytes) -> bytes:
    """The same document with only the styles it uses.

    mammoth reads styles.xml with a DOM parser, and Word's (and python-docx's) templates
    carry hundreds of unused styles and latent styles: reading those was most of the
    time of an import. The styles the text names, their ``basedOn`` ancestors and the
    defaults are kept, so the conversion is the same. A styles part written with another
    namespace prefix than ``w:`` is left as it is."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = zin.namelist()
        if "word/styles.xml" not in names:
            return data
        styles_xml = zin.read("word/styles.xml")
        if b"<w:styles" not in styles_xml:
            return data
        keep: set[bytes] = set()
        for name in names:
            if name.startswith("word/") and name.endswith(".xml") and "styles" not in name.lower():
                keep.update(_STYLE_REF.findall(zin.read(name)))
        chunks = {}
        for m in _STYLE.finditer(styles_xml):
            sid = _STYLE_ID.search(m.group())
            if sid:
                chunks[sid.group(1)] = m
                if re.search(rb'w:default="(?:1|true)"', m.group()[:300]):
                    keep.add(sid.group(1))
        todo = list(keep)
        while todo:
            m = chunks.get(todo.pop())
            for ref in _STYLE_LINKS.findall(m.group()) if m else ():
                if ref not in keep:
                    keep.add(ref)
                    todo.append(ref)
        pieces, at = [], 0
        for sid, m in sorted(chunks.items(), key=lambda kv: kv[1].start()):
            if sid not in keep:
                pieces.append(styles_xml[at:m.start()])
                at = m.end()
        pieces.append(styles_xml[at:])
        slim = _LATENT.sub(b"", b"".join(pieces))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                if info.filename == "word/stylesWithEffects.xml":
                    continue
                zout.writestr(info.filename, slim if info.filename == "word/styles.xml" else zin.read(info.filename))
    return out.getvalue()


def read_docx(path: Path, label: str) -> list[Source]:
    import mammoth

    data = path.read_bytes()
    check_word(data, path.suffix.lower())
    images: dict[str, SourceImage] = {}

    def image(img) -> dict:
        with img.open() as f:
            blob = f.read()
        ext = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
               "image/svg+xml": ".svg"}.get(img.content_type or "", "")
        if not ext:
            return {"src": ""}                    # EMF/WMF drawings: browsers cannot show them
        key = f"docx-image-{len(images) + 1}{ext}"
        images[key] = SourceImage(key, "", data=blob)
        return {"src": key, "alt": img.alt_text or ""}

    try:
        result = mammoth.convert_to_html(io.BytesIO(slim_docx(data)), style_map=_STYLE_MAP,
                                         convert_image=mammoth.images.img_element(image))
    except ImportProblem:
        raise
    except Exception as exc:  # mammoth raises many kinds on a broken package  # noqa: BLE001
        raise ImportProblem(f"is a damaged Word document that cannot be read ({type(exc).__name__})",
                            "open it in Word, save it again as .docx, and import the new file") from None
    converted = tomd.convert(result.value or "", keep_image=lambda im: im.src in images)
    title, markdown = _title_from_blocks(converted)
    kept = []
    for im in converted.images:
        found = images[im.src]
        found.caption = im.caption
        kept.append(found)
    return [_dateline(Source(label, title, markdown, converted.blocks[1 if title else 0:], converted.tables, kept))]


def _dateline(source: Source) -> Source:
    """A short first paragraph that is only a date ("Thứ Sáu, 11/12/2020 15:30") is the
    document's dateline: kept as its date, left out of the body."""
    if source.blocks and len(source.blocks[0]) <= 40 and parse_dateline(source.blocks[0]) and \
            not re.search(r"[^\W\d_]{3,}", re.sub(r"(?i)thứ|ngày|tháng|năm|chủ nhật|sáu|bảy|hai|ba|tư|năm", "",
                                                 source.blocks[0])):
        first, _, rest = source.markdown.partition("\n\n")
        if " ".join(first.split()) == source.blocks[0]:
            source.dateline = source.dateline or source.blocks[0]
            source.blocks = source.blocks[1:]
            source.markdown = rest
    return source


def _title_from_blocks(converted: tomd.Converted) -> tuple[str | None, str]:
    """The first heading (or a short first paragraph) as the title, taken out of the body."""
    md = converted.markdown
    if not converted.blocks:
        return None, md
    first = converted.blocks[0]
    lines = md.split("\n\n", 1)
    if converted.headings and converted.headings[0] == first or (len(first) <= 200 and not first.endswith(".")):
        return first, (lines[1] if len(lines) > 1 else "")
    return None, md


# -- saved portal pages -----------------------------------------------------------

_DATE_CLASS = re.compile(r"date|time|ngay|publish|posted", re.I)
_VISIBLE_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{4}\b|\b\d{4}-\d{2}(?:-\d{2})?\b")


def read_html(path: Path, label: str) -> list[Source]:
    import trafilatura
    from lxml import etree, html as lxml_html

    data = path.read_bytes()
    if not data.strip():
        raise ImportProblem("the page is empty", "save the page again from the browser (Ctrl+S, \"Webpage, complete\")")
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.I)
    encoding = declared.group(1).decode("ascii") if declared else None
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "windows-1258"          # Vietnamese Windows pages of old portals
    try:
        tree = lxml_html.document_fromstring(data, parser=lxml_html.HTMLParser(encoding=encoding))
    except LookupError:
        tree = lxml_html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        raise ImportProblem("the page is empty or is not HTML",
                            "save the page again from the browser (Ctrl+S, \"Webpage, complete\")") from None
    meta = _page_meta(tree)
    _mark_figures(tree)
    _strip_furniture(tree)
    prepared = lxml_html.tostring(tree, encoding="unicode")
    extracted = trafilatura.extract(prepared, output_format="html", include_images=True, include_tables=True,
                                    include_links=True, include_formatting=True, include_comments=False,
                                    favor_recall=True, deduplicate=False)
    images: list[SourceImage] = []

    def keep(im: tomd.Image) -> bool:
        return not im.src.startswith("data:")

    converted = tomd.convert(extracted or "", keep_image=keep)
    text = " ".join(converted.blocks)
    if len(text) < 40:
        raise ImportProblem("the page has no article text that could be found",
                            "open the saved page in a browser to check it shows the report; if the portal "
                            "loads the text later, copy the text into a .txt file and import that")
    for im in converted.images:
        images.append(_page_image(path, im))
    title = meta.get("title")
    blocks = converted.blocks
    markdown = converted.markdown
    if title and blocks and nfc(blocks[0]) == title:
        blocks = blocks[1:]
        markdown = markdown.split("\n\n", 1)[1] if "\n\n" in markdown else ""
    return [Source(label, title, markdown, blocks, converted.tables, images, meta.get("date"), meta.get("author"),
                   meta.get("url"))]


def _page_image(page: Path, im: tomd.Image) -> SourceImage:
    src = im.src
    if src.startswith(("http://", "https://", "//")):
        return SourceImage(Path(src.split("?")[0]).name or "anh.jpg", im.caption, remote=src)
    from urllib.parse import unquote

    local = (page.parent / unquote(src.split("?")[0].split("#")[0])).resolve()
    return SourceImage(local.name, im.caption, path=local if local.is_file() else None,
                       remote=None if local.is_file() else src)


def _mark_figures(tree) -> None:
    """Figures become an image paragraph whose alt text is the caption (extractors drop
    <figure> and <figcaption>); a caption paragraph right after an image goes into it too."""
    from lxml import html as lxml_html

    for fig in list(tree.iter("figure")):
        img = fig.find(".//img")
        cap = fig.find(".//figcaption")
        caption = " ".join(cap.text_content().split()) if cap is not None else ""
        if img is None:
            continue
        p = lxml_html.Element("p")
        p.append(lxml_html.Element("img", src=img.get("src") or "", alt=caption or img.get("alt") or ""))
        fig.addprevious(p)
        p.tail, fig.tail = fig.tail, None
        fig.getparent().remove(fig)


_FURNITURE = re.compile(
    r"^(?:qr ?code.*|ma qr.*|in bai|print|gui email|email|chia se.*|share|luot xem:?\s*[\d.]*|so lan xem.*|tin khac|"
    r"tin lien quan|bai viet lien quan|binh luan|xem them|tien ich thong tin|nguon tin|goc|facebook|zalo|twitter|"
    r"tweet|like|thich|in trang|quay lai|ve dau trang|tai ve|lang nghe|nghe doc bai|co chu:?.*)$")


def _strip_furniture(tree) -> None:
    """Drop the portal's tools (print, share, QR box, view counts) that sit inside the article."""
    from .text import fold

    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag == "img":
            if re.search(r"qr", (el.get("src") or "") + " " + (el.get("alt") or ""), re.I):
                el.drop_tree()
            continue
        text = " ".join(el.text_content().split())
        if len(text) <= 40 and _FURNITURE.match(fold(text).strip(" :.")) and el.find(".//img") is None:
            el.drop_tree()


def _page_meta(tree) -> dict[str, str]:
    meta: dict[str, str] = {}

    def first(*xpaths: str) -> str | None:
        for xp in xpaths:
            for value in tree.xpath(xp):
                value = " ".join(str(value).split())
                if value:
                    return nfc(value)
        return None

    h1 = first("//article//h1//text()", "//h1//text()")
    title = h1 or first("//meta[@property='og:title']/@content", "//title/text()")
    if title:
        meta["title"] = title
    url = first("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
    if url and url.startswith(("http://", "https://")):
        meta["url"] = url
    author = first("//meta[@name='author']/@content", "//*[@rel='author']//text()")
    if author:
        meta["author"] = author
    date = first("//meta[@property='article:published_time']/@content", "//time/@datetime")
    if date and re.match(r"\d{4}-\d{2}", date):
        meta["date"] = date[:10]
    else:
        for el in tree.iter():
            if isinstance(el.tag, str) and _DATE_CLASS.search(el.get("class") or ""):
                found = _VISIBLE_DATE.search(el.text_content())
                if found:
                    meta["date"] = found.group()
                    break
    return meta


# -- plain text -------------------------------------------------------------------

def read_text(path: Path, label: str) -> list[Source]:
    data = path.read_bytes()
    try:
        text = nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportProblem("is not UTF-8 text", "open it in Notepad and save it with the encoding UTF-8") from None
    if "\n\n" in text.strip():
        blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text)]
    else:
        blocks = [" ".join(b.split()) for b in text.splitlines()]
    blocks = _without_page_text(b for b in blocks if b)
    if not blocks:
        raise ImportProblem("the file is empty", "put the report's text in it, or leave it out")
    dateline = None
    for i, b in enumerate(blocks[:3]):
        bare = re.sub(r"(?i)\b(?:print|in bài|gốc)\b", "", b).strip()
        if len(bare) <= 40 and parse_dateline(bare) and not re.search(r"[^\W\d_]{5,}", bare):
            dateline = bare
            del blocks[i]
            break
    first = blocks[0] if blocks else ""
    title = first if 10 <= len(first) <= 200 and not first.endswith((".", "…", ":")) else None
    body = blocks[1:] if title else blocks
    html = "".join(f"<p>{_html_escape(b)}</p>" for b in body)
    converted = tomd.convert(html)
    return [_dateline(Source(label, title, converted.markdown, converted.blocks, dateline=dateline))]


_PAGE_TAIL = re.compile(r"^(?:tien ich thong tin|binh luan|thong ke ket qua|tin khac|tin lien quan|"
                        r"bai viet lien quan|chia se)\b")


def _without_page_text(blocks) -> list[str]:
    """Text copied from a portal page: its tools and menus out, and whatever follows the article's end."""
    from .text import fold

    out = []
    for b in blocks:
        key = fold(b).strip(" :.")
        if _PAGE_TAIL.match(key) and out:
            break
        if len(b) <= 40 and (_FURNITURE.match(key) or key in {"tim kiem", "chi tiet tin", "trang chu"}):
            continue
        out.append(b)
    return out


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- feeds --------------------------------------------------------------------------

def read_feed(path: Path, label: str) -> list[Source]:
    import feedparser

    data = path.read_bytes()
    parsed = feedparser.parse(data)
    if not parsed.entries:
        raise ImportProblem("is not an RSS or Atom feed with items" if parsed.bozo else "the feed has no items",
                            "save the portal's feed (RSS) address as a file and import that file")
    sources = []
    for n, entry in enumerate(parsed.entries, 1):
        content = entry.get("content") or []
        html = content[0].get("value") if content else entry.get("summary", "")
        converted = tomd.convert(html or "")
        date = None
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        if when:
            date = f"{when.tm_year:04d}-{when.tm_mon:02d}-{when.tm_mday:02d}"
        images = [SourceImage(Path(im.src.split("?")[0]).name or "anh.jpg", im.caption, remote=im.src)
                  for im in converted.images]
        title = nfc(" ".join((entry.get("title") or "").split())) or None
        sources.append(Source(f"{label}, item {n}", title, converted.markdown, converted.blocks, converted.tables,
                              images, date, entry.get("author"), entry.get("link")))
    return sources


def read(path: Path, label: str) -> list[Source]:
    suffix = path.suffix.lower()
    if suffix in WORD_SUFFIXES or suffix == ".doc":
        return read_docx(path, label)
    if suffix in HTML_SUFFIXES:
        return read_html(path, label)
    if suffix in TEXT_SUFFIXES:
        return read_text(path, label)
    if suffix in FEED_SUFFIXES:
        return read_feed(path, label)
    raise ImportProblem(f"files ending in {suffix or '(nothing)'} cannot be imported",
                        "import .docx (Word), .html (saved pages), .txt, or an RSS/Atom feed (.xml)")
