"""Validate: raw documents → typed articles, pages and the cluster registry.

Every problem is collected; nothing is raised for bad content. Bodies are rendered to
safe HTML here, because only then are their media references known and checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from posixpath import basename, splitext
from typing import Any

from . import markdown
from ..cache import parallel
from ..core import yamldoc
from ..cache.cache import BuildCache
from ..core.hashing import digest
from ..core.config import SiteConfig
from ..core.errors import Problem, Report, suggestion
from .fields import Fields
from .lazy import LazyBody
from .load import IMAGE_SUFFIXES, LoadedContent, MediaFile, RawDocument
from ..core.messages import N_
from .model import KINDS, Article, Attendee, Award, Body, ClusterEntry, Image, Leadership, Page, Score
from .placeholder import placeholder_line
from ..core.paths import classify, same_but_case
from .registry import UnitEntry, read_history, read_members, read_units
from ..core.slugs import clean_name, is_slug, name_key, slugify

ARTICLE_KEYS = {"title", "date", "slug", "cluster", "kind", "period", "location", "host", "summary", "attendees",
                "awards", "scores", "elected", "in_office", "images", "tags", "author", "source", "id", "aliases",
                "draft"}
PAGE_KEYS = {"title", "date", "slug", "summary", "order", "draft", "aliases"}
AWARD_KEYS = {"award", "recipient", "recipients", "count", "conferred_by"}
SCORE_KEYS = {"unit", "points", "out_of", "rank"}
LEADERSHIP_KEYS = {"term", "chair", "vice_chair"}
ATTENDEE_KEYS = {"name", "role", "organization"}
CLUSTER_KEYS = {"name", "slug", "members", "description", "also", "from", "until", "merged_into", "renamed_to",
                "formed_from"}


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    clusters: tuple[ClusterEntry, ...]
    problems: tuple[Problem, ...]
    units: tuple[UnitEntry, ...] = ()      # units.yaml


@dataclass
class _Draft:
    """An article's front-matter, read; its body is rendered once every URL is known."""

    raw: RawDocument
    fields: dict[str, Any]


def validate(loaded: LoadedContent, config: SiteConfig, cache: BuildCache | None = None,
             jobs: int | None = None) -> Content:
    report = Report()
    report.extend(loaded.problems)
    # Front-matter first (each document on its own), then the bodies, which need every
    # document's address for their links; both spread over the cores.
    readable = [raw for raw in loaded.documents if raw.has_front_matter]
    read = _read_all(readable, config, loaded, cache, jobs)
    drafts: list[_Draft] = []
    speculative: list[Any] = []
    for raw, ((values, problems), body) in zip(readable, read):
        report.extend(problems)
        if values is not None:
            drafts.append(_Draft(raw, dict(values)))
            speculative.append(body)

    documents = {d.raw.rel: config.urls.path("page" if d.raw.is_page else "article", slug=d.fields["slug"])
                 for d in drafts if d.fields.get("slug")}
    bodies = _bodies(drafts, speculative, config, loaded, documents, cache, jobs)
    articles: list[Article] = []
    pages: list[Page] = []
    for d, (body, problems) in zip(drafts, bodies):
        doc = _document(d, body, problems, config, loaded, documents, report)
        if isinstance(doc, Page):
            pages.append(doc)
        elif doc is not None:
            articles.append(doc)
    clusters = _clusters(loaded, report)
    units = read_units(loaded.units, loaded.units_display, report)
    return Content(tuple(articles), tuple(pages), clusters, tuple(report.problems), units)


def _document(d: _Draft, body: Body, problems: tuple, config: SiteConfig, loaded: LoadedContent,
              documents: dict[str, str], report: Report) -> Article | Page | None:
    """The typed article or page of a draft whose body is rendered; its problems reported."""
    for p in problems:
        (report.warn if p.warning else report.error)(d.raw.display, p.line, p.field, p.message, p.hint)
    values = d.fields
    if values.pop("_invalid", False) or not values.get("slug"):
        return None
    url = documents[d.raw.rel]
    if d.raw.is_page:
        return Page(source=d.raw.rel, display=d.raw.display, digest=d.raw.digest, url=url, body=body, **values)
    images = tuple(_image(img, d.raw, config, loaded, report) for img in values.pop("_images"))
    return Article(source=d.raw.rel, display=d.raw.display, digest=d.raw.digest, url=url,
                   body=body, images=tuple(i for i in images if i), **values)


