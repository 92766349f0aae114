"""A TCP proxy on a fixed loopback port in front of a server (S3, PostgreSQL, the Prefect
API), that the tests cut off and bring back, as a server that crashes and restarts."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.services import free_port

# SO_LINGER on, 0 s: close() sends a reset, as a crashed server's kernel would.
RESET_ON_CLOSE = b"\x01\0\0\0\0\0\0\0"


class SwitchableProxy:
    """Forwards every connection to ``upstream`` (host:port) while up; ``down`` resets every
    connection and stops listening (clients are refused), ``up`` listens again."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            for sock in [self.listener, *self.sockets]:
                if sock is None:
                    continue
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets, self.listener = [], None

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            host, port = self.upstream.rsplit(":", 1)
            try:
                upstream = socket.create_connection((host, int(port)))
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut while this one was connecting
                    client.close()
                    upstream.close()
                    return
                self.sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, target), daemon=True).start()


def pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy one direction until its end; then pass the end on."""
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            target.sendall(chunk)
        target.shutdown(socket.SHUT_WR)
