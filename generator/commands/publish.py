"""Publish: build for production and install the site as a new release, switched in atomically.

Layout of the destination folder::

    DEST/current                    symlink → releases/<name>  (what the web server serves)
    DEST/releases/<stamp>-<hash>/   complete, verified releases, oldest first by name
    DEST/releases/.*                work in progress (removed by the next publish)
    DEST/.history                   the releases that were made current, in order
    DEST/.publish.lock              one publish or rollback at a time

A release is built by the ordinary pipeline into a hidden staging folder, checked with
:func:`generator.verify.verify`, renamed to its final name, and only then made current:
a new symlink is created under a temporary name and renamed over ``current``
(``rename(2)`` replaces it atomically). Killed at any moment, ``current`` still points
at a complete release; the next publish clears what was left behind, including a
release that was installed but never made current. Rollback follows ``.history``, so
it returns to the release that was live before, not merely the previous name.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..build import permalinks, pipeline
from ..core.config import with_overrides
from ..core.errors import Problem
from ..output.verify import verify
from ..output.write import MARKER, WriteError, write_site

CURRENT = "current"
RELEASES = "releases"
HISTORY = ".history"
PAUSE_ENV = "CONFSITE_PUBLISH_PAUSE"   # "<point>:<file>": tests stop a publish at a point
POINTS = ("built", "written", "verified", "installed", "linked", "switched")
_STAMP = "%Y%m%dT%H%M%SZ"


class PublishError(Exception):
    def __init__(self, message: str, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = problems or []


@dataclass(frozen=True)
class PublishResult:
    release: str
    previous: str | None
    files: int
    removed: tuple[str, ...]


def _pause(point: str) -> None:
    """Test hook: with ``CONFSITE_PUBLISH_PAUSE=<point>:<file>``, write *point* to *file* (a
    named pipe the test reads, so it learns the moment without polling) and wait to be
    killed."""
    spec = os.environ.get(PAUSE_ENV, "")
    name, _, signal_file = spec.partition(":")
    if name != point or not signal_file:
        return
    Path(signal_file).write_text(point, "utf-8")
    while True:
        signal.pause()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _lock(dest: Path) -> Iterator[None]:
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / ".publish.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise PublishError(f"another publish to {dest} is running", "wait for it to finish, then try again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def releases(dest: Path) -> list[str]:
    """Names of the complete releases, oldest first."""
    folder = dest / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir())


def current(dest: Path) -> str | None:
    """Name of the release ``DEST/current`` points at."""
    link = dest / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def history(dest: Path) -> list[str]:
    """Releases in the order they were made current (those still kept)."""
    try:
        names = (dest / HISTORY).read_text("utf-8").split()
    except FileNotFoundError:
        return []
    kept = set(releases(dest))
    return [n for n in names if n in kept]


def _write_history(dest: Path, names: list[str]) -> None:
    tmp = dest / f"{HISTORY}-{os.getpid()}.tmp"
    tmp.write_text("".join(f"{n}\n" for n in names), "utf-8")
    os.replace(tmp, dest / HISTORY)


def _check_dest(dest: Path) -> None:
    link = dest / CURRENT
    if link.exists() and not link.is_symlink():
        raise PublishError(f"{link} is a folder, not a link made by confsite publish",
                           "publish to a new folder, or move that folder away first")


def _clean(dest: Path) -> None:
    """Remove what a killed publish left: staging folders and temporary links."""
    folder = dest / RELEASES
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith("."):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
    for p in [*dest.glob(f".{CURRENT}-*.tmp"), *dest.glob(f"{HISTORY}-*.tmp")]:
        p.unlink(missing_ok=True)
    for name in unfinished(releases(dest), history(dest), current(dest)):
        shutil.rmtree(folder / name, ignore_errors=True)


def unfinished(names: list[str], past: list[str], live: str | None) -> list[str]:
    """Releases installed by a publish killed before the switch: neither live nor ever made live."""
    known = set(past) | {live}
    return [n for n in names if n not in known]


def content_marker(content_dir: Path) -> str:
    """A short digest of everything in the content folder: the same content, the same marker."""
    h = hashlib.blake2b(digest_size=6)
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(content_dir).as_posix()
        if any(part.startswith((".", "_")) for part in rel.split("/")):
            continue
        h.update(rel.encode("utf-8") + b"\0")
        h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


def release_name(existing: list[str], manifest: bytes, now: dt.datetime | None) -> str:
    """``<UTC time>-<hash of the file list>``, later than every existing release's name."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0, tzinfo=None)
    if existing:
        try:
            newest = dt.datetime.strptime(existing[-1].split("-", 1)[0], _STAMP)
            if stamp <= newest:
                stamp = newest + dt.timedelta(seconds=1)
        except ValueError:
            pass
    return f"{stamp.strftime(_STAMP)}-{hashlib.blake2b(manifest, digest_size=5).hexdigest()}"


