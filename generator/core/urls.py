"""The layout of the site's addresses, in one place: the patterns of ``site.yaml`` ``urls:``
(:class:`UrlLayout`) and the addresses the build makes below them (later pages of a
listing, a cluster's page for one year, the search index, feeds).

The site model, routes, the search index and the sitemap all ask here; none spells an
address of its own. URLs are site-relative, without a leading slash, and a page's URL
ends with "/".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_URLS = {
    "article": "bai-viet/{slug}/",
    "cluster": "cum-thi-dua/{slug}/",
    "clusters": "cum-thi-dua/",
    "unit": "don-vi/{slug}/",
    "units": "don-vi/",
    "year": "nam/{year}/",
    "years": "nam/",
    "page": "{slug}/",
    "search": "tim-kiem/",
    "short": "p/{id}/",
    "data": "du-lieu/",
}
PLACEHOLDERS = {"article": "{slug}", "cluster": "{slug}", "unit": "{slug}", "year": "{year}",
                "page": "{slug}", "short": "{id}"}


@dataclass(frozen=True)
class UrlLayout:
    patterns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_URLS))

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.patterns.items())))

    def path(self, kind: str, **values: Any) -> str:
        """Site-relative URL path, e.g. ``bai-viet/tong-ket-2020/`` (no leading slash)."""
        return self.patterns[kind].format(**values)


LATER_PAGES = "trang/"        # below a listing's first page: trang/2/, trang/3/, ...
SEARCH_INDEX = "idx/"         # below the search page: the index files
FEED = "feed.xml"             # the site's feed at the root, a cluster's below its page


def later_pages(first: str) -> str:
    """The folder below a listing's first page that holds its later pages."""
    return f"{first}{LATER_PAGES}"


def listing_page(first: str, number: int) -> str:
    """Page *number* (from 1) of the listing whose first page is *first*."""
    return first if number == 1 else f"{later_pages(first)}{number}/"


def cluster_year(cluster_url: str, year: int) -> str:
    """A cluster's page for one year."""
    return f"{cluster_url}{year}/"


def search_index(layout: UrlLayout) -> str:
    """The folder of the search index files."""
    return layout.path("search") + SEARCH_INDEX
