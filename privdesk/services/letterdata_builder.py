"""From a stored case to ``LetterData``: who the letter goes to, what it reports, which wording family.

Everything here reads ORM objects inside the caller's session and returns plain, frozen data that a
worker thread can render. Nothing is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from privdesk.domain.errors import ValidationError
from privdesk.domain.letterdata import (
    DisclosureRow,
    JurisdictionFamily,
    KeptData,
    LetterData,
    Letterhead,
    LetterItem,
    LetterKind,
    PostalAddress,
    StlRecipient,
)
from privdesk.domain.types import Outcome, RequestType, VerificationLevel
from privdesk.letters import LETTER_KINDS
from privdesk.paths import logo_cache_dir
from privdesk.services.content import read_verified
from privdesk.services.reports import write_atomic
from privdesk.store.models import Agent, Case, Consumer, Document, Organization, RequestItem

if TYPE_CHECKING:
    from privdesk.domain.rules import Rulebook

# Kinds that report on every item of the case rather than on the one item the letter was queued for.
_WHOLE_CASE_KINDS = frozenset(
    {LetterKind.ACKNOWLEDGEMENT, LetterKind.AGENT_AUTHORIZATION_REQUEST, LetterKind.VERIFICATION_REQUEST}
)
_TO_CONSUMER_KINDS = frozenset({LetterKind.AGENT_AUTHORIZATION_REQUEST, LetterKind.VERIFICATION_REQUEST})
_STL_KINDS = frozenset({LetterKind.STL_RESPONSE, LetterKind.STL_ALREADY_ANSWERED})
_ANSWERED = (Outcome.FULFILLED.value, Outcome.PARTLY_FULFILLED.value)

# What a consumer is asked for, in order, when the officer has not listed the data points themselves.
# The rule file gives only how many matching points the level needs.
# Nothing printed on the envelope (name, postal address) is asked for: whoever holds the letter has it.
DEFAULT_DATA_POINTS = (
    "The email address or telephone number you used with us",
    "The date and kind of your most recent quote, purchase or other transaction with us",
    "Your date of birth",
    "Any earlier postal address you gave us, if you have moved",
)
_ATTENTION_LINE = re.compile(r"^\s*(attn|attention)\b[:.]?", re.IGNORECASE)


def split_list(text: str) -> tuple[str, ...]:
    """A disclosure cell ("Name; postal address") as its parts, blank parts dropped."""
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


def address_lines(text: str) -> tuple[str, ...]:
    """A stored postal address as window lines: one per stored line, blank lines dropped."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def family_for(rulebook: Rulebook, jurisdiction: str, kind: str, request_type: str | None) -> str:
    """The wording family: Shine the Light letters have their own; US states split on appeal rights."""
    if kind in _STL_KINDS or request_type == RequestType.SHINE_THE_LIGHT.value:
        return JurisdictionFamily.STL.value
    if jurisdiction == "US-CA":
        return JurisdictionFamily.CCPA.value
    if jurisdiction == "EU":
        return JurisdictionFamily.GDPR.value
    if jurisdiction == "GB":
        return JurisdictionFamily.UK_GDPR.value
    if request_type == RequestType.APPEAL.value:  # an appeal exists only where the state grants one
        return JurisdictionFamily.US_STATE_WITH_APPEAL.value
    try:
        rule = rulebook.rule(jurisdiction, request_type or RequestType.KNOW_SPECIFIC.value)
    except Exception:  # a type the state's law does not grant: the general state wording
        return JurisdictionFamily.US_STATE.value
    return (
        JurisdictionFamily.US_STATE_WITH_APPEAL if rule.appeal.available else JurisdictionFamily.US_STATE
    ).value


def _logo_file(org: Organization, profile: Mapping[str, Any]) -> str | None:
    """A file ReportLab can read for the letterhead logo.

    A logo stored in the database is written once to the cache, named by its SHA-256 (a logo is the
    firm's own artwork, not personal data); an older profile may still name a file of its own.
    """
    sha = str(profile.get("logo_sha256") or "")
    session = object_session(org)
    if sha and session is not None:
        cached = logo_cache_dir() / f"{sha}.img"
        if not cached.exists():
            data = read_verified(session, sha, "letterhead logo")
            if data is None:
                return None
            write_atomic(cached, data)
        return str(cached)
    return str(profile["logo_path"]) if profile.get("logo_path") else None


