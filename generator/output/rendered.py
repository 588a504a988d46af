"""A rendered site in memory: what ``render`` hands to ``write``.

Kept apart from ``render.py`` so that code which only looks at a site (the no-op check,
``write``) does not import Jinja and the Markdown stack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]                          # output path → bytes
    copies: dict[str, Path] = field(default_factory=dict)  # output path → file to copy (media)
    kept: dict[str, str] = field(default_factory=dict)     # output path → digest: same as the previous site's file
    placed: dict[str, str] = field(default_factory=dict)   # output path → digest: rendered, already in staging

    @property
    def paths(self) -> set[str]:
        """Every file of the site, rendered, placed, copied or kept, in no order."""
        return {*self.files, *self.placed, *self.copies, *self.kept}

    @property
    def outputs(self) -> list[str]:
        """Every file of the site, in order."""
        return sorted(self.paths)

    @property
    def made(self) -> list[str]:
        """The files this build rendered (in memory or already placed in the staging folder)."""
        return sorted({*self.files, *self.placed})
