"""Advice for ``confsite check``: things that build, but that an editor likely wants to fix.

Advice is a warning (:class:`~generator.errors.Problem` with WARNING severity) in the
same ``path:line: field: …; …`` shape as every other message. It reads the site model
and, for image alt texts in the body, the article's own file.
"""
from __future__ import annotations

import re

from ..cache.cache import BuildCache
from ..core.errors import Problem, Severity, did_you_mean, did_you_mean_text
from ..core.hashing import digest
from ..core.messages import N_
from ..site.sitemodel import Site
from ..core.slugs import fold

_IMAGE_NO_ALT = re.compile(r"!\[\s*\]\(")
_CONFERENCE = re.compile(r"\bhoi nghi\b")
_CLUSTER = re.compile(r"\bcum\b")
_EMULATION_CLUSTER = re.compile(r"\bcum thi dua\b")


def _warn(path: str, line: int | None, field_: str, message: str, hint: str) -> Problem:
    return Problem(path, line, field_, message, hint, Severity.WARNING)


def advise(site: Site, cache: BuildCache | None = None) -> list[Problem]:
    """The advice for *site*; with *cache*, what an article's own file gives is remembered
    by the file's digest (an unchanged file is not read again)."""
    cache = cache if cache is not None else BuildCache(None)
    problems: list[Problem] = []
    registered = [c for c in site.clusters if c.registered]
    members = {m.slug: m.name for c in registered for m in (*c.members, *c.former_members)}
    for a in sorted(site.articles, key=lambda a: a.source):
        first = a.line("title") or 1
        if not a.summary:
            problems.append(_warn(a.display, first, "summary", N_("missing; listings, search results and feeds "
                                  "then show the first lines of the text"),
                                  N_("write summary: with one or two sentences about the conference")))
        for i, image in enumerate(a.images):
            if not image.caption:
                problems.append(_warn(a.display, image.line, "images", N_("item {n} has no caption; readers of "
                                      "screen readers and printouts do not know what it shows", n=i + 1),
                                      N_("write caption: Quang cảnh hội nghị (what the picture shows)")))
        problems += cache.memoized("advice", digest(a.digest, a.source, a.display, str(site.config.content_dir)),
                                   lambda: _body_images(site, a))
        if a.cluster is None and _looks_like_report(a.title):
            near = did_you_mean(a.title, [c.name for c in registered], n=1, cutoff=0.6) if registered else []
            named = [c.name for c in registered if fold(c.name) in fold(a.title)]
            guess = (named or near)
            hint = (N_("if it is, write cluster: {name}", name=guess[0]) if guess else
                    N_("if it is, write cluster: with the cluster's name as in clusters.yaml"))
            problems.append(_warn(a.display, first, "cluster", N_("the title reads like a conference of an emulation "
                                  "cluster, but the article names no cluster, so it is on no cluster's timeline"),
                                  hint))
        cluster = site.cluster_of(a)
        if cluster is not None and cluster.registered:
            continue          # the site model already names non-members of a registered cluster
        for field_, name, line in _units(a):
            unit = site.unit(name)
            if unit is not None and not unit.registered:
                continue      # the build has already warned about a name in no registry
            if members and (unit is None or unit.id not in members):
                near = did_you_mean(name, members.values(), cutoff=0.5)
                hint = did_you_mean_text(near) if near else \
                    N_("check the spelling against the members in clusters.yaml")
                problems.append(_warn(a.display, line, field_, N_('"{name}" is not a member of any cluster in '
                                      "clusters.yaml", name=name), hint))
    return problems


def _looks_like_report(title: str) -> bool:
    folded = fold(title)
    return bool(_EMULATION_CLUSTER.search(folded) or (_CONFERENCE.search(folded) and _CLUSTER.search(folded)))


def _units(a) -> list[tuple[str, str, int | None]]:
    found: list[tuple[str, str, int | None]] = []
    for field_, lead in (("elected", a.elected), ("in_office", a.in_office)):
        if lead:
            found += [(f"{field_}.chair", lead.chair, lead.chair_line),
                      (f"{field_}.vice_chair", lead.vice_chair, lead.vice_chair_line)]
    found += [("scores", s.unit, s.line) for s in a.scores]
    return [(f, n, line) for f, n, line in found if n]


def _body_images(site: Site, a) -> list[Problem]:
    path = site.config.content_dir / a.source
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [_warn(a.display, n, "body", N_("an image without a description (![](…))"),
                  N_("describe it between the brackets: ![Quang cảnh hội nghị](anh.jpg)"))
            for n, text in enumerate(lines, 1) if _IMAGE_NO_ALT.search(text)]
