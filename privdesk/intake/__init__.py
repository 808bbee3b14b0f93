"""Email intake: parse .eml/.msg files, fetch over IMAP, and suggest what kind of request a message is.

Imports only ``privdesk.domain``; storing results is the service layer's job.
"""

from privdesk.intake.detection import Detection, OrgAddressing, detect
from privdesk.intake.email_parser import parse_email
from privdesk.intake.model import Attachment, ForwardedMessage, IntakeLimits, Link, ParsedEmail
from privdesk.intake.msg_parser import parse_msg
from privdesk.intake.reader import parse_bytes, parse_intake_file
from privdesk.intake.rules import DetectionRule, DetectionRules, load_detection_rules
from privdesk.intake.sniff import sniff_document

__all__ = [
    "Attachment",
    "Detection",
    "DetectionRule",
    "DetectionRules",
    "ForwardedMessage",
    "IntakeLimits",
    "Link",
    "OrgAddressing",
    "ParsedEmail",
    "detect",
    "load_detection_rules",
    "parse_bytes",
    "parse_email",
    "parse_intake_file",
    "parse_msg",
    "sniff_document",
]
