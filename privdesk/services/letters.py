"""The outbox: generating, printing, mailing and keeping letters; the morning batch; edited templates.

A letter is rendered from the case as it stands until it is printed. From then on the stored PDF is
the record: it is read back (and checked against its SHA-256) instead of being rendered again, and once
the letter is marked sent nothing may replace it.
"""

from __future__ import annotations

from privdesk.letters import TemplateError
from privdesk.letters.batch import Cancelled
from privdesk.services.letters_batch import BatchMixin, BatchSummary, HeldLetter
from privdesk.services.letters_common import SEND_METHODS, OutboxLetterDTO, sha256_hex, write_file
from privdesk.services.letters_render import LetterCheckDTO, LetterHeld
from privdesk.services.letters_samples import sample_letter
from privdesk.services.letters_templates import TemplateInfoDTO, TemplateVersionDTO


class LetterService(BatchMixin):
    """Every letter use case; each part lives in its own module:

    - ``letters_common``: the outbox row, the states, storage helpers, auditing;
    - ``letters_templates``: edited templates and their versions;
    - ``letters_render``: rendering a letter from its case and storing the PDF;
    - ``letters_outbox``: the outbox list and the state changes;
    - ``letters_batch``: the morning print run;
    - ``letters_samples``: sample data to check an edited template.
    """


__all__ = [
    "SEND_METHODS",
    "BatchSummary",
    "Cancelled",
    "HeldLetter",
    "LetterCheckDTO",
    "LetterHeld",
    "LetterService",
    "OutboxLetterDTO",
    "TemplateError",
    "TemplateInfoDTO",
    "TemplateVersionDTO",
    "sample_letter",
    "sha256_hex",
    "write_file",
]
