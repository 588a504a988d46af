"""What the provincial portal and search engines pull from the site: Atom feeds (the
site's and one per cluster), the sitemap, robots.txt and the data page.

These are routes like any other page; :func:`routes` is called by
:func:`generator.render.routes.routes` with the pages already routed, so the sitemap can list
exactly them.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import exports, sitemap
from .route_type import Route
from ..cache.cache import BuildCache
from ..content.model import Article
from ..core.hashing import digest
from ..core.urls import FEED
from ..site.sitemodel import Cluster, Site

SITE_FEED = FEED


@dataclass(frozen=True)
class Feed:
    url: str                       # site-relative URL of the feed itself
    alternate: str                 # site-relative URL of the HTML page it follows
    title: str
    subtitle: str
    articles: tuple[Article, ...]  # newest first

    @property
    def updated(self):
        return self.articles[0].date if self.articles else None


def cluster_feed_url(cluster: Cluster) -> str:
    return f"{cluster.url}{SITE_FEED}"


def feeds(site: Site) -> list[Feed]:
    limit = site.config.per_page
    out = [Feed(SITE_FEED, "", site.config.title, site.config.description, site.articles[:limit])]
    for c in site.clusters:
        out.append(Feed(cluster_feed_url(c), c.url, c.name, c.description, c.articles[:limit]))
    return out


def routes(site: Site, pages: list[Route], cache: BuildCache | None = None) -> list[Route]:
    out = []
    for f in feeds(site):
        deps = frozenset(a.source for a in f.articles) if f.url != SITE_FEED else frozenset({"*"})
        out.append(Route(f.url, "feed.xml", {"feed": f, "articles": f.articles}, deps))
    data = Route(site.config.urls.path("data"), "data.html", {"datasets": exports.listing(site, cache)})
    out.append(data)
    entries = sitemap.entries(site, [*pages, data])
    # The sitemap shows its entries and nothing else: they are its dependency, by value
    # (by their digest: the text is megabytes on a large site).
    out.append(Route("sitemap.xml", "sitemap.xml", {"entries": entries},
                     frozenset({"sitemap:" + digest(repr(entries))})))
    out.append(Route("robots.txt", "robots.txt"))
    return out
