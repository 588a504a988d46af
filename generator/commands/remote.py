"""Publish to a web server over SSH: the same releases layout and guarantees as a local publish.

``confsite publish user@host:/srv/snv-tin`` (or ``ssh://user@host:2222/srv/snv-tin``) builds
and verifies the release on this machine, exactly as a local publish does, and then:

1. opens one SSH session that stays open for the whole publish. On the server it checks
   that ``rsync`` and ``flock`` exist and that DEST can be written, takes the same lock as
   a local publish (``flock`` on ``DEST/.publish.lock``), and then runs the short commands
   this module sends it one line at a time. The lock lives as long as the session: when
   this process dies, the session's input closes, its shell ends and the lock is freed;
2. clears what an interrupted publish left (``releases/.*``, temporary links, releases
   installed but never made live), exactly like :func:`generator.commands.publish._clean`;
3. uploads the release with ``rsync`` into ``releases/.staging-<token>/``, building it from
   the live release with ``--link-dest`` (unchanged files become hard links; changed files
   are sent as differences against their old version), checksums deciding what changed;
4. renames the staging folder to ``releases/<name>``, links a temporary symlink to it and
   renames that over ``current`` (``mv -T``: one ``rename(2)``), then records the history
   and prunes old releases.

``ssh`` and ``rsync`` are the system's own, with the user's SSH configuration (keys,
``known_hosts``, ``Host`` aliases); ``BatchMode`` so nothing ever waits for a password,
``StrictHostKeyChecking`` so an unknown or changed host key stops the publish. Their
failures are turned into :class:`~generator.commands.publish.PublishError` messages for editors.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from ..build import permalinks
from .publish import (CURRENT, HISTORY, RELEASES, PublishError, PublishResult, _pause, build_release, check_keep,
                      release_name, rollback_target, to_prune, unfinished)
from ..output.write import MARKER

GUIDE = "docs/publishing-ssh.md"
# Where CONFSITE_PUBLISH_PAUSE can stop a publish to a server (after the local ones up to "verified").
POINTS = ("locked", "uploading", "uploaded", "installed", "linked", "switched")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/:\s]+)@)?(?P<host>\[[^\]/]+\]|[^:/\[\]\s]+):(?P<path>.*)$")

# Runs on the server under `sh -c SCRIPT confsite DEST MODE WAIT`. Faults are reported on
# stdout as "@@error <kind> <detail>"; then, unless MODE is "look", the shell takes the
# lock and answers each command line it reads with its output and "@@rc <status>".
_SCRIPT = r'''
dest=$1 mode=$2 wait=$3
fail() { printf '@@error %s\n' "$*"; exit 3; }
command -v rsync >/dev/null 2>&1 || fail norsync
if [ "$mode" = look ]; then
  if [ -d "$dest" ]; then cd -- "$dest" 2>/dev/null || fail noread; fi
else
  command -v flock >/dev/null 2>&1 || fail noflock
  err=$(mkdir -p -- "$dest/releases" 2>&1) || fail nowrite "$err"
  cd -- "$dest" 2>/dev/null || fail nowrite
  err=$( { : >>.publish.lock; } 2>&1) || fail nowrite "$err"
  [ -w . ] && [ -w releases ] || fail nowrite
  exec 9>>.publish.lock
  if ! flock -n 9; then
    printf '@@waiting\n'
    flock -w "$wait" 9 || fail busy
  fi
fi
if [ -e current ] && [ ! -L current ]; then fail notlink; fi
printf '@@ready\n'
while IFS= read -r line; do
  out=$(eval "$line" 2>&1); rc=$?
  printf '%s\n@@rc %s\n' "$out" "$rc"
done
'''
_STATE = (f'if [ -d {RELEASES} ]; then for n in {RELEASES}/*; do [ -d "$n" ] && [ ! -L "$n" ] && '
          f'printf "R %s\\n" "${{n#{RELEASES}/}}"; done; fi; '
          f'[ -L {CURRENT} ] && printf "C %s\\n" "$(readlink {CURRENT})"; '
          f'[ -f {HISTORY} ] && sed "s/^/H /" {HISTORY}; true')


@dataclass(frozen=True)
class Remote:
    """A destination on another machine: ``[user@]host[:port]`` and the folder there."""
    host: str
    path: str
    user: str | None = None
    port: int | None = None
    spec: str = ""

    @property
    def account(self) -> str:
        """Who logs in, for messages: ``user on host``."""
        return f"{self.user} on {self.host}" if self.user else f"the SSH account on {self.host}"

    @property
    def login(self) -> str:
        return f"{self.user}@{self.host}" if self.user else self.host

    def rsync_target(self, rel: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        folder = self.path.rstrip("/") or "/"
        return f"{self.user + '@' if self.user else ''}{host}:{folder}/{rel}"

    def __str__(self) -> str:
        return self.spec or f"{self.login}:{self.path}"


def parse_destination(text: str) -> Remote | None:
    """``user@host:/path`` or ``ssh://user@host[:port]/path`` as a :class:`Remote`; None for a local folder."""
    if text.startswith("ssh://"):
        parts = urlsplit(text)
        try:
            port = parts.port
        except ValueError:
            raise PublishError(f"{text}: the port is not a number", "write it as ssh://user@host:2222/srv/snv-tin") from None
        if not parts.hostname or not parts.path.strip("/"):
            raise PublishError(f"{text}: a server and a folder are both needed",
                               "write it as ssh://user@host/srv/snv-tin (or user@host:/srv/snv-tin)")
        return Remote(parts.hostname, unquote(parts.path), unquote(parts.username) if parts.username else None,
                      port, text)
    m = _SCP_LIKE.match(text)
    if not m or "/" in text.split(":", 1)[0]:
        return None
    host = m["host"]
    if len(host) == 1 and not m["user"]:      # C:\site on Windows is a local folder
        return None
    if not m["path"].strip("/"):
        raise PublishError(f"the destination {text} names no folder on the server after the colon",
                           f"write it as {m['user'] + '@' if m['user'] else ''}{host}:/srv/snv-tin")
    return Remote(host.strip("[]"), m["path"], m["user"], None, text)


