"""``confsite import``: an office's existing reports → draft articles.

Stages, each in its own module:

- :mod:`.sources`  read the formats (.docx with mammoth, saved pages with trafilatura,
  text, RSS/Atom with feedparser) into text blocks, tables, images and page metadata;
- :mod:`.tomd`     the clean HTML those libraries give → Markdown;
- :mod:`.facts`    draft the front-matter facts from the Vietnamese text, each with the
  sentence it came from and whether the importer is sure of it;
- :mod:`.write`    the commented front-matter;
- this module      plans file names (never overwriting), checks every draft with the
  build's own validate stage, then writes the articles and copies the images.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ...cache import parallel
from ...core.errors import BuildFailed, Problem, Severity
from ...core.hashing import file_hash
from ...core.slugs import slugify
from .facts import Facts, extract
from .sources import SUPPORTED, ImportProblem, Source, read
from .units import Registry
from .write import front_matter

__all__ = ["ImportResult", "Imported", "import_paths", "load_registry"]


@dataclass
class Imported:
    """One report written: where, and what the summary tells the editor."""

    label: str
    path: Path
    drafted: int
    unsure: int
    images: int
    images_left: int          # images only on the web (or missing beside the page): linked, not copied
    facts: Facts


@dataclass
class ImportResult:
    imported: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def load_registry(content: Path) -> Registry:
    try:
        data = yaml.safe_load((content / "clusters.yaml").read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    return Registry.from_data(data)


def _inputs(paths: list[Path], problems: list[Problem]) -> list[tuple[Path, str]]:
    """Files to import: the files given, and the importable files inside folders given."""
    out: list[tuple[Path, str]] = []
    for path in paths:
        shown = path.as_posix()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                           and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts))
            if not found:
                problems.append(Problem(shown, None, "", "the folder holds no file to import",
                                        "put .docx, .html, .txt or feed .xml files in it"))
            out.extend((p, p.as_posix()) for p in found)
        elif path.is_file():
            out.append((path, shown))
        else:
            problems.append(Problem(shown, None, "", "no such file or folder", "check the name and the folder"))
    return out


def _read_one(item: tuple[Path, str, Registry, str | None]) -> tuple[str, list[tuple[Source, Facts]] | Problem]:
    path, label, registry, cluster = item
    try:
        sources = read(path, label)
    except ImportProblem as exc:
        return label, Problem(label, None, "", exc.message, exc.hint)
    except OSError as exc:
        return label, Problem(label, None, "", f"cannot be read ({exc.strerror or exc})", "check the file")
    except Exception as exc:  # a library failing on a strange file must not stop the others  # noqa: BLE001
        return label, Problem(label, None, "", f"could not be read ({type(exc).__name__}: {exc})",
                              "open and save it again in Word or the browser; if it still fails, report it")
    try:
        return label, [(s, extract(s, registry, cluster)) for s in sources]
    except Exception as exc:  # noqa: BLE001
        return label, Problem(label, None, "", f"the importer failed on this file ({type(exc).__name__}: {exc})",
                              "import it as a .txt copy of its text, or write the article by hand; please report it")


def import_paths(paths: list[Path], content: Path, into: Path | None = None, *, cluster: str | None = None,
                 jobs: int | None = None) -> ImportResult:
    """Import *paths* as draft articles under *into* (default ``content/reports``)."""
    from ..newpost import resolve_cluster

    result = ImportResult()
    if not (content / "site.yaml").is_file():
        raise BuildFailed([Problem(content.as_posix(), None, "", "is not a content folder (no site.yaml)",
                                   "run confsite import in the folder that holds content/, or give --content")])
    into = into or content / "reports"
    if not _inside(into, content):
        raise BuildFailed([Problem(into.as_posix(), None, "", "is not inside the content folder",
                                   f"give a folder inside {content.as_posix()}/, e.g. {content.as_posix()}/reports")])
    cluster_name = None
    if cluster:
        # A bulk import labels every draft with this cluster: one not registered is refused
        # here (``new`` only warns), so a typo cannot spread over a whole folder of drafts.
        cluster_name, unknown = resolve_cluster(content, cluster)
        if unknown is not None:
            raise BuildFailed([replace(unknown, severity=Severity.ERROR)])
    registry = load_registry(content)
    inputs = _inputs(paths, result.problems)
    read_all = parallel.fork_map(_read_one, [(p, label, registry, cluster_name) for p, label in inputs], jobs,
                                 serial_below=16)
    taken = _existing_slugs(content)
    planned: list[tuple[Source, Facts, Path, str, list]] = []
    for label, outcome in read_all:
        if isinstance(outcome, Problem):
            result.problems.append(outcome)
            continue
        for source, facts in outcome:
            plan = _plan(source, facts, content, into, taken, result)
            if plan:
                planned.append(plan)
    texts = [(src, facts, target, _render(src, facts, target, content, images), images)
             for src, facts, target, slug, images in planned]
    bad = _validate(content, [(target, text[0], images) for _, _, target, text, images in texts], result, jobs)
    for source, facts, target, (text, drafted, unsure), images in texts:
        if target in bad:
            continue
        copied = _copy_images(images)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "x", encoding="utf-8", newline="\n") as f:
                f.write(text)
        except FileExistsError:
            result.problems.append(Problem(_shown(target, content), None, "", "already exists; nothing was written",
                                           "delete or rename that file first if you mean to import again"))
            continue
        left = sum(1 for im in source.images if im.data is None and im.path is None)
        result.imported.append(Imported(source.label, target, drafted, unsure, copied, left, facts))
    return result


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _shown(path: Path, content: Path) -> str:
    try:
        return (Path(content.name) / path.relative_to(content)).as_posix() if content.name else path.as_posix()
    except ValueError:
        return path.as_posix()


_SLUG_LINE = re.compile(r"^slug:\s*[\"']?([a-z0-9-]+)", re.M)


def _existing_slugs(content: Path) -> set[str]:
    """Addresses already taken: file names, and slugs written in front-matter."""
    taken = set()
    for p in content.rglob("*.md"):
        taken.add(p.stem)
        try:
            with open(p, encoding="utf-8", errors="replace") as f:
                head = f.read(4096)
        except OSError:
            continue
        found = _SLUG_LINE.search(head.split("\n---", 1)[0])
        if found:
            taken.add(found.group(1))
    return taken


def _plan(source: Source, facts: Facts, content: Path, into: Path, taken: set[str], result: ImportResult):
    from .facts import Fact

    if facts.title is None:
        stem = Path(source.label.split(",")[0]).stem.replace("_", " ").replace("-", " ").strip()
        facts.title = Fact(stem or "Bài nhập", "(no title was found; this is the file name)", sure=False,
                           why="no title was found; write the headline")
    if facts.date is None:
        today = dt.date.today()
        facts.date = Fact(f"{today.year:04d}-{today.month:02d}", "(no date in the text)", sure=False,
                          why="no date was found; this is only a placeholder month: write the real one")
    year = facts.date.value[:4]
    base = slugify(facts.title.value) or "bai-nhap"
    base = base[:80].rstrip("-")
    if (into / year / f"{base}.md").exists():
        result.problems.append(Problem(_shown(into / year / f"{base}.md", content), None, "",
                                       "already exists; nothing was written",
                                       f"{source.label} was imported before? Remove or rename that file to import "
                                       "it again"))
        return None
    slug = base
    n = 1
    while slug in taken:
        n += 1
        slug = f"{base}-{year}" if n == 2 else f"{base}-{year}-{n - 1}"
    target = into / year / f"{slug}.md"
    taken.add(slug)
    images = []
    media_dir = content / "media" / year
    for i, im in enumerate(source.images, 1):
        if im.data is None and im.path is None:
            continue
        ext = os.path.splitext(im.name)[1].lower() or ".jpg"
        if ext not in {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"}:
            continue
        dest = media_dir / f"{slug}-{i}{ext}"
        images.append((im, dest))
    return source, facts, target, slug, images


def _render(source: Source, facts: Facts, target: Path, content: Path, images) -> tuple[str, int, int]:
    refs = [("/" + dest.relative_to(content).as_posix(), im.caption) for im, dest in images]
    fm, drafted, unsure = front_matter(facts, label=source.label, slug=target.stem, images=refs)
    body = source.markdown.strip()
    return fm + (body + "\n" if body else ""), drafted, unsure


def _copy_images(images) -> int:
    copied = 0
    for im, dest in images:
        data = im.data if im.data is not None else im.path.read_bytes()
        dest.parent.mkdir(parents=True, exist_ok=True)
        final = dest
        k = 1
        while final.exists():
            if final.read_bytes() == data:
                break
            k += 1
            final = dest.with_name(f"{dest.stem}-{k}{dest.suffix}")
        else:
            with open(final, "xb") as f:
                f.write(data)
        copied += 1
    return copied


def _validate(content: Path, drafts: list[tuple[Path, str, list]], result: ImportResult,
              jobs: int | None = None) -> set[Path]:
    """Check every draft with the build's validate stage before anything is written."""
    from ...content.load import LoadedContent, MediaFile, RawDocument, _load_clusters, split_front_matter
    from ...build.pipeline import configure
    from ...content.validate import validate
    from ...core.errors import Report

    if not drafts:
        return set()
    with tempfile.TemporaryDirectory() as tmp:
        config = configure(content, Path(tmp) / "site", drafts=True, require_base_url=False)
        report = Report()
        clusters = _load_clusters(config, report)
        media: dict[str, MediaFile] = {}
        media_root = content / "media"
        if media_root.is_dir():
            for p in media_root.rglob("*"):
                if p.is_file():
                    rel = p.relative_to(content).as_posix()
                    media[rel] = MediaFile(rel, p, 0, "")
        docs = []
        by_display: dict[str, Path] = {}
        for target, text, images in drafts:
            for _, dest in images:
                rel = dest.relative_to(content).as_posix()
                media[rel] = MediaFile(rel, dest, 0, "")
            rel = target.relative_to(content).as_posix()
            display = config.display(rel)
            fm, fm_line, body, body_line = split_front_matter(text)
            digest = file_hash(text.encode())
            docs.append(RawDocument(rel, display, False, fm, fm_line, body, body_line, digest))
            by_display[display] = target
        loaded = LoadedContent(tuple(docs), media, clusters, config.display("clusters.yaml"))
        checked = validate(loaded, config, None, jobs=jobs)
    bad: set[Path] = set()
    for p in checked.problems:
        if p.path not in by_display:
            continue
        result.problems.append(p)
        if p.severity is Severity.ERROR:
            bad.add(by_display[p.path])
    return bad
