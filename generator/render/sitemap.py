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


def _lastmod(site: Site, route: Route, of_unit: dict[str, ArticleDate | None]) -> str | None:
    ctx = route.context
    if "article" in ctx:          # most entries: an article's own page
        date = ctx["article"].date
    elif "page" in ctx:
        date = ctx["page"].date
    elif "unit" in ctx and not ({"articles", "groups", "cluster"} & ctx.keys()):
        date = _unit_newest(ctx["unit"], of_unit)
    elif "units" in ctx and not ({"articles", "groups", "cluster"} & ctx.keys()):
        dates = [d for d in (_unit_newest(u, of_unit) for u in ctx["units"]) if d is not None]
        date = max(dates, key=lambda d: d.sort_key) if dates else None
    else:
        shown = _shown(site, route)
        date = _newest(shown) if shown is not None else None
    return date.as_date().isoformat() if date else None


def _unit_newest(unit: Unit, known: dict[str, ArticleDate | None]) -> ArticleDate | None:
    """The newest of the articles a unit page shows, found once a sitemap (the units'
    list shows every unit's articles again)."""
    if unit.url not in known:
        known[unit.url] = _newest(unit_articles(unit))
    return known[unit.url]


def entries(site: Site, routes: list[Route]) -> tuple[SitemapEntry, ...]:
    out = []
    of_unit: dict[str, ArticleDate | None] = {}
    for r in routes:
        if r.template in EXCLUDED_TEMPLATES or not (r.url == "" or r.url.endswith("/")):
            continue
        out.append(SitemapEntry(r.url, _lastmod(site, r, of_unit)))
    return tuple(sorted(out, key=lambda e: e.url))
