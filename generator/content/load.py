"""Load: files of a content folder → raw documents and media, with line numbers.

No interpretation happens here: a raw document is its front-matter text and its body,
each with the line it starts on (validation parses the YAML, remembering the line of
every value). ``clusters.yaml`` is parsed here, with positions. Problems met while
reading (encodings, unclosed front-matter, unsafe links, oversized files) are
collected, never raised.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import svg
from ..cache.cache import BuildCache, settled
from ..core import yamldoc
from ..core.config import SiteConfig
from ..core.encoding import NotUtf8, decode
from ..core.errors import Problem, Report
from ..core.hashing import digest as digest_of, file_hash
from ..core.messages import N_, Num
from ..core.slugs import nfc

MARKDOWN_SUFFIXES = {".md", ".markdown"}
DATA_FILES = {"site.yaml", "clusters.yaml", "units.yaml"}
# What the content folder may hold besides Markdown: served as media or attachments.
MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".pdf", ".doc", ".docx",
                  ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".zip", ".mp3", ".mp4", ".txt", ".csv"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"}
_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class RawDocument:
    rel: str                      # POSIX path inside content/, NFC, e.g. "reports/2020/a.md"
    display: str                  # the path as the editor knows it, e.g. "content/reports/2020/a.md"
    is_page: bool                 # under pages/: a standalone page
    front_matter: str | None      # the YAML text between the --- lines, None when there is none
    front_matter_line: int        # 1-based line of the file on which it starts
    body: str
    body_line: int                # 1-based line of the file on which the body starts
    digest: str                   # hash of the file's bytes

    @property
    def has_front_matter(self) -> bool:
        return self.front_matter is not None


class _Read(RawDocument):
    """A document read by this build, its body kept as UTF-8 bytes until a worker reads it
    (once, to render it): the build process holds every document while bodies are rendered,
    and CPython keeps Vietnamese text at two bytes a character, UTF-8 at about 1.3."""

    def __init__(self, rel: str, display: str, is_page: bool, front_matter: str | None, front_matter_line: int,
                 body: str | bytes, body_line: int, digest: str):
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        for name, value in (("rel", rel), ("display", display), ("is_page", is_page), ("front_matter", front_matter),
                            ("front_matter_line", front_matter_line), ("_body", body), ("body_line", body_line),
                            ("digest", digest)):
            object.__setattr__(self, name, value)

    @property       # type: ignore[override]
    def body(self) -> str:
        return self.__dict__["_body"].decode("utf-8", "surrogatepass")


class _Unread(RawDocument):
    """A document whose file has the size, times and inode it had when an earlier build
    read it (and held no problem then): what that build learned of it stands, and its
    text is read only if something asks for it (a cache miss downstream)."""

    def __init__(self, path: str, rel: str, display: str, is_page: bool, front_matter_line: int, body_line: int,
                 digest: str):
        for name, value in (("path", path), ("rel", rel), ("display", display), ("is_page", is_page),
                            ("front_matter_line", front_matter_line), ("body_line", body_line), ("digest", digest)):
            object.__setattr__(self, name, value)

    def _split(self) -> tuple[str | None, int, str, int]:
        with open(self.path, "rb") as f:
            return split_front_matter(decode(f.read()))

    @property       # type: ignore[override]
    def front_matter(self) -> str | None:
        return self._split()[0]

    @property       # type: ignore[override]
    def body(self) -> str:
        return self._split()[2]

    @property
    def has_front_matter(self) -> bool:
        return True     # only documents without problems are trusted


@dataclass(frozen=True)
class MediaFile:
    rel: str          # POSIX path inside content/
    source: Path      # where to copy it from
    size: int
    digest: str


@dataclass(frozen=True)
class LoadedContent:
    documents: tuple[RawDocument, ...]
    media: dict[str, MediaFile]
    clusters: yamldoc.Located | None
    clusters_display: str
    problems: tuple[Problem, ...] = field(default=())
    units: yamldoc.Located | None = None          # units.yaml, the registry of units
    units_display: str = "units.yaml"


def ignored(name: str) -> bool:
    return name.startswith((".", "_"))


STAT_TABLE = "files"


class _Stats:
    """The cache table ``files``: a file's stat → what reading it found (its digest, and
    for a document where its front-matter and body start). Keys name the path, size,
    mtime, ctime and inode, so a file saved again (even keeping its size and setting its
    mtime back) has another key; an entry is made only for a file last changed before
    the build started, by more than the file system's clock could blur."""

    def __init__(self, cache: BuildCache | None, config: SiteConfig):
        self.cache = cache if cache is not None and cache.enabled else None
        self.started = time.time_ns()
        self.limits = repr(config.limits)

    def key(self, path: str) -> tuple[str, bool] | None:
        """The file's key, and whether an entry may be made for it (None: no cache)."""
        if self.cache is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (digest_of(path, self.limits, str(st.st_size), str(st.st_mtime_ns), str(st.st_ctime_ns),
                          str(st.st_ino), str(st.st_dev)), settled(st.st_mtime_ns, st.st_ctime_ns, self.started))

    def get(self, key: tuple[str, bool] | None):
        if key is None or self.cache is None:
            return None
        return self.cache.get(STAT_TABLE, key[0])

    def put(self, key: tuple[str, bool] | None, value) -> None:
        if key is not None and key[1] and self.cache is not None:
            self.cache.put(STAT_TABLE, key[0], value)