def letterhead_for(org: Organization) -> Letterhead:
    """The organization's letterhead; the postal address without its "Attn:" and repeated-name lines."""
    names = {org.display_name.casefold(), org.legal_name.casefold(), (org.signatory_title or "").casefold()}
    lines = tuple(
        line
        for line in address_lines(org.postal_address)
        if line.casefold() not in names and not _ATTENTION_LINE.match(line)
    )
    profile: Mapping[str, Any] = org.profile or {}
    page_size = org.page_size if org.page_size in ("letter", "a4") else "letter"
    return Letterhead(
        org_name=org.display_name or org.legal_name,
        legal_name=org.legal_name,
        address_lines=lines,
        email=org.privacy_email or "",
        phone=org.toll_free_phone or "",
        logo_path=_logo_file(org, profile),
        signatory_name=org.signatory_name,
        signatory_title=org.signatory_title,
        page_size=page_size,  # type: ignore[arg-type]
        website=str(profile.get("website", "") or ""),
    )


def _needing_verification(items: list[RequestItem]) -> list[RequestItem]:
    return [i for i in items if i.verification_level not in (None, VerificationLevel.NONE.value)]


def _items_for(case: Case, kind: str, item: RequestItem | None) -> list[RequestItem]:
    items = list(case.items)
    if kind in _WHOLE_CASE_KINDS or item is None:
        if kind == LetterKind.VERIFICATION_REQUEST:
            needing = _needing_verification(items)
            return needing or items
        return items
    if kind == LetterKind.EXTENSION_NOTICE:
        extended = [i for i in items if i.extended_on is not None]
        return extended or [item]
    return [item]


def _kept(extra: Mapping[str, Any]) -> tuple[KeptData, ...]:
    rows = extra.get("kept") or []
    return tuple(KeptData(str(r.get("what", "")), str(r.get("why", ""))) for r in rows if isinstance(r, dict))


def _letter_item(item: RequestItem, extra: Mapping[str, Any]) -> LetterItem:
    return LetterItem(
        request_type=RequestType(item.request_type),
        acknowledge_by=item.acknowledge_by,
        respond_by=item.respond_by,
        extension_notice_by=item.extension_notice_by,
        extended_respond_by=item.extended_respond_by if item.extended_on else None,
        outcome=Outcome(item.outcome) if item.outcome else None,
        reasons=tuple(item.denial_reasons or ()),
        reason_text=item.denial_text or "",
        kept=_kept(extra),
        details=str(extra.get("details", "") or ""),
        processed_on=item.processed_on,
    )


def _strongest_level(items: Sequence[RequestItem]) -> VerificationLevel | None:
    order = [
        VerificationLevel.NONE,
        VerificationLevel.REASONABLE,
        VerificationLevel.ACCOUNT,
        VerificationLevel.REASONABLY_HIGH,
    ]
    levels = [VerificationLevel(i.verification_level) for i in items if i.verification_level]
    return max(levels, key=order.index) if levels else None


def _data_points(
    rulebook: Rulebook, case: Case, items: Sequence[RequestItem], extra: Mapping[str, Any]
) -> tuple[str, ...]:
    listed = extra.get("data_points")
    if listed:
        return tuple(str(p) for p in listed)
    needed = 2
    for item in items:
        try:
            needed = max(needed, rulebook.rule(case.jurisdiction, item.request_type).verification.data_points)
        except Exception:  # type not in the rule file: the usual two points
            continue
    return DEFAULT_DATA_POINTS[: min(needed, len(DEFAULT_DATA_POINTS))]


def _disclosures(org: Organization, kind: str) -> tuple[DisclosureRow, ...]:
    return tuple(
        DisclosureRow(d.category, split_list(d.sources), split_list(d.purposes), split_list(d.recipients))
        for d in org.disclosures
        if d.kind == kind
    )


