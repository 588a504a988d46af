"""SVG files from content: refuse the ones that could run script.

An SVG image shown with ``<img>`` cannot run script, but the same file opened on its
own (a reader following a link to it) is a document of the site's origin, and the
page's Content-Security-Policy does not cover it. So an SVG is checked when it is
loaded, with a real XML parser (entities and character references decoded): no
scripts, event handlers, embedded HTML, or links to ``javascript:``/``data:`` pages.
Nothing is rewritten; the editor gets a message saying what to remove.
"""
from __future__ import annotations

import re
from xml.parsers import expat

# Elements that run script or embed other documents.
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_SAFE_DATA = re.compile(r"^data:image/(png|jpe?g|gif|webp);", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


class _Unsafe(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _local(name: str) -> str:
    """``http://www.w3.org/2000/svg script`` → ``script`` (expat joins namespace and name)."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _unsafe_url(value: str) -> bool:
    text = "".join(ch for ch in value if ch >= " " and ch != "\x7f")
    m = _SCHEME.match(text)
    if not m:
        return False
    scheme = m.group(1).lower()
    if scheme == "data":
        return not _SAFE_DATA.match(text.strip())
    return scheme not in _SAFE_SCHEMES


def problem(data: bytes) -> tuple[int | None, str] | None:
    """``(line, what was found)`` when the SVG could run script or cannot be read; else None."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def doctype(name, sysid, pubid, has_internal_subset):
        if has_internal_subset or sysid:
            raise _Unsafe(parser.CurrentLineNumber, "the SVG declares its own entities (<!DOCTYPE … [ … ]>)")

    def entity(*_args):
        raise _Unsafe(parser.CurrentLineNumber, "the SVG declares its own entities (<!ENTITY …>)")

    def start(name, attrs):
        line = parser.CurrentLineNumber
        tag = _local(name)
        if tag in _FORBIDDEN:
            raise _Unsafe(line, f"the SVG holds a <{tag}> element, which can run script")
        for key, value in attrs.items():
            attr = _local(key)
            if attr.startswith("on"):
                raise _Unsafe(line, f"the SVG has an event handler {attr}= on <{tag}>, which runs script")
            if attr in ("href", "src", "action", "formaction", "from", "to", "values") and _unsafe_url(value):
                raise _Unsafe(line, f"<{tag}> in the SVG points at {value[:40]!r}, which can run script")
            if tag in ("set", "animate") and attr == "attributename" and _local(value) in ("href", "src"):
                raise _Unsafe(line, f"<{tag}> in the SVG changes a link, which can run script")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Unsafe as exc:
        return exc.line, exc.message
    except (expat.ExpatError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return line, f"the SVG cannot be read ({expat.ErrorString(exc.code) if hasattr(exc, 'code') else exc})"
    return None