def validate_document(raw: RawDocument, config: SiteConfig, media: dict[str, MediaFile],
                      documents: dict[str, str]) -> tuple[Article | Page | None, tuple[Problem, ...]]:
    """One document validated on its own, as :func:`validate` would among the others:
    *media* are the content's media files and *documents* every document's address
    (source path → URL). ``confsite serve`` uses it for the one file an editor saved."""
    loaded = LoadedContent((), media, None, "")
    report = Report()
    if raw.front_matter is None:
        return None, ()
    values, problems = _read_fields(raw)
    report.extend(problems)
    if values is None:
        return None, tuple(report.problems)
    draft = _Draft(raw, dict(values))
    if draft.fields.get("slug") and raw.rel not in documents:
        return None, tuple(report.problems)     # a new address: only a whole build knows who else has it
    body, body_problems, _ = _render_body(raw, config, loaded, documents)
    doc = _document(draft, body, body_problems, config, loaded, documents, report)
    return doc, tuple(report.problems)


def _read_fields(raw: RawDocument) -> tuple[dict[str, Any] | None, tuple[Problem, ...]]:
    """One document's front-matter read on its own: a pure function of the file, so cacheable."""
    assert raw.front_matter is not None
    report = Report()
    try:
        meta = yamldoc.parse(raw.front_matter, line_offset=raw.front_matter_line - 1)
    except yamldoc.YamlProblem as exc:
        report.error(raw.display, exc.line, "front-matter", exc.message, exc.hint)
        return None, tuple(report.problems)
    fields = Fields(meta, raw.display, report)
    if meta.value is not None and not isinstance(meta.value, dict):
        report.error(raw.display, raw.body_line - 1 if raw.body_line > 1 else 1, "front-matter",
                     N_("is not a list of fields"), N_("write one field a line, e.g. title: …"))
        return None, tuple(report.problems)
    for path, line in meta.duplicates:
        report.error(raw.display, line, ".".join(map(str, path)), N_("is given twice"), N_("keep one of the two lines"))
    values = _read_page(fields, raw) if raw.is_page else _read_article(fields, raw)
    return values, tuple(report.problems)


def _resolver(raw: RawDocument, config: SiteConfig, loaded: LoadedContent, documents: dict[str, str],
              recording: bool = False) -> markdown.Resolver:
    kind = markdown.RecordingResolver if recording else markdown.Resolver
    return kind(raw.rel, config.base_path, loaded.media, documents)


def _render_body(raw: RawDocument, config: SiteConfig, loaded: LoadedContent, documents: dict[str, str]) -> tuple:
    """A body as safe HTML, its problems and every link lookup it made (a pure function of
    the file and of those lookups' answers)."""
    recorder = _resolver(raw, config, loaded, documents, recording=True)
    body, problems = markdown.render(raw.body, recorder, raw.body_line)
    return body, tuple(problems), tuple(sorted(recorder.lookups.items()))


def _body_key(raw: RawDocument, config: SiteConfig) -> str:
    # The body is part of the file: its digest and where the body starts name it.
    return digest(raw.digest, raw.rel, config.base_path, str(raw.body_line))


@dataclass(frozen=True)
class _Known:
    """A body the cache knows by its small entry in "body-meta" (media, fingerprint,
    problems, links): it stands for the body without reading "bodies"; its HTML and text
    are read when a page shows them (:class:`LazyBody`)."""

    meta: tuple


def _lookups(made: tuple | _Known) -> tuple:
    return made.meta[2] if isinstance(made, _Known) else made[2]


