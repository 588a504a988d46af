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
    # The file's path inside the output folder: made once (a build asks it of every route
    # several times).
    output: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        url = self.url
        object.__setattr__(self, "output", url + "index.html" if url == "" or url.endswith("/") else url)
