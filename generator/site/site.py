"""Build the site model: every cross-article fact, computed once, read-only after.

Clusters with their timelines and chair succession, member units, year archives and
URL collisions all live here; templates only present what this module decides.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..core.config import SiteConfig
from ..core.errors import Report, did_you_mean
from ..content.model import Article, ClusterEntry, Leadership, Page
from .sitemodel import (AwardGiven, ChairTerm, Cluster, Redirect, Ref, ScoreRow, Site, TimelineYear, Unit, UnitRole,
                        Year, YearGroup)
from ..core.urls import cluster_year, later_pages, search_index
from ..core.slugs import clean_name, fold, name_key, slugify, vi_sort_key
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
        self.unit_names: dict[str, str] = {}      # key -> display name
        self.unit_sources: dict[str, str] = {}    # key -> where first named (for messages)

    # -- units -----------------------------------------------------------------------

    def _name_unit(self, name: str, where: str) -> None:
        key = name_key(name)
        if key and key not in self.unit_names:
            self.unit_names[key] = clean_name(name)
            self.unit_sources[key] = where

    def _collect_units(self) -> None:
        for entry in self.registry:
            for member in entry.members:
                self._name_unit(member, "clusters.yaml")
        for a in sorted(self.articles, key=lambda a: a.source):
            names = [a.host] + [s.unit for s in a.scores]
            for lead in (a.elected, a.in_office):
                if lead:
                    names += [lead.chair or "", lead.vice_chair or ""]
            for n in names:
                if n:
                    self._name_unit(n, a.display)
        for a in sorted(self.articles, key=lambda a: a.source):
            for award in a.awards:
                for r in award.recipients:
                    if name_key(r) in self.unit_names or is_organisation(r):
                        self._name_unit(r, a.display)
        taken: dict[str, int] = {}
        self.unit_refs: dict[str, Ref] = {}
        for key in sorted(self.unit_names, key=lambda k: vi_sort_key(self.unit_names[k])):
            name = self.unit_names[key]
            slug = slugify(name) or "don-vi"
            n = taken.get(slug, 0) + 1
            taken[slug] = n
            if n > 1:
                slug = f"{slug}-{n}"
            self.unit_refs[key] = Ref(name, slug, self.config.urls.path("unit", slug=slug))

    def ref(self, name: str | None) -> Ref | None:
        return self.unit_refs.get(name_key(name)) if name else None

    def recipient(self, name: str) -> Ref | str:
        return self.unit_refs.get(name_key(name), name)

    # -- clusters --------------------------------------------------------------------

    def _cluster_refs(self) -> dict[str, tuple[Ref, ClusterEntry | None]]:
        refs: dict[str, tuple[Ref, ClusterEntry | None]] = {}
        for entry in self.registry:
            refs[name_key(entry.name)] = (Ref(entry.name, entry.slug, self.config.urls.path("cluster", slug=entry.slug)), entry)
        registered = [e.name for e in self.registry]
        for a in sorted(self.articles, key=lambda a: a.source):
            if a.cluster and name_key(a.cluster) not in refs:
                near = did_you_mean(a.cluster, registered, cutoff=0.5)
                hint = ("did you mean " + " or ".join(f'"{n}"' for n in near) + "?") if near else \
                    "add it to clusters.yaml with its members" if self.registry else \
                    "list the clusters and their members in clusters.yaml"
                self.report.warn(a.display, a.line("cluster"), "cluster",
                                 f'"{a.cluster}" is not in clusters.yaml', hint)
                slug = slugify(a.cluster) or "cum"
                refs[name_key(a.cluster)] = (Ref(clean_name(a.cluster), slug, self.config.urls.path("cluster", slug=slug)), None)
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
            terms[term] = ChairTerm(term, self.ref(chair), self.ref(vice), elected_at, reported)
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
            if name_key(name) != name_key(other):
                label = "chair" if role == "chair" else "vice-chair"
                line = getattr(first[1], f"{role}_line")
                self.report.error(
                    a.display, getattr(lead, f"{role}_line"), f"{field_}.{role}",
                    f'"{name}" as {label} of {cluster.name} for {term}, but {first[0].display}:{line} names "{other}"',
                    "correct the report that is wrong; one term has one " + label)
        return getattr(first[1], role) if first else None

    def _check_members(self, entry: ClusterEntry, a: Article) -> None:
        members = {name_key(m) for m in entry.members}
        if not members:
            return
        placed: list[tuple[str, str, int | None]] = []
        for field_, lead in (("elected", a.elected), ("in_office", a.in_office)):
            if lead:
                placed += [(f"{field_}.chair", lead.chair or "", lead.chair_line),
                           (f"{field_}.vice_chair", lead.vice_chair or "", lead.vice_chair_line)]
        placed += [("scores", s.unit, s.line) for s in a.scores]
        for award in a.awards:
            placed += [("awards", r, award.line) for r in award.recipients if name_key(r) in self.unit_refs]
        for field_, name, line in placed:
            if name and name_key(name) not in members:
                near = did_you_mean(name, entry.members, cutoff=0.5)
                hint = ("did you mean " + " or ".join(f'"{n}"' for n in near) + "?") if near else \
                    "add it to the members of this cluster in clusters.yaml"
                self.report.warn(a.display, line, field_, f'"{name}" is not a member of {entry.name} in clusters.yaml', hint)

    def _clusters(self) -> list[Cluster]:
        refs = self._cluster_refs()
        by_cluster: dict[str, list[Article]] = defaultdict(list)
        self.cluster_key_of: dict[str, str] = {}
        for a in self.articles:
            if a.cluster:
                key = name_key(a.cluster)
                by_cluster[key].append(a)
                self.cluster_key_of[a.source] = key
                entry = refs[key][1]
                if entry:
                    self._check_members(entry, a)
        clusters = []
        for key, (ref, entry) in refs.items():
            articles = by_cluster.get(key, [])
            terms = self._succession(ref, articles)
            clusters.append(Cluster(ref, entry is not None, entry.description if entry else "",
                                    tuple(r for r in (self.ref(m) for m in (entry.members if entry else ())) if r),
                                    tuple(articles), self._timeline(articles, terms), tuple(terms.values())))
        return sorted(clusters, key=lambda c: vi_sort_key(c.name))

    def _awards(self, a: Article) -> tuple[AwardGiven, ...]:
        return tuple(AwardGiven(w, a, a.year, tuple(self.recipient(r) for r in w.recipients)) for w in a.awards)

    def _scores(self, a: Article) -> tuple[ScoreRow, ...]:
        rows = [ScoreRow(self.ref(s.unit), s, a, a.year) for s in a.scores if self.ref(s.unit)]
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
            for m in c.members:
                member_of[name_key(m.name)].append(c.ref)
            for t in c.succession:
                if t.chair:
                    chaired[name_key(t.chair.name)].append(UnitRole(c.ref, t))
                if t.vice_chair:
                    vice[name_key(t.vice_chair.name)].append(UnitRole(c.ref, t))
        cluster_by_key = {name_key(c.name): c.ref for c in clusters}
        for a in self.articles:
            cref = cluster_by_key.get(name_key(a.cluster)) if a.cluster else None
            if a.host and self.ref(a.host):
                hosted[name_key(a.host)].append(a)
            for g in self._awards(a):
                for r in g.recipients:
                    if isinstance(r, Ref):
                        awards[name_key(r.name)].append(g)
                        if cref:
                            appears_in[name_key(r.name)].append(cref)
            for row in self._scores(a):
                scores[name_key(row.unit.name)].append(row)
                if cref:
                    appears_in[name_key(row.unit.name)].append(cref)
        units = []
        for key, ref in self.unit_refs.items():
            refs = member_of.get(key) or appears_in.get(key, [])
            unit_clusters = tuple(sorted(dict.fromkeys(refs), key=lambda r: vi_sort_key(r.name)))
            units.append(Unit(ref, unit_clusters,
                              tuple(sorted(chaired.get(key, []), key=lambda r: (-r.term.term, r.cluster.slug))),
                              tuple(sorted(vice.get(key, []), key=lambda r: (-r.term.term, r.cluster.slug))),
                              tuple(dict.fromkeys(awards.get(key, []))),
                              tuple(sorted(scores.get(key, []), key=lambda r: (-r.year, r.article.url))),
                              tuple(hosted.get(key, []))))
        return sorted(units, key=lambda u: vi_sort_key(u.name))

    def _years(self, clusters: list[Cluster]) -> list[Year]:
        by_year: dict[int, list[Article]] = defaultdict(list)
        for a in self.articles:
            by_year[a.date.year].append(a)
        order = {name_key(c.name): i for i, c in enumerate(clusters)}
        refs = {name_key(c.name): c.ref for c in clusters}
        years = []
        for y in sorted(by_year, reverse=True):
            groups: dict[str | None, list[Article]] = defaultdict(list)
            for a in by_year[y]:
                groups[name_key(a.cluster) if a.cluster else None].append(a)
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
                    self.report.error(a.display, a.line("id"), "id", f'"{a.id}" is also the id of {other.display}',
                                      "give each article its own id")
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
        for fixed, label in (("", "the home page"), (u.path("search"), "the search page"),
                             (u.path("clusters"), "the list of clusters"), (u.path("units"), "the list of units"),
                             (u.path("years"), "the archive of years"), (u.path("data"), "the data exports")):
            owners[fixed] = (label, None, None)
        for c in clusters:
            owners.setdefault(c.url, (f"the page of {c.name}", None, None))
        for unit in units:
            owners.setdefault(unit.url, (f"the page of {unit.name}", None, None))
        for y in years:
            owners.setdefault(y.url, (f"the archive of {y.year}", None, None))
        # Addresses the build makes below those pages: later pages of a listing, a
        # cluster's page for one year, the search index.
        reserved = [(later_pages(y.url), f"the archive of {y.year}") for y in years]
        reserved += [(later_pages(u.path("units")), "the list of units"), (search_index(u), "the search index")]
        for c in clusters:
            for ty in c.timeline:
                owners.setdefault(cluster_year(c.url, ty.year), (f"the page of {c.name} for {ty.year}", None, None))
                reserved.append((later_pages(cluster_year(c.url, ty.year)), f"the page of {c.name} for {ty.year}"))

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
                  hint: str = "give one of them another slug", label: str | None = None) -> None:
            below = below_reserved(url)
            if below is not None and url not in owners:
                owners[url] = (below, None, None)
            if url in owners:
                label, other, other_line = owners[url]
                where = f"{other}:{other_line}" if other and other_line else other
                by = f"{where} ({label})" if other else label
                self.report.error(display, line, field_, f'{what} would be published at /{url}, which {by} '
                                  "already uses", hint)
            else:
                owners[url] = (label or what, display, line)

        docs = sorted([*self.articles, *self.pages], key=lambda d: d.source)
        for d in docs:
            written = d.line("slug") if isinstance(d, Article) else None
            if written:
                claim(d.url, d.display, written, f'"{d.slug}"', "slug", "give one of them another slug",
                      f'"{d.title}"')
            else:
                claim(d.url, d.display, d.line("title") if isinstance(d, Article) else None,
                      f'the address made from the title, slug "{d.slug}",', "title",
                      f"give one of them a slug of its own, e.g. slug: {d.slug}-2", f'"{d.title}"')
        for r in redirects:
            what = "the short address" if r.kind == "short" else "the old address"
            if r.kind == "short":
                claim(r.url, r.source, r.line, f'{what} of "{r.title}"', "id", "choose another id")
            else:
                claim(r.url, r.source, r.line, f'{what} of "{r.title}"', "aliases",
                      "remove this alias, or give the other page another slug")

    def build(self) -> Site:
        self._collect_units()
        clusters = self._clusters()
        units = self._units(clusters)
        years = self._years(clusters)
        redirects = self._redirects()
        self._collisions(clusters, units, years, redirects)
        by_key = {name_key(c.name): c for c in clusters}
        cluster_of = {src: by_key[key] for src, key in self.cluster_key_of.items()}
        return Site(self.config, tuple(self.articles), tuple(self.pages), tuple(clusters), tuple(units),
                    tuple(years), tuple(redirects), tuple(self.report.problems), cluster_of,
                    {name_key(u.name): u for u in units})
