"""Digests of what pages are made from: each article's and page's card and full content,
route ``deps`` resolved to digests (see ``routes.py``), and the site's address book.

The build signs each route with these (``build/rebuild.py`` adds the template and the
theme); listings made without templates (data exports, sitemap entries) are remembered
by ``listing_digest``.
"""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from ..cache.cache import BuildCache, code_version
from ..core.hashing import digest

if TYPE_CHECKING:
    from ..site.sitemodel import Site
    from .route_type import Route


def card(doc) -> str:
    """Digest of what a listing may show of an article or page: every field but the body
    (and the file's digest, which changes with the body)."""
    return digest(repr(tuple(getattr(doc, f.name) for f in fields(doc) if f.name not in ("body", "digest"))))


def site_facts(site: Site) -> list[str]:
    """What every page may show of the site as a whole: the code, the settings, the
    registry as read (units.yaml, clusters.yaml: which names resolve to which unit or
    cluster, and under which name of the time), the names, addresses and histories of
    clusters and units, years and pages."""
    parts = [code_version(), repr(site.config), repr(site.registry)]
    parts += [repr((c.ref, c.registered, c.description, c.members, c.changes, c.former_members, c.successor,
                    c.predecessors)) for c in site.clusters]
    parts += [repr((u.ref, u.registered, u.names, u.successor, u.current, u.predecessors)) for u in site.units]
    parts += [f"{y.year}:{y.url}" for y in site.years]
    parts += [repr((p.title, p.url, p.order)) for p in site.pages]
    return parts


def listing_digest(site: Site, cache: BuildCache) -> str:
    """Digest of everything a site-wide listing made without templates may show (data
    exports, sitemap entries): the settings, the address book and every article's and
    page's card. A change of an article's body alone leaves it as it was."""
    return digest(*site_facts(site), signer_of(site, cache).cards_digest())


def site_media(site: Site, cache: BuildCache) -> list[str]:
    """Every media file the site's documents show (content-relative, sorted), found once
    per model: the page signatures and the files to copy both ask."""
    def find() -> list[str]:
        found = {rel for a in site.articles for rel in a.body.media}
        found.update(i.src for a in site.articles for i in a.images)
        found.update(rel for p in site.pages for rel in p.body.media)
        return sorted(found)
    return cache.of_model("media", site, find)


def signer_of(site: Site, cache: BuildCache) -> Signer:
    """The digests of *site*'s documents, computed once per model."""
    return cache.of_model("signer", site, lambda: Signer(site, cache))


class Signer:
    """Resolves route ``deps`` to digests and signs each route."""

    def __init__(self, site: Site, cache: BuildCache, templates: dict[str, str] | None = None, site_digest: str = ""):
        self.templates = templates or {}
        self.site_digest = site_digest
        self.cards: dict[str, str] = {}
        self.full: dict[str, str] = {}
        for doc in (*site.articles, *site.pages):
            # An article's fields come from its own file (and the URL pattern, in url):
            # their digest is remembered by the file's, with the fields that depend on more.
            key = digest(doc.digest, doc.source, doc.display, doc.url, repr(getattr(doc, "images", ())))
            shown = cache.memoized("cards", key, lambda: card(doc))
            self.cards[doc.source] = shown
            self.full[doc.source] = digest(shown, doc.body.fingerprint)
        self._all: dict[str, str] = {}
        self._sets: dict[frozenset[str], str] = {}

    def _token(self, token: str) -> str:
        if token == "*":
            if "*" not in self._all:
                self._all["*"] = digest(*(f"{k}\0{v}" for k, v in sorted(self.full.items())))
            return self._all["*"]
        if token == "cards":
            if "cards" not in self._all:
                self._all["cards"] = digest(*(f"{k}\0{v}" for k, v in sorted(self.cards.items())))
            return self._all["cards"]
        if token.startswith("card:"):
            return self.cards.get(token[5:], "missing")
        return self.full.get(token, token)

    def deps_digest(self, deps: frozenset[str]) -> str:
        """Digest of a set of deps; listings share a few large sets (a cluster's or a
        year's cards), each resolved once."""
        found = self._sets.get(deps)
        if found is None:
            found = self._sets[deps] = digest(*(f"{t}\0{self._token(t)}" for t in sorted(deps)))
        return found

    def cards_digest(self) -> str:
        return self._token("cards")

    def for_pages(self, templates: dict[str, str], site_digest: str) -> Signer:
        """This signer, signing pages made with *templates* under *site_digest*."""
        self.templates = templates
        self.site_digest = site_digest
        return self

    def sign(self, route: Route) -> str:
        return digest(self.site_digest, route.url, route.template, self.templates.get(route.template, ""),
                      self.deps_digest(route.deps))

    def state(self) -> dict:
        """What this signer signs with, for :meth:`restored` in the next build."""
        return {"site": self.site_digest, "templates": self.templates, "cards": self.cards, "full": self.full,
                "all": dict(self._all)}

    @classmethod
    def restored(cls, state: dict) -> Signer:
        """The signer of a previous build, from its :meth:`state` (it signs as that one did)."""
        signer = cls.__new__(cls)
        signer.site_digest, signer.templates = state["site"], state["templates"]
        signer.cards, signer.full, signer._all = state["cards"], state["full"], dict(state["all"])
        signer._sets = {}
        return signer

    def same_token(self, other: Signer, token: str) -> bool:
        """Whether *token* has the same digest for this signer as for *other*."""
        return self._token(token) == other._token(token)

    def changes(self, other: Signer) -> tuple[set[str], set[str]] | None:
        """What this signer signs otherwise than *other*: the templates, and the tokens
        (of documents' content, ``card:`` of their cards) whose digests differ; the two
        tokens of everything, ``*`` and ``cards``, are compared by :meth:`same_token`. None
        when the site-wide digest differs (every page is signed otherwise)."""
        if self.site_digest != other.site_digest:
            return None
        templates = {t for t in {*self.templates, *other.templates}
                     if self.templates.get(t, "") != other.templates.get(t, "")}
        # The tokens whose value differs: of documents, of cards; any other token but the
        # two of everything is a value of its own.
        mine, theirs = self.full, other.full
        tokens = {s for s, v in mine.items() if theirs.get(s, s) != v} | (theirs.keys() - mine.keys())
        mine, theirs = self.cards, other.cards
        tokens |= {"card:" + s for s, v in mine.items() if theirs.get(s, "missing") != v}
        tokens |= {"card:" + s for s in theirs.keys() - mine.keys()}
        return templates, tokens
