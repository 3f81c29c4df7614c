"""A PostgreSQL server of our own, in a temporary directory on its own port.

The soak (bench/soak.py) stops and restarts PostgreSQL under load, and the replica test starts a
streaming replica: neither may touch the machine's shared cluster, which other test runs use.
Debian's server binaries are used as they are; as root, the server runs as the `postgres` user
(PostgreSQL refuses to run as root).
"""

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg2


def server_binaries():
    """Debian's newest installed server (/usr/lib/postgresql/<version>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def as_server_user(command):
    """Run as `postgres` when we are root; as ourselves otherwise."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return list(map(str, command))


class OwnPostgres:
    def __init__(self, directory, port):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = port
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server binaries are not installed (apt-get install postgresql)")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _prepare_directory(self):
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def _run(self, *command):
        result = subprocess.run(as_server_user(command), capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(
                f"{Path(str(command[0])).name} failed: {result.stderr.strip() or result.stdout}"
            )

    def init(self):
        self._prepare_directory()
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        # Like the machine's cluster: streaming replication allowed from 127.0.0.1, no autovacuum.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("autovacuum = off\nwal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return self

    def replica_of(self, primary):
        """A streaming replica: a base backup of `primary` with standby.signal (-R)."""
        self._prepare_directory()
        self._run(
            self.bin / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", self.data, "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        return self

    def start(self):
        self._run(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.directory / "server.log", "-w",
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "start",
        )  # fmt: skip
        return self

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def execute(self, query, database="postgres", params=()):
        connection = psycopg2.connect(f"{self.url}/{database}")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def wait_until_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.execute("SELECT 1")
                return
            except psycopg2.OperationalError:
                time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL on port {self.port} did not come up")
