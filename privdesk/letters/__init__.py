"""Letters: templates rendered in a sandbox and laid out with ReportLab for window envelopes."""

from privdesk.letters.catalog import LETTER_KINDS, LetterKindInfo
from privdesk.letters.fonts import UnprintableTextError, unsupported_characters
from privdesk.letters.renderer import LetterRenderer, prepare
from privdesk.letters.templating import TemplateError, default_template_source, render_template_text

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
