"""The sitemap: every public page with the date its content last changed.

``lastmod`` comes from the content, never from the clock: an article's own date, a
page's date when it has one, and for listing pages the newest article they show.
Redirects, the 404 page and non-HTML files are not pages and are left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from ..content.model import Article, ArticleDate
from ..site.sitemodel import Site, Unit

if TYPE_CHECKING:
    from .route_type import Route

EXCLUDED_TEMPLATES = {"404.html", "redirect.html"}


@dataclass(frozen=True)
class SitemapEntry:
    url: str                   # site-relative
    lastmod: str | None        # W3C date, e.g. "2020-12-11"


def _newest(articles: Iterable[Article]) -> ArticleDate | None:
    dates = [a.date for a in articles]
    return max(dates, key=lambda d: d.sort_key) if dates else None


def unit_articles(unit: Unit) -> list[Article]:
    """The articles a unit page shows: its own, and its predecessors' (in its history)."""
    found: list[Article] = []
    for u in (unit, *unit.inherited):
        found += list(u.hosted)
        found += [g.article for g in u.awards]
        found += [r.article for r in u.scores]
        for role in (*u.chaired, *u.vice_chaired):
            found += list(role.term.reported_in)
    return found


def _shown(site: Site, route: Route) -> Iterable[Article] | None:
    """The articles a page shows; None when its content is not made of articles."""
    ctx = route.context
    if "article" in ctx:
        return [ctx["article"]]
    if "page" in ctx:
        return None
    if "articles" in ctx:
        return ctx["articles"]
    if "groups" in ctx:
        return [a for _, items in ctx["groups"] for a in items]
    if "cluster" in ctx:
        return ctx["cluster"].articles
    if "unit" in ctx:
        return unit_articles(ctx["unit"])
    if "units" in ctx:
        return [a for u in ctx["units"] for a in unit_articles(u)]
    return site.articles


class _Newest:
    """The newest article of what a listing shows, each unit's and each of the model's
    own sequences (the site's, a cluster's: several pages show them) found once."""

    def __init__(self) -> None:
        self.units: dict[str, ArticleDate | None] = {}
        self.sequences: dict[int, tuple[tuple, ArticleDate | None]] = {}

    def of_unit(self, unit: Unit) -> ArticleDate | None:
        if unit.url not in self.units:
            self.units[unit.url] = _newest(unit_articles(unit))
        return self.units[unit.url]

    def of(self, shown: Iterable[Article]) -> ArticleDate | None:
        if not isinstance(shown, tuple):
            return _newest(shown)
        known = self.sequences.get(id(shown))     # the tuple is held here: its id stays its own
        if known is None:
            known = self.sequences[id(shown)] = (shown, _newest(shown))
        return known[1]


_LISTS = frozenset({"articles", "groups", "cluster"})


def _lastmod(site: Site, route: Route, newest: _Newest) -> str | None:
    ctx = route.context
    if "article" in ctx:          # most entries: an article's own page
        date = ctx["article"].date
    elif "page" in ctx:
        date = ctx["page"].date
    elif "unit" in ctx and not _LISTS & ctx.keys():
        date = newest.of_unit(ctx["unit"])
    elif "units" in ctx and not _LISTS & ctx.keys():
        dates = [d for d in (newest.of_unit(u) for u in ctx["units"]) if d is not None]
        date = max(dates, key=lambda d: d.sort_key) if dates else None
    else:
        shown = _shown(site, route)
        date = newest.of(shown) if shown is not None else None
    return date.as_date().isoformat() if date else None


def entries(site: Site, routes: list[Route]) -> tuple[SitemapEntry, ...]:
    out = []
    newest = _Newest()
    for r in routes:
        if r.template in EXCLUDED_TEMPLATES or not (r.url == "" or r.url.endswith("/")):
            continue
        out.append(SitemapEntry(r.url, _lastmod(site, r, newest)))
    return tuple(sorted(out, key=lambda e: e.url))