def _read_all(readable: list[RawDocument], config: SiteConfig, loaded: LoadedContent, cache: BuildCache | None,
              jobs: int | None) -> list[tuple[tuple, tuple | _Known | None]]:
    """Each document's front-matter read, and its body rendered in the same pass.

    Bodies need every document's address to resolve links to other documents, and those
    addresses are only known once all front-matter is read. So a body is rendered here as
    if no document had an address, with every lookup recorded; :func:`_bodies` keeps it
    when the real addresses answer those lookups the same way (always, for a body that
    links to no other document) and renders the rest again. One round of worker
    processes instead of two. Cached fields and bodies are looked up here first; only
    documents missing one of them go to the workers."""
    on = cache is not None and cache.enabled
    field_keys = [digest(raw.digest, raw.rel, raw.display) for raw in readable]
    body_keys = [_body_key(raw, config) for raw in readable]
    fields = [cache.get("fields", k) if on else None for k in field_keys]
    bodies: list[Any] = [None] * len(readable)
    if on:
        for i, k in enumerate(body_keys):
            meta = cache.get("body-meta", k)
            bodies[i] = _Known(meta) if meta is not None else None
    todo = [i for i in range(len(readable)) if fields[i] is None or bodies[i] is None]

    def read(i: int) -> tuple[tuple, tuple | _Known | None]:
        raw = readable[i]
        got = fields[i] if fields[i] is not None else _read_fields(raw)
        body = bodies[i]
        if body is None and got[0] is not None:
            body = _render_body(raw, config, loaded, {})
        return got, body

    for i, (got, body) in zip(todo, parallel.fork_map(read, todo, jobs, cache=cache)):
        if on:
            if fields[i] is None:
                cache.put("fields", field_keys[i], got)
            if body is not None and bodies[i] is None:
                _remember_body(cache, body_keys[i], body)
        fields[i], bodies[i] = got, body
    return list(zip(fields, bodies))


def _remember_body(cache: BuildCache, key: str, made: tuple) -> None:
    body, problems, lookups = made
    cache.put("bodies", key, made)
    cache.put("body-meta", key, ((body.media, body.fingerprint), problems, lookups))


def _bodies(drafts: list[_Draft], speculative: list[tuple | _Known | None], config: SiteConfig,
            loaded: LoadedContent, documents: dict[str, str], cache: BuildCache | None,
            jobs: int | None) -> list[tuple[Body, tuple]]:
    """Each document's body as safe HTML, with the problems met rendering it: the one
    rendered (or cached) before, where every link it looked up still resolves the same
    way with the real addresses; rendered again otherwise."""
    def still_good(d: _Draft, made: tuple | _Known | None) -> bool:
        if made is None:
            return False
        found = _resolver(d.raw, config, loaded, documents)
        return all(found.lookup(target) == was for target, was in _lookups(made))

    results: list[Any] = [None] * len(drafts)
    again = []
    for i, (d, made) in enumerate(zip(drafts, speculative)):
        if not still_good(d, made):
            again.append(i)
        elif isinstance(made, _Known):
            assert cache is not None
            key = _body_key(d.raw, config)
            cache.used("bodies", key)
            render = partial(_render_body, d.raw, config, loaded, documents)
            results[i] = (LazyBody(*made.meta[0], partial(cached_body, cache, key, render), key=key,
                                   source=d.raw.rel), made.meta[1])
        else:
            results[i] = (_keyed(made[0], cache, d, config), made[1])     # type: ignore[index]
    made_again = parallel.fork_map(lambda i: _render_body(drafts[i].raw, config, loaded, documents), again, jobs,
                                   cache=cache)
    for i, made in zip(again, made_again):
        if cache is not None and cache.enabled:
            _remember_body(cache, _body_key(drafts[i].raw, config), made)
        results[i] = (_keyed(made[0], cache, drafts[i], config), made[1])
    return results


def _keyed(body: Body, cache: BuildCache | None, d: _Draft, config: SiteConfig) -> Body:
    """A body rendered in this build and now in the cache, as the cache's entry it is:
    a :class:`LazyBody` already loaded, knowing its key (the model a build keeps for the
    next, ``build/kept.py``, holds such bodies as their keys)."""
    if cache is None or not cache.enabled:
        return body
    key = _body_key(d.raw, config)
    keyed = LazyBody(body.media, body.fingerprint, partial(cached_body, cache, key, lambda: (body,)), key=key,
                     source=d.raw.rel)
    object.__setattr__(keyed, "_full", body)
    return keyed


