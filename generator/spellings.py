"""``confsite check``'s list of how the content writes each unit and cluster.

For each registry entry the spellings found (official name, other names, variants that
differ in case, diacritics or tone marks), with how often and where first; then the
names that are in no registry. An editor tidies the variants to the registered name, or
adds a real other name to ``also:``.
"""
from __future__ import annotations

from .identity import Spellings
from .site import Site


def lines(site: Site) -> list[str]:
    out: list[str] = []
    registered = [s for s in site.spellings if s.registered and s.found]
    unregistered = [s for s in site.spellings if not s.registered]
    if registered:
        out.append("names of registered units and clusters as the content writes them:")
        for s in registered:
            out.append(f"  {s.kind} {s.id} ({s.name}): " + "; ".join(_spelling(s, f) for f in s.found))
    if unregistered:
        out.append("names in no registry (add them to units.yaml or clusters.yaml, or correct them):")
        for s in unregistered:
            out.append(f"  {s.kind} \"{s.name}\": " + "; ".join(_spelling(s, f) for f in s.found))
    return out


def _spelling(s: Spellings, found: tuple[str, int, str]) -> str:
    text, times, first = found
    mark = "" if text == s.name else " [differs]"
    return f'"{text}"{mark} {times}× (first at {first})'
