"""Letters: templates rendered in a sandbox and laid out with ReportLab for window envelopes.

The names below are loaded on first use: ``privdesk.letters.catalog`` (the letter kinds, plain Python) is
wanted by screens that never lay out a letter, and ReportLab takes a good part of a second to import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from privdesk.letters.catalog import LETTER_KINDS, LetterKindInfo
    from privdesk.letters.fonts import UnprintableTextError, unsupported_characters
    from privdesk.letters.renderer import LetterRenderer, prepare
    from privdesk.letters.templating import TemplateError, default_template_source, render_template_text

_HOMES = {
    "LETTER_KINDS": "catalog",
    "LetterKindInfo": "catalog",
    "LetterRenderer": "renderer",
    "TemplateError": "templating",
    "UnprintableTextError": "fonts",
    "default_template_source": "templating",
    "prepare": "renderer",
    "render_template_text": "templating",
    "unsupported_characters": "fonts",
}

__all__ = [
    "LETTER_KINDS",
    "LetterKindInfo",
    "LetterRenderer",
    "TemplateError",
    "UnprintableTextError",
    "default_template_source",
    "prepare",
    "render_template_text",
    "unsupported_characters",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
