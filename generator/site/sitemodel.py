"""The site model's types: what the site builder (:mod:`generator.site`) decides and
templates, feeds, exports and search read. All frozen; built once per build.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote

from ..core.config import SiteConfig
from ..core.errors import Problem
from ..content.model import Article, Award, Page, Score
from ..core.slugs import clean_name


@dataclass(frozen=True)
class Ref:
    """A link target: what to show and where it lives."""

    name: str
    slug: str
    url: str
    now: str = ""          # the entity's name today, when it is not *name* (renamed, merged)
    now_url: str = ""      # where that entity's page is (empty when it is the same page)
    merged: bool = False   # *now* is the unit it became part of, not a new name of it


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
class Change:
    """A step of a unit's or cluster's history: the other entity and the day it took effect."""

    other: Ref
    day: dt.date | None
    relation: str                           # "merged" | "renamed"


@dataclass(frozen=True)
class NameSpan:
    """A name a unit had, and the last day it had it (None: its name today)."""

    name: str
    until: dt.date | None = None


@dataclass(frozen=True)
class MembershipChange:
    """Units that joined or left a cluster on one day (grouped by year on the page)."""

    day: dt.date
    joined: tuple[Ref, ...]
    left: tuple[Ref, ...]


@dataclass(frozen=True)
class Cluster(Named):
    ref: Ref
    registered: bool
    description: str
    members: tuple[Ref, ...]
    articles: tuple[Article, ...]          # newest first
    timeline: tuple[TimelineYear, ...]     # newest year first, gaps included
    succession: tuple[ChairTerm, ...]      # by term, oldest first
    changes: tuple[MembershipChange, ...] = ()   # membership changes, oldest first
    former_members: tuple[Ref, ...] = ()   # members whose membership ended
    successor: Change | None = None
    predecessors: tuple[Change, ...] = ()


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
    registered: bool = True
    names: tuple[NameSpan, ...] = ()        # former names, oldest first, then today's
    successor: Change | None = None         # what it became
    current: Ref | None = None              # the end of its successors, when that is not *successor*
    predecessors: tuple[Change, ...] = ()   # what it was formed from
    inherited: tuple["Inherited", ...] = ()  # predecessors' results (all generations), newest change first

    @property
    def id(self) -> str:
        return self.ref.slug

    @property
    def aliases(self) -> tuple[str, ...]:
        """The names it had before (units.yaml former names): search finds its page by them too."""
        return tuple(s.name for s in self.names if s.name != self.ref.name)


@dataclass(frozen=True)
class Inherited:
    """A predecessor's results, shown in its successor's history."""

    unit: Ref
    day: dt.date | None
    chaired: tuple[UnitRole, ...]
    vice_chaired: tuple[UnitRole, ...]
    awards: tuple[AwardGiven, ...]
    scores: tuple[ScoreRow, ...]
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
    _unit_ids: dict[str, str] = field(default_factory=dict, compare=False, repr=False)   # spelling -> id
    spellings: tuple = ()                   # identity.Spellings of every unit and cluster, for check
    # The registry as read (units.yaml's UnitEntry and clusters.yaml's ClusterEntry):
    # part of the facts every page may show, so an edit of either re-signs every page.
    registry: tuple = field(default=(), compare=False, repr=False)

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
        """The unit page for a name, in any spelling the content wrote it (resolved by the registry)."""
        ident = self._unit_ids.get(clean_name(name))
        return self._units.get(ident) if ident else None

    def unit_naming(self) -> tuple:
        """How written unit names resolve: each spelling's unit, and each unit's name and
        its name today (all that :meth:`unit` and a unit's ``ref`` tell of names)."""
        return tuple(sorted(self._unit_ids.items())), tuple((u.id, u.ref.name, u.ref.now) for u in self.units)

    def unit_by_id(self, ident: str) -> Unit | None:
        return self._units.get(ident)

    def unit_ref(self, name: str, when=None) -> Ref | None:
        """The link for a unit as an article dated *when* names it: under the name the
        unit had then (a former name, from the registry), with its name today beside it."""
        unit = self.unit(name)
        if unit is None:
            return None
        shown = unit.ref.name
        if when is not None:
            day = when.as_date() if hasattr(when, "as_date") else when
            for span in unit.names[:-1]:
                if span.until is not None and day <= span.until:
                    shown = span.name
                    break
        if shown == unit.ref.name:
            return unit.ref
        return Ref(shown, unit.ref.slug, unit.ref.url, unit.ref.now or unit.ref.name, unit.ref.now_url,
                   unit.ref.merged)
