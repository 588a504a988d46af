"""Output files that are not rendered from a template (data exports, image variants),
and the template helpers that point at them.

:func:`install` is called once per render with the Jinja environment; it is a pure
function of the site model (and the media files' bytes).
"""
from __future__ import annotations

import jinja2
from markupsafe import Markup

from . import exports, images
from ..cache.cache import BuildCache
from ..site.sitemodel import Site


def install(env: jinja2.Environment, site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """Give templates ``picture(src)``, ``srcset(picture)`` and the ``responsive`` filter;
    return the extra files (site-relative path → bytes): image variants and data exports."""
    files = install_helpers(env, site)
    files.update(exports.export_files(site, cache))
    return files


def install_helpers(env: jinja2.Environment, site: Site, media: set[str] | None = None) -> dict[str, bytes]:
    """The template helpers of :func:`install` alone, with the image variants they point
    at (for the media files in *media*, when given)."""
    pictures, files = images.prepare(site, media)
    url = env.globals["url"]
    base_path = site.config.base_path
    env.globals["picture"] = pictures.get
    env.globals["srcset"] = lambda p: images.srcset(p, url)
    env.globals["image_sizes"] = images.SIZES
    env.filters["responsive"] = lambda html: Markup(images.responsive_body(str(html), pictures, base_path, url))
    return files
