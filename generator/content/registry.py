"""The registry of units (``content/units.yaml``) and the history parts of clusters.

A unit or cluster is an identity with a stable id (its address), an official name, the
other names it is written as, and a history: when it began and ended, what it was
renamed to or merged into, and what it was formed from. Validation reads the registry
into the frozen types below; resolving names found in articles is the site model's job
(:mod:`generator.identity`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from ..core import yamldoc
from ..core.errors import Report
from ..core.messages import N_
from .fields import Fields
from .model import ArticleDate
from ..core.slugs import clean_name, name_key, slugify

UNIT_KEYS = {"id", "name", "also", "former_names", "from", "until", "merged_into", "renamed_to", "formed_from",
             "description"}
FORMER_NAME_KEYS = {"name", "until"}
MEMBER_KEYS = {"unit", "from", "until"}


@dataclass(frozen=True)
class FormerName:
    """An earlier official name of the same unit, used until a date (same id, same page)."""

    name: str
    until: dt.date | None = None


@dataclass(frozen=True)
class History:
    """Where an entry came from and what became of it. ``successor`` is an id or a name
    as written (resolved by the site model); ``relation`` is "merged" or "renamed"."""

    start: dt.date | None = None
    end: dt.date | None = None
    successor: str = ""
    relation: str = ""
    formed_from: tuple[str, ...] = ()
    successor_line: int | None = None
    formed_from_line: int | None = None


@dataclass(frozen=True)
class UnitEntry:
    """One unit of ``units.yaml``."""

    id: str
    name: str
    also: tuple[str, ...] = ()
    former_names: tuple[FormerName, ...] = ()
    history: History = History()
    description: str = ""
    display: str = "units.yaml"
    line: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entry answers to exactly: official, former and other names."""
        return (self.name, *(f.name for f in self.former_names), *self.also)


@dataclass(frozen=True)
class Membership:
    """A unit's membership of a cluster, from/until a date when the registry says so."""

    unit: str                 # an id or a name, as written in clusters.yaml
    start: dt.date | None = None
    end: dt.date | None = None
    line: int | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _day(value: ArticleDate | None) -> dt.date | None:
    return value.as_date() if value is not None else None


# The kinds of registry entry, as messages name them.
KINDS = {"unit": N_("unit"), "cluster": N_("cluster")}


def read_history(f: Fields, what: str) -> History:
    """``from``, ``until``, ``merged_into``/``renamed_to`` and ``formed_from`` of one entry."""
    start = _day(f.date("from", required=False))
    end = _day(f.date("until", required=False))
    kind = KINDS.get(what, what)
    if start and end and end < start:
        f.error("until", N_("{until} is before from: {start}", until=end.isoformat(), start=start.isoformat()),
                N_("check the two dates"))
    merged = f.text("merged_into")
    renamed = f.text("renamed_to")
    if merged and renamed:
        f.error("renamed_to", N_("is given together with merged_into"),
                N_("keep one: merged_into when the {kind} joined another, renamed_to when only its name changed",
                   kind=kind))
    successor, relation = (merged, "merged") if merged else (renamed, "renamed") if renamed else ("", "")
    key = "merged_into" if merged else "renamed_to"
    if successor and end is None:
        f.error(key, N_("is given without until:, so the date of the change is not known"),
                N_("write until: 2025-06-30 (the last day the {kind} existed under this entry)", kind=kind))
    formed = f.text_list("formed_from", example="so-noi-vu-tinh-ha-nam")
    return History(start, end, successor, relation, formed, f.line(key) if successor else None,
                   f.line("formed_from") if formed else None)


def read_units(located: yamldoc.Located | None, display: str, report: Report) -> tuple[UnitEntry, ...]:
    if located is None or located.value is None:
        return ()
    if not isinstance(located.value, list):
        report.error(display, 1, "", N_("is not a list of units"),
                     N_("start each unit with - id: … then name: Sở Nội vụ …"))
        return ()
    root = Fields(located, display, report)
    out: list[UnitEntry] = []
    ids: dict[str, int] = {}
    names: dict[str, tuple[str, int]] = {}
    for i, item in enumerate(located.value):
        line = located.line(i) or 0
        if not isinstance(item, dict):
            report.error(display, located.line(i), f"[{i + 1}]", N_("is not a unit"),
                         N_("write - id: so-noi-vu-tinh-nam-dinh then, indented, name: Sở Nội vụ tỉnh Nam Định"))
            continue
        f = root.sub(i)
        f.unknown(UNIT_KEYS)
        name = f.text("name", required=True, example="Sở Nội vụ tỉnh Nam Định")
        ident = f.slug("id") if f.has("id") else (slugify(name) if name else None)
        if not name or not ident:
            continue
        if ident in ids:
            f.error("id", N_('"{id}" is the id of another unit (line {line})', id=ident, line=ids[ident]),
                    N_("give each unit its own id; the id is the unit's address and never changes"))
            continue
        ids[ident] = line
        also = f.text_list("also", example="SNV Nam Định")
        former: list[FormerName] = []
        for j, value in f.items("former_names", example="- {name: Sở Nội vụ tỉnh Hà Sơn Bình, until: 1991-09-30}"):
            if isinstance(value, str):
                former.append(FormerName(clean_name(value)))
            elif isinstance(value, dict):
                sub = f.sub("former_names", j)
                sub.unknown(FORMER_NAME_KEYS)
                old = sub.text("name", required=True, example="Sở Nội vụ tỉnh …")
                if old:
                    former.append(FormerName(old, _day(sub.date("until", required=False))))
            else:
                f.error("former_names", N_("item {n} is not a name", n=j + 1),
                        N_("write - {example}", example="{name: …, until: 2019-12-31}"), j)
        entry = UnitEntry(ident, name, tuple(also), tuple(former), read_history(f, "unit"), f.text("description"),
                          display, line)
        for n in entry.names:
            key = name_key(n)
            if key in names and names[key][0] != ident:
                f.error("name" if n == name else "also",
                        N_('"{name}" is also a name of {other} (line {line})', name=n, other=names[key][0],
                           line=names[key][1]),
                        N_("a name can stand for one unit only; remove it from one of them"))
            names.setdefault(key, (ident, line))
        out.append(entry)
    return tuple(out)


def read_members(f: Fields) -> tuple[Membership, ...]:
    """A cluster's ``members``: names (or ids), or ``{unit, from, until}`` for a period."""
    out: list[Membership] = []
    for i, item in f.items("members", example="- Sở Nội vụ tỉnh …"):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            text = clean_name(str(item))
            if text:
                out.append(Membership(text, line=f.line("members", i) if i >= 0 else f.line("members")))
        elif isinstance(item, dict):
            sub = f.sub("members", i)
            sub.unknown(MEMBER_KEYS)
            unit = sub.text("unit", required=True, example="Sở Nội vụ tỉnh …")
            start = _day(sub.date("from", required=False))
            end = _day(sub.date("until", required=False))
            if unit:
                out.append(Membership(unit, start, end, f.line("members", i)))
        else:
            f.error("members", N_("item {n} is not a unit", n=i + 1),
                    N_("write - Sở Nội vụ tỉnh … or - {example}", example="{unit: Sở Nội vụ tỉnh …, until: 2025-06-30}"),
                    *(() if i < 0 else (i,)))
    return tuple(out)

