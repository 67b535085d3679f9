"""A PostgreSQL server of the test's own, to stop and start under a running service.

The shared server on 127.0.0.1:5432 must be left as it was found, so fault runs that restart
the database start a private one from Debian's PostgreSQL binaries: a fresh cluster in a
temporary directory, on a free port, owned by the `postgres` system user when the tests run as
root (PostgreSQL refuses to run as root). It is removed afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.support.process import free_port


def binaries() -> Path | None:
    """The directory of initdb and pg_ctl, if PostgreSQL's server binaries are installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


class PrivateServer:
    """A running private cluster: its URL, and stop/start as an operator would."""

    def __init__(self, bindir: Path, datadir: Path, port: int, user: str | None) -> None:
        self.bindir = bindir
        self.datadir = datadir
        self.port = port
        self.user = user
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} "
            "-c fsync=off -c max_connections=50"
        )
        log = str(self.datadir.parent / "server.log")  # the server must not hold our pipes
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", log, "-o", options, "-w", "-t", "30", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: 'fast' closes every connection, as a restart for an upgrade does;
        'immediate' is a crash."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivateServer]:
    """A fresh private PostgreSQL cluster, running; stopped and deleted afterwards."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="crimewatch-pg-"))
    datadir = root / "data"
    datadir.mkdir()
    if user:
        entry = pwd.getpwnam(user)
        for path in (root, datadir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    server = PrivateServer(bindir, datadir, free_port(), user)
    try:
        server._run(
            "initdb", "-D", str(datadir), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"
        )
        server.start()
        yield server
    finally:
        if (datadir / "postmaster.pid").exists():
            with suppress(subprocess.SubprocessError):
                server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
