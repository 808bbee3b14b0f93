"""The tests keep out of the real user's folders: every folder privdesk writes to is a temporary one."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from privdesk.paths import data_dir, default_database_path, logo_cache_dir


def test_data_and_cache_folders_are_this_tests_own(isolated_home: Path) -> None:
    for folder in (data_dir(), default_database_path().parent, logo_cache_dir()):
        assert folder.is_relative_to(isolated_home), folder


def test_home_is_a_temporary_folder(tmp_path: Path) -> None:
    home = Path(os.environ["HOME"]).resolve()
    assert Path.home().resolve() == home
    # Beside pytest's own temporary folders, never the account's real home.
    assert home.name == "home" and home.parent.name.startswith("privdesk-tests-")
    assert not home.is_relative_to(Path(pwd.getpwuid(os.getuid()).pw_dir).resolve())