def switch(dest: Path, name: str) -> None:
    """Point ``DEST/current`` at ``releases/<name>`` in one rename."""
    tmp = dest / f".{CURRENT}-{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(f"{RELEASES}/{name}", tmp)
    _pause("linked")
    os.replace(tmp, dest / CURRENT)
    _fsync_dir(dest)


def prune(dest: Path, keep: int) -> tuple[str, ...]:
    """Remove all but the newest *keep* releases; never the current one."""
    removed = to_prune(releases(dest), current(dest), keep)
    for n in removed:
        shutil.rmtree(dest / RELEASES / n, ignore_errors=True)
    return removed


def to_prune(names: list[str], live: str | None, keep: int) -> tuple[str, ...]:
    """The releases ``--keep`` removes: all but the newest *keep*, never the live one."""
    keep_names = set(names[-keep:]) | {live}
    return tuple(n for n in names if n not in keep_names)


def check_keep(keep: int) -> None:
    if keep < 1:
        raise PublishError(f"--keep {keep} would remove the live release", "keep at least 1 (2 or more to roll back)")


def build_release(content: Path, staging: Path, *, base_url: str | None, allow_removed: bool,
                  marker: bool = True) -> pipeline.BuildResult:
    """Build *content* for production into *staging* and verify it; nothing is made live.

    With *marker*, every page names the release (``<meta name="confsite-release">``).
    """
    config = pipeline.configure(content, staging, base_url=base_url)
    if marker:
        config = with_overrides(config, release=content_marker(content))
    result = pipeline.build(config, write=False, allow_removed=allow_removed)
    _pause("built")
    try:
        write_site(result.rendered, staging, protected=(content,))
    except WriteError as exc:
        raise PublishError(exc.message, exc.hint) from exc
    (staging.parent / f".{staging.name}.lock").unlink(missing_ok=True)
    _pause("written")
    problems = verify(staging, config)
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(f"the new release has {len(problems)} broken link(s); {CURRENT} was not changed",
                           "fix them and publish again", problems)
    _pause("verified")
    return result


def rollback_target(names: list[str], past: list[str], live: str | None, where: str) -> tuple[str, list[str]]:
    """The release ``--rollback`` makes live, and the history that follows; *where* names DEST."""
    if live is None and not names:
        raise PublishError(f"nothing was published to {where} yet, so there is no earlier release to go back to")
    if live not in names:
        raise PublishError(f"{where}/{CURRENT} does not point at a release", "publish first")
    if live in past:
        past = past[:len(past) - 1 - past[::-1].index(live)]
    earlier = [n for n in past if n != live]
    if not earlier:
        which = "the only release" if names == [live] else "the oldest release kept"
        raise PublishError(f"there is no earlier release to go back to: {live} is {which} in {where}/{RELEASES}",
                           "publish the content you want instead")
    target = earlier[-1]
    return target, past[:len(past) - past[::-1].index(target)]


def publish(content: Path, dest: Path, *, base_url: str | None = None, keep: int = 5,
            now: dt.datetime | None = None, allow_removed: bool = False) -> PublishResult:
    """Build *content* for production and make it ``DEST/current``."""
    check_keep(keep)
    dest = Path(os.path.abspath(dest))
    with _lock(dest):
        _check_dest(dest)
        _clean(dest)
        (dest / RELEASES).mkdir(exist_ok=True)
        staging = dest / RELEASES / f".staging-{os.getpid()}"
        result = build_release(content, staging, base_url=base_url, allow_removed=allow_removed)
        name = release_name(releases(dest), (staging / MARKER).read_bytes(), now)
        os.rename(staging, dest / RELEASES / name)
        _fsync_dir(dest / RELEASES)
        _pause("installed")
        previous = current(dest)
        switch(dest, name)
        permalinks.record(result.site)      # the addresses now live join content/.published-urls
        _pause("switched")
        _write_history(dest, [*history(dest), name])
        removed = prune(dest, keep)
        files = len(result.rendered.files) + len(result.rendered.copies)
        return PublishResult(name, previous, files, removed)


def rollback(dest: Path) -> tuple[str, str]:
    """Point ``current`` at the release before it; returns (from, to)."""
    dest = Path(os.path.abspath(dest))
    with _lock(dest):
        _check_dest(dest)
        live = current(dest)
        target, past = rollback_target(releases(dest), history(dest), live, str(dest))
        if not (dest / RELEASES / target / MARKER).is_file():
            raise PublishError(f"release {target} is incomplete", "publish again instead")
        _write_history(dest, past)
        switch(dest, target)
        return live, target
