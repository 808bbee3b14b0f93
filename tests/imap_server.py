"""A real IMAP server (pymap, in memory) on a free loopback port: tests never touch the network."""

from __future__ import annotations

import imaplib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

USER, PASSWORD = "U", "P"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def pymap_server() -> Iterator[int]:
    """Start pymap with a demo user; yield its port; skip the test when pymap is unavailable."""
    executable = shutil.which("pymap")
    if executable is None:
        pytest.skip("pymap is not installed")
    port = free_port()
    process = subprocess.Popen(
        [executable, "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
         "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.skip("pymap did not start")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def connect(port: int) -> imaplib.IMAP4:
    """A client session on the loopback server, logged in as the test account."""
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    return conn