def load(config: SiteConfig, cache: BuildCache | None = None) -> LoadedContent:
    """Every document and media file of the content folder; with *cache*, a file whose
    stat is the one an earlier build recorded is not read again (see :class:`_Stats`)."""
    root = config.content_dir
    report = Report()
    stats = _Stats(cache, config)
    documents: list[RawDocument] = []
    media: dict[str, MediaFile] = {}
    for name, rel in _walk(root, config, report):
        rel = nfc(rel)
        display = config.display(rel)
        suffix = os.path.splitext(rel)[1].lower()
        if suffix in MARKDOWN_SUFFIXES:
            key = stats.key(name)
            known = stats.get(key)
            if known is not None:
                file_digest, fm_line, body_line = known
                documents.append(_Unread(name, rel, display, PurePosixPath(rel).parts[0] == "pages", fm_line,
                                         body_line, file_digest))
                continue
            problems = len(report.problems)
            doc = _read_document(name, rel, display, config, report)
            if doc is not None:
                documents.append(doc)
                if len(report.problems) == problems and doc.front_matter is not None:
                    stats.put(key, (doc.digest, doc.front_matter_line, doc.body_line))
        elif rel in DATA_FILES or suffix in {".yaml", ".yml"} and "/" not in rel:
            continue
        elif suffix in MEDIA_SUFFIXES:
            path = Path(name)
            size = path.stat().st_size
            if suffix in IMAGE_SUFFIXES and size > config.limits.max_image_bytes:
                report.error(display, None, "file", N_("the image is {size} MB, over the limit of {limit} MB",
                                                       size=Num(size / 1e6, 1),
                                                       limit=Num(config.limits.max_image_bytes / 1e6, 1)),
                             N_("make it smaller (a photo for the web needs about 2000 pixels across)"))
                continue
            if suffix == ".svg":
                key = stats.key(name)
                if stats.get(key) is None:
                    if not _safe_svg(path, display, report):
                        continue
                    stats.put(key, "safe")
            media[rel] = MediaFile(rel, path, size, "")
    clusters = _load_clusters(config, report)
    units = _load_clusters(config, report, "units.yaml")
    documents.sort(key=lambda d: d.rel)
    return LoadedContent(tuple(documents), dict(sorted(media.items())), clusters,
                         config.display("clusters.yaml"), tuple(report.problems), units, config.display("units.yaml"))


def listing(config: SiteConfig) -> tuple[set[str], set[str]]:
    """The paths (inside the content folder, NFC) of its documents and of its media files,
    as :func:`load` finds them, without reading them."""
    documents, media = set(), set()
    for _, rel in _walk(config.content_dir, config, Report()):
        suffix = os.path.splitext(rel)[1].lower()
        if suffix in MARKDOWN_SUFFIXES:
            documents.add(nfc(rel))
        elif suffix in MEDIA_SUFFIXES:
            media.add(nfc(rel))
    return documents, media