def _stl(org: Organization, year: int) -> tuple[tuple[StlRecipient, ...], tuple[str, ...]]:
    recipients: list[StlRecipient] = []
    categories: list[str] = []
    for row in org.stl_disclosures:
        if row.year != year:
            continue
        cats = tuple(c[:1].upper() + c[1:] for c in split_list(row.categories))
        recipients.append(
            StlRecipient(
                row.recipient_name,
                ", ".join(address_lines(row.recipient_address)),
                row.nature_of_business,
                cats,
            )
        )
        categories.extend(c for c in cats if c.casefold() not in {x.casefold() for x in categories})
    return tuple(recipients), tuple(categories)


def earlier_answer(session: Session, case: Case, request_type: str) -> tuple[dt.date | None, str]:
    """The consumer's latest earlier answered request of the same type to the same organization."""
    consumer_ids = [
        case.consumer_id,
        *session.scalars(select(Consumer.id).where(Consumer.merged_into_id == case.consumer_id)),
    ]
    row = session.execute(
        select(RequestItem.responded_on, Case.reference)
        .join(Case, Case.id == RequestItem.case_id)
        .where(
            Case.consumer_id.in_(consumer_ids),
            Case.organization_id == case.organization_id,
            Case.id != case.id,
            Case.received_on <= case.received_on,
            RequestItem.request_type == request_type,
            RequestItem.responded_on.is_not(None),
            RequestItem.outcome.in_(_ANSWERED),
        )
        .order_by(RequestItem.responded_on.desc(), Case.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, ""
    return row[0], row[1]


def recipient_for(case: Case, kind: str, extra: Mapping[str, Any]) -> tuple[PostalAddress, str]:
    """Who the letter is addressed to, and the consumer's name where that is someone else."""
    consumer = case.consumer
    consumer_address = PostalAddress(consumer.full_name, address_lines(consumer.postal_address))
    if LETTER_KINDS[kind].to_business:
        name = str(extra.get("business_name", "") or "").strip()
        if not name:
            raise ValidationError(f"{case.reference}: a notice to the business needs the business's name")
        return PostalAddress(
            name, address_lines(str(extra.get("business_address", "") or ""))
        ), consumer.full_name
    # An agent's request is answered to the agent, with the consumer named; but the consumer's own
    # confirmation and identity are asked of the consumer, and an agent without a postal address
    # (an email-only agent) cannot be written to on paper.
    agent = case.agent
    if agent is not None and kind not in _TO_CONSUMER_KINDS and (agent.postal_address or "").strip():
        return PostalAddress(agent.name, address_lines(agent.postal_address)), consumer.full_name
    return consumer_address, ""


def build_letter_data(
    session: Session,
    rulebook: Rulebook,
    case: Case,
    kind: str,
    item: RequestItem | None,
    extra: Mapping[str, Any],
    letter_date: dt.date,
) -> LetterData:
    """The facts one letter prints, taken from the case as it stands now."""
    try:
        LetterKind(kind)
    except ValueError:
        raise ValidationError(f"unknown letter kind {kind!r}") from None
    org = case.organization
    items = _items_for(case, kind, item)
    main_type = item or (items[0] if items else None)
    family = family_for(rulebook, case.jurisdiction, kind, main_type.request_type if main_type else None)
    recipient, consumer_name = recipient_for(case, kind, extra)
    fields: dict[str, Any] = {
        "kind": kind,
        "jurisdiction": case.jurisdiction,
        "jurisdiction_family": family,
        "reference": case.reference,
        "letter_date": letter_date,
        "recipient": recipient,
        "letterhead": letterhead_for(org),
        "consumer_name": consumer_name,
        "received_date": case.received_on,
        "items": tuple(_letter_item(i, extra) for i in items),
        "agent_name": case.agent.name if case.agent is not None else "",
        "sells_or_shares": org.sells_or_shares,
        "opt_out_how": str((org.profile or {}).get("opt_out_how", "") or ""),
        "enclosures": tuple(str(e) for e in extra.get("enclosures", ()) or ()),
        "extra": {k: str(v) for k, v in (extra.get("template_fields") or {}).items()},
    }
    # A know request reaching back past the usual 12 months (California: back to 2022-01-01).
    know_since = min((i.know_since for i in items if i.know_since is not None), default=None)
    if know_since is not None:
        fields["extra"]["know_since"] = know_since.isoformat()
    if LETTER_KINDS[kind].to_business:
        fields["salutation"] = "Dear Privacy Team,"
    elif consumer_name and case.agent is not None and _is_business(case.agent):
        fields["salutation"] = "Dear Sir or Madam,"
    sold_rows = _disclosures(org, "sold_shared")
    profile: Mapping[str, Any] = org.profile or {}
    fields["sells"] = bool(profile.get("sells", org.sells_or_shares and bool(sold_rows)))
    fields["shares"] = bool(profile.get("shares", org.sells_or_shares and bool(sold_rows)))
    fields["sells_or_shares"] = fields["sells"] or fields["shares"]
    fields["stl_alternative_policy"] = bool(profile.get("stl_alternative", False))
    fields["opted_out"] = _opted_out(session, case)
    fields["email_only"] = not recipient.lines
    if not fields["enclosures"]:
        fields["enclosures"] = _enclosures(session, case)
    if kind in (LetterKind.VERIFICATION_REQUEST, LetterKind.AGENT_AUTHORIZATION_REQUEST):
        fields["verification_level"] = _strongest_level(items)
        needing = _needing_verification(items)
        fields["identity_decided"] = bool(needing) and all(
            i.verification_result in ("verified", "unverifiable") for i in needing
        )
        fields["data_points_requested"] = _data_points(rulebook, case, items, extra)
        if extra.get("verify_by"):
            fields["verify_by"] = dt.date.fromisoformat(str(extra["verify_by"]))
        else:  # a reply-by date the response deadline still leaves room for
            fields["verify_by"] = _reply_by(letter_date, items)
    if kind == LetterKind.EXTENSION_NOTICE:
        fields["extension_reason"] = str(
            extra.get("reason") or next((i.extension_reason for i in items if i.extension_reason), "")
        )
        new_dates = [i.extended_respond_by for i in items if i.extended_respond_by]
        fields["new_due_date"] = max(new_dates) if new_dates else None
    if kind in (LetterKind.KNOW_CATEGORIES_RESPONSE, LetterKind.UNVERIFIABLE, LetterKind.KNOW_DENIED) or (
        kind == LetterKind.KNOW_SPECIFIC_RESPONSE
    ):
        fields["disclosures"] = _disclosures(org, "collected")
        fields["sold_shared"] = sold_rows
        # The 12 months before receipt; from 2026 a consumer may ask back to 2022-01-01 (§7024(h)),
        # and the period recorded on the request is the one the answer covers.
        since = extra.get("look_back_from")
        if since:
            fields["look_back_from"] = dt.date.fromisoformat(str(since))
        elif know_since is not None:
            fields["look_back_from"] = know_since
            fields["look_back_asked"] = True
        else:
            fields["look_back_from"] = _months_before(case.received_on, 12)
    if kind == LetterKind.CORRECTION_DENIED:
        fields["health_data"] = bool(extra.get("health_data", False))
    if kind == LetterKind.APPEAL_DECISION:
        fields["appeal_outcome"] = str(extra.get("appeal_outcome", "") or _appeal_outcome(items))
        fields["appealed_reference"] = str(extra.get("appealed_reference", "") or "")
    if kind == LetterKind.STL_RESPONSE:
        # Civ. Code 1798.83: the disclosures of the calendar year before the request was received.
        year = case.received_on.year - 1
        fields["stl_year"] = year
        fields["stl_recipients"], fields["stl_categories"] = _stl(org, year)
    if kind in (LetterKind.STL_ALREADY_ANSWERED, LetterKind.FREQUENCY_LIMIT) and main_type is not None:
        fields["earlier_answer_date"], fields["earlier_reference"] = earlier_answer(
            session, case, main_type.request_type
        )
    if kind in (LetterKind.SERVICE_PROVIDER_REDIRECT, LetterKind.SERVICE_PROVIDER_NOTICE):
        name = str(extra.get("business_name", "") or "")
        fields["business_name"] = name
        lines = address_lines(str(extra.get("business_address", "") or ""))
        fields["business_address"] = PostalAddress(name, lines) if name else None
    if family in (JurisdictionFamily.US_STATE_WITH_APPEAL, JurisdictionFamily.US_STATE):
        fields["complaint_route"] = complaint_route(rulebook, case.jurisdiction)
    if family == JurisdictionFamily.US_STATE_WITH_APPEAL:
        appeal = _appeal(rulebook, case, main_type, org)
        fields["extra"] = {**fields["extra"], **appeal.pop("extra", {})}
        fields.update(appeal)
    complaint = (org.profile or {}).get("complaint_authority")
    if complaint and family in (JurisdictionFamily.GDPR, JurisdictionFamily.UK_GDPR):
        fields["complaint_authority"] = str(complaint)
    return LetterData(**fields)


def _appeal(rulebook: Rulebook, case: Case, item: RequestItem | None, org: Organization) -> dict[str, Any]:
    """Appeal wording for a state with an appeal process, from the rule file's appeal information:
    the consumer's filing window (the organization's own longer policy, profile
    ``appeal_window_days``, wins), and the period the business has to decide."""
    out: dict[str, Any] = {"appeal_contact": org.privacy_email or ""}
    window = (org.profile or {}).get("appeal_window_days")
    if isinstance(window, int) and window > 0:
        out["appeal_days"] = window
    try:
        info = rulebook.appeal_info(case.jurisdiction)
    except Exception:
        return out
    window_rule = info.filing_window
    if "appeal_days" not in out and window_rule is not None and window_rule.unit.value == "calendar_days":
        out["appeal_days"] = window_rule.length
    if info.decision_period is not None:
        out["extra"] = {"appeal_decision_period": str(info.decision_period)}
        if info.decision_period.unit.value == "calendar_days":
            out["appeal_decision_days"] = info.decision_period.length
    return out


def complaint_route(rulebook: Rulebook, jurisdiction: str) -> str:
    """Where a consumer whose appeal is denied may complain, from the rule file (with its address)."""
    try:
        info = rulebook.appeal_info(jurisdiction)
    except Exception:  # a jurisdiction the rulebook does not know: no route to print
        return ""
    if not info.complaint_authority:
        return ""
    return (
        f"{info.complaint_authority} ({info.complaint_url})"
        if info.complaint_url
        else info.complaint_authority
    )


def _is_business(agent: Agent) -> bool:
    return (agent.kind or "").casefold() == "business"


def _opted_out(session: Session, case: Case) -> bool:
    """Whether an opt-out of sale/sharing by this consumer (or a merged record) was honoured."""
    consumer_ids = [
        case.consumer_id,
        *session.scalars(select(Consumer.id).where(Consumer.merged_into_id == case.consumer_id)),
    ]
    found = session.scalar(
        select(RequestItem.id)
        .join(Case, Case.id == RequestItem.case_id)
        .where(
            Case.consumer_id.in_(consumer_ids),
            Case.organization_id == case.organization_id,
            RequestItem.request_type == RequestType.OPT_OUT_SALE_SHARE.value,
            RequestItem.outcome.in_(_ANSWERED),
        )
        .limit(1)
    )
    return found is not None


ENCLOSURE_KINDS = ("enclosure", "response")


def _enclosures(session: Session, case: Case) -> tuple[str, ...]:
    """The documents attached to the case to go out with its answer."""
    rows = session.scalars(
        select(Document.filename)
        .where(Document.case_id == case.id, Document.kind.in_(ENCLOSURE_KINDS))
        .order_by(Document.id)
    ).all()
    return tuple(str(r) for r in rows)


def _reply_by(letter_date: dt.date, items: Sequence[RequestItem]) -> dt.date:
    """Three weeks to reply, but not later than a week before the earliest response date."""
    wanted = letter_date + dt.timedelta(days=21)
    due = [i.respond_by for i in items if i.respond_by is not None]
    if due:
        latest_useful = min(due) - dt.timedelta(days=7)
        if latest_useful >= letter_date + dt.timedelta(days=7):
            return min(wanted, latest_useful)
        return max(letter_date + dt.timedelta(days=7), min(wanted, min(due)))
    return wanted


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 - months, 12)
    year += day.year
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _appeal_outcome(items: Sequence[RequestItem]) -> str:
    for item in items:
        if item.request_type == RequestType.APPEAL.value and item.outcome:
            return {
                Outcome.FULFILLED.value: "granted",
                Outcome.PARTLY_FULFILLED.value: "partly_granted",
            }.get(item.outcome, "denied")
    return "denied"
