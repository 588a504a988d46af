"""Data exports for the portal and for analysts: the results of the site model as JSON and CSV.

Four datasets (conferences, elections, awards, scores), each published under the
``data`` URL (``du-lieu/``) as ``<name>.json`` and ``<name>.csv``. Every value comes
from the :class:`~generator.site.Site` model; rows are sorted explicitly so the same
content always gives the same bytes. CSV files start with a UTF-8 byte-order mark so
that Excel shows Vietnamese letters, and use CRLF line ends (RFC 4180).

The fields are documented one by one in ``docs/data-exports.md``; a test keeps that
page and :data:`DATASETS` in step.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable

from ..cache.cache import BuildCache
from ..content.model import Article
from ..site.sitemodel import Ref, Site

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Dataset:
    name: str                    # file name without extension, e.g. "hoi-nghi"
    key: str                     # English identifier, e.g. "conferences"
    title: str                   # English msgid, translated on the /du-lieu/ page
    description: str             # English msgid
    fields: tuple[str, ...]
    rows: Callable[[Site], list[dict[str, Any]]]


@dataclass(frozen=True)
class ExportFile:
    dataset: Dataset
    url: str                     # site-relative, e.g. "du-lieu/hoi-nghi.csv"
    format: str                  # "json" or "csv"
    size: int
    records: int


def _abs(site: Site, url: str | None) -> str:
    return site.config.absolute(url) if url else ""


def _ref_name(ref: Ref | None) -> str:
    return ref.name if ref else ""


def _current(ref: Ref | None) -> str:
    """The unit's name today (after renames and mergers), from the registry."""
    return (ref.now or ref.name) if ref else ""


