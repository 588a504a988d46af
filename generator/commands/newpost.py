"""``confsite new``: a new report file with a commented front-matter skeleton.

The file goes to the conventional place, ``content/reports/<year>/<slug>.md``, the
slug derived from the title like the build derives it. Nothing is ever overwritten.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import frontmatter
import yaml

from ..content.model import ArticleDate
from ..core.errors import BuildFailed, Problem, Severity, did_you_mean
from ..core.slugs import clean_name, fold, name_key, slugify


def _scalar(value: str) -> str:
    """One YAML scalar on one line, quoted only when YAML needs it."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()


def registered_clusters(content: Path) -> list[tuple[str, str]]:
    """(name, slug) of every cluster in ``clusters.yaml``; [] when there is none or it is unreadable."""
    path = content / "clusters.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    found = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            name = clean_name(item["name"])
            slug = item.get("slug") if isinstance(item.get("slug"), str) else slugify(name)
            found.append((name, slug))
    return found


def resolve_cluster(content: Path, given: str) -> tuple[str, Problem | None]:
    """The registered name for *given* (a name in any spelling, or a slug); a cluster that
    is not registered is kept as written, with a warning that says how to register it
    (an article may name any cluster: see docs/content-format.md, section 3)."""
    given = clean_name(given)
    clusters = registered_clusters(content)
    for name, slug in clusters:
        if name_key(name) == name_key(given) or slug == given.strip():
            return name, None
    shown = f"{content.as_posix()}/clusters.yaml"
    near = _same_region(given, [n for n, _ in clusters])
    guess = ("did you mean " + " or ".join(f'"{n}"' for n in near) + "? If not, and it is a new cluster, ") \
        if near else "if it is a new cluster, "
    hint = (guess + f"add it to {shown} so it gets its page and timeline: - name: {_scalar(given)} "
            "with its members: under it")
    return given, Problem(shown, None, "cluster", f'"{given}" is not in clusters.yaml', hint, Severity.WARNING)


# Words every cluster's name shares ("Cụm thi đua Sở Nội vụ các tỉnh, thành …"): two names
# are alike only in the words that tell clusters apart.
_GENERIC = {"cum", "thi", "dua", "so", "noi", "vu", "cac", "tinh", "thanh", "pho", "nganh", "khu", "vuc"}


def _same_region(given: str, names: list[str]) -> list[str]:
    """Registered names whose telling words are nearly those of *given* (Bắc Bộ for Bac Bo),
    never a cluster that only shares "Cụm thi đua"."""
    def words(name: str) -> set[str]:
        return set(re.findall(r"\w+", fold(name))) - _GENERIC

    mine = words(given)
    out = []
    for name in names:
        theirs = words(name)
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= 0.6:
            out.append(name)
    return out or [n for n in did_you_mean(given, names, cutoff=0.9)]


def skeleton(title: str, date: dt.date | ArticleDate, slug: str, cluster: str | None) -> str:
    cluster_line = (f"cluster: {_scalar(cluster)}" if cluster else
                    "# cluster: Cụm thi đua …    # the cluster's name as in clusters.yaml: makes this a report")
    return f"""---
# Required: the headline, and the date of the conference (YYYY-MM-DD).
title: {_scalar(title)}
date: {date.iso() if isinstance(date, ArticleDate) else date.isoformat()}
slug: {slug}
{cluster_line}
# kind: tong-ket             # tong-ket (year review) | so-ket (mid-year) | trien-khai | other
# period: {date.year}                # the emulation year the conference reviews
# location: Hội trường …
# host: Sở Nội vụ tỉnh …
# summary: >-
#   One or two sentences for listings, search and feeds.
# attendees:
#   - Họ và tên, chức vụ
# awards:
#   - award: Cờ thi đua …
#     recipient: Sở Nội vụ tỉnh …
# scores:
#   - {{unit: Sở Nội vụ tỉnh …, points: 990, out_of: 1000, rank: 1}}
# elected:
#   term: {date.year + 1}
#   chair: Sở Nội vụ tỉnh …
#   vice_chair: Sở Nội vụ tỉnh …
# images:
#   - {{src: anh.jpg, caption: Quang cảnh hội nghị}}
# tags: [thi đua, khen thưởng]
# author: …
# draft: true               # keeps it out of the published site until you remove this line
---
Write the report here, in Markdown: paragraphs separated by an empty line,
`## Heading` for sections.
"""


def new_article(content: Path, title: str, *, cluster: str | None = None, date: dt.date | ArticleDate | None = None,
                warnings: list[Problem] | None = None) -> Path:
    """Write the skeleton and return its path; :class:`BuildFailed` when it cannot or must not.
    A *date* may be month-only (``ArticleDate(2024, 12)``); warnings are appended to *warnings*."""
    title = clean_name(title)
    slug = slugify(title)
    if not slug:
        raise BuildFailed([Problem("title", None, "", f'"{title}" has no letters or digits to make an address from',
                                   'give a title such as "Hội nghị tổng kết năm 2024"')])
    if not (content / "site.yaml").is_file():
        raise BuildFailed([Problem(content.as_posix(), None, "", "is not a content folder (no site.yaml)",
                                   "run confsite new in the folder that holds content/, or give --content")])
    name, warning = resolve_cluster(content, cluster) if cluster else (None, None)
    date = date or dt.date.today()
    target = content / "reports" / str(date.year) / f"{slug}.md"
    shown = target.relative_to(content.parent).as_posix() if content.parent != Path("") else target.as_posix()
    if target.exists():
        raise BuildFailed([Problem(shown, None, "", "already exists; nothing was written",
                                   "open that file, or choose another title")])
    same = sorted(p for p in content.rglob(f"{slug}.md") if p != target)
    if same:
        raise BuildFailed([Problem(same[0].as_posix(), None, "slug", f'already uses the address "{slug}"; '
                                   "nothing was written", "choose another title")])
    text = skeleton(title, date, slug, name)
    post = frontmatter.loads(text)          # the skeleton must read back as what we meant
    assert post["title"] == title and post["slug"] == slug and post.get("cluster") == name
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as f:
        f.write(text)
    if warning is not None and warnings is not None:
        warnings.append(warning)
    return target