# --- ssh and rsync --------------------------------------------------------------------

def _tool(name: str, package: str) -> str:
    exe = shutil.which(name)
    if not exe:
        raise PublishError(f"{name} is not installed on this machine",
                           f"install it (Debian/Ubuntu: sudo apt install {package}; see {GUIDE}), then publish again")
    return exe


def ssh_command(remote: Remote, ssh_config: Path | None) -> list[str]:
    """``ssh`` with the options every connection uses: never a prompt, never an unchecked host key."""
    cmd = [_tool("ssh", "openssh-client"), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
           "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4"]
    if ssh_config is not None:
        cmd += ["-F", str(ssh_config)]
    if remote.port:
        cmd += ["-p", str(remote.port)]
    return cmd


def _die_with_parent() -> None:
    """In the child: end when the publishing process ends, even killed (Linux), so an
    upload never outlives its publish and the server's lock is freed at once."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


_CHILD = {"preexec_fn": _die_with_parent} if sys.platform.startswith("linux") else {}


def _fault(remote: Remote, text: str, doing: str) -> PublishError:
    """The editor's message for what ``ssh``, ``rsync`` or the server said on failing."""
    where, host = str(remote), remote.host + (f" port {remote.port}" if remote.port else "")
    unchanged = f"{CURRENT} was not changed"
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in text:
        return PublishError(f"the server {host} answered with a different host key than the one this machine knows; "
                            f"nothing was published",
                            "this can mean someone is intercepting the connection, or the server was reinstalled: "
                            "ask the IT staff whether its key changed and for the new fingerprint; only then remove "
                            f"the old key with: ssh-keygen -R {remote.host} (see {GUIDE})")
    if "Host key verification failed" in text or "host key is known" in text:
        return PublishError(f"this machine does not know the host key of {host}; nothing was published",
                            "ask the IT staff for the server's host key fingerprint and add it to ~/.ssh/known_hosts "
                            f"after comparing it (see {GUIDE}); confsite never accepts an unknown key by itself")
    if "Permission denied (" in text or "Too many authentication failures" in text:
        whose = f"the SSH key for {remote.user}" if remote.user else "this machine's SSH key"
        return PublishError(f"the server {host} refused {whose}; nothing was published",
                            f"ask the IT staff to add this machine's public key (~/.ssh/id_ed25519.pub) to that "
                            f"account's ~/.ssh/authorized_keys, or name the right key in ~/.ssh/config (see {GUIDE})")
    if "Could not resolve hostname" in text:
        return PublishError(f"cannot find the server {remote.host}: the name is unknown; nothing was published",
                            "check the spelling of the server's name and this machine's network connection")
    if "No space left on device" in text or "Disk quota exceeded" in text:
        return PublishError(f"the server's disk is full (while {doing} in {where}); {unchanged}",
                            "ask the IT staff to free space on the server, or publish with a smaller --keep "
                            "to remove old releases, then publish again")
    if re.search(r"connect to host .*: |Connection timed out|No route to host|Network is unreachable|"
                 r"Connection refused|kex_exchange_identification|Connection closed by|Connection reset", text):
        if doing == "connect":
            return PublishError(f"cannot reach the server {host}; nothing was published",
                                "check this machine's network connection and the server's name and port, "
                                "and ask the IT staff whether the server and its SSH service are running")
        return PublishError(f"the connection to {host} was lost while {doing}; {unchanged}",
                            "publish again when the network is back: it finishes what this one started")
    if "Permission denied" in text or "Read-only file system" in text or "Operation not permitted" in text:
        return PublishError(f"{remote.account} may not write in {remote.path}; {unchanged}",
                            f"ask the IT staff to give that account write access to the folder (see {GUIDE})")
    if re.search(r"rsync: (command )?not found|rsync: No such file|protocol version mismatch", text):
        return _no_rsync(remote)
    last = [line for line in text.strip().splitlines() if line.strip()][-1:] or ["no message"]
    return PublishError(f"{doing} in {where} failed ({last[0].strip()}); {unchanged}",
                        "publish again; if it fails the same way, show this message to the IT staff")


