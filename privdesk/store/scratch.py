"""Temporary files that may hold personal data, removed even when the process that wrote them is killed.

A ``finally`` clause does not run under SIGKILL or a power cut, so every temporary file that can hold
case data (a plain copy being written, a backup before its check, a batch PDF before its rename) is
first recorded in a ledger in the user's data folder: one small entry per file, naming the file and the
process that owns it. ``sweep()`` (run when privdesk starts, and before backups and batches) removes the
files of processes that no longer exist, then their entries. Entries of live processes are left alone,
so a second privdesk never deletes the temporary files of one still working.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SIDECARS = ("-wal", "-shm", "-journal")


def ledger_dir() -> Path:
    from privdesk.paths import data_dir

    path = data_dir() / "pending-removal"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _write_entry(target: Path) -> Path | None:
    try:
        folder = ledger_dir()
    except OSError:  # a read-only home: the file is still removed by ``finally`` in the normal case
        return None
    entry = folder / f"{os.getpid()}-{secrets.token_hex(6)}.json"
    data = json.dumps({"path": str(target.resolve()), "pid": os.getpid(), "host": socket.gethostname()})
    fd = os.open(entry, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def _remove(target: Path) -> None:
    target.unlink(missing_ok=True)
    for suffix in SIDECARS:
        target.with_name(target.name + suffix).unlink(missing_ok=True)


def register(target: Path) -> None:
    """Record ``target`` before it is created, for a caller that renames it away itself; the entry is
    dropped by ``sweep`` once this process has ended (the file, renamed, is no longer there)."""
    with contextlib.suppress(OSError):
        _write_entry(target)


def private_temp_name(target: Path) -> Path:
    """A new temporary name beside ``target``, recorded in the ledger, created empty and private."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    register(tmp)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return tmp


@contextlib.contextmanager
def tracked(target: Path) -> Iterator[Path]:
    """Record ``target`` before it is created; remove it (if still there) and the record afterwards."""
    entry = _write_entry(target)
    try:
        yield target
    finally:
        _remove(target)
        if entry is not None:
            entry.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    except OSError:
        return False
    return True


def sweep() -> int:
    """Remove the temporary files of privdesk processes that died; returns how many were removed."""
    try:
        folder = ledger_dir()
    except OSError:
        return 0
    removed = 0
    host = socket.gethostname()
    for entry in sorted(folder.glob("*.json")):
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            pid, path, where = int(data["pid"]), Path(str(data["path"])), str(data.get("host", host))
        except (OSError, ValueError, KeyError, TypeError):
            entry.unlink(missing_ok=True)  # a half-written entry of a killed process
            continue
        if where == host and _alive(pid):
            continue
        if where != host:
            continue  # a shared home seen from another machine: that machine sweeps its own
        with contextlib.suppress(OSError):
            if path.exists():
                removed += 1
            _remove(path)
            entry.unlink(missing_ok=True)
    if removed:
        log.info("removed %d temporary file(s) left by interrupted privdesk processes", removed)
    return removed
