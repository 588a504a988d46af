"""Names written in articles → identities of the registry (units, clusters).

One :class:`Resolver` per kind. Each name an article writes is resolved by these rules:

* the official name, a former name or a listed other name (after Unicode NFC): that entry;
* a name that differs from one of those only in case, spacing, diacritics, đ/d, the
  placement of a tone mark (Hoà/Hòa) or ``TP.``/``thành phố``: that entry, and a warning
  giving the registered spelling;
* anything else: an identity of its own, with a warning naming the nearest registered
  entries. Its address comes from its own name; when two different unregistered names
  would share one address, or one would take a registered entry's address, the build
  fails naming both places.

Addresses are a function of the registry and of the name alone, never of the order
in which files are read, so nothing an article writes can move another entity's page.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..content.registry import KINDS
from ..core.errors import Report, did_you_mean_text
from ..core.messages import N_
from ..core.slugs import clean_name, fold, name_key, slugify, vi_sort_key

_TP = re.compile(r"\btp\s*\.\s*|\btp\b\s*")
_WORDS = re.compile(r"[^a-z0-9]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)
# Words that say what kind of organisation a name is, but not where: a name of these
# words only ("Ủy ban nhân dân tỉnh", "Sở Nội vụ") names no unit in particular.
_GENERIC = {"so", "noi", "vu", "uy", "ban", "nhan", "dan", "ubnd", "snv", "tinh", "thanh", "pho", "huyen", "quan",
            "thi", "xa", "cum", "dua", "khoi", "cac", "va"}


@lru_cache(maxsize=65536)      # names repeat across thousands of reports
def exact_key(text: str) -> str:
    """A name as written, up to Unicode form and the spaces around it."""
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE).strip()


@lru_cache(maxsize=65536)
def loose_key(text: str) -> str:
    """What is left of a name without case, spacing, diacritics (đ/d and tone marks
    included) and with ``TP.`` read as ``thành phố``."""
    folded = fold(clean_name(text))
    folded = _TP.sub("thanh pho ", folded)
    return "".join(w for w in _WORDS.split(folded) if w)


def nearest(name: str, choices: list[tuple[str, str]], n: int = 3) -> list[str]:
    """The registered names nearest to *name* (*choices*: ``(loose key, name)`` pairs):
    the best match, and others almost as near."""
    matcher = difflib.SequenceMatcher(None, "", "")
    matcher.set_seq2(loose_key(name))          # difflib caches what it learns of seq2
    scored = []
    for key, c in choices:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            ratio = matcher.ratio()
            if ratio >= 0.6:
                scored.append((ratio, c))
    if not scored:
        return []
    best = max(r for r, _ in scored)
    near = sorted(((r, c) for r, c in scored if r >= best - 0.05), key=lambda t: (-t[0], vi_sort_key(t[1])))
    return list(dict.fromkeys(c for _, c in near))[:n]


def is_generic(text: str) -> bool:
    words = [w for w in _WORDS.split(_TP.sub("thanh pho ", fold(clean_name(text)))) if w]
    return bool(words) and all(w in _GENERIC for w in words)


@dataclass(frozen=True)
class Entry:
    """A registered identity as the resolver knows it."""

    id: str
    name: str                       # official name
    names: tuple[str, ...]          # every name it answers to exactly (official first)
    source: str                     # where it is registered, "content/units.yaml:12"
    data: object = None             # the registry's own entry (UnitEntry, ClusterEntry) or None


@dataclass(frozen=True)
class Use:
    """One place where a name is written."""

    spelling: str
    display: str
    line: int | None
    field: str

    @property
    def where(self) -> str:
        return f"{self.display}:{self.line}" if self.line else self.display


@dataclass(frozen=True)
class Spellings:
    """For ``confsite check``: how one identity is written in the content."""

    kind: str                       # "unit" | "cluster"
    id: str
    name: str                       # official name, or the name as written when unregistered
    registered: bool
    found: tuple[tuple[str, int, str], ...]   # (spelling, times, first place), most frequent first
    names: tuple[str, ...] = ()     # the names registered for it (official, former, also)

    def differs(self, spelling: str) -> bool:
        """Whether *spelling* is none of the registered names (a variant to tidy)."""
        return exact_key(spelling) not in {exact_key(n) for n in self.names}


class Resolver:
    def __init__(self, kind: str, registry_file: str, url_of, report: Report):
        self.kind = kind                  # "unit" | "cluster"
        self.registry_file = registry_file
        self.url_of = url_of              # id -> site-relative URL
        self.report = report
        self.entries: dict[str, Entry] = {}
        self._exact: dict[str, str] = {}
        self._loose: dict[str, set[str]] = defaultdict(set)
        self._uses: dict[str, list[Use]] = defaultdict(list)          # id -> uses
        self._unregistered: dict[str, list[Use]] = defaultdict(list)  # name_key -> uses
        self._ids: dict[str, str] = {}     # exact key -> id, once finished
        self._registered: set[str] = set()
        self._spelled: dict[tuple[str, str], str] = {}    # (id, loose key) -> the registered name
        self._near: dict[str, list[str]] = {}
        self._resolved: dict[str, str | None] = {}         # name as written -> id, after finish()
        self._choices: list[tuple[str, str]] | None = None
        self.finished = False
        self.has_file = False             # whether the registry file (units.yaml) exists

    # -- the registry ------------------------------------------------------------------

    def register(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        self._registered.add(entry.id)
        self._choices = None
        for n in entry.names:
            self._exact.setdefault(exact_key(n), entry.id)
            self._loose[loose_key(n)].add(entry.id)
            self._spelled.setdefault((entry.id, loose_key(n)), n)

    def nearest(self, name: str) -> list[str]:
        """Registered names near *name*, for a warning (remembered: archives repeat their typos)."""
        found = self._near.get(name)
        if found is None:
            if self._choices is None:
                self._choices = sorted({(loose_key(n), n) for i in self._registered for n in self.entries[i].names})
            found = self._near[name] = nearest(name, self._choices)
        return found

    def match(self, name: str) -> tuple[str | None, str]:
        """``(id, how)``: how is "exact", "loose", "ambiguous" or "none"."""
        found = self._exact.get(exact_key(name))
        if found is not None:
            return found, "exact"
        ids = self._loose.get(loose_key(name), set())
        if len(ids) == 1:
            return next(iter(ids)), "loose"
        return None, "ambiguous" if ids else "none"

    def by_id_or_name(self, text: str) -> str | None:
        """An id, or a name written exactly or loosely (for links inside the registry)."""
        if text in self.entries:
            return text
        return self.match(text)[0]

    # -- names written in the content ----------------------------------------------------

    def use(self, name: str, display: str, line: int | None, field_: str, *, create: bool = True) -> bool:
        """Record that *name* is written at display:line. With ``create`` false an
        unregistered name is left alone (an attendee's organisation, a person's name)."""
        name = exact_key(name)
        if not clean_name(name):
            return False
        found, how = self.match(name)
        if found is not None:
            self._uses[found].append(Use(name, display, line, field_))
            if how == "loose":
                official = self._spelled.get((found, loose_key(name)), self.entries[found].name)
                self.report.warn(display, line, field_,
                                 N_('"{name}" is written differently from the registered {kind} "{official}"',
                                    name=name, kind=KINDS.get(self.kind, self.kind), official=official),
                                 N_("write {name}", name=official))
            return True
        if not create:
            return False
        if self.kind == "unit" and is_generic(name):
            self.report.warn(display, line, field_,
                             N_('"{name}" names no province or city, so it is not given a page of its own', name=name),
                             N_("write the full name, e.g. Ủy ban nhân dân tỉnh Nam Định"))
            return False
        self._unregistered[name_key(name)].append(Use(name, display, line, field_))
        if how == "ambiguous":
            near = sorted(self.entries[i].name for i in self._loose[loose_key(name)])
        else:
            near = self.nearest(name)
        file = self.registry_file.rsplit("/", 1)[-1]
        hint = did_you_mean_text(near) if near else \
            N_("add it to {file}", file=file) if self.entries else \
            N_("list the units in {file}", file=file) if self.kind == "unit" else \
            N_("list the clusters in {file}", file=file)
        if self.kind == "cluster" or self.has_file:
            self.report.warn(display, line, field_, N_('"{name}" is not in {file}', name=name, file=file), hint)
        elif self._registered:
            # No units.yaml: the members of clusters.yaml are the registered units.
            self.report.warn(display, line, field_, N_('"{name}" is not a registered unit (units.yaml, or the '
                                                       "members in clusters.yaml)", name=name), hint)
        return True

    def finish(self) -> None:
        """Give each unregistered name its address; two names on one address fail the build."""
        taken: dict[str, tuple[str, str]] = {e.id: (e.name, e.source) for e in self.entries.values()}
        for key in sorted(self._unregistered, key=lambda k: (vi_sort_key(k), k)):
            uses = sorted(self._unregistered[key], key=lambda u: (u.display, u.line or 0))
            counts: dict[str, int] = defaultdict(int)
            for u in uses:
                counts[u.spelling] += 1
            name = clean_name(min(counts, key=lambda s: (-counts[s], vi_sort_key(s))))
            ident = slugify(name) or ("don-vi" if self.kind == "unit" else "cum")
            first = uses[0]
            if ident in taken:
                other, where = taken[ident]
                self.report.error(first.display, first.line, first.field,
                                  N_('"{name}" would be published at /{url}, the address of "{other}" ({where})',
                                     name=first.spelling, url=self.url_of(ident), other=other, where=where),
                                  N_('write the name exactly as {where} does, or add "{name}" to {file} with an id '
                                     "of its own", where=where, name=first.spelling,
                                     file=self.registry_file.rsplit('/', 1)[-1]))
                continue
            taken[ident] = (name, first.where)
            self.entries[ident] = Entry(ident, name, tuple(counts), first.where, None)
            for u in uses:
                self._ids[exact_key(u.spelling)] = ident
                self._ids[clean_name(u.spelling)] = ident
            self._uses[ident] = uses
        self.finished = True

    def id_of(self, name: str | None) -> str | None:
        """The id a name stands for, once :meth:`finish` has run (None: no unit or cluster)."""
        if not name:
            return None
        try:
            return self._resolved[name]
        except KeyError:
            found = self._resolved[name] = self._id_of(name)
            return found

    def _id_of(self, name: str) -> str | None:
        found = self._ids.get(exact_key(name))
        if found is not None:
            return found
        found, _ = self.match(name)
        if found is not None:
            return found
        return self._ids.get(clean_name(name))

    def is_registered(self, ident: str) -> bool:
        return ident in self._registered

    def spellings(self) -> list[Spellings]:
        out = []
        for ident in sorted(self.entries):
            e = self.entries[ident]
            uses = self._uses.get(ident, [])
            counts: dict[str, list[Use]] = defaultdict(list)
            for u in sorted(uses, key=lambda u: (u.display, u.line or 0)):
                counts[u.spelling].append(u)
            found = tuple(sorted(((s, len(us), us[0].where) for s, us in counts.items()),
                                 key=lambda t: (-t[1], t[0])))
            registered = self.is_registered(ident)
            out.append(Spellings(self.kind, ident, e.name, registered, found, e.names if registered else ()))
        return out


@dataclass(frozen=True)
class Link:
    """A step of an entity's history: the other entity, the day it took effect, and how
    ("merged": one became part of the other; "renamed": the same body under a new entry)."""

    id: str
    day: dt.date | None
    relation: str


class Identities:
    """The units and clusters of a build: the registry, every name the content writes
    resolved to it, and the history links between entries (both ways)."""

    def __init__(self, content, config, report: Report):
        urls = config.urls
        self.config = config
        self.report = report
        units_file = config.display("units.yaml")
        clusters_file = config.display("clusters.yaml")
        self.units = Resolver("unit", units_file, lambda i: urls.path("unit", slug=i), report)
        self.clusters = Resolver("cluster", clusters_file, lambda i: urls.path("cluster", slug=i), report)
        self.units.has_file = bool(content.units)
        for u in content.units:
            self.units.register(Entry(u.id, clean_name(u.name), tuple(clean_name(n) for n in u.names),
                                      f"{units_file}:{u.line}", u))
        for c in content.clusters:
            self.clusters.register(Entry(c.slug, clean_name(c.name), (clean_name(c.name), *map(clean_name, c.also)),
                                         f"{clusters_file}:{c.line}", c))
        # Members of clusters.yaml are registered units too, when units.yaml does not list them.
        self.members: dict[str, list[tuple[str, object]]] = {}      # cluster id -> [(unit id, Membership)]
        for c in content.clusters:
            placed = []
            for m in c.membership:
                ident = self._member(m, clusters_file, bool(content.units))
                if ident:
                    placed.append((ident, m))
            self.members[c.slug] = placed
        self.successor: dict[tuple[str, str], Link] = {}
        self.predecessors: dict[tuple[str, str], list[Link]] = defaultdict(list)
        self._links("unit", self.units, [(u.id, u.history, units_file, u.line) for u in content.units])
        self._links("cluster", self.clusters, [(c.slug, c.history, clusters_file, c.line) for c in content.clusters
                                               if c.history is not None])

    def _member(self, m, clusters_file: str, has_units_file: bool) -> str | None:
        units = self.units
        if m.unit in units.entries:
            units._uses[m.unit].append(Use(units.entries[m.unit].name, clusters_file, m.line, "members"))
            return m.unit
        found, how = units.match(m.unit)
        if found is not None:
            units.use(m.unit, clusters_file, m.line, "members")
            return found
        ident = slugify(m.unit)
        if not ident:
            return None
        if ident in units.entries:
            other = units.entries[ident]
            self.report.error(clusters_file, m.line, "members",
                              N_('"{name}" would be published at /{url}, the address of "{other}" ({where})',
                                 name=m.unit, url=units.url_of(ident), other=other.name, where=other.source),
                              N_("write {name} if it is the same unit, or list it in units.yaml with an id",
                                 name=other.name))
            return None
        if has_units_file:
            near = units.nearest(m.unit)
            self.report.warn(clusters_file, m.line, "members", N_('"{name}" is not in units.yaml', name=m.unit),
                             did_you_mean_text(near) if near else N_("add it to units.yaml"))
        name = clean_name(m.unit)
        units.register(Entry(ident, name, (name,), f"{clusters_file}:{m.line}", None))
        units._uses[ident].append(Use(name, clusters_file, m.line, "members"))
        return ident

    def _links(self, kind: str, resolver: Resolver, items: list) -> None:
        for ident, history, display, line in items:
            if history.successor:
                to = resolver.by_id_or_name(history.successor)
                field_ = "merged_into" if history.relation == "merged" else "renamed_to"
                if to is None or to == ident:
                    self.report.error(display, history.successor_line or line, field_,
                                      N_('"{name}" is not a {kind} of {file}', name=history.successor,
                                         kind=KINDS.get(kind, kind), file=display.rsplit("/", 1)[-1])
                                      if to is None else N_("names the entry itself"),
                                      N_("write the id of the {kind} it became, as listed in this file",
                                         kind=KINDS.get(kind, kind)))
                else:
                    day = history.end + dt.timedelta(days=1) if history.end else None
                    self.successor[(kind, ident)] = Link(to, day, history.relation)
                    self.predecessors[(kind, to)].append(Link(ident, day, history.relation))
            for old in history.formed_from:
                frm = resolver.by_id_or_name(old)
                if frm is None or frm == ident:
                    self.report.error(display, history.formed_from_line or line, "formed_from",
                                      N_('"{name}" is not a {kind} of {file}', name=old, kind=KINDS.get(kind, kind),
                                         file=display.rsplit("/", 1)[-1]) if frm is None
                                      else N_("names the entry itself"),
                                      N_("write the id of the {kind} it was formed from", kind=KINDS.get(kind, kind)))
                    continue
                known = self.successor.get((kind, frm))
                if known is None:
                    self.successor[(kind, frm)] = Link(ident, history.start, "merged")
                    self.predecessors[(kind, ident)].append(Link(frm, history.start, "merged"))
                elif known.id != ident:
                    self.report.error(display, history.formed_from_line or line, "formed_from",
                                      N_('"{name}" became {id}, not {other}', name=old, id=known.id, other=ident),
                                      N_("make merged_into and formed_from agree"))
        for (k, ident), links in self.predecessors.items():
            if k == kind:
                links.sort(key=lambda l: (l.day or dt.date.min, vi_sort_key(resolver.entries[l.id].name)))
        # A chain of successors must end.
        for ident, _, display, line in items:
            seen = {ident}
            step = self.successor.get((kind, ident))
            while step is not None:
                if step.id in seen:
                    self.report.error(display, line, "merged_into",
                                      N_("{id} is, through its successors, its own successor", id=ident),
                                      N_("check merged_into and renamed_to of these entries"))
                    self.successor.pop((kind, ident), None)
                    break
                seen.add(step.id)
                step = self.successor.get((kind, step.id))

    def current(self, kind: str, ident: str) -> tuple[str, bool]:
        """The entry *ident* is today (the end of its successors) and whether a merger is on the way."""
        merged = False
        step = self.successor.get((kind, ident))
        seen = {ident}
        while step is not None and step.id not in seen:
            merged = merged or step.relation == "merged"
            ident = step.id
            seen.add(ident)
            step = self.successor.get((kind, ident))
        return ident, merged

    def name_at(self, ident: str, day: dt.date | None) -> str:
        """The unit's name on *day*: a former name when the registry says it was still used."""
        e = self.units.entries[ident]
        former = getattr(e.data, "former_names", ())
        if day is not None:
            for f in sorted((f for f in former if f.until), key=lambda f: f.until):
                if day <= f.until:
                    return clean_name(f.name)
        return e.name
