"""Case reference numbers such as ``PD-2026-000123``: prefix, year of receipt, running number."""

from __future__ import annotations

import re

from privdesk.domain.errors import ValidationError

PREFIX = "PD"
NUMBER_DIGITS = 6  # zero-padded width; larger numbers simply get more digits
_REFERENCE = re.compile(r"PD-([0-9]{4})-([0-9]{6,9})")


def format_reference(year: int, number: int) -> str:
    """``format_reference(2026, 123) == "PD-2026-000123"``."""
    if not 1000 <= year <= 9999:
        raise ValidationError(f"reference year must have four digits, not {year}")
    if not 1 <= number <= 999_999_999:
        raise ValidationError(f"reference number must be between 1 and 999999999, not {number}")
    return f"{PREFIX}-{year:04d}-{number:0{NUMBER_DIGITS}d}"


def parse_reference(text: str) -> tuple[int, int]:
    """Return ``(year, number)``; surrounding blanks and lower case are tolerated, nothing else."""
    match = _REFERENCE.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(f"{text!r} is not a case reference like PD-2026-000123")
    year, number = int(match.group(1)), int(match.group(2))
    # Only the canonical spelling is accepted, so one case never has two references.
    if year < 1000 or number < 1 or format_reference(year, number) != match.group(0):
        raise ValidationError(f"{text!r} is not a case reference like PD-2026-000123")
    return year, number


def is_reference(text: str) -> bool:
    try:
        parse_reference(text)
    except ValidationError:
        return False
    return True


_LOOSE = re.compile(r"#?\s*(?:PD[-\s]*)?(?:([0-9]{4})[-\s/]+)?0*([0-9]{1,9})")


def loose_reference(text: str) -> tuple[int | None, int] | None:
    """What an officer types for a case: "52", "#52", "PD-2026-52", "2026-52", "pd 2026 000052".

    Returns ``(year or None, number)``, or None when the text is not a case number at all.
    """
    match = _LOOSE.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        return None
    number = int(match.group(2) or 0)
    if number < 1:
        return None
    return (int(match.group(1)) if match.group(1) else None), number
