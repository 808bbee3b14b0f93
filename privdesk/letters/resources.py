"""Where the letter templates and fonts live.

``privdesk.paths`` is outside the layers ``letters`` may import, so the same lookup (override variable,
frozen bundle, checkout) is repeated here for the two folders this package reads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resource_dir() -> Path:
    override = os.environ.get("PRIVDESK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent.parent / "resources"


def templates_dir() -> Path:
    return resource_dir() / "letters"


def fonts_dir() -> Path:
    return resource_dir() / "fonts"