def cached_body(cache: BuildCache, key: str, render) -> Body:
    """The body under *key* in the cache's ``bodies`` table, else ``render()[0]``."""
    hit = cache.get("bodies", key)
    return hit[0] if hit is not None else render()[0]


def _read_common(f: Fields, raw: RawDocument, *, date_required: bool) -> dict[str, Any]:
    title = f.text("title", required=True, example="Hội nghị tổng kết công tác thi đua năm 2020")
    date = f.date("date", required=date_required)
    slug = f.slug("slug")
    if slug is None and not f.has("slug"):
        source = title if not raw.is_page else splitext(basename(raw.rel))[0]
        slug = slugify(source) or None
        if slug is None and title:
            f.error("title", N_("gives no letters or digits for the page address"), N_("add slug: ten-bai-viet"))
    invalid = not title or (date is None and date_required) or slug is None
    aliases = tuple(_alias(f, i, a) for i, a in enumerate(f.text_list("aliases", example="ten-cu")))
    draft = f.boolean("draft")
    at = None if draft else placeholder_line(raw.body)
    if at is not None:
        f.report.error(raw.display, raw.body_line + at, "body", N_("still holds the placeholder text of confsite new"),
                       N_("write the report in its place, or put back draft: true until it is ready"))
    return {"title": title, "date": date, "slug": slug, "summary": f.text("summary"),
            "draft": draft, "aliases": tuple(a for a in aliases if a), "_invalid": invalid}


def _alias(f: Fields, index: int, alias: str) -> str:
    text = alias.strip().strip("/")
    if is_slug(text):
        return text
    if text and all(is_slug(p) for p in text.split("/")):
        return text
    f.error("aliases", N_('"{alias}" is not an old address of this site', alias=alias),
            N_("write the old slug, e.g. ten-cu, or an old path such as bai-viet/ten-cu"), index)
    return ""


def _read_page(f: Fields, raw: RawDocument) -> dict[str, Any]:
    f.unknown(PAGE_KEYS)
    values = _read_common(f, raw, date_required=False)
    values["order"] = f.integer("order", low=-1000, high=1000, example="1") or 0
    return values


def _read_article(f: Fields, raw: RawDocument) -> dict[str, Any]:
    f.unknown(ARTICLE_KEYS)
    values = _read_common(f, raw, date_required=True)
    cluster = f.text("cluster") or None
    kind = f.text("kind") or None
    if kind is not None and kind not in KINDS:
        f.error("kind", N_('"{kind}" is not a kind of conference', kind=kind),
                (suggestion(kind, KINDS) + " " if suggestion(kind, KINDS) else "")
                + N_("write one of: {kinds}", kinds=", ".join(KINDS)))
        kind = None
    source = f.text("source")
    if source:
        found = classify(source, raw.rel)
        if isinstance(found, str) or found.kind != "external" or not source.lower().startswith(("http://", "https://")):
            f.error("source", N_('"{source}" is not a web address', source=source),
                    N_("write the address of the original article, starting with https://"))
            source = ""
    ident = f.slug("id")
    values.update(
        cluster=cluster,
        kind=kind,
        period=f.integer("period", low=1945, high=2200, example="2020"),
        location=f.text("location"),
        host=f.text("host"),
        attendees=_attendees(f),
        awards=_awards(f),
        scores=_scores(f),
        elected=_leadership(f, "elected"),
        in_office=_leadership(f, "in_office"),
        tags=f.text_list("tags", example="thi đua"),
        author=f.text("author"),
        source_url=source,
        id=ident,
        lines=tuple(sorted((k, f.line(k)) for k in f.data if isinstance(k, str) and f.line(k))),
        _images=_image_refs(f),
    )
    return values


def _attendees(f: Fields) -> tuple[Attendee, ...]:
    out = []
    for i, item in f.items("attendees", example="- Nguyễn Văn A, Giám đốc Sở Nội vụ"):
        if isinstance(item, dict):
            sub = f.sub("attendees", i)
            sub.unknown(ATTENDEE_KEYS)
            name = sub.text("name", required=True, example="Nguyễn Văn A")
            if name:
                out.append(Attendee(name, sub.text("role"), sub.text("organization")))
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            if clean_name(str(item)):
                out.append(Attendee(clean_name(str(item))))
        else:
            f.error("attendees", N_("item {n} is not a name", n=i + 1), N_("write - Họ và tên, chức vụ"), i)
    return tuple(out)