def _number(value: float | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _article_id(a: Article) -> str:
    return a.id or a.slug


def _conferences(site: Site) -> list[dict[str, Any]]:
    rows = []
    for a in sorted(site.articles, key=lambda a: (a.date.sort_key, a.url)):
        cluster = site.cluster_of(a)
        if cluster is None:
            continue
        host = site.unit(a.host) if a.host else None
        rows.append({
            "id": _article_id(a),
            "url": _abs(site, a.url),
            "title": a.title,
            "date": a.date.iso(),
            "cluster": cluster.name,
            "cluster_slug": cluster.slug,
            "kind": a.kind or "",
            "period": a.period,
            "location": a.location,
            "host": a.host,
            "summary": a.summary,
            "author": a.author,
            "source_url": a.source_url,
            "host_id": host.id if host else "",
            "host_current": _current(host.ref) if host else "",
        })
    return rows


def _elections(site: Site) -> list[dict[str, Any]]:
    rows = []
    for c in sorted(site.clusters, key=lambda c: c.slug):
        for t in c.succession:
            rows.append({
                "cluster": c.name,
                "cluster_slug": c.slug,
                "term": t.term,
                "chair": _ref_name(t.chair),
                "chair_url": _abs(site, t.chair.url if t.chair else None),
                "vice_chair": _ref_name(t.vice_chair),
                "vice_chair_url": _abs(site, t.vice_chair.url if t.vice_chair else None),
                "elected_at": [_abs(site, a.url) for a in t.elected_at],
                "reported_in": [_abs(site, a.url) for a in t.reported_in],
                "chair_id": t.chair.slug if t.chair else "",
                "chair_current": _current(t.chair),
                "vice_chair_id": t.vice_chair.slug if t.vice_chair else "",
                "vice_chair_current": _current(t.vice_chair),
            })
    return rows


def _awards(site: Site) -> list[dict[str, Any]]:
    rows = []
    for a in sorted(site.articles, key=lambda a: (a.date.sort_key, a.url)):
        cluster = site.cluster_of(a)
        for position, w in enumerate(a.awards, start=1):
            base = {
                "article_url": _abs(site, a.url),
                "date": a.date.iso(),
                "year": a.year,
                "cluster": cluster.name if cluster else "",
                "cluster_slug": cluster.slug if cluster else "",
                "position": position,
                "award": w.award,
                "conferred_by": w.conferred_by,
                "collectives": w.collectives,
                "individuals": w.individuals,
                "count": w.count,
            }
            for name in w.recipients or ("",):
                unit = site.unit(name) if name else None
                rows.append({**base, "recipient": name,
                             "recipient_url": _abs(site, unit.url if unit else None),
                             "recipient_id": unit.id if unit else "",
                             "recipient_current": _current(unit.ref) if unit else ""})
    return rows


def _scores(site: Site) -> list[dict[str, Any]]:
    rows = []
    for c in sorted(site.clusters, key=lambda c: c.slug):
        for y in sorted(c.timeline, key=lambda y: y.year):
            for r in y.scores:
                rows.append({
                    "cluster": c.name,
                    "cluster_slug": c.slug,
                    "year": y.year,
                    "rank": r.score.rank,
                    "unit": r.unit.name,
                    "unit_url": _abs(site, r.unit.url),
                    "points": _number(r.score.points),
                    "out_of": _number(r.score.out_of),
                    "article_url": _abs(site, r.article.url),
                    "unit_id": r.unit.slug,
                    "unit_current": _current(r.unit),
                })
    return rows


DATASETS: tuple[Dataset, ...] = (
    Dataset("hoi-nghi", "conferences", "Conferences",
            "Every conference report: date, cluster, kind, emulation year, place and host.",
            ("id", "url", "title", "date", "cluster", "cluster_slug", "kind", "period", "location", "host",
             "summary", "author", "source_url", "host_id", "host_current"), _conferences),
    Dataset("bau-cu", "elections", "Chairs and vice-chairs by cluster and term",
            "Who led each cluster in each emulation year, and which reports elected or named them.",
            ("cluster", "cluster_slug", "term", "chair", "chair_url", "vice_chair", "vice_chair_url",
             "elected_at", "reported_in", "chair_id", "chair_current", "vice_chair_id", "vice_chair_current"),
            _elections),
    Dataset("khen-thuong", "awards", "Awards",
            "Every award named in a report, one row per recipient.",
            ("article_url", "date", "year", "cluster", "cluster_slug", "position", "award", "recipient",
             "recipient_url", "conferred_by", "collectives", "individuals", "count", "recipient_id",
             "recipient_current"), _awards),
    Dataset("diem", "scores", "Emulation scores",
            "The final score table of each cluster and year: rank, unit and points.",
            ("cluster", "cluster_slug", "year", "rank", "unit", "unit_url", "points", "out_of", "article_url",
             "unit_id", "unit_current"),
            _scores),
)


def to_json(site: Site, ds: Dataset, rows: list[dict[str, Any]]) -> bytes:
    doc = {
        "dataset": ds.key,
        "format_version": FORMAT_VERSION,
        "site": site.config.base_url,
        "fields": list(ds.fields),
        "records": [{f: r[f] for f in ds.fields} for r in rows],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def to_csv(ds: Dataset, rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ds.fields)
    for r in rows:
        writer.writerow([_cell(r[f]) for f in ds.fields])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _exports(site: Site, cache: BuildCache | None) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every export file and each dataset's record count. Made once per model, and with
    the build cache on, remembered by what listings show (``signatures.listing_digest``)."""
    if cache is None:
        return _make(site)

    def made() -> tuple[dict[str, bytes], dict[str, int]]:
        if not cache.enabled:
            return _make(site)
        from .signatures import listing_digest
        return cache.memoized("exports", listing_digest(site, cache), lambda: _make(site))

    return cache.of_model("exports", site, made)


def _make(site: Site) -> tuple[dict[str, bytes], dict[str, int]]:
    base = site.config.urls.path("data")
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for ds in DATASETS:
        rows = ds.rows(site)
        counts[ds.key] = len(rows)
        files[f"{base}{ds.name}.json"] = to_json(site, ds, rows)
        files[f"{base}{ds.name}.csv"] = to_csv(ds, rows)
    return files, counts


def export_files(site: Site, cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every export file: site-relative output path → bytes."""
    return _exports(site, cache)[0]


def listing(site: Site, cache: BuildCache | None = None) -> list[tuple[Dataset, int, list[ExportFile]]]:
    """What the /du-lieu/ page lists: each dataset, its record count and its files."""
    base = site.config.urls.path("data")
    files, counts = _exports(site, cache)
    out = []
    for ds in DATASETS:
        count = counts[ds.key]
        shown = [ExportFile(ds, f"{base}{ds.name}.{fmt}", fmt, len(files[f"{base}{ds.name}.{fmt}"]), count)
                 for fmt in ("csv", "json")]
        out.append((ds, count, shown))
    return out