def _no_rsync(remote: Remote) -> PublishError:
    return PublishError(f"rsync is not installed on the server {remote.host}; nothing was published",
                        "ask the IT staff to install it there (Debian/Ubuntu: apt install rsync)")


class Session:
    """One SSH session to the server: holds the publish lock and runs commands in DEST."""

    def __init__(self, remote: Remote, ssh_config: Path | None, *, mode: str = "publish", wait: float = 0,
                 log: Callable[[str], None] = lambda line: None):
        self.remote = remote
        self._stderr = tempfile.TemporaryFile()
        command = ["sh", "-c", _SCRIPT, "confsite", remote.path, mode, str(int(wait))]
        self._proc = subprocess.Popen([*ssh_command(remote, ssh_config), "--", remote.login, shlex.join(command)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                      text=True, encoding="utf-8", errors="replace", **_CHILD)
        try:
            self._start(log)
        except BaseException:
            self.close()
            raise

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def _start(self, log: Callable[[str], None]) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            line = line.rstrip("\n")
            if line == "@@ready":
                return
            if line == "@@waiting":
                log(f"another publish to {self.remote} is running; waiting for it to finish")
            elif line.startswith("@@error "):
                self._proc.wait()
                raise self._error(*(line[len("@@error "):].split(" ", 1) + [""])[:2])
        self._proc.wait()
        raise _fault(self.remote, self._stderr_text(), "connect")

    def _error(self, kind: str, detail: str) -> PublishError:
        where = str(self.remote)
        if kind == "norsync":
            return _no_rsync(self.remote)
        if kind == "noflock":
            return PublishError(f"flock is not installed on the server {self.remote.host}; nothing was published",
                                "ask the IT staff to install it there (Debian/Ubuntu: apt install util-linux)")
        if kind == "busy":
            return PublishError(f"another publish to {where} is running", "wait for it to finish, then try again")
        if kind == "notlink":
            return PublishError(f"{where}/{CURRENT} is a folder, not a link made by confsite publish",
                                "publish to a new folder, or ask the IT staff to move that folder away first")
        if kind in ("nowrite", "noread") and "No space left on device" not in detail:
            return PublishError(f"{self.remote.account} may not write in {self.remote.path}; nothing was published",
                                f"ask the IT staff to give that account write access to the folder (see {GUIDE})")
        return _fault(self.remote, detail, "preparing the folder")

    def run(self, command: str, doing: str) -> str:
        """Run one shell command line in DEST on the server; its output, or a PublishError."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        try:
            self._proc.stdin.write(command + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._lost(doing) from None
        out: list[str] = []
        for line in self._proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("@@rc "):
                if line != "@@rc 0":
                    raise _fault(self.remote, "\n".join(out), doing)
                return "\n".join(out)
            out.append(line)
        raise self._lost(doing)

    def _lost(self, doing: str) -> PublishError:
        self._proc.wait()
        text = self._stderr_text()
        return _fault(self.remote, text or "Connection closed by the server", doing)

    def alive(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        if self._proc.stdin:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def state(self) -> tuple[list[str], str | None, list[str]]:
        """The releases on the server (oldest first), the live one, and the history."""
        names, live, past = [], None, []
        for line in self.run(_STATE, "reading the releases").splitlines():
            tag, _, value = line.partition(" ")
            if tag == "R":
                names.append(value)
            elif tag == "C":
                live = value.rsplit("/", 1)[-1]
            elif tag == "H" and value.strip():
                past.append(value.strip())
        names.sort()
        kept = set(names)
        return names, live, [n for n in past if n in kept]

    def switch(self, name: str, token: str) -> None:
        tmp = f".{CURRENT}-{token}.tmp"
        self.run(f"rm -f {tmp} && ln -s {shlex.quote(f'{RELEASES}/{name}')} {tmp}", "switching to the new release")
        _pause("linked")
        self.run(f"mv -T -f {tmp} {CURRENT}", "switching to the new release")

    def write_history(self, names: list[str], token: str) -> None:
        tmp = f"{HISTORY}-{token}.tmp"
        self.run(f"printf '%s\\n' {' '.join(shlex.quote(n) for n in names)} > {tmp} && mv -f {tmp} {HISTORY}",
                 "recording the history")

    def remove(self, rels: list[str], doing: str) -> None:
        if rels:
            self.run("rm -rf -- " + " ".join(shlex.quote(r) for r in rels), doing)

    def clean(self, stale: list[str]) -> None:
        """Remove what interrupted publishes left. What cannot be removed now (an upload
        still winding down) is hidden and harmless: the next publish tries again."""
        self.run(f"rm -rf -- {RELEASES}/.[!.]* {RELEASES}/..?* .{CURRENT}-*.tmp {HISTORY}-*.tmp "
                 + " ".join(shlex.quote(f"{RELEASES}/{n}") for n in stale) + " 2>/dev/null; true", "cleaning up")


@dataclass(frozen=True)
class Transfer:
    """What rsync did or would do: files sent and removed, with its statistics."""
    sent: tuple[str, ...]
    removed: tuple[str, ...]
    bytes_sent: int
    site_bytes: int
    changed_bytes: int = 0        # the size of the files sent, before rsync's differences and compression


def _stat(stats: str, label: str) -> int:
    m = re.search(rf"^{label}: ([\d,.]+)", stats, re.M)
    return int(re.sub(r"\D", "", m.group(1))) if m else 0


def rsync(local: Path, remote: Remote, rel: str, ssh_config: Path | None, *, link_dest: str | None = None,
          dry_run: bool = False) -> Transfer:
    """Copy the folder *local* to ``DEST/<rel>/`` on the server; checksums decide what changed."""
    exe = _tool("rsync", "rsync")
    cmd = [exe, "-rlpc", "--compress", "--chmod=D755,F644", "--delete", "--stats", "-8",
           "--out-format=@@%i %n", "-e", shlex.join(ssh_command(remote, ssh_config))]
    if link_dest:
        cmd.append(f"--link-dest=../{link_dest}")
    if dry_run:
        cmd.append("--dry-run")
    cmd += [f"{local}/", remote.rsync_target(f"{rel}/")]
    doing = "checking what would change" if dry_run else "uploading the release"
    sent, removed, other = [], [], []
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8",
                                errors="replace", **_CHILD)
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:
                if not line.startswith("@@"):
                    other.append(line)
                    continue
                flags, _, name = line[2:].rstrip("\n").partition(" ")
                if flags.startswith("*deleting"):
                    removed.append(name.strip())
                elif flags[1:2] == "f" and flags[0] in "<>":
                    if not sent and not dry_run:
                        _pause("uploading")
                    sent.append(name)
        code = proc.wait()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if code != 0:
        if code in (12, 255) and re.search(r"rsync: (command )?not found|rsync: No such file", text):
            raise _no_rsync(remote)
        raise _fault(remote, text or f"rsync exited with status {code}", doing)
    stats = "".join(other)
    return Transfer(tuple(sent), tuple(removed), _stat(stats, "Total bytes sent"), _stat(stats, "Total file size"),
                    _stat(stats, "Total transferred file size"))


def _disk_full(session: Session, error: PublishError, doing: str) -> PublishError:
    """After a failed upload: *error*, or the disk-full message when the server's disk is
    (nearly) full, since rsync's own message can be lost when its receiver dies; then
    remove the partial upload, which frees the space again."""
    if "disk is full" not in error.message:
        try:
            free = session.run(f"df -Pk {RELEASES} | awk 'NR == 2 {{ print $4 }}'", "checking free space").strip()
            if free.isdigit() and int(free) < 1024:
                error = _fault(session.remote, "No space left on device", doing)
        except PublishError:
            pass
    try:
        session.run(f"rm -rf -- {RELEASES}/.staging-* 2>/dev/null; true", "cleaning up")
    except PublishError:
        pass
    return error


# --- publish, dry run, rollback -------------------------------------------------------

@dataclass(frozen=True)
class RemoteResult(PublishResult):
    transfer: Transfer | None = None


def publish_remote(content: Path, remote: Remote, *, ssh_config: Path | None = None, base_url: str | None = None,
                   keep: int = 5, wait: float = 60, dry_run: bool = False, allow_removed: bool = False,
                   now: dt.datetime | None = None, log: Callable[[str], None] = lambda line: None) -> RemoteResult:
    """Build and verify *content* here, then make it ``DEST/current`` on the server."""
    check_keep(keep)
    _tool("rsync", "rsync")
    ssh_command(remote, ssh_config)
    with tempfile.TemporaryDirectory(prefix="confsite-publish-") as tmp:
        staging = Path(tmp) / "site"
        # No release marker in the pages: it would differ in every page from the live
        # release's, and rsync would send a piece of every page instead of the few that changed.
        result = build_release(content, staging, base_url=base_url, allow_removed=allow_removed, marker=False)
        files = len(result.rendered.files) + len(result.rendered.copies)
        if dry_run:
            with Session(remote, ssh_config, mode="look", log=log) as session:
                names, live, _ = session.state()
            if live in names:
                transfer = rsync(staging, remote, f"{RELEASES}/{live}", ssh_config, dry_run=True)
            else:                          # nothing there yet: all of it would travel
                every = sorted(p for p in staging.rglob("*") if p.is_file())
                size = sum(p.stat().st_size for p in every)
                transfer = Transfer(tuple(p.relative_to(staging).as_posix() for p in every), (), size, size, size)
            return RemoteResult("", live, files, (), transfer)
        token = secrets.token_hex(4)
        with Session(remote, ssh_config, wait=wait, log=log) as session:
            _pause("locked")
            names, live, past = session.state()
            stale = unfinished(names, past, live)
            session.clean(stale)
            names = [n for n in names if n not in stale]
            work = f"{RELEASES}/.staging-{token}"
            try:
                transfer = rsync(staging, remote, work, ssh_config, link_dest=live if live in names else None)
            except PublishError as exc:
                if not session.alive():
                    raise
                raise _disk_full(session, exc, "uploading the release") from None
            _pause("uploaded")
            name = release_name(names, (staging / MARKER).read_bytes(), now)
            session.run(f"test -f {work}/{MARKER} && mv -T -- {work} {RELEASES}/{name}", "installing the release")
            _pause("installed")
            session.switch(name, token)
            permalinks.record(result.site)
            _pause("switched")
            session.write_history([*past, name], token)
            removed = to_prune([*names, name], name, keep)
            session.remove([f"{RELEASES}/{n}" for n in removed], "removing old releases")
    return RemoteResult(name, live, files, removed, transfer)


def rollback_remote(remote: Remote, *, ssh_config: Path | None = None, wait: float = 60,
                    log: Callable[[str], None] = lambda line: None) -> tuple[str, str]:
    """Point ``current`` on the server at the release before it; returns (from, to)."""
    with Session(remote, ssh_config, wait=wait, log=log) as session:
        names, live, past = session.state()
        target, past = rollback_target(names, past, live, str(remote))
        try:
            session.run(f"test -f {RELEASES}/{shlex.quote(target)}/{MARKER}", "checking the release")
        except PublishError:
            raise PublishError(f"release {target} is incomplete", "publish again instead") from None
        token = secrets.token_hex(4)
        session.write_history(past, token)
        session.switch(target, token)
        return live or "", target
