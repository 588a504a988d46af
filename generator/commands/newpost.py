"""``confsite new``: a new report file with a commented front-matter skeleton, marked as a draft.

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
from ..content.placeholder import PLACEHOLDER
from ..core.errors import BuildFailed, Problem, Severity, did_you_mean
from ..core.messages import ENGLISH, N_, Translator, join
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
    add = N_("add it to {path} so it gets its page and timeline: - name: {name} with its members: under it",
             path=shown, name=_scalar(given))
    hint = (N_("did you mean {names}? If not, and it is a new cluster, {add}",
               names=join(N_(" or "), [f'"{n}"' for n in near]), add=add) if near
            else N_("if it is a new cluster, {add}", add=add))
    return given, Problem(shown, None, "cluster", N_('"{cluster}" is not in clusters.yaml', cluster=given), hint,
                          Severity.WARNING)


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


# The comment of each field of the skeleton (the field lines themselves are YAML and stay as they are).
_C = {
    "title": N_("the headline, as readers will see it"),
    "date": N_("the date of the conference, YYYY-MM-DD"),
    "slug": N_("the page address, made from the title; change it only before publishing"),
    "cluster": N_("the cluster's name as in clusters.yaml: makes this a report on the cluster's timeline"),
    "kind": N_("tong-ket (year review) | so-ket (mid-year) | trien-khai (plans) | other"),
    "period": N_("the emulation year the conference reviews"),
    "location": N_("where the conference was held"),
    "host": N_("the host unit"),
    "summary": N_("one or two sentences for listings, search and feeds"),
    "attendees": N_("who attended: one person a line"),
    "awards": N_("awards: the title of the award, then who received it"),
    "scores": N_("the score table: one unit a line"),
    "elected": N_("the chair and vice-chair elected for the next emulation year"),
    "images": N_("photos: the file beside this report, and what it shows"),
    "tags": N_("keywords"),
    "author": N_("who wrote the report"),
    "draft": N_("a draft is left out of the published site; delete this line when the report is ready"),
}
_HEADER = N_("Fill in the fields below. Lines starting with # are comments: remove the # of the fields you need.")


def skeleton(title: str, date: dt.date | ArticleDate, slug: str, cluster: str | None,
             tr: Translator = ENGLISH) -> str:
    def c(key: str) -> str:
        return "# " + tr(_C[key])

    lines = [
        ("# " + tr(_HEADER), ""),
        (f"title: {_scalar(title)}", c("title")),
        (f"date: {date.iso() if isinstance(date, ArticleDate) else date.isoformat()}", c("date")),
        (f"slug: {slug}", c("slug")),
        (f"cluster: {_scalar(cluster)}" if cluster else "# cluster: Cụm thi đua …", c("cluster")),
        ("# kind: tong-ket", c("kind")),
        (f"# period: {date.year}", c("period")),
        ("# location: Hội trường …", c("location")),
        ("# host: Sở Nội vụ tỉnh …", c("host")),
        ("# summary: >-", c("summary")),
        ("#   " + tr(N_("One or two sentences about the conference.")), ""),
        ("# attendees:", c("attendees")),
        ("#   - Họ và tên, chức vụ", ""),
        ("# awards:", c("awards")),
        ("#   - award: Cờ thi đua …", ""),
        ("#     recipient: Sở Nội vụ tỉnh …", ""),
        ("# scores:", c("scores")),
        ("#   - {unit: Sở Nội vụ tỉnh …, points: 990, out_of: 1000, rank: 1}", ""),
        ("# elected:", c("elected")),
        (f"#   term: {date.year + 1}", ""),
        ("#   chair: Sở Nội vụ tỉnh …", ""),
        ("#   vice_chair: Sở Nội vụ tỉnh …", ""),
        ("# images:", c("images")),
        ("#   - {src: anh.jpg, caption: Quang cảnh hội nghị}", ""),
        ("# tags: [thi đua, khen thưởng]", c("tags")),
        ("# author: …", c("author")),
        ("draft: true", c("draft")),
    ]
    width = max(len(text) for text, comment in lines if comment and len(text) <= 40) + 2
    out = ["---"]
    for text, comment in lines:
        out.append(f"{text:<{width - 2}}  {comment}" if comment else text)
    out += ["---", tr(PLACEHOLDER), ""]
    return "\n".join(out)


def new_article(content: Path, title: str, *, cluster: str | None = None, date: dt.date | ArticleDate | None = None,
                warnings: list[Problem] | None = None, language: str = "en") -> Path:
    """Write the skeleton and return its path; :class:`BuildFailed` when it cannot or must not.
    A *date* may be month-only (``ArticleDate(2024, 12)``); warnings are appended to *warnings*."""
    title = clean_name(title)
    slug = slugify(title)
    if not slug:
        raise BuildFailed([Problem("title", None, "", N_('"{title}" has no letters or digits to make an address from',
                                                         title=title),
                                   N_('give a title such as "Hội nghị tổng kết năm 2024"'))])
    if not (content / "site.yaml").is_file():
        raise BuildFailed([Problem(content.as_posix(), None, "", N_("is not a content folder (no site.yaml)"),
                                   N_("run confsite new in the folder that holds content/, or give --content"))])
    name, warning = resolve_cluster(content, cluster) if cluster else (None, None)
    date = date or dt.date.today()
    target = content / "reports" / str(date.year) / f"{slug}.md"
    shown = target.relative_to(content.parent).as_posix() if content.parent != Path("") else target.as_posix()
    if target.exists():
        raise BuildFailed([Problem(shown, None, "", N_("already exists; nothing was written"),
                                   N_("open that file, or choose another title"))])
    same = sorted(p for p in content.rglob(f"{slug}.md") if p != target)
    if same:
        raise BuildFailed([Problem(same[0].as_posix(), None, "slug", N_('already uses the address "{slug}"; '
                                   "nothing was written", slug=slug), N_("choose another title"))])
    text = skeleton(title, date, slug, name, Translator(language))
    post = frontmatter.loads(text)          # the skeleton must read back as what we meant
    assert post["title"] == title and post["slug"] == slug and post.get("cluster") == name
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as f:
        f.write(text)
    if warning is not None and warnings is not None:
        warnings.append(warning)
    return target
