"""Pre-flight: every letter is checked on its own before a print run, so one bad letter is held back
with its reason (which field, what to do) and the rest still print.

A check never prints anything. It answers three questions for one letter: can it be printed at all
(``problems``: the address fits the window, the fonts have every character, the template renders,
the facts the letter states exist), is there a postal address to print (``no_address``: such letters
go to an "email or find an address" list; their facts are still checked and the letter prepared, so
it can be emailed), and is there something the officer should look at before
sealing it (``warnings``: a notice printed after its deadline, an address that shows only with the
sheet tapped down).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from privdesk.domain.errors import DomainError
from privdesk.domain.letterdata import JurisdictionFamily, LetterData, LetterKind
from privdesk.letters.fonts import UnprintableTextError
from privdesk.letters.geometry import AddressFitError
from privdesk.letters.layout import PreparedLetter, address_fit
from privdesk.letters.renderer import prepare
from privdesk.letters.templating import TemplateError


@dataclass(frozen=True)
class Finding:
    """One thing wrong with (or worth checking on) a letter: the field concerned and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class Preflight:
    data: LetterData
    prepared: PreparedLetter | None  # None when the letter cannot be printed
    problems: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    no_address: bool = False

    @property
    def printable(self) -> bool:
        return self.prepared is not None and not self.problems and not self.no_address


@dataclass
class _Collector:
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Finding(where, reason))

    def warn(self, where: str, reason: str) -> None:
        self.warnings.append(Finding(where, reason))


# Kinds only one jurisdiction family may send.
_FAMILIES_ALLOWED: dict[str, frozenset[str]] = {
    LetterKind.STL_RESPONSE: frozenset({JurisdictionFamily.STL}),
    LetterKind.STL_ALREADY_ANSWERED: frozenset({JurisdictionFamily.STL}),
    LetterKind.STL_ALTERNATIVE: frozenset({JurisdictionFamily.STL}),
    LetterKind.APPEAL_DECISION: frozenset({JurisdictionFamily.US_STATE_WITH_APPEAL}),
}


def _facts(data: LetterData, c: _Collector) -> None:
    """The facts a kind states must exist; a letter must not print a sentence with a hole in it."""
    kind = data.kind
    allowed = _FAMILIES_ALLOWED.get(kind)
    if allowed is not None and data.jurisdiction_family not in allowed:
        words = kind.replace("_", " ")
        article = "an" if words[0] in "aeiou" else "a"
        c.problem("kind", f"{article} {words} letter does not apply to a {data.jurisdiction} case")
    if kind == LetterKind.EXTENSION_NOTICE:
        if not any(i.extended_respond_by for i in data.items) or data.new_due_date is None:
            c.problem("extension", "the case was never extended: record the extension first")
        if not data.extension_reason.strip():
            c.problem("extension reason", "the reason for the extension is empty")
    if (
        kind in (LetterKind.STL_ALREADY_ANSWERED, LetterKind.FREQUENCY_LIMIT)
        and data.earlier_answer_date is None
    ):
        c.problem(
            "earlier answer",
            "no earlier answered request of this kind from this consumer was found; if it sits on "
            "another consumer record, merge the two consumers first",
        )
    if kind in (LetterKind.SERVICE_PROVIDER_REDIRECT, LetterKind.SERVICE_PROVIDER_NOTICE) and not (
        data.business_name.strip()
    ):
        c.problem("business name", "the business the request belongs to is not named")
    if kind == LetterKind.AGENT_AUTHORIZATION_REQUEST and not data.agent_name.strip():
        c.problem("agent", "the case has no agent")
    if kind == LetterKind.KNOW_SPECIFIC_RESPONSE and not data.enclosures:
        c.problem("enclosures", "no document is attached to send with the letter")
    if kind == LetterKind.KNOW_CATEGORIES_RESPONSE:
        if not data.disclosures:
            c.problem("organization disclosures", "the organization's profile lists no categories collected")
        for row in data.disclosures:
            missing = [n for n, v in (("sources", row.sources), ("purposes", row.purposes)) if not v]
            if missing and data.jurisdiction_family == JurisdictionFamily.CCPA:
                c.problem(
                    "organization disclosures",
                    f"{row.category!r} has no {' or '.join(missing)}; California requires both",
                )
    if kind == LetterKind.STL_ALTERNATIVE and not data.stl_alternative_policy:
        c.problem(
            "organization profile",
            "the organization has no policy of honouring an opt-out of direct-marketing disclosures "
            "(profile stl_alternative), so this letter would not be true: send the Shine-the-Light response",
        )
    if kind == LetterKind.VERIFICATION_REQUEST and data.verify_by is None:
        c.problem("reply-by date", "the letter gives no date to reply by")
    if kind == LetterKind.VERIFICATION_REQUEST and data.identity_decided:
        c.problem(
            "verification",
            "the identity check is already recorded for every request, so asking for it again would not "
            "be true: void this letter",
        )
    if kind == LetterKind.APPEAL_DECISION and not data.complaint_route.strip():
        c.problem(
            "complaint route", f"the rules for {data.jurisdiction} name no Attorney General complaint route"
        )


def _deadlines(data: LetterData, c: _Collector) -> None:
    """A time-critical notice printed after its deadline is flagged, naming the deadline."""
    day = data.letter_date

    def late(deadline: date | None, what: str) -> None:
        if deadline is not None and day > deadline:
            c.warn(
                "deadline",
                f"{what} was due by {deadline.isoformat()}; this letter is dated {day.isoformat()}",
            )

    for item in data.items:
        if data.kind == LetterKind.ACKNOWLEDGEMENT:
            late(item.acknowledge_by, f"the acknowledgement of the {item.label.lower()} request")
        elif data.kind == LetterKind.EXTENSION_NOTICE:
            late(
                item.extension_notice_by or item.respond_by, f"notice of the extension ({item.label.lower()})"
            )
        elif data.kind not in (LetterKind.VERIFICATION_REQUEST, LetterKind.AGENT_AUTHORIZATION_REQUEST):
            late(item.extended_respond_by or item.respond_by, f"the response ({item.label.lower()})")


def check(data: LetterData, template_source: str | None = None) -> Preflight:
    """Check one letter; never raises for a problem with the letter itself."""
    c = _Collector()
    no_address = not any(line.strip() for line in data.recipient.lines)
    if not no_address:  # with no address there is nothing to fit: it can be emailed, not mailed
        try:
            fit = address_fit(data)
            if fit.tap_down:
                c.warn(
                    "recipient address",
                    f"{len(data.recipient.all_lines())} lines show only with the sheet tapped down to "
                    "the bottom of the envelope: check the window before sealing",
                )
        except AddressFitError as err:
            c.problem(err.field, err.reason)
    if not data.recipient.name.strip():
        c.problem("recipient name", "the letter names no recipient")
    _facts(data, c)
    _deadlines(data, c)
    prepared = None
    if not c.problems:
        try:
            prepared = prepare(data, template_source, check_address=False)
        except UnprintableTextError as err:
            for name, chars in err.problems.items():
                shown = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(chars))
                c.problem(name, f"the letter fonts have no glyph for {shown}")
        except TemplateError as err:
            c.problem("template", str(err))
        except DomainError as err:
            c.problem("letter", str(err))
    return Preflight(data, prepared, tuple(c.problems), tuple(c.warnings), no_address)


def describe(findings: Sequence[Finding]) -> str:
    return "; ".join(str(f) for f in findings)


__all__ = ["Finding", "Preflight", "check", "describe"]
