"""Test inputs for ``confsite import``: reports written as portal pages, Word files, feeds.

A report fixture is a small text file::

    title: the headline
    dateline: the date the page shows (optional)
    url: the page's address (optional)
    ---
    a paragraph
    [image: its caption]
    | a | table | row |
    the byline

From it the tests make what an office really has: a saved portal page (menus, share
buttons, QR box, footer and "related news" around the article, images in the
``_files`` folder beside it), and a .docx written with python-docx. The facts an editor
would find in each report are in ``expected.yaml`` beside the fixtures; :func:`facts_of`
reads the same kind of facts back out of an imported article.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@dataclass
class Report:
    name: str
    title: str
    dateline: str | None = None
    url: str | None = None
    blocks: list[tuple[str, Any]] = field(default_factory=list)    # ("p", text) | ("img", caption) | ("table", rows)


def read_fixture(path: Path) -> Report:
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    report = Report(path.stem, meta["title"], meta.get("dateline"), meta.get("url"))
    table: list[list[str]] = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table:
            report.blocks.append(("table", table))
            table = []
        if not line:
            continue
        m = re.fullmatch(r"\[image: (.*)\]", line)
        report.blocks.append(("img", m.group(1)) if m else ("p", line))
    if table:
        report.blocks.append(("table", table))
    return report


def _jpeg(path: Path, seed: int) -> None:
    from PIL import Image

    Image.new("RGB", (64, 40), (40 + seed * 30 % 200, 90, 140)).save(path, "JPEG")


def portal_page(report: Report, folder: Path) -> Path:
    """The report as a browser saves it from a provincial portal ("Webpage, complete")."""
    page = folder / f"{report.name}.html"
    files = folder / f"{report.name}_files"
    files.mkdir(parents=True, exist_ok=True)
    e = html.escape
    parts = []
    n = 0
    for kind, value in report.blocks:
        if kind == "p":
            parts.append(f"<p>{e(value)}</p>")
        elif kind == "img":
            n += 1
            _jpeg(files / f"anh{n}.jpg", n)
            parts.append(f'<figure class="image"><img src="{report.name}_files/anh{n}.jpg" alt="">'
                         f"<figcaption>{e(value)}</figcaption></figure>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in value)
            parts.append(f'<table class="bang-diem" border="1">{rows}</table>')
    canonical = f'<link rel="canonical" href="{e(report.url)}">' if report.url else ""
    dateline = f'<div class="article-date">{e(report.dateline)}</div>' if report.dateline else ""
    page.write_text(f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{e(report.title)} - Cổng thông tin điện tử</title>
{canonical}<meta name="viewport" content="width=device-width"></head>
<body>
<header class="site-header"><a href="/">Cổng thông tin điện tử</a>
<form class="search"><input name="q" placeholder="Tìm kiếm"><button>Tìm kiếm</button></form></header>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li>
<li><a href="/thu-tuc">Thủ tục hành chính</a></li><li><a href="/lien-he">Liên hệ</a></li></ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tin-tuc">Tin tức</a> » Chi tiết tin</div>
<main><article class="news-detail">
<h1 class="title">{e(report.title)}</h1>
{dateline}
<div class="tools"><a href="javascript:window.print()">In bài</a> <a href="#">Gửi email</a>
<a class="share" href="https://www.facebook.com/sharer.php">Chia sẻ Facebook</a> <a class="share" href="#">Zalo</a></div>
<div class="content">
{chr(10).join(parts)}
</div>
<div class="qr-box"><p>QR Code</p><img src="{report.name}_files/qr.png" alt="QR CODE: {e(report.title)}"></div>
<div class="views">Lượt xem: 1234</div>
</article>
<aside class="related"><h3>Tin khác</h3><ul><li><a href="/tin-tuc/1">Hội nghị giao ban công tác quý III</a></li>
<li><a href="/tin-tuc/2">Tập huấn nghiệp vụ văn thư, lưu trữ năm nay</a></li></ul></aside></main>
<footer><p>Bản quyền thuộc Cổng thông tin điện tử. Địa chỉ: số 1 đường Trung tâm. Điện thoại: 0225 000 000.</p>
<p>Chúng tôi trên mạng xã hội · Fanpage · Thống kê truy cập: 123.456</p></footer>
</body></html>
""", encoding="utf-8")
    return page


def word_file(report: Report, folder: Path) -> Path:
    """The report as an office's Word file: title, dateline, paragraphs, pictures with captions, tables."""
    import docx
    from docx.shared import Cm

    folder.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.add_paragraph(report.title, style="Title")
    if report.dateline:
        d.add_paragraph(report.dateline)
    n = 0
    for kind, value in report.blocks:
        if kind == "p":
            d.add_paragraph(value)
        elif kind == "img":
            n += 1
            pic = folder / f"{report.name}-{n}.jpg"
            _jpeg(pic, n)
            d.add_picture(str(pic), width=Cm(4))
            pic.unlink()
            d.add_paragraph(value, style="Caption")
        else:
            t = d.add_table(rows=len(value), cols=max(len(r) for r in value))
            t.style = "Table Grid"
            for i, row in enumerate(value):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
                    if i == 0:
                        t.cell(i, j).paragraphs[0].runs[0].bold = True
    path = folder / f"{report.name}.docx"
    d.save(str(path))
    return path


