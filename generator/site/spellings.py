"""``confsite check``'s list of how the content writes each unit and cluster.

For each registry entry written in more than one way, the spellings found (official
name, other names, variants that differ in case, diacritics or tone marks), with how
often and where first; how many entries are written only as registered; then the names
that are in no registry. An editor tidies the variants to the registered name, or
adds a real other name to ``also:``.
"""
from __future__ import annotations

from ..content.registry import KINDS
from ..core.messages import N_, join
from .identity import Spellings
from .sitemodel import Site


def lines(site: Site) -> list[str]:
    out: list[str] = []
    registered = [s for s in site.spellings if s.registered and s.found]
    unregistered = [s for s in site.spellings if not s.registered]
    varied = [s for s in registered if len(s.found) > 1 or s.differs(s.found[0][0])]
    if varied:
        out.append(N_("names of registered units and clusters written in more than one way:"))
        for s in varied:
            out.append(N_("  {kind} {id} ({name}): {spellings}", kind=KINDS.get(s.kind, s.kind), id=s.id, name=s.name,
                          spellings=join("; ", [_spelling(s, f) for f in s.found])))
    if len(registered) > len(varied):
        out.append(N_("{n} other registered units and clusters are written only as registered",
                      n=len(registered) - len(varied)))
    if unregistered:
        out.append(N_("names in no registry (add them to units.yaml or clusters.yaml, or correct them):"))
        for s in unregistered:
            out.append(N_('  {kind} "{name}": {spellings}', kind=KINDS.get(s.kind, s.kind), name=s.name,
                          spellings=join("; ", [_spelling(s, f) for f in s.found])))
    return out


def _spelling(s: Spellings, found: tuple[str, int, str]) -> str:
    text, times, first = found
    if s.registered and s.differs(text):
        return N_('"{text}" [differs] {times}× (first at {first})', text=text, times=times, first=first)
    return N_('"{text}" {times}× (first at {first})', text=text, times=times, first=first)
