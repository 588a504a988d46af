"""Every page of the site: where it is published, which template shows it, what it shows.

A :class:`Route` is data. Its ``deps`` name the content it is made from, so incremental
builds (``rebuild.py``) know what a change touches without watching templates at work:

* ``reports/a.md`` (a source path): the whole article or page, body included;
* ``card:reports/a.md``: what a listing shows of it (every field but the body);
* ``cards``: the card of every article and page (lists whose membership or order any
  article can change); ``*``: everything (the default, always correct, never cheap);
* any other string: a value of its own (e.g. a digest of the route's context).

Every page also depends on its template and on the site-wide facts any page may show
(settings, the names and addresses of clusters, units, years and pages: see
``rebuild.global_digest``). A route that shows more than its deps say is a bug the
incremental-build tests catch.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Sequence

from . import portal, qr
from ..cache.cache import BuildCache
from ..core.urls import cluster_year, listing_page
from .route_type import Route
from .search import search_kinds
from ..content.model import Article, Page
from ..site.sitemodel import Cluster, Site, TimelineYear

INLINE_PER_YEAR = 8       # conferences of a cluster-year shown on the cluster page itself
UNITS_PER_PAGE = 200


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    urls: tuple[str, ...]          # URL of every page of the listing
    total: int                     # items over all pages

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def prev(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


def paginate(items: Sequence, per_page: int, first_url: str) -> list[tuple[Pager, Sequence]]:
    """Stable page URLs: ``first_url``, then ``first_url + "trang/2/"`` and so on."""
    count = max(1, -(-len(items) // per_page))
    urls = tuple(listing_page(first_url, n) for n in range(1, count + 1))
    return [(Pager(n, count, urls, len(items)), items[(n - 1) * per_page:n * per_page]) for n in range(1, count + 1)]


def _sources(articles) -> frozenset[str]:
    return frozenset(a.source for a in articles)


class _Cards:
    """The ``card:`` deps of lists of articles, each article's token made once: a site's
    listings name about 90 tokens an article, and one string each (not one per listing)
    keeps the routes small in memory and in the kept model's file."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    def __call__(self, articles) -> frozenset[str]:
        tokens = self.tokens
        return frozenset(tokens.get(a.source) or tokens.setdefault(a.source, "card:" + a.source) for a in articles)


def _unit_deps(unit, cards: _Cards) -> frozenset[str]:
    """The articles a unit page draws on: hosted, awards, scores and chair terms."""
    articles = []
    for u in (unit, *unit.inherited):      # and its predecessors' results, shown in its history
        articles += [*u.hosted, *(g.article for g in u.awards), *(r.article for r in u.scores)]
        for role in (*u.chaired, *u.vice_chaired):
            articles += [*role.term.elected_at, *role.term.reported_in]
    return cards(articles)


def cluster_year_url(cluster: Cluster, year: TimelineYear) -> str:
    return cluster_year(cluster.url, year.year)


def routes(site: Site, cache: BuildCache | None = None) -> list[Route]:
    cfg = site.config
    urls = cfg.urls
    card_deps = _Cards()
    out: list[Route] = [
        Route("", "home.html", {"articles": site.articles[:cfg.per_page]}, frozenset({"cards"})),
        Route(urls.path("clusters"), "clusters.html", {}, frozenset({"cards"})),
        Route(urls.path("years"), "years.html", {}, frozenset({"cards"})),
        Route(urls.path("search"), "search.html", {"kinds": search_kinds(site)}),
        Route("404.html", "404.html", {}, frozenset()),
    ]
    for a in site.articles:
        out.append(document_route(site, a))
        out.extend(qr_routes(site, a))
    for p in site.pages:
        out.append(document_route(site, p))
    for c in site.clusters:
        cards = card_deps(c.articles)      # one set for all of a cluster's pages: signed once
        out.append(Route(c.url, "cluster.html", {"cluster": c, "inline": INLINE_PER_YEAR}, cards))
        for y in c.timeline:
            if len(y.articles) > INLINE_PER_YEAR:
                for pager, items in paginate(y.articles, cfg.per_page, cluster_year_url(c, y)):
                    out.append(Route(pager.url, "cluster_year.html",
                                     {"cluster": c, "year": y, "articles": items, "pager": pager}, cards))
    for pager, items in paginate(site.units, UNITS_PER_PAGE, urls.path("units")):
        out.append(Route(pager.url, "units.html", {"units": items, "pager": pager}, frozenset({"cards"})))
    for u in site.units:
        out.append(Route(u.url, "unit.html", {"unit": u}, _unit_deps(u, card_deps)))
    for y in site.years:
        cards = card_deps(y.articles)
        for pager, items in paginate(y.articles, cfg.per_page, y.url):
            groups = _regroup(y, items)
            out.append(Route(pager.url, "year.html", {"year": y, "groups": groups, "pager": pager}, cards))
    for r in site.redirects:
        out.append(Route(r.url, "redirect.html", {"redirect": r}, frozenset({"redirect:" + repr(r)})))
    return out + portal.routes(site, out, cache)


def document_route(site: Site, doc: Article | Page) -> Route:
    """The page of an article or of a standalone page: made from that document alone."""
    if isinstance(doc, Page):
        return Route(doc.url, "page.html", {"page": doc}, frozenset({doc.source}))
    # The page names its cluster (an address, site-wide), not the cluster's other reports.
    return Route(doc.url, "article.html", {"article": doc, "cluster": site.cluster_of(doc)}, frozenset({doc.source}))


QR_FILES = ("qr.svg", "qr.png")     # stable names, inside the article's folder


def qr_routes(site: Site, article) -> list[Route]:
    """The article's QR code as downloadable files: ``<article url>qr.svg`` and ``qr.png``."""
    target = site.qr_target(article)
    deps = frozenset({"qr:" + target})      # the code shows its address and nothing else: by value
    return [Route(article.url + "qr.svg", "", {"article": article, "target": target}, deps,
                  partial(qr.svg_file, target)),
            Route(article.url + "qr.png", "", {"article": article, "target": target}, deps,
                  partial(qr.png, target))]


def _regroup(year, items) -> list[tuple[Any, list]]:
    """The year's cluster groups, restricted to the articles on this page of it."""
    on_page = {a.source for a in items}
    groups = []
    for g in year.groups:
        shown = [a for a in g.articles if a.source in on_page]
        if shown:
            groups.append((g.cluster, shown))
    return groups
