"""Scan built pages for anything that could run script in a reader's browser.

Pages are parsed as a browser tokenises them (``html.parser``), so text that merely
*reads* ``<script>`` after escaping is not a finding, while a real element or
attribute is. HTML carried inside the Atom feed is unescaped and scanned the same way.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

# Elements no page of the site needs and content must never produce.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "math",
                  "template", "noscript", "foreignobject", "link-import", "portal", "frame"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset",
             "codebase", "cite", "longdesc", "ping", "manifest", "icon", "lowsrc", "dynsrc"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: whitespace and control characters are ignored."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else None


class _Scanner(HTMLParser):
    def __init__(self, where: str, theme_scripts: set[str]):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.theme_scripts = theme_scripts
        self.findings: list[str] = []
        self.in_script = False

    def _find(self, what: str) -> None:
        self.findings.append(f"{self.where}:{self.getpos()[0]}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            self.in_script = True
            if a.get("src", "") not in self.theme_scripts:
                self._find(f"<script> that is not one of the theme's own scripts: {a}")
        if tag in FORBIDDEN_TAGS:
            self._find(f"<{tag}> element")
        if tag in ("set", "animate") and a.get("attributename", "").lower().endswith("href"):
            self._find(f"<{tag}> rewriting a link")
        if tag == "form" and scheme_of(a.get("action", "")) is not None:
            self._find(f"<form> posting to {a.get('action')!r}")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            target = a.get("content", "").split("url=", 1)[-1] if "url=" in a.get("content", "") else ""
            if scheme_of(target) not in (None, "http", "https"):
                self._find(f"<meta refresh> to {target!r}")
        for name, value in a.items():
            if name.startswith("on"):
                self._find(f"event handler {name}= on <{tag}>")
            if name == "style":
                self._find(f"inline style= on <{tag}> (the CSP forbids it)")
            if name == "srcdoc":
                self._find(f"srcdoc= on <{tag}>")
            if name in URL_ATTRS:
                for part in value.split(",") if name == "srcset" else [value]:
                    scheme = scheme_of(part.strip())
                    if scheme is None or scheme in SAFE_SCHEMES:
                        continue
                    if scheme == "data" and tag == "img" and name == "src" and \
                            part.strip().lower().startswith(("data:image/png", "data:image/jpeg", "data:image/gif")):
                        continue
                    self._find(f"{name}={value[:60]!r} on <{tag}> ({scheme}: URL)")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self._find("inline script code")


def scan_html(text: str, where: str, theme_scripts: set[str] = frozenset()) -> list[str]:
    scanner = _Scanner(where, set(theme_scripts))
    scanner.feed(text)
    scanner.close()
    return scanner.findings


def theme_scripts(site: Path, base_path: str) -> set[str]:
    """URLs of the theme's own script files (``static/*.js``) as pages link them."""
    return {base_path + p.relative_to(site).as_posix() for p in (site / "static").glob("*.js")}


def scan_site(site: Path, base_path: str) -> list[str]:
    """Every finding in every HTML page and in the HTML inside XML feeds of *site*."""
    scripts = theme_scripts(site, base_path)
    findings: list[str] = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            findings += scan_html(path.read_text("utf-8"), rel, scripts)
        elif path.suffix == ".xml":
            root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
            for el in root.iter():
                if el.get("type") in ("html", "xhtml") and el.text:
                    findings += scan_html(el.text, f"{rel} <{etree.QName(el).localname}>")
                for name, value in el.attrib.items():
                    if etree.QName(name).localname == "href" and scheme_of(value) not in (None, "http", "https"):
                        findings.append(f"{rel}: href={value!r} in the feed")
    return findings