def rss_feed(reports: list[Report], path: Path) -> Path:
    items = []
    for r in reports:
        body = "".join(f"<p>{html.escape(v)}</p>" for k, v in r.blocks if k == "p")
        items.append(f"<item><title>{html.escape(r.title)}</title><link>{html.escape(r.url or '')}</link>"
                     f"<description>{html.escape(body)}</description></item>")
    path.write_text('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tức</title>'
                    f"<link>https://snv.example.gov.vn/</link>{''.join(items)}</channel></rss>", encoding="utf-8")
    return path


# -- facts ---------------------------------------------------------------------------

def _k(text: Any) -> str:
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().replace("–", "-").split())


def _award_class(award: str) -> str:
    a = _k(award)
    for prefix, name in (("co", "co"), ("bang khen", "bang khen"), ("giay khen", "giay khen"), ("danh hieu", "danh hieu")):
        if a.startswith(prefix):
            return name
    return a


def flatten(fm: dict[str, Any]) -> dict[str, Any]:
    """The comparable facts of a front-matter mapping (drafted or expected)."""
    out: dict[str, Any] = {}
    for key in ("date", "cluster", "kind", "period", "location", "host", "author"):
        if fm.get(key) is not None:
            out[key] = _k(fm[key])
    if fm.get("source"):
        m = re.match(r"(?:https?://)?([^/]+)", str(fm["source"]))
        out["source"] = m.group(1).lower() if m else _k(fm["source"])
    for group in ("in_office", "elected"):
        for sub, value in (fm.get(group) or {}).items():
            out[f"{group}.{sub}"] = _k(value)
    for a in fm.get("attendees") or []:
        if isinstance(a, dict):
            out[f"attendee:{_k(a['name'])}"] = (_k(a.get("organization") or ""), _k(a.get("role") or ""))
    for a in fm.get("awards") or []:
        who = a.get("recipient") or ""
        who = _k(who).split(",")[0] if who else ""
        if not who and a.get("count"):
            who = "count " + ",".join(f"{k}={v}" for k, v in sorted(a["count"].items()))
        out[f"award:{_award_class(a['award'])}:{who}"] = _k(a.get("conferred_by") or "")
    for s in fm.get("scores") or []:          # rank, points and scale are three facts
        for part in ("rank", "points", "out_of"):
            if s.get(part) is not None:
                out[f"score:{_k(s['unit'])}:{part}"] = s[part]
    return out


def same(key: str, expected: Any, drafted: Any) -> bool:
    if key.startswith("attendee:"):
        (org_e, role_e), (org_d, role_d) = expected, drafted
        if org_e != org_d:
            return False
        # every part of the expected role ("Giám đốc", "Phó Chủ tịch …") is in the drafted one
        return all(part.strip()[:18] in role_d for part in role_e.split(",") if part.strip())
    if key.startswith("award:"):
        return not expected or expected == drafted
    return expected == drafted


def facts_of(article: Path) -> tuple[dict[str, Any], set[str]]:
    """(facts, keys of facts marked REVIEW) of an imported article, read as an editor reads it."""
    from generator.core import yamldoc
    from generator.content.load import split_front_matter

    text = article.read_text("utf-8")
    fm_text, fm_line, _, _ = split_front_matter(text)
    located = yamldoc.parse(fm_text, line_offset=fm_line - 1)
    fm = located.value
    lines = text.splitlines()
    review_lines: set[int] = set()
    pending = False
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("# REVIEW"):
            pending = True
        elif stripped.startswith("#") or not stripped:
            continue
        elif pending:
            review_lines.add(n)
            pending = False
    facts = flatten(fm)
    unsure: set[str] = set()
    paths: dict[str, tuple] = {k: (k,) for k in ("date", "cluster", "kind", "period", "location", "host", "author",
                                                  "source")}
    for group in ("in_office", "elected"):
        for sub in fm.get(group) or {}:
            paths[f"{group}.{sub}"] = (group, sub)
    for i, a in enumerate(fm.get("attendees") or []):
        if isinstance(a, dict):
            paths[f"attendee:{_k(a['name'])}"] = ("attendees", i)
    for i, a in enumerate(fm.get("awards") or []):
        key = next(k for k in flatten({"awards": [a]}))
        paths[key] = ("awards", i)
    for i, s in enumerate(fm.get("scores") or []):
        for part in ("rank", "points", "out_of"):
            paths[f"score:{_k(s['unit'])}:{part}"] = ("scores", i)
    for key, path in paths.items():
        line = located.lines.get(path)
        if line is None and len(path) == 2 and isinstance(path[1], int):
            line = located.lines.get(path + ("name",)) or located.lines.get(path + ("award",)) or \
                located.lines.get(path + ("unit",))
        if line in review_lines:
            unsure.add(key)
    return facts, unsure


@dataclass
class Score:
    expected: int = 0
    right: int = 0
    invented: list[str] = field(default_factory=list)      # drafted as sure, and wrong or not in the report
    missing: list[str] = field(default_factory=list)
    wrong_but_marked: list[str] = field(default_factory=list)

    def add(self, expected: dict[str, Any], drafted: dict[str, Any], unsure: set[str]) -> None:
        self.expected += len(expected)
        for key, value in expected.items():
            if key in drafted and same(key, value, drafted[key]):
                self.right += 1
            elif key in drafted and key in unsure:
                self.wrong_but_marked.append(key)
            elif key in drafted:
                self.invented.append(f"{key}: {drafted[key]!r}, expected {value!r}")
            else:
                self.missing.append(key)
        for key, value in drafted.items():
            if key not in expected and key not in unsure:
                self.invented.append(f"{key}: {value!r} is not in the report")

    @property
    def ratio(self) -> float:
        return self.right / self.expected if self.expected else 1.0
