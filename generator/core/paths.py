"""Resolve references from content (images, links, media) to files inside content/.

A path relative to the Markdown file that names it, or starting with ``/`` for the
content root, as in any Markdown editor's preview. Nothing here may lead outside the
content folder.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .slugs import nfc

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}

ON_ONE_COMPUTER = "copy the file into the content folder and write its path relative to this file, or starting with / for the content folder"


class Refusal(str):
    """A message saying why a reference cannot be used, with its own advice (``hint``)."""

    hint: str = ""

    def __new__(cls, message: str, hint: str = "") -> "Refusal":
        made = super().__new__(cls, message)
        made.hint = hint
        return made


# Schemes an editor pastes that cannot work on the site: the link is made inert and the
# editor is told why (script-running schemes are made inert without a word).
_DEAD_SCHEMES = {
    "ftp": ("{scheme}: links do not open in today's web browsers",
            "put the file in the content folder and link it from there, or link its https:// address"),
    "data": ("{scheme}: links are not shown on the site (the link was left out)",
             "put the file in the content folder and link it from there"),
}


@dataclass(frozen=True)
class Reference:
    kind: str          # "external", "anchor", "local", "unsafe"
    target: str = ""   # content-relative path for "local"
    suffix: str = ""   # "?query#fragment" kept for local links
    note: str = ""     # "unsafe" only: a Refusal to warn the editor with, when the link is no attack


def shown(ref: str) -> str:
    """*ref* as the editor wrote it: Markdown hands links over percent-encoded
    (``t%E1%BB%95ng-k%E1%BA%BFt.md``, ``C:%5CUsers``); messages show ``tổng-kết.md``, ``C:\\Users``."""
    return nfc(unquote(ref))


def same_but_case(target: str, names) -> str | None:
    """The one existing content path that differs from *target* only in upper/lower case."""
    low = target.casefold()
    found = sorted(n for n in names if n.casefold() == low and n != target)
    return found[0] if len(found) == 1 else None


def classify(ref: str, doc_rel: str) -> Reference | str:
    """A :class:`Reference`, or a message saying why *ref* cannot be used."""
    ref = ref.strip()
    if not ref:
        return Refusal("the link has no address", "write the address between the brackets ( ), or remove the link")
    if ref.startswith("#"):
        return Reference("anchor")
    parts = urlsplit(ref.replace("\\", "/"))
    if parts.scheme:
        scheme = parts.scheme.lower()
        if len(scheme) == 1 or scheme == "file":  # a Windows drive letter, C:/…, or file:///C:/…
            return Refusal(f"'{shown(ref)}' is a path on one computer, not in the content folder", ON_ONE_COMPUTER)
        if scheme in SAFE_SCHEMES:
            return Reference("external")
        if scheme in _DEAD_SCHEMES:
            message, hint = _DEAD_SCHEMES[scheme]
            return Reference("unsafe", note=Refusal(message.format(scheme=scheme), hint))
        return Reference("unsafe")
    if ref.startswith("//"):
        return Reference("external")
    path = nfc(unquote(parts.path))
    if "\x00" in path:
        return f"'{shown(ref)}' is not a valid path"
    base = "" if path.startswith("/") else posixpath.dirname(doc_rel)
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if joined.startswith("../") or joined == ".." or joined.startswith("/") or joined == ".":
        return f"'{shown(ref)}' leads outside the content folder"
    suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return Reference("local", joined, suffix)
