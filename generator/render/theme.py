"""The theme's static assets with content-hashed names (where the bundled theme is: ``core/bundle.py``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.hashing import name_hash


@dataclass(frozen=True)
class Asset:
    name: str        # as templates ask for it: "style.css"
    url: str         # site-relative, hashed: "static/style.1a2b3c4d.css"
    data: bytes


def assets(dirs: tuple[Path, ...]) -> dict[str, Asset]:
    """Static files of the theme (an editor's own first), named after their content."""
    found: dict[str, Asset] = {}
    for base in dirs:
        static = base / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if not path.is_file() or path.name.startswith((".", "_")):
                continue
            name = path.relative_to(static).as_posix()
            if name in found:
                continue
            data = path.read_bytes()
            digest = name_hash(data)
            stem, dot, ext = name.rpartition(".")
            hashed = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
            found[name] = Asset(name, f"static/{hashed}", data)
    return found