def _awards(f: Fields) -> tuple[Award, ...]:
    out = []
    for i, item in f.items("awards", example="- award: Bằng khen của Bộ trưởng Bộ Nội vụ"):
        if not isinstance(item, dict):
            f.error("awards", N_("item {n}: found {what}; expected an award with award: and recipient: (or count:)",
                                 n=i + 1 if i >= 0 else 1, what=_what(item)),
                    N_("write - award: Cờ thi đua … then, indented, recipient: Sở Nội vụ …"), *(() if i < 0 else (i,)))
            continue
        sub = f.sub("awards", i)
        sub.unknown(AWARD_KEYS)
        name = sub.text("award", required=True, example="Bằng khen của Bộ trưởng Bộ Nội vụ")
        recipients = list(sub.text_list("recipients", example="Sở Nội vụ tỉnh …"))
        single = sub.text("recipient")
        if single:
            recipients.insert(0, single)
        collectives = individuals = count = None
        raw_count = sub.data.get("count")
        if isinstance(raw_count, dict):
            csub = sub.sub("count")
            csub.unknown({"collectives", "individuals"})
            collectives = csub.integer("collectives", low=0, high=100000, example="2")
            individuals = csub.integer("individuals", low=0, high=100000, example="7")
        elif raw_count is not None:
            count = sub.integer("count", low=0, high=100000, example="{collectives: 2, individuals: 7}")
        if name:
            out.append(Award(name, tuple(recipients), collectives, individuals, count,
                             sub.text("conferred_by"), f.line("awards", i)))
    return tuple(out)


def _scores(f: Fields) -> tuple[Score, ...]:
    out = []
    for i, item in f.items("scores", example="- {unit: Sở Nội vụ tỉnh …, points: 994, out_of: 1000, rank: 1}"):
        if not isinstance(item, dict):
            f.error("scores", N_("item {n}: found {what}; expected a score row", n=i + 1 if i >= 0 else 1,
                                 what=_what(item)),
                    N_("write - {unit: Sở Nội vụ tỉnh …, points: 994, out_of: 1000, rank: 1}"), *(() if i < 0 else (i,)))
            continue
        sub = f.sub("scores", i)
        sub.unknown(SCORE_KEYS)
        unit = sub.text("unit", required=True, example="Sở Nội vụ thành phố Hải Phòng")
        points = sub.number("points", example="994")
        out_of = sub.number("out_of", example="1000")
        rank = sub.integer("rank", low=1, high=10000, example="1")
        if points is not None and out_of is not None and points > out_of:
            sub.error("points", N_("{points} is more than out_of {out_of}", points=format(points, "g"), out_of=format(out_of, "g")),
                      N_("check the two numbers"))
        if unit:
            out.append(Score(unit, points, out_of, rank, f.line("scores", i)))
    return tuple(out)


def _leadership(f: Fields, key: str) -> Leadership | None:
    value = f.data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        f.error(key, N_("found {what}; expected term:, chair: and vice_chair: lines", what=_what(value)),
                N_("write {key}: then, indented, term: 2021 and chair: Sở Nội vụ tỉnh …", key=key))
        return None
    sub = f.sub(key)
    sub.unknown(LEADERSHIP_KEYS)
    term = sub.integer("term", low=1945, high=2200, example="2021")
    if "term" not in sub.data:
        sub.error("term", N_("missing"), N_("write term: 2021 (the emulation year of the mandate)"))
    chair = sub.text("chair") or None
    vice = sub.text("vice_chair") or None
    if not chair and not vice:
        f.error(key, N_("names neither a chair nor a vice-chair"), N_("write chair: Sở Nội vụ tỉnh …"))
        return None
    if term is None:
        return None
    return Leadership(term, chair, vice, f.line(key), sub.line("chair") if chair else None,
                      sub.line("vice_chair") if vice else None)


