"""Write: put a rendered site in the output folder, atomically.

The new site is written into a staging folder beside the output and swapped in whole
(``renameat2(RENAME_EXCHANGE)`` on Linux, two renames elsewhere), so the output is
always either the previous complete site or the new complete one. Files whose bytes
did not change are hard-linked from the previous site: same inode, same mtime, which
keeps rsync and web-server caches quiet. A lock keeps two builds from interleaving.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import posixpath
import select
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..core.hashing import file_hash, file_hash_of
from ..core.messages import N_
from .rendered import Rendered

MARKER = ".confsite.json"     # manifest of a folder confsite wrote: path → content hash


class WriteError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self):       # raised in a render worker too, and sent back whole
        return type(self), (self.message, self.hint)


@contextmanager
def _writing(output: Path) -> Iterator[None]:
    """An operating system error while writing, told as a :class:`WriteError`."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or output
        raise WriteError(N_("cannot write {where} ({error})", where=where, error=exc.strerror or str(exc)),
                         N_("check the free disk space and that you may write in the output folder; "
                            "the previous site was kept")) from None


@dataclass(frozen=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    import fcntl

    lock_path = output.parent / f".{output.name}.lock"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as exc:
        raise WriteError(N_("cannot write in {folder} ({error})", folder=output.parent, error=exc.strerror),
                         N_("check that the folder exists and that you may write in it")) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise WriteError(N_("another build is writing to {name}/ right now", name=output.name),
                             N_("wait for it to finish, then build again")) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_output(output: Path, protected: tuple[Path, ...]) -> dict[str, str]:
    """The previous manifest; refuse to replace a folder confsite did not make."""
    real = output.resolve()
    for p in protected:
        rp = p.resolve()
        if real == rp or rp.is_relative_to(real) or real == Path(real.anchor):
            raise WriteError(N_("the output folder {output} would replace {path}", output=output, path=p),
                             N_("choose another --output, e.g. site"))
    if not output.exists():
        return {}
    if not output.is_dir() or output.is_symlink():
        raise WriteError(N_("{output} is not a folder", output=output), N_("choose another --output"))
    marker = output / MARKER
    if marker.is_file():
        try:
            data = json.loads(marker.read_text("utf-8"))
            return data.get("files", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}
    if any(output.iterdir()):
        raise WriteError(N_("{output} holds files confsite did not write", output=output),
                         N_("choose another --output, or empty that folder first"))
    return {}


def _safe_join(root: Path, rel: str) -> Path:
    norm = posixpath.normpath(rel)
    if norm.startswith(("../", "/")) or norm == ".." or "\x00" in norm:
        raise WriteError(N_("refusing to write outside the output folder: {rel}", rel=repr(rel)))
    return root / norm


def _pause(point: str) -> None:
    """Test hook: with ``CONFSITE_TEST_PAUSE=<point>`` the build waits here (at most a minute,
    or until something is written to the named pipe ``CONFSITE_TEST_RESUME``), so a test can
    kill it or run a second build at a known moment. Points: locked, writing, staged,
    swapped, renamed."""
    if os.environ.get("CONFSITE_TEST_PAUSE") != point:
        return
    os.write(2, f"confsite: paused at {point}\n".encode())
    resume = os.environ.get("CONFSITE_TEST_RESUME")
    if not resume:
        select.select([], [], [], 60)       # to be killed; a stray one ends within a minute
        return
    # A pipe opened without blocking reads as ready once a writer has written to it or gone.
    fd = os.open(resume, os.O_RDONLY | os.O_NONBLOCK)
    try:
        select.select([fd], [], [], 60)
    finally:
        os.close(fd)


def write_site(rendered: Rendered, output: Path, *, protected: tuple[Path, ...] = ()) -> WriteStats:
    """Put *rendered* in the output folder: staged beside it, then swapped in whole."""
    with staged(output, protected=protected) as staging:
        return staging.finish(rendered)


@contextmanager
def staged(output: Path, *, protected: tuple[Path, ...] = ()) -> Iterator[Staging]:
    """The output folder locked and a staging folder ready for the new site.

    Files may be placed into the staging folder (:meth:`Staging.put`, from forked render
    workers too) before :meth:`Staging.finish` completes it and swaps it in. Whatever
    goes wrong before the swap, the live site is untouched, and a staging folder made for
    this build is removed."""
    output = Path(os.path.abspath(output))
    with output_lock(output):
        _pause("locked")
        staging = None
        try:
            with _writing(output):
                _recover(output)
                previous = _check_output(output, protected)
                spare = _spare(output)
                if spare is not None and output.exists():
                    staging = Staging(spare, output, previous, _take_manifest(spare), fresh=False)
                else:
                    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
                    os.chmod(folder, 0o755)  # mkdtemp makes it private; a web server must read the site
                    staging = Staging(folder, output, previous, {}, fresh=True)
            yield staging
        finally:
            if staging is not None and staging.fresh and not staging.swapped:
                shutil.rmtree(staging.folder, ignore_errors=True)


class Staging:
    """The folder a new site is assembled in, next to the live one (*output*).

    *previous* is the live site's manifest, *have* what the folder already holds (a spare
    site's manifest; None: unknown, every file is checked). A file already there with the
    right bytes stays; one the live site has is hard-linked from it (same inode and
    mtime); others are written. Files are replaced by rename, never rewritten in place,
    since they may share an inode with the live site. A *fresh* folder (made empty for
    this build) shares nothing: a new file is written in its place directly.
    """

    def __init__(self, folder: Path, output: Path, previous: dict[str, str], have: dict[str, str] | None,
                 fresh: bool):
        self.folder = folder
        self.output = output
        self.previous = previous
        if have is None:    # unknown contents: digests of what is there are not trusted
            have = {}
            for dirpath, _, filenames in os.walk(folder):
                for name in filenames:
                    have[Path(dirpath, name).relative_to(folder).as_posix()] = ""
        self.have = have
        self.fresh = fresh
        self.swapped = False
        self.manifest: dict[str, str] | None = None     # what the folder holds, once finished
        self._made: set[Path] = set()

    def put(self, rel: str, data: bytes) -> str:
        """Place the file *rel* with *data*; its digest (for the manifest)."""
        digest = file_hash(data)
        with _writing(self.output):
            self._place(rel, digest, data, None)
        return digest

    def _place(self, rel: str, digest: str, data: bytes | None, source: Path | None) -> None:
        if self.have.get(rel) == digest:     # the spare's own manifest: it already holds these bytes
            return
        target = _safe_join(self.folder, rel)
        if target.parent not in self._made:
            if target.parent.is_file() or target.parent.is_symlink():
                target.parent.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        if self.fresh and data is not None and self.previous.get(rel) != digest:
            try:
                with open(target, "xb") as f:
                    f.write(data)
                return
            except OSError:     # something is in the way (a folder of the same name): the careful path
                pass
        if self.fresh and self.previous.get(rel) == digest:
            # The live site's file, linked straight into the empty folder (the first build
            # after a clean one links every page so).
            old = self.output / rel
            if not old.is_symlink():
                try:
                    os.link(old, target, follow_symlinks=False)
                    return
                except OSError:     # not a file, gone, or something in the way: the careful path
                    pass
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        tmp = target.parent / f".{target.name}.confsite-tmp"
        tmp.unlink(missing_ok=True)
        old = self.output / rel
        linked = False
        if self.previous.get(rel) == digest and old.is_file() and not old.is_symlink():
            try:
                os.link(old, tmp)
                linked = True
            except OSError:
                pass
        if not linked:
            if data is not None:
                tmp.write_bytes(data)
            elif source is not None:
                shutil.copyfile(source, tmp)
            else:
                raise WriteError(N_("{rel} went missing from {name}/ during the build", rel=rel,
                                    name=self.output.name), N_("build again (or build with --no-cache)"))
        os.replace(tmp, target)

    def finish(self, rendered: Rendered) -> WriteStats:
        """Place the rest of *rendered*, remove what the site no longer has, write the
        manifest and swap the folder in."""
        with _writing(self.output):
            manifest = self._fill(rendered)
            # One file a line (C's encoder: with an indent, json encodes in Python, 4× slower)
            (self.folder / MARKER).write_text(json.dumps({"files": manifest}, sort_keys=True, separators=(",\n", ":")),
                                              "utf-8")
            _pause("staged")
            _swap(self.folder, self.output)
            self.swapped = True
        self.manifest = manifest
        previous = self.previous
        # Kept files are the previous site's (_fill checked them): only the others may be new.
        made = {*rendered.files, *rendered.placed, *rendered.copies}
        written = sum(1 for rel in made if previous.get(rel) != manifest[rel])
        removed = len(previous.keys() - manifest.keys())
        return WriteStats(written, len(manifest) - written, removed)

    def _fill(self, rendered: Rendered) -> dict[str, str]:
        """Make the folder hold exactly the rendered site; return its manifest."""
        previous, have = self.previous, self.have
        # Not rendered again: the previous site's files stand, if they are still there.
        manifest = dict(rendered.kept)
        copies = rendered.copies
        changed = [] if manifest.items() <= previous.items() else [     # (the common case asked in C)
            rel for rel, digest in manifest.items() if previous.get(rel) != digest and rel not in copies]
        if changed:
            raise WriteError(N_("{rel} changed in {name}/ during the build", rel=min(changed), name=self.output.name),
                             N_("build again (or build with --no-cache)"))
        data: dict[str, bytes] = {}
        sources: dict[str, Path] = {}
        for rel, source in copies.items():
            manifest[rel] = file_hash_of(source)
            sources[rel] = source
        for rel, content in rendered.files.items():
            manifest[rel] = file_hash(content)
            data[rel] = content
            sources.pop(rel, None)
        manifest.update(rendered.placed)    # already in the staging folder, put there by a render worker
        placed = rendered.placed
        # What the folder does not hold yet (a spare site holds most of it), in order.
        missing = sorted(rel for rel, digest in manifest.items() if have.get(rel) != digest and rel not in placed)
        if len(manifest) >= 2:
            _pause("writing")     # files are in the staging folder
        for rel in missing:
            self._place(rel, manifest[rel], data.get(rel), sources.get(rel))
        stale = set(self.have) - set(manifest)
        for rel in sorted(stale):
            path = _safe_join(self.folder, rel)
            try:
                path.unlink()
            except IsADirectoryError:
                shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
        for folder in sorted({_safe_join(self.folder, rel).parent for rel in stale}, key=lambda p: -len(p.parts)):
            while folder != self.folder:
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
        return manifest


def _spare_path(output: Path) -> Path:
    return output.parent / f".{output.name}.spare"


def _spare(output: Path) -> Path | None:
    """The site before the previous one, kept to be brought up to date and swapped in:
    far cheaper than making every folder of a large site anew."""
    spare = _spare_path(output)
    return spare if spare.is_dir() and not spare.is_symlink() else None


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The manifest of a folder confsite wrote (site-relative path → :func:`file_hash` of
    the file). None: there is none, or it cannot be read (the folder's files are not known)."""
    try:
        data = json.loads((folder / MARKER).read_text("utf-8"))
        files = data.get("files") if isinstance(data, dict) else None
    except (OSError, ValueError):
        files = None
    return files if isinstance(files, dict) else None


def _take_manifest(folder: Path) -> dict[str, str] | None:
    """The folder's manifest, removed first so a build killed half-way leaves it unknown.
    None: the folder's files are not known (every one is checked)."""
    files = read_manifest(folder)
    (folder / MARKER).unlink(missing_ok=True)
    return files


def _recover(output: Path) -> None:
    """Finish a swap that a killed build left half-done, and clear stale staging folders."""
    parent = output.parent
    olds = sorted(parent.glob(f".{output.name}.old-*"))
    if not output.exists() and olds:
        os.rename(olds[-1], output)
        olds = olds[:-1]
    for stale in [*olds, *parent.glob(f".{output.name}.new-*")]:
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    try:
        # The C library the interpreter runs on (find_library would start a subprocess)
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    spare = _spare_path(output)
    if os.environ.get("CONFSITE_TEST_NO_EXCHANGE") != "1" and _exchange(staging, output):
        _pause("swapped")
        if staging != spare:        # staging now holds the previous site: keep it as the spare
            shutil.rmtree(spare, ignore_errors=True)
            os.rename(staging, spare)
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.rename(output, old)
    _pause("renamed")
    os.rename(staging, output)
    if old != spare:
        shutil.rmtree(spare, ignore_errors=True)
        os.rename(old, spare)
