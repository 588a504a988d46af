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
import re
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
    known = {u for _, u in before}
    problems = []
    for number, url in gone:
        problems.append(Problem(shown, number, "url", f"{url} was published before and this build no longer has it",
                                _hint(site, url, known, [u for _, u in gone]), Severity.ERROR))
    return problems


def _hint(site: Site, url: str, known: set[str], gone: list[str]) -> str:
    old = url.strip("/")
    slug = old.rsplit("/", 1)[-1]
    found = replacement(site, url, known, gone)
    if found is None:
        return (f"no page of this build replaces it: if another page replaces it, add aliases: [{slug}] to that "
                "page's front-matter so the old address leads there; if it was removed on purpose, build with "
                "--allow-removed")
    doc, why = found
    kind = "page" if isinstance(doc, Page) else "article"
    alias = slug if site.config.urls.path(kind, slug=slug) == old + "/" else old
    return (f"the likely new page is /{doc.url} ({doc.display}), {why}: add aliases: [{alias}] to its front-matter "
            "so the old address leads there; if the page was removed on purpose, build with --allow-removed")


def replacement(site: Site, url: str, known: set[str], gone: list[str]) -> tuple[object, str] | None:
    """The page that replaces the dropped *url*, with the reason, only on strong evidence:

    - the page's id: its short address was published before, its own address was not, and
      it is the only such page (or the only one whose address is close to *url*);
    - a nearly identical address (the title barely changed), with the same numbers in it
      (years, terms), for a page whose address is new.

    A page whose address was already published is never a replacement; a weak likeness is
    no evidence (printed QR codes would be sent to the wrong report)."""
    new = [d for d in (*site.articles, *site.pages) if "/" + d.url not in known]
    if not new:
        return None
    slug = url.strip("/").rsplit("/", 1)[-1]
    renamed = [d for d in new if getattr(d, "id", None)
               and "/" + site.config.urls.path("short", id=d.id) in known]
    short = "/" + site.config.urls.path("short", id="\0").split("\0")[0]
    gone_pages = [u for u in gone if not u.startswith(short)]
    if len(renamed) == 1 and len(gone_pages) == 1:
        return renamed[0], f'which keeps its id "{renamed[0].id}"'
    close = [d for d in renamed if _similar(slug, d.slug) >= 0.6]
    if len(close) == 1:
        return close[0], f'which keeps its id "{close[0].id}"'
    close = [d for d in new if _similar(slug, d.slug) >= 0.8 and _numbers(slug) == _numbers(d.slug)]
    if len(close) == 1:
        return close[0], "whose title is nearly the same"
    return None


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _numbers(slug: str) -> list[str]:
    return re.findall(r"\d+", slug)


def records(output_dir: Path, content_dir: Path) -> bool:
    """Whether a build into *output_dir* publishes: only the site's own output folder,
    ``site/`` beside the content folder (the default of ``confsite build``), records its
    addresses; a scratch build elsewhere (``--output ../scratch``) never does."""
    return output_dir.resolve() == (content_dir.resolve().parent / "site")


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
