"""The :class:`Route` type: one output file, its template or producer, and its ``deps``.

Kept apart from ``routes.py`` (which decides every page of the site) so that the modules
``routes.py`` calls (``portal.py``, ``sitemap.py``) and the build can name the type
without importing the router back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Route:
    """One output file. A page is rendered from ``template`` with ``context``; a file
    that is not a page (an article's QR code) is made by ``produce`` instead: a pure
    function returning its bytes, so it can be cached and run in any process."""

    url: str                       # site-relative: "bai-viet/x/" (→ index.html) or "feed.xml"
    template: str                  # "" when ``produce`` makes the file
    context: dict[str, Any] = field(default_factory=dict, compare=False)
    deps: frozenset[str] = frozenset({"*"})
    produce: Callable[[], bytes] | None = field(default=None, compare=False)

    @property
    def output(self) -> str:
        """File path inside the output folder."""
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url
