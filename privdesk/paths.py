"""Where privdesk finds its bundled resources and keeps its data (no Qt)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

from privdesk import APP_NAME, ORG_NAME


def resource_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, inside a frozen bundle."""
    override = os.environ.get("PRIVDESK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def data_dir() -> Path:
    """The user's data folder (created on demand)."""
    path = Path(user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)  # privdesk's own folder: cases, keys' salt files, backups, logs
    return path


def default_database_path() -> Path:
    return data_dir() / "privdesk.db"


def demo_database_path() -> Path:
    """The throwaway database ``--demo`` opens (sample organizations and cases)."""
    return data_dir() / "demo.db"


DB_ENV = "PRIVDESK_DB"


def resolve_database(target: str | os.PathLike[str] | None) -> str:
    """``--db`` wins, then ``PRIVDESK_DB``, then privdesk.db in the user's data folder."""
    if target:
        return os.fspath(target)
    env = os.environ.get(DB_ENV)
    if env:
        return env
    return str(default_database_path())


def logo_cache_dir() -> Path:
    """Letterhead logos copied out of the database for ReportLab (created on demand)."""
    path = Path(user_cache_dir(APP_NAME, ORG_NAME)) / "logos"
    path.mkdir(parents=True, exist_ok=True)
    return path
