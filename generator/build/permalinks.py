"""Addresses that must keep working: the manifest of published URLs and the link-rot guard.

``content/.published-urls`` lists, one a line and sorted, every permanent address the
site has published: article and page URLs, short ``/p/<id>/`` URLs and old addresses
(aliases). It is committed with the content. A build compares its own addresses with
the list: one that is gone, and that no alias or id redirect still serves, fails the
build with the address and the likely new page, unless removals are allowed
(``confsite build --allow-removed``). After a successful production build the list is
rewritten with the addresses of that build, so new pages join it.

Listing pages (clusters, units, years, pagination) are made from the articles, have no
alias of their own and are not listed; a QR code or a printed citation points at an
article, a page or a short URL.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.model import Page
from ..core.errors import Problem, Severity

if TYPE_CHECKING:
    from ..site.sitemodel import Site

MANIFEST = ".published-urls"
HEADER = ("# Every address this site has published (site-relative). Written by confsite build;\n"
          "# commit it with the content. A build that would drop one of these fails: keep the old\n"
          "# address with aliases: [old-slug] in the front-matter, or build with --allow-removed.\n")


def manifest_path(site: Site) -> Path:
    return site.config.content_dir / MANIFEST


def published(site: Site) -> list[str]:
    """The permanent addresses of *site*, site-relative with a leading slash, sorted."""
    urls = {d.url for d in (*site.articles, *site.pages)} | {r.url for r in site.redirects}
    return sorted("/" + u for u in urls)


def read(path: Path) -> list[tuple[int, str]]:
    """(line number, address) of every address in a manifest; [] when there is none yet."""
    if not path.is_file():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            out.append((number, "/" + text.strip("/") + "/"))
    return out


def check(site: Site, *, allow_removed: bool = False) -> list[Problem]:
    """An error for each previously published address this build would drop."""
    if allow_removed:
        return []
    path = manifest_path(site)
    now = set(published(site))
    before = read(path)
    gone = [(n, u) for n, u in before if u not in now]
    if not gone:
        return []
    shown = site.config.display(MANIFEST)
    documents = {"/" + d.url: d for d in (*site.articles, *site.pages)}
    known = {u for _, u in before}
    new = [u for u in documents if u not in known]     # a renamed page is among these
    problems = []
    for number, url in gone:
        problems.append(Problem(shown, number, "url", f"{url} was published before and this build no longer has it",
                                _hint(site, url, documents, new), Severity.ERROR))
    return problems


def _hint(site: Site, url: str, documents: dict, new: list[str]) -> str:
    allow = "if the page was removed on purpose, build with --allow-removed"
    near = (difflib.get_close_matches(url, sorted(new), n=1, cutoff=0.4)
            or difflib.get_close_matches(url, sorted(documents), n=1, cutoff=0.4))
    if not near:
        return allow
    doc = documents[near[0]]
    kind = "page" if isinstance(doc, Page) else "article"
    old = url.strip("/")
    slug = old.rsplit("/", 1)[-1]
    alias = slug if site.config.urls.path(kind, slug=slug) == old + "/" else old
    return (f"the likely new page is {near[0]} ({doc.display}): add aliases: [{alias}] to its front-matter "
            f"so the old address leads there; {allow}")


def record(site: Site) -> bool:
    """Write the addresses of *site* to the manifest; True when the file changed."""
    path = manifest_path(site)
    text = HEADER + "".join(u + "\n" for u in published(site))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(MANIFEST + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True
