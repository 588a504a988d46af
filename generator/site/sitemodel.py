"""The site model's types: what the site builder (:mod:`generator.site`) decides and
templates, feeds, exports and search read. All frozen; built once per build.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from ..core.config import SiteConfig
from ..core.errors import Problem
from ..content.model import Article, Award, Page, Score
from ..core.slugs import name_key


@dataclass(frozen=True)
class Ref:
    """A link target: what to show and where it lives."""

    name: str
    slug: str
    url: str


class Named:
    """What has a ``ref`` (a cluster, a unit) answers to its name, slug and URL."""

    ref: Ref

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def slug(self) -> str:
        return self.ref.slug

    @property
    def url(self) -> str:
        return self.ref.url


@dataclass(frozen=True)
class ChairTerm:
    """Who led a cluster for one emulation year, and which reports say so."""

    term: int
    chair: Ref | None
    vice_chair: Ref | None
    elected_at: tuple[Article, ...]
    reported_in: tuple[Article, ...]


@dataclass(frozen=True)
class AwardGiven:
    award: Award
    article: Article
    year: int
    recipients: tuple[Ref | str, ...]   # units as links, people as plain names


@dataclass(frozen=True)
class ScoreRow:
    unit: Ref
    score: Score
    article: Article
    year: int


@dataclass(frozen=True)
class TimelineYear:
    year: int
    articles: tuple[Article, ...]
    term: ChairTerm | None
    awards: tuple[AwardGiven, ...]
    scores: tuple[ScoreRow, ...]

    @property
    def gap(self) -> bool:
        return not self.articles


@dataclass(frozen=True)
class Cluster(Named):
    ref: Ref
    registered: bool
    description: str
    members: tuple[Ref, ...]
    articles: tuple[Article, ...]          # newest first
    timeline: tuple[TimelineYear, ...]     # newest year first, gaps included
    succession: tuple[ChairTerm, ...]      # by term, oldest first


@dataclass(frozen=True)
class UnitRole:
    cluster: Ref
    term: ChairTerm


@dataclass(frozen=True)
class Unit(Named):
    ref: Ref
    clusters: tuple[Ref, ...]
    chaired: tuple[UnitRole, ...]
    vice_chaired: tuple[UnitRole, ...]
    awards: tuple[AwardGiven, ...]
    scores: tuple[ScoreRow, ...]            # by year, newest first
    hosted: tuple[Article, ...]


@dataclass(frozen=True)
class YearGroup:
    cluster: Ref | None                     # None: news that belongs to no cluster
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Year:
    year: int
    url: str
    articles: tuple[Article, ...]           # newest first
    groups: tuple[YearGroup, ...]


@dataclass(frozen=True)
class Redirect:
    url: str          # the old or short address
    target: str       # the page's URL
    title: str
    source: str       # display path of the file that asked for it
    line: int | None = None     # of its id or aliases in that file
    kind: str = "alias"         # "short" for the /p/<id>/ address of an id, "alias" for an old address


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]           # newest first
    pages: tuple[Page, ...]
    clusters: tuple[Cluster, ...]           # Vietnamese alphabetical order
    units: tuple[Unit, ...]                 # Vietnamese alphabetical order
    years: tuple[Year, ...]                 # newest first
    redirects: tuple[Redirect, ...]
    problems: tuple[Problem, ...] = ()
    _cluster_of: dict[str, Cluster] = field(default_factory=dict, compare=False, repr=False)
    _units: dict[str, Unit] = field(default_factory=dict, compare=False, repr=False)

    def cluster_of(self, article: Article) -> Cluster | None:
        return self._cluster_of.get(article.source)

    def qr_target(self, article: Article) -> str:
        """The absolute URL the article's QR code encodes: its canonical address, or its
        short ``/p/<id>/`` address when site.yaml says ``qr: {encode: short}`` and it has an id."""
        if self.config.qr_encodes == "short" and article.id:
            path = self.config.urls.path("short", id=article.id)
        else:
            path = article.url
        return self.config.published(quote(path, safe="/#?=&%"))

    def unit(self, name: str) -> Unit | None:
        """The unit page for a name, in whatever Unicode form or spacing it was written."""
        return self._units.get(name_key(name))
