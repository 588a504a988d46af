"""The typed content model: what validation produces from one file.

Everything here is frozen. Cross-article things (clusters with timelines, units,
years, chair succession) live in :mod:`generator.site`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, dataclass, field

KINDS = ("tong-ket", "so-ket", "trien-khai", "other")


@dataclass(frozen=True, order=True)
class ArticleDate:
    """A publication date; ``day`` is None for month-only dates (never invented)."""

    year: int
    month: int
    day: int | None = None
    hour: int | None = None
    minute: int | None = None

    @property
    def month_only(self) -> bool:
        return self.day is None

    @property
    def sort_key(self) -> tuple[int, int, int, int, int]:
        return (self.year, self.month, self.day or 0, self.hour or 0, self.minute or 0)

    def as_date(self) -> dt.date:
        """The calendar date, first of the month when only the month is known (for feeds)."""
        return dt.date(self.year, self.month, self.day or 1)

    def iso(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        text = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}:{self.minute or 0:02d}"
        return text


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str = ""
    organization: str = ""


@dataclass(frozen=True)
class Award:
    award: str
    recipients: tuple[str, ...] = ()
    collectives: int | None = None
    individuals: int | None = None
    count: int | None = None          # a plain count, when not split
    conferred_by: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Score:
    unit: str
    points: float | None = None
    out_of: float | None = None
    rank: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Leadership:
    """Chair and vice-chair of a cluster for one emulation year (a term)."""

    term: int
    chair: str | None = None
    vice_chair: str | None = None
    line: int | None = None
    chair_line: int | None = None
    vice_chair_line: int | None = None


@dataclass(frozen=True)
class Image:
    src: str              # site-relative output path of the media file
    caption: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


class Body:
    """An article's or page's body, rendered: a frozen value, equal by its fields.

    ``html`` and ``text`` are kept as UTF-8 bytes and decoded when read (once a page, by
    the page that shows them): CPython keeps a Vietnamese ``str`` at two bytes a character,
    its UTF-8 takes about 1.3, and a build holds every body of the site at once (in the
    build process and, copied page by page as they are touched, in its forked workers)."""

    __slots__ = ("_html", "headings", "media", "_text", "fingerprint")
    _html: bytes
    headings: tuple[Heading, ...]
    media: tuple[str, ...]             # content-relative paths of files the body links to
    _text: bytes
    fingerprint: str                   # digest of all of the above (see markdown.body), for rebuilds

    def __init__(self, html: str, headings: tuple[Heading, ...] = (), media: tuple[str, ...] = (), text: str = "",
                 fingerprint: str = ""):
        for name, value in (("_html", html.encode("utf-8", "surrogatepass")), ("headings", headings),
                            ("media", media), ("_text", text.encode("utf-8", "surrogatepass")),
                            ("fingerprint", fingerprint)):
            object.__setattr__(self, name, value)

    @property
    def html(self) -> str:
        return self._html.decode("utf-8", "surrogatepass")

    @property
    def text(self) -> str:
        """Plain text, for search and summaries."""
        return self._text.decode("utf-8", "surrogatepass")

    def _fields(self) -> tuple:
        return self._html, self.headings, self.media, self._text, self.fingerprint

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Body):
            return NotImplemented
        return self.fingerprint == other.fingerprint and self._fields() == other._fields()

    def __hash__(self) -> int:
        # Equal bodies have equal fingerprints: hashing one is hashing the rest, and a
        # LazyBody hashes without reading its HTML from the cache.
        return hash(self.fingerprint)

    def __repr__(self) -> str:
        return (f"Body(html={self.html!r}, headings={self.headings!r}, media={self.media!r}, text={self.text!r}, "
                f"fingerprint={self.fingerprint!r})")

    def __reduce__(self):
        # The stored bytes travel as they are (to and from workers, into the build cache).
        return _stored_body, self._fields()


def _stored_body(html: bytes, headings: tuple[Heading, ...], media: tuple[str, ...], text: bytes,
                 fingerprint: str) -> Body:
    made = object.__new__(Body)
    for name, value in zip(Body.__slots__, (html, headings, media, text, fingerprint)):
        object.__setattr__(made, name, value)
    return made


@dataclass(frozen=True)
class Article:
    source: str            # content-relative path, e.g. "reports/2020/a.md"
    display: str           # path as shown in messages
    digest: str
    slug: str
    url: str               # site-relative, e.g. "bai-viet/a/"
    title: str
    date: ArticleDate
    body: Body
    cluster: str | None = None
    kind: str | None = None
    period: int | None = None
    location: str = ""
    host: str = ""
    summary: str = ""
    attendees: tuple[Attendee, ...] = ()
    awards: tuple[Award, ...] = ()
    scores: tuple[Score, ...] = ()
    elected: Leadership | None = None
    in_office: Leadership | None = None
    images: tuple[Image, ...] = ()
    tags: tuple[str, ...] = ()
    author: str = ""
    source_url: str = ""
    id: str | None = None
    aliases: tuple[str, ...] = ()
    draft: bool = False
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def __hash__(self) -> int:
        # Equal articles come from the same file with the same bytes: models group
        # articles in sets and dicts (a unit's awards), and this hash reads no body.
        return hash((self.source, self.digest))

    def line(self, field_: str) -> int | None:
        for name, line in reversed(self.lines):     # the last, as a dict of them would keep
            if name == field_:
                return line
        return None

    @property
    def year(self) -> int:
        """The emulation year the article is about (period), else the year it is dated."""
        return self.period if self.period is not None else self.date.year

    @property
    def is_report(self) -> bool:
        return self.cluster is not None

    @property
    def media(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.body.media) | {i.src for i in self.images}))


@dataclass(frozen=True)
class Page:
    """A standalone page from ``content/pages/``: rendered, not listed as news."""

    source: str
    display: str
    digest: str
    slug: str
    url: str
    title: str
    body: Body
    summary: str = ""
    date: ArticleDate | None = None
    order: int = 0
    draft: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterEntry:
    """One cluster of ``clusters.yaml``."""

    name: str
    slug: str
    members: tuple[str, ...]
    line: int | None = None
    description: str = ""
    also: tuple[str, ...] = ()          # other names the cluster is written as
    membership: tuple = ()              # registry.Membership: members with their periods
    history: object = None              # registry.History: from/until, successor, formed_from
