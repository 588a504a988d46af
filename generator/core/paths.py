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


@dataclass(frozen=True)
class Reference:
    kind: str          # "external", "anchor", "local", "unsafe"
    target: str = ""   # content-relative path for "local"
    suffix: str = ""   # "#fragment" kept for local links


def classify(ref: str, doc_rel: str) -> Reference | str:
    """A :class:`Reference`, or a message saying why *ref* cannot be used."""
    ref = ref.strip()
    if not ref:
        return "is empty"
    if ref.startswith("#"):
        return Reference("anchor")
    parts = urlsplit(ref.replace("\\", "/"))
    if parts.scheme:
        if len(parts.scheme) == 1:  # a Windows drive letter, C:/…
            return f"{ref!r} is a path on one computer, not in the content folder"
        if parts.scheme.lower() in SAFE_SCHEMES:
            return Reference("external")
        return Reference("unsafe")
    if ref.startswith("//"):
        return Reference("external")
    path = nfc(unquote(parts.path))
    if "\x00" in path:
        return f"{ref!r} is not a valid path"
    base = "" if path.startswith("/") else posixpath.dirname(doc_rel)
    joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if joined.startswith("../") or joined == ".." or joined.startswith("/") or joined == ".":
        return f"{ref!r} leads outside the content folder"
    return Reference("local", joined, f"#{parts.fragment}" if parts.fragment else "")