def _image_refs(f: Fields) -> list[tuple[int, str, str, int | None]]:
    refs = []
    for i, item in f.items("images", example="- {src: anh.jpg, caption: Quang cảnh hội nghị}"):
        if isinstance(item, str):
            refs.append((i, item, "", f.line("images", i)))
        elif isinstance(item, dict):
            sub = f.sub("images", i)
            sub.unknown({"src", "caption"})
            src = sub.text("src", required=True, example="anh/hoi-nghi.jpg")
            if src:
                refs.append((i, src, sub.text("caption"), sub.line("src")))
        else:
            f.error("images", N_("item {n}: found {what}; expected an image", n=i + 1, what=_what(item)),
                    N_("write - {src: anh.jpg, caption: Quang cảnh hội nghị}"), *(() if i < 0 else (i,)))
    return refs


def _image(ref: tuple[int, str, str, int | None], raw: RawDocument, config: SiteConfig, loaded: LoadedContent,
           report: Report) -> Image | None:
    _, src, caption, line = ref
    found = classify(src, raw.rel)
    problem = ""
    hint = N_("put the image in the content folder and write its path relative to this file, or starting with / for "
              "the content folder")
    if isinstance(found, str):
        problem = found
        hint = getattr(found, "hint", "") or hint
    elif found.kind != "local":
        problem = N_('"{src}" is not a file in the content folder', src=src)
    elif found.target not in loaded.media:
        problem = N_('"{src}" does not exist in the content folder', src=src)
        near = same_but_case(found.target, loaded.media)
        if near:
            hint = N_('did you mean "/{path}"? Upper and lower case letters must match the file\'s name', path=near)
    elif splitext(found.target)[1].lower() not in IMAGE_SUFFIXES:
        problem = N_('"{src}" is not an image (jpg, png, webp, gif or svg)', src=src)
    if problem:
        report.error(raw.display, line, "images", problem, hint)
        return None
    return Image(found.target, caption, line)


def _what(value: Any) -> str:
    from .fields import _kind

    return _kind(value)


def _clusters(loaded: LoadedContent, report: Report) -> tuple[ClusterEntry, ...]:
    located = loaded.clusters
    if located is None or located.value is None:
        return ()
    display = loaded.clusters_display
    if not isinstance(located.value, list):
        report.error(display, 1, "", N_("is not a list of clusters"), N_("start each cluster with - name: Cụm thi đua …"))
        return ()
    out: list[ClusterEntry] = []
    names: dict[str, int] = {}
    slugs: dict[str, int] = {}
    root = Fields(located, display, report)
    for i, item in enumerate(located.value):
        if not isinstance(item, dict):
            report.error(display, located.line(i), f"[{i + 1}]", N_("found {what}; expected a cluster", what=_what(item)),
                         N_("write - name: Cụm thi đua … then members:"))
            continue
        sub = root.sub(i)
        sub.unknown(CLUSTER_KEYS)
        name = sub.text("name", required=True, example="Cụm thi đua các tỉnh, thành Bắc Bộ")
        slug = sub.slug("slug") or (slugify(name) if name else None)
        membership = read_members(sub)
        if not name or not slug:
            continue
        key = name_key(name)
        if key in names:
            sub.error("name", N_('"{name}" is listed twice (first on line {line})', name=name, line=names[key]),
                      N_("keep one entry"))
            continue
        if slug in slugs:
            sub.error("slug", N_('"{slug}" is used twice (first on line {line})', slug=slug, line=slugs[slug]),
                      N_("give each cluster its own slug"))
            continue
        names[key] = slugs[slug] = located.line(i) or 0
        seen: set[tuple] = set()
        unique = []
        for m in membership:
            if (name_key(m.unit), m.start, m.end) in seen:
                sub.warn("members", N_('"{name}" is listed twice', name=m.unit), N_("keep one"))
                continue
            seen.add((name_key(m.unit), m.start, m.end))
            unique.append(m)
        members = tuple(dict.fromkeys(m.unit for m in unique))
        out.append(ClusterEntry(name, slug, members, located.line(i), sub.text("description"),
                                sub.text_list("also", example="Cụm thi đua …"), tuple(unique),
                                read_history(sub, "cluster")))
    return tuple(out)
