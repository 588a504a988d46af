"""A throwaway OpenSSH server on the loopback interface, for the remote-publish tests.

:func:`ssh_server` creates a user of its own (``useradd``; the suite runs as root in CI),
a host key and a client key, and runs Debian's ``sshd`` on a free loopback port. A second
port serves the same user with a ``PATH`` that has no ``rsync``, to show the editor's
message when the server lacks it. :meth:`SSHServer.client_config` writes ``ssh -F`` files
for the client side (the right key or another one, a known or unknown host key).
"""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tools import free_port, require_binary, stop_process

_SSHD_CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
Port {bare_port}
HostKey {etc}/host_key
PidFile {etc}/sshd.pid
AuthorizedKeysFile {keys}/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers {user}
StrictModes no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
Subsystem sftp internal-sftp
Match LocalPort {bare_port}
    SetEnv PATH={bare_bin}
"""


@dataclass
class SSHServer:
    port: int
    bare_port: int            # the same server, with no rsync on the PATH of sessions
    user: str
    home: Path
    base: Path
    host_pub: str

    def client_config(self, name: str, *, key: str = "client_key", known: str | None = None) -> Path:
        """An ``ssh -F`` file: *key* to log in, *known* the known_hosts text (default: the true host key)."""
        folder = self.base / "client"
        known_hosts = folder / f"{name}.known_hosts"
        if known is None:
            known = "\n".join(f"[127.0.0.1]:{p} {self.host_pub}" for p in (self.port, self.bare_port)) + "\n"
        known_hosts.write_text(known, "utf-8")
        config = folder / f"{name}.config"
        config.write_text(
            f"Host portal\n    HostName 127.0.0.1\n    Port {self.port}\n    User {self.user}\n"
            f"Host *\n    IdentityFile {folder / key}\n    IdentitiesOnly yes\n"
            f"    UserKnownHostsFile {known_hosts}\n    GlobalKnownHostsFile /dev/null\n"
            f"    ControlMaster no\n", "utf-8")
        return config

    def url(self, path: Path, *, port: int | None = None) -> str:
        return f"ssh://{self.user}@127.0.0.1:{port or self.port}{path}"

    def folder(self, name: str) -> Path:
        """A fresh folder in the user's home, theirs to write in."""
        path = self.home / name
        path.mkdir()
        os.chown(path, *self.ids)
        return path

    @property
    def ids(self) -> tuple[int, int]:
        entry = pwd.getpwnam(self.user)
        return entry.pw_uid, entry.pw_gid


def _keygen(exe: str, path: Path) -> str:
    subprocess.run([exe, "-q", "-t", "ed25519", "-N", "", "-C", "confsite-test", "-f", str(path)],
                   check=True, capture_output=True)
    return Path(f"{path}.pub").read_text("utf-8").strip()


@contextlib.contextmanager
def ssh_server() -> Iterator[SSHServer]:
    sshd = require_binary("sshd", "openssh-server")
    keygen = require_binary("ssh-keygen", "openssh-client")
    require_binary("ssh", "openssh-client")
    require_binary("rsync", "rsync")
    useradd = require_binary("useradd", "passwd")
    userdel = require_binary("userdel", "passwd")
    if os.geteuid() != 0:
        pytest.fail("the SSH publish tests create a throwaway user and run sshd: run them as root "
                    "(CI does; locally: sudo, or bash .ci/run)", pytrace=False)
    base = Path(tempfile.mkdtemp(prefix="confsite-ssh-"))
    user = f"confsite-{secrets.token_hex(4)}"
    proc = None
    try:
        base.chmod(0o755)
        etc, keys, client, home = base / "etc", base / "keys", base / "client", base / "home"
        for d in (etc, keys, client):
            d.mkdir()
        etc.chmod(0o700)
        keys.chmod(0o755)
        subprocess.run([useradd, "--no-create-home", "--home-dir", str(home), "--shell", "/bin/sh",
                        "--no-user-group", "--gid", "nogroup", user], check=True, capture_output=True)
        # A password field of "*" keeps password logins impossible without counting as a
        # locked account, which sshd (without PAM) would refuse even a key for.
        subprocess.run(["usermod", "-p", "*", user], check=True, capture_output=True)
        home.mkdir()
        host_pub = _keygen(keygen, etc / "host_key")
        client_pub = _keygen(keygen, client / "client_key")
        _keygen(keygen, client / "other_key")
        (keys / "authorized_keys").write_text(client_pub + "\n", "utf-8")
        entry = pwd.getpwnam(user)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        # Sessions on the second port find every usual command but rsync.
        bare_bin = base / "bare-bin"
        bare_bin.mkdir()
        for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
            if not os.path.isdir(folder):
                continue
            for name in os.listdir(folder):
                if name != "rsync" and not (bare_bin / name).exists():
                    (bare_bin / name).symlink_to(os.path.join(folder, name))
        Path("/run/sshd").mkdir(exist_ok=True)      # sshd's privilege-separation folder
        last = ""
        for _attempt in range(3):
            port, bare_port = free_port(), free_port()
            (etc / "sshd_config").write_text(_SSHD_CONFIG.format(
                port=port, bare_port=bare_port, etc=etc, keys=keys, user=user, bare_bin=bare_bin), "utf-8")
            proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(etc / "sshd_config")], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                    text=True)
            assert proc.stderr is not None
            lines = []
            for line in proc.stderr:            # sshd says when it listens, or why it cannot
                lines.append(line)
                if line.startswith("Server listening on") and sum("Server listening" in x for x in lines) == 2:
                    break
            else:
                proc.wait()
            if proc.poll() is None:
                break
            last = "".join(lines)
            proc = None
            if "Address already in use" not in last:
                break
        if proc is None:
            pytest.fail(f"sshd did not start:\n{last}", pytrace=False)
        # Keep draining sshd's log so it never blocks on a full pipe.
        drain = threading.Thread(target=proc.stderr.read, daemon=True)
        drain.start()
        try:
            yield SSHServer(port, bare_port, user, home, base, host_pub)
        finally:
            stop_process(proc)
    finally:
        if proc is not None and proc.poll() is None:
            stop_process(proc)
        subprocess.run([userdel, user], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
