"""Check a built site before it goes live: every internal link and referenced file exists.

Reads the files as a web server would serve them: HTML pages (links, images, srcset,
stylesheets, scripts, forms, meta refresh), Atom feeds and the sitemap (their links and
``loc``), and robots.txt (its ``Sitemap:`` line). A URL is internal when it starts with
the site's path or its whole ``base_url``, or is relative.
"""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from ..core.config import SiteConfig
from ..core.errors import Problem

_URL_ATTRS = {"href", "src", "action", "poster"}
_REFRESH = re.compile(r"url\s*=\s*(\S+)", re.I)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRS:
                self.urls.append(value)
            elif name == "srcset":
                self.urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            m = _REFRESH.search(values.get("content") or "")
            if m:
                self.urls.append(m.group(1).strip("'\""))


def _xml_urls(data: bytes) -> list[str]:
    root = ElementTree.fromstring(data)
    urls = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "link" and el.get("href"):
            urls.append(el.get("href"))
        elif tag in ("loc", "id") and el.text and el.text.strip().startswith(("http://", "https://")):
            urls.append(el.text.strip())
    return urls


def _page_url(rel: str, base_url: str) -> str:
    """The public URL of an output file (``a/index.html`` → ``base/a/``)."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def _target(url: str, page: str, config: SiteConfig) -> str | None:
    """The output path a URL points at, or None when it leaves the site."""
    full = urljoin(page, url)
    parts = urlsplit(full)
    base = urlsplit(config.base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(config.base_path):
        return None
    return path[len(config.base_path):]


def _exists(root: Path, rel: str) -> bool:
    norm = posixpath.normpath(rel) if rel else ""
    if norm.startswith("..") or norm.startswith("/"):
        return False
    if rel == "" or rel.endswith("/"):
        return (root / norm / "index.html").is_file() if norm not in ("", ".") else (root / "index.html").is_file()
    return (root / norm).is_file() or (root / norm / "index.html").is_file()


def verify(root: Path, config: SiteConfig) -> list[Problem]:
    """Every broken internal reference in the site at *root*, as problems."""
    problems: list[Problem] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("."):
            continue
        suffix = path.suffix.lower()
        try:
            if suffix == ".html":
                parser = _Links()
                parser.feed(path.read_text("utf-8"))
                urls = parser.urls
            elif suffix == ".xml":
                urls = _xml_urls(path.read_bytes())
            elif rel == "robots.txt":
                urls = [line.split(":", 1)[1].strip() for line in path.read_text("utf-8").splitlines()
                        if line.lower().startswith("sitemap:")]
            else:
                continue
        except (UnicodeDecodeError, ElementTree.ParseError) as exc:
            problems.append(Problem(rel, None, "file", f"cannot be read: {exc}", "fix the template that makes it"))
            continue
        page = _page_url(rel, config.base_url)
        for url in dict.fromkeys(urls):
            if url.startswith("#"):
                continue
            target = _target(url, page, config)
            if target is not None and not _exists(root, target):
                problems.append(Problem(rel, None, "link", f"{url} points at a file that is not in the site",
                                        "fix the link or the template that makes it"))
    return problems
