"""The inbox: emails, scanned letters and call notes waiting for the officer's decision.

Every intake item keeps its original (the email file, the scanned pages, the call note) byte for byte,
with its SHA-256, in the database. Detection only suggests; an item becomes a case only when the officer
confirms through ``make_case`` (or ``attach_to_case``), or leaves the inbox through ``set_aside`` with a
reason. Each call is one transaction; batches (files, a mailbox) commit one message at a time so a bad
message never costs the good ones.

The service is split by what it handles: ``dto`` (data in and out), ``files`` (email files),
``manual`` (call notes and scanned letters), ``triage`` (the inbox and the way to a case) and
``mailboxes`` (IMAP); ``common`` holds what they share.
"""

from __future__ import annotations

from privdesk.services.intake.common import LIMITS_SETTING, MAX_FILE_LIMIT, MIN_FILE_LIMIT
from privdesk.services.intake.dto import (
    BATCH_CHUNK,
    FETCH_ATTEMPTS,
    SCAN_TYPES,
    CallNote,
    Cancelled,
    FetchReportDTO,
    ImportFailureDTO,
    ImportOutcome,
    IntakeDocumentDTO,
    IntakeItemDTO,
    IntakeResultDTO,
    IntakeRowDTO,
    MailboxDTO,
    NewCaseFromIntake,
    Progress,
    ScannedLetter,
    detection_json,
    result_json,
)
from privdesk.services.intake.mailboxes import Mailboxes
from privdesk.services.intake.manual import ManualEntries, scan_problem
from privdesk.services.intake.triage import Triage
from privdesk.services.intake.webform import WebFormEntries


class IntakeService(Mailboxes, ManualEntries, Triage, WebFormEntries):
    """The inbox service: every part above over one context."""


__all__ = [
    "BATCH_CHUNK",
    "FETCH_ATTEMPTS",
    "LIMITS_SETTING",
    "MAX_FILE_LIMIT",
    "MIN_FILE_LIMIT",
    "SCAN_TYPES",
    "CallNote",
    "Cancelled",
    "FetchReportDTO",
    "ImportFailureDTO",
    "ImportOutcome",
    "IntakeDocumentDTO",
    "IntakeItemDTO",
    "IntakeResultDTO",
    "IntakeRowDTO",
    "IntakeService",
    "MailboxDTO",
    "NewCaseFromIntake",
    "Progress",
    "ScannedLetter",
    "detection_json",
    "result_json",
    "scan_problem",
]
