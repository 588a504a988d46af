"""Build the site model: every cross-article fact, computed once, read-only after.

Clusters with their timelines and chair succession, member units, year archives and
URL collisions all live here; templates only present what this module decides.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from ..core.config import SiteConfig
from ..core.errors import Report, did_you_mean, did_you_mean_text
from ..core.messages import N_
from ..content.model import Article, ClusterEntry, Leadership, Page
from .identity import Identities
from .sitemodel import (AwardGiven, Change, ChairTerm, Cluster, Inherited, MembershipChange, NameSpan, Redirect, Ref,
                        ScoreRow, Site, TimelineYear, Unit, UnitRole, Year, YearGroup)
from ..core.urls import cluster_year, later_pages, search_index
from ..core.slugs import clean_name, fold, name_key, vi_sort_key
from ..content.validate import Content

__all__ = ["AwardGiven", "ChairTerm", "Cluster", "Redirect", "Ref", "ScoreRow", "Site", "TimelineYear", "Unit",
           "UnitRole", "Year", "YearGroup", "build_site", "is_organisation"]

# Words that open the name of an organisation rather than a person (folded).
_ORG = re.compile(r"^(so|uy ban|ubnd|bo|phong|van phong|ban|trung tam|cuc|chi cuc|cong an|hoi|truong|tap the|"
                  r"tinh|thanh pho|huyen|quan|thi xa|xa|phuong|cum|khoi|dang uy|doan|cong ty|benh vien|"
                  r"vien|toa an|kho bac|bao|dai|lien doan|hoc vien)\b")


def build_site(content: Content, config: SiteConfig) -> Site:
    return _Builder(content, config).build()


def is_organisation(name: str) -> bool:
    return bool(_ORG.match(fold(name)))


class _Builder:
    def __init__(self, content: Content, config: SiteConfig):
        self.config = config
        self.report = Report()
        self.report.extend(content.problems)
        visible = [a for a in content.articles if config.drafts or not a.draft]
        self.articles = sorted(visible, key=lambda a: (tuple(-x for x in a.date.sort_key), a.url))
        self.pages = sorted((p for p in content.pages if config.drafts or not p.draft), key=lambda p: (p.order, p.url))
        self.registry = content.clusters
        self.unit_registry = content.units
        self.ids = Identities(content, config, self.report)
        self._near_members: dict[tuple, list[str]] = {}
        self._urefs: dict[tuple[str, dt.date | None], Ref] = {}

    # -- names → identities ------------------------------------------------------------

    def _resolve_names(self) -> None:
        """Resolve every unit and cluster the articles name (in file order, for messages)."""
        units, clusters = self.ids.units, self.ids.clusters
        ordered = sorted(self.articles, key=lambda a: a.source)
        for a in ordered:
            if a.cluster:
                clusters.use(a.cluster, a.display, a.line("cluster"), "cluster")
            if a.host:
                units.use(a.host, a.display, a.line("host"), "host")
            for s in a.scores:
                units.use(s.unit, a.display, s.line, "scores")
            for field_, lead in (("elected", a.elected), ("in_office", a.in_office)):
                if lead:
                    if lead.chair:
                        units.use(lead.chair, a.display, lead.chair_line, f"{field_}.chair")
                    if lead.vice_chair:
                        units.use(lead.vice_chair, a.display, lead.vice_chair_line, f"{field_}.vice_chair")
        named = set(units._unregistered)
        for a in ordered:
            for award in a.awards:
                for r in award.recipients:
                    units.use(r, a.display, award.line, "awards", create=is_organisation(r) or name_key(r) in named)
            for p in a.attendees:
                if p.organization:
                    units.use(p.organization, a.display, a.line("attendees"), "attendees", create=False)
        units.finish()
        clusters.finish()
        self.unit_refs: dict[str, Ref] = {i: self.uref(i) for i in units.entries}

    def uref(self, ident: str, day: dt.date | None = None) -> Ref:
        """The link to unit *ident*, under the name it had on *day*, with its name today."""
        if not getattr(self.ids.units.entries[ident].data, "former_names", ()):
            day = None             # one name all along: one link
        try:
            return self._urefs[(ident, day)]
        except KeyError:
            ref = self._urefs[(ident, day)] = self._uref(ident, day)
            return ref

    def _uref(self, ident: str, day: dt.date | None) -> Ref:
        name = self.ids.name_at(ident, day)
        official = self.ids.units.entries[ident].name
        now, merged = self.ids.current("unit", ident)
        url = self.config.urls.path("unit", slug=ident)
        if now != ident:
            return Ref(name, ident, url, self.ids.units.entries[now].name, self.config.urls.path("unit", slug=now),
                       merged)
        return Ref(name, ident, url, official if name != official else "")

    def cref(self, ident: str) -> Ref:
        e = self.ids.clusters.entries[ident]
        now, merged = self.ids.current("cluster", ident)
        url = self.config.urls.path("cluster", slug=ident)
        if now != ident:
            return Ref(e.name, ident, url, self.ids.clusters.entries[now].name,
                       self.config.urls.path("cluster", slug=now), merged)
        return Ref(e.name, ident, url)

    def ref(self, name: str | None, day: dt.date | None = None) -> Ref | None:
        ident = self.ids.units.id_of(name)
        return self.uref(ident, day) if ident and ident in self.ids.units.entries else None

    def recipient(self, name: str, day: dt.date | None = None) -> Ref | str:
        return self.ref(name, day) or name

    # -- clusters --------------------------------------------------------------------

    def _cluster_refs(self) -> dict[str, tuple[Ref, ClusterEntry | None]]:
        refs: dict[str, tuple[Ref, ClusterEntry | None]] = {}
        for ident, e in self.ids.clusters.entries.items():
            refs[ident] = (self.cref(ident), e.data)
        return refs

    def _succession(self, cluster: Ref, articles: list[Article]) -> dict[int, ChairTerm]:
        claims: dict[int, list[tuple[Article, Leadership, str]]] = defaultdict(list)
        for a in sorted(articles, key=lambda a: (a.date.sort_key, a.source)):
            for field_, lead in (("elected", a.elected), ("in_office", a.in_office)):
                if lead:
                    claims[lead.term].append((a, lead, field_))
        terms: dict[int, ChairTerm] = {}
        for term, items in sorted(claims.items()):
            chair = self._agree(cluster, term, items, "chair")
            vice = self._agree(cluster, term, items, "vice_chair")
            # Each article once, in order; by identity (hashing an article hashes its whole text).
            elected_at = tuple({id(a): a for a, _, f in items if f == "elected"}.values())
            reported = tuple({id(a): a for a, _, _ in items}.values())
            day = dt.date(term, 1, 1)
            terms[term] = ChairTerm(term, self.ref(chair, day), self.ref(vice, day), elected_at, reported)
        return terms

    def _agree(self, cluster: Ref, term: int, items: list, role: str) -> str | None:
        """The one name every report gives for *role*; a conflict is an error naming both."""
        first: tuple[Article, Leadership, str] | None = None
        for a, lead, field_ in items:
            name = getattr(lead, role)
            if not name:
                continue
            if first is None:
                first = (a, lead, field_)
                continue
            other = getattr(first[1], role)
            if self.ids.units.id_of(name) != self.ids.units.id_of(other):
                line = getattr(first[1], f"{role}_line")
                where = f"{first[0].display}:{line}"
                self.report.error(
                    a.display, getattr(lead, f"{role}_line"), f"{field_}.{role}",
                    N_('"{name}" as chair of {cluster} for {term}, but {where} names "{other}"', name=name,
                       cluster=cluster.name, term=term, where=where, other=other) if role == "chair" else
                    N_('"{name}" as vice-chair of {cluster} for {term}, but {where} names "{other}"', name=name,
                       cluster=cluster.name, term=term, where=where, other=other),
                    N_("correct the report that is wrong; one term has one chair") if role == "chair" else
                    N_("correct the report that is wrong; one term has one vice-chair"))
        return getattr(first[1], role) if first else None

    def _check_members(self, entry: ClusterEntry, a: Article) -> None:
        placed_in = self.ids.members.get(entry.slug, [])
        if not placed_in:
            return
        day = a.date.as_date()
        members = {ident for ident, m in placed_in if m.covers(day)}
        names = [self.ids.units.entries[ident].name for ident in dict.fromkeys(i for i, m in placed_in if m.covers(day))]
        placed: list[tuple[str, str, int | None]] = []
        for field_, lead in (("elected", a.elected), ("in_office", a.in_office)):
            if lead:
                placed += [(f"{field_}.chair", lead.chair or "", lead.chair_line),
                           (f"{field_}.vice_chair", lead.vice_chair or "", lead.vice_chair_line)]
        placed += [("scores", s.unit, s.line) for s in a.scores]
        for award in a.awards:
            placed += [("awards", r, award.line) for r in award.recipients if self.ids.units.id_of(r)]
        for field_, name, line in placed:
            ident = self.ids.units.id_of(name) if name else None
            if name and ident not in members:
                near = [] if ident and self.ids.units.is_registered(ident) else self._near_member(name, tuple(names))
                hint = did_you_mean_text(near) if near else \
                    N_("add it to the members of this cluster in clusters.yaml")
                if any(m.start or m.end for _, m in placed_in):
                    message = N_('"{name}" is not a member of {cluster} on {date} in clusters.yaml', name=name,
                                 cluster=entry.name, date=a.date.iso())
                else:
                    message = N_('"{name}" is not a member of {cluster} in clusters.yaml', name=name,
                                 cluster=entry.name)
                self.report.warn(a.display, line, field_, message, hint)

    def _near_member(self, name: str, names: tuple[str, ...]) -> list[str]:
        key = (name, names)
        if key not in self._near_members:
            self._near_members[key] = did_you_mean(name, names, cutoff=0.5)
        return self._near_members[key]

    def _clusters(self) -> list[Cluster]:
        refs = self._cluster_refs()
        by_cluster: dict[str, list[Article]] = defaultdict(list)
        self.cluster_key_of: dict[str, str] = {}
        for a in self.articles:
            key = self.ids.clusters.id_of(a.cluster) if a.cluster else None
            if key in refs:
                by_cluster[key].append(a)
                self.cluster_key_of[a.source] = key
                entry = refs[key][1]
                if entry:
                    self._check_members(entry, a)
        clusters = []
        for key, (ref, entry) in refs.items():
            articles = by_cluster.get(key, [])
            terms = self._succession(ref, articles)
            current, former, changes = self._membership(key)
            clusters.append(Cluster(ref, entry is not None, entry.description if entry else "", current,
                                    tuple(articles), self._timeline(articles, terms), tuple(terms.values()),
                                    changes, former, *self._history("cluster", key, self.cref)))
        return sorted(clusters, key=lambda c: vi_sort_key(c.name))

    def _membership(self, key: str) -> tuple[tuple[Ref, ...], tuple[Ref, ...], tuple[MembershipChange, ...]]:
        placed = self.ids.members.get(key, [])
        current = tuple(dict.fromkeys(self.unit_refs[i] for i, m in placed if m.end is None))
        former = tuple(r for r in dict.fromkeys(self.unit_refs[i] for i, m in placed if m.end is not None)
                       if r not in current)
        joined: dict[dt.date, list[Ref]] = defaultdict(list)
        left: dict[dt.date, list[Ref]] = defaultdict(list)
        for i, m in placed:
            if m.start is not None:
                joined[m.start].append(self.unit_refs[i])
            if m.end is not None:
                left[m.end + dt.timedelta(days=1)].append(self.unit_refs[i])
        changes = tuple(MembershipChange(day, tuple(sorted(set(joined.get(day, [])), key=lambda r: vi_sort_key(r.name))),
                                         tuple(sorted(set(left.get(day, [])), key=lambda r: vi_sort_key(r.name))))
                        for day in sorted({*joined, *left}))
        return current, former, changes

    def _history(self, kind: str, ident: str, make) -> tuple[Change | None, tuple[Change, ...]]:
        step = self.ids.successor.get((kind, ident))
        successor = Change(make(step.id), step.day, step.relation) if step else None
        before = tuple(Change(make(link.id), link.day, link.relation)
                       for link in self.ids.predecessors.get((kind, ident), []))
        return successor, before

    def _awards(self, a: Article) -> tuple[AwardGiven, ...]:
        day = a.date.as_date()
        return tuple(AwardGiven(w, a, a.year, tuple(self.recipient(r, day) for r in w.recipients)) for w in a.awards)

    def _scores(self, a: Article) -> tuple[ScoreRow, ...]:
        day = a.date.as_date()
        rows = [ScoreRow(ref, s, a, a.year) for s in a.scores if (ref := self.ref(s.unit, day))]
        return tuple(sorted(rows, key=lambda r: (r.score.rank is None, r.score.rank or 0, -(r.score.points or 0))))

    def _timeline(self, articles: list[Article], terms: dict[int, ChairTerm]) -> tuple[TimelineYear, ...]:
        years = {a.year for a in articles} | set(terms)
        if not years:
            return ()
        by_year: dict[int, list[Article]] = defaultdict(list)
        for a in articles:
            by_year[a.year].append(a)
        out = []
        for y in range(max(years), min(years) - 1, -1):
            items = by_year.get(y, [])
            scored = [a for a in items if a.scores]
            # The latest report with a score table of the year is its final word.
            scores = self._scores(max(scored, key=lambda a: (a.date.sort_key, a.source))) if scored else ()
            awards = tuple(g for a in sorted(items, key=lambda a: (a.date.sort_key, a.source)) for g in self._awards(a))
            out.append(TimelineYear(y, tuple(items), terms.get(y), awards, scores))
        return tuple(out)

    # -- units, years, collisions --------------------------------------------------------

    def _units(self, clusters: list[Cluster]) -> list[Unit]:
        member_of: dict[str, list[Ref]] = defaultdict(list)
        appears_in: dict[str, list[Ref]] = defaultdict(list)
        chaired: dict[str, list[UnitRole]] = defaultdict(list)
        vice: dict[str, list[UnitRole]] = defaultdict(list)
        awards: dict[str, list[AwardGiven]] = defaultdict(list)
        scores: dict[str, list[ScoreRow]] = defaultdict(list)
        hosted: dict[str, list[Article]] = defaultdict(list)
        for c in clusters:
            for m in (*c.members, *c.former_members):
                member_of[m.slug].append(c.ref)
            for t in c.succession:
                if t.chair:
                    chaired[t.chair.slug].append(UnitRole(c.ref, t))
                if t.vice_chair:
                    vice[t.vice_chair.slug].append(UnitRole(c.ref, t))
        cluster_by_key = {c.slug: c.ref for c in clusters}
        for a in self.articles:
            key = self.cluster_key_of.get(a.source)
            cref = cluster_by_key.get(key) if key else None
            host = self.ref(a.host) if a.host else None
            if host:
                hosted[host.slug].append(a)
            for g in self._awards(a):
                for r in g.recipients:
                    if isinstance(r, Ref):
                        awards[r.slug].append(g)
                        if cref:
                            appears_in[r.slug].append(cref)
            for row in self._scores(a):
                scores[row.unit.slug].append(row)
                if cref:
                    appears_in[row.unit.slug].append(cref)

        def terms(items: list[UnitRole]) -> tuple[UnitRole, ...]:
            return tuple(sorted(items, key=lambda r: (-r.term.term, r.cluster.slug)))

        def results(key: str) -> tuple:
            return (terms(chaired.get(key, [])), terms(vice.get(key, [])), tuple(dict.fromkeys(awards.get(key, []))),
                    tuple(sorted(scores.get(key, []), key=lambda r: (-r.year, r.article.url))),
                    tuple(hosted.get(key, [])))

        def ancestors(key: str, seen: set[str]) -> list[Inherited]:
            out = []
            for link in self.ids.predecessors.get(("unit", key), []):
                if link.id in seen:
                    continue
                seen.add(link.id)
                out.append(Inherited(self.unit_refs[link.id], link.day, *results(link.id)))
                out += ancestors(link.id, seen)
            return out

        units = []
        for key, ref in self.unit_refs.items():
            refs = member_of.get(key) or appears_in.get(key, [])
            unit_clusters = tuple(sorted(dict.fromkeys(refs), key=lambda r: vi_sort_key(r.name)))
            entry = self.ids.units.entries[key]
            data = entry.data
            names = tuple(NameSpan(clean_name(f.name), f.until) for f in
                          sorted(getattr(data, "former_names", ()), key=lambda f: f.until or dt.date.max))
            names += (NameSpan(entry.name, getattr(getattr(data, "history", None), "end", None)),)
            successor, before = self._history("unit", key, self.uref)
            now, _ = self.ids.current("unit", key)
            current = self.uref(now) if successor and now != successor.other.slug else None
            units.append(Unit(ref, unit_clusters, *results(key), self.ids.units.is_registered(key), names, successor,
                              current, before, tuple(ancestors(key, {key}))))
        return sorted(units, key=lambda u: vi_sort_key(u.name))

    def _years(self, clusters: list[Cluster]) -> list[Year]:
        by_year: dict[int, list[Article]] = defaultdict(list)
        for a in self.articles:
            by_year[a.date.year].append(a)
        order = {c.slug: i for i, c in enumerate(clusters)}
        refs = {c.slug: c.ref for c in clusters}
        years = []
        for y in sorted(by_year, reverse=True):
            groups: dict[str | None, list[Article]] = defaultdict(list)
            for a in by_year[y]:
                groups[self.cluster_key_of.get(a.source)].append(a)
            ordered = sorted(groups, key=lambda k: (k is None, order.get(k, 0) if k else 0))
            years.append(Year(y, self.config.urls.path("year", year=y), tuple(by_year[y]),
                              tuple(YearGroup(refs[k] if k else None, tuple(groups[k])) for k in ordered)))
        return years

    def _redirects(self) -> list[Redirect]:
        out = []
        seen_ids: dict[str, Article] = {}
        for a in sorted(self.articles, key=lambda a: a.source):
            if a.id:
                if a.id in seen_ids:
                    other = seen_ids[a.id]
                    self.report.error(a.display, a.line("id"), "id", N_('"{id}" is also the id of {other}', id=a.id,
                                                                           other=other.display),
                                      N_("give each article its own id"))
                    continue
                seen_ids[a.id] = a
                out.append(Redirect(self.config.urls.path("short", id=a.id), a.url, a.title, a.display,
                                    a.line("id"), "short"))
        for doc in sorted([*self.articles, *self.pages], key=lambda d: d.source):
            kind = "page" if isinstance(doc, Page) else "article"
            for alias in doc.aliases:
                url = alias + "/" if "/" in alias else self.config.urls.path(kind, slug=alias)
                if url != doc.url:
                    line = doc.line("aliases") if isinstance(doc, Article) else None
                    out.append(Redirect(url, doc.url, doc.title, doc.display, line))
        return out

    def _collisions(self, clusters: list[Cluster], units: list[Unit], years: list[Year], redirects: list[Redirect]) -> None:
        owners: dict[str, tuple[str, str | None, int | None]] = {}
        u = self.config.urls
        for fixed, label in (("", N_("the home page")), (u.path("search"), N_("the search page")),
                             (u.path("clusters"), N_("the list of clusters")), (u.path("units"), N_("the list of units")),
                             (u.path("years"), N_("the archive of years")), (u.path("data"), N_("the data exports"))):
            owners[fixed] = (label, None, None)
        for c in clusters:
            owners.setdefault(c.url, (N_("the page of {name}", name=c.name), None, None))
        for unit in units:
            owners.setdefault(unit.url, (N_("the page of {name}", name=unit.name), None, None))
        for y in years:
            owners.setdefault(y.url, (N_("the archive of {year}", year=y.year), None, None))
        # Addresses the build makes below those pages: later pages of a listing, a
        # cluster's page for one year, the search index.
        reserved = [(later_pages(y.url), N_("the archive of {year}", year=y.year)) for y in years]
        reserved += [(later_pages(u.path("units")), N_("the list of units")),
                     (search_index(u), N_("the search index"))]
        for c in clusters:
            for ty in c.timeline:
                owners.setdefault(cluster_year(c.url, ty.year),
                                  (N_("the page of {name} for {year}", name=c.name, year=ty.year), None, None))
                reserved.append((later_pages(cluster_year(c.url, ty.year)),
                                 N_("the page of {name} for {year}", name=c.name, year=ty.year)))

        first_of: dict[str, tuple[int, str]] = {}
        for i, (prefix, label) in enumerate(reserved):
            first_of.setdefault(prefix, (i, label))

        def below_reserved(url: str) -> str | None:
            """The label of the first reserved prefix *url* starts with (all end with "/")."""
            found, end = [], url.find("/")
            while end >= 0:
                hit = first_of.get(url[:end + 1])
                if hit is not None:
                    found.append(hit)
                end = url.find("/", end + 1)
            return min(found)[1] if found else None

        def claim(url: str, display: str, line: int | None, what: str, field_: str = "slug",
                  hint: str = N_("give one of them another slug"), label: str | None = None) -> None:
            below = below_reserved(url)
            if below is not None and url not in owners:
                owners[url] = (below, None, None)
            if url in owners:
                label, other, other_line = owners[url]
                where = f"{other}:{other_line}" if other and other_line else other
                by = where + " (" + label + ")" if other else label
                self.report.error(display, line, field_, N_("{what} would be published at /{url}, which {by} "
                                                            "already uses", what=what, url=url, by=by), hint)
            else:
                owners[url] = (label or what, display, line)

        docs = sorted([*self.articles, *self.pages], key=lambda d: d.source)
        for d in docs:
            written = d.line("slug") if isinstance(d, Article) else None
            if written:
                claim(d.url, d.display, written, f'"{d.slug}"', "slug", N_("give one of them another slug"),
                      f'"{d.title}"')
            else:
                claim(d.url, d.display, d.line("title") if isinstance(d, Article) else None,
                      N_('the address made from the title, slug "{slug}",', slug=d.slug), "title",
                      N_("give one of them a slug of its own, e.g. slug: {slug}-2", slug=d.slug), f'"{d.title}"')
        for r in redirects:
            if r.kind == "short":
                claim(r.url, r.source, r.line, N_('the short address of "{title}"', title=r.title), "id",
                      N_("choose another id"))
            else:
                claim(r.url, r.source, r.line, N_('the old address of "{title}"', title=r.title), "aliases",
                      N_("remove this alias, or give the other page another slug"))

    def build(self) -> Site:
        self._resolve_names()
        clusters = self._clusters()
        units = self._units(clusters)
        years = self._years(clusters)
        redirects = self._redirects()
        self._collisions(clusters, units, years, redirects)
        by_key = {c.slug: c for c in clusters}
        cluster_of = {src: by_key[key] for src, key in self.cluster_key_of.items()}
        unit_ids: dict[str, str] = {}
        for spelled in self.ids.units.spellings():
            for name in self.ids.units.entries[spelled.id].names:
                unit_ids.setdefault(clean_name(name), spelled.id)
            for spelling, _, _ in spelled.found:
                unit_ids.setdefault(clean_name(spelling), spelled.id)
        return Site(self.config, tuple(self.articles), tuple(self.pages), tuple(clusters), tuple(units),
                    tuple(years), tuple(redirects), tuple(self.report.problems), cluster_of,
                    {u.id: u for u in units}, unit_ids,
                    (*self.ids.units.spellings(), *self.ids.clusters.spellings()),
                    (self.unit_registry, self.registry))
