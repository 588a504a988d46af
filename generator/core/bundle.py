"""Where the files shipped with confsite are: the bundled theme (templates and static files)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_templates() -> Path:
    """The top-level ``templates/`` of a checkout, or the copy installed with the package
    (``generator/render/templates`` in a wheel, see ``pyproject.toml``)."""
    here = Path(__file__).resolve().parents[2] / "templates"
    if (here / "base.html").is_file():
        return here
    return Path(str(resources.files("generator.render") / "templates"))