def _walk(root: Path, config: SiteConfig, report: Report) -> list[tuple[str, str]]:
    """Every file below *root* as ``(path, path inside root)``, in a stable order (a
    folder's files, then its folders, by name), skipping ignored names and unsafe links.
    Linked folders inside the content folder are not entered."""
    real_root = root.resolve()
    found: list[tuple[str, str]] = []

    def outside(entry: os.DirEntry, rel: str, what: str) -> bool:
        if not entry.is_symlink() or _inside(Path(entry.path), real_root):
            return False
        folder = what == "folder"
        report.error(config.display(rel), None, "file",
                     N_("this folder is a link to a place outside the content folder") if folder else
                     N_("this file is a link to a place outside the content folder"),
                     N_("copy the files into the content folder instead of linking them") if folder else
                     N_("copy the file into the content folder instead of linking it"))
        return True

    def visit(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            if ignored(entry.name):
                continue
            rel = prefix + entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not (prefix == "" and entry.name == "templates") and not outside(entry, rel, "folder"):
                    folders.append(entry)
            elif not outside(entry, rel, "file") and entry.is_file():
                found.append((entry.path, rel))
        for entry in folders:
            if not entry.is_symlink():
                visit(entry.path, prefix + entry.name + "/")

    visit(str(root), "")
    return found


def _safe_svg(path: Path, display: str, report: Report) -> bool:
    try:
        found = svg.problem(path.read_bytes())
    except OSError as exc:
        found = None, N_("cannot be read ({error})", error=exc.strerror)
    if found:
        line, message = found
        report.error(display, line, "file", message, N_("remove it in the drawing program (or a text editor), or "
                     "export the drawing as PNG; an image needs no script"))
        return False
    return True


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _read_text(path: Path | str, display: str, report: Report, limit: int | None = None,
               data: bytes | None = None) -> tuple[str, bytes] | None:
    try:
        if data is None:
            with open(path, "rb") as f:
                data = f.read()
    except OSError as exc:
        report.error(display, None, "file", N_("cannot be read ({error})", error=exc.strerror),
                     N_("check the file's permissions"))
        return None
    if limit is not None and len(data) > limit:
        report.error(display, None, "file", N_("the file is {size} KB, over the limit of {limit} KB",
                                               size=-(-len(data) // 1000), limit=limit // 1000),
                     N_("split it into several articles or raise limits.max_markdown_kb in site.yaml"))
        return None
    try:
        return decode(data), data
    except NotUtf8 as exc:
        report.error(display, exc.line, "file", exc.message, exc.hint(display))
        return None


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """``(front-matter, its first line, body, body's first line)``; lines are 1-based.

    Front-matter is YAML between a first line ``---`` and the next ``---`` line.
    """
    first = _BOUNDARY.match(text)
    if not first:
        return None, 0, text, 1
    closing = _BOUNDARY.search(text, first.end())
    if not closing:
        return None, 0, text, 1
    fm_start = first.end() + 1 if text.startswith("\n", first.end()) else first.end()
    fm = text[fm_start:closing.start()]
    body_start = closing.end()
    if text.startswith("\n", body_start):
        body_start += 1
    return fm, 2, text[body_start:], text.count("\n", 0, body_start) + 1


def read_document(config: SiteConfig, rel: str) -> tuple[RawDocument | None, tuple[Problem, ...]]:
    """One document of the content folder, read as :func:`load` reads it, with the
    problems met (``confsite serve`` reads the one file an editor saved)."""
    report = Report()
    doc = _read_document(str(config.content_dir / rel), rel, config.display(rel), config, report)
    return doc, tuple(report.problems)


def _read_document(path: str, rel: str, display: str, config: SiteConfig, report: Report) -> RawDocument | None:
    read = _read_text(path, display, report, config.limits.max_markdown_bytes)
    if read is None:
        return None
    text, data = read
    digest = file_hash(data)
    is_page = PurePosixPath(rel).parts[0] == "pages"
    fm, fm_line, body, body_line = split_front_matter(text)
    if fm is None:
        if text.lstrip().startswith("---"):
            report.error(display, 1, "front-matter", N_("the front-matter block is not closed"),
                         N_("end it with a line that holds only ---"))
        else:
            report.error(display, 1, "front-matter", N_("the file has no front-matter"),
                         N_("start it with a line ---, then title: and date:, then another line ---"))
    return _Read(rel, display, is_page, fm, fm_line, _utf8_tail(data, text, body), body_line, digest)


def _utf8_tail(data: bytes, text: str, tail: str) -> bytes:
    """*tail*, the end of *text* (decoded from the file's bytes *data*), as UTF-8: cut from
    *data* where decoding changed nothing (no byte-order mark, no carriage return), which
    costs a copy of its bytes instead of encoding it again."""
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return tail.encode("utf-8", "surrogatepass")
    return data[len(text[:len(text) - len(tail)].encode("utf-8")):]


def _load_clusters(config: SiteConfig, report: Report, name: str = "clusters.yaml") -> yamldoc.Located | None:
    """A registry file of the content folder (clusters.yaml, units.yaml), parsed with positions."""
    path = config.content_dir / name
    if not path.is_file():
        return None
    display = config.display(name)
    read = _read_text(path, display, report)
    if read is None:
        return None
    try:
        return yamldoc.parse(read[0])
    except yamldoc.YamlProblem as exc:
        report.error(display, exc.line, "", exc.message, exc.hint)
        return None
