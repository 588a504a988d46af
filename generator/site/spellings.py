"""``confsite check``'s list of how the content writes each unit and cluster.

For each registry entry written in more than one way, the spellings found (official
name, other names, variants that differ in case, diacritics or tone marks), with how
often and where first; how many entries are written only as registered; then the names
that are in no registry. An editor tidies the variants to the registered name, or
adds a real other name to ``also:``.
"""
from __future__ import annotations

from .identity import Spellings
from .sitemodel import Site


def lines(site: Site) -> list[str]:
    out: list[str] = []
    registered = [s for s in site.spellings if s.registered and s.found]
    unregistered = [s for s in site.spellings if not s.registered]
    varied = [s for s in registered if len(s.found) > 1 or s.differs(s.found[0][0])]
    if varied:
        out.append("names of registered units and clusters written in more than one way:")
        for s in varied:
            out.append(f"  {s.kind} {s.id} ({s.name}): " + "; ".join(_spelling(s, f) for f in s.found))
    if len(registered) > len(varied):
        out.append(f"{len(registered) - len(varied)} other registered units and clusters are written only "
                   "as registered")
    if unregistered:
        out.append("names in no registry (add them to units.yaml or clusters.yaml, or correct them):")
        for s in unregistered:
            out.append(f"  {s.kind} \"{s.name}\": " + "; ".join(_spelling(s, f) for f in s.found))
    return out


def _spelling(s: Spellings, found: tuple[str, int, str]) -> str:
    text, times, first = found
    mark = " [differs]" if s.registered and s.differs(text) else ""
    return f'"{text}"{mark} {times}× (first at {first})'
