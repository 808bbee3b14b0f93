"""The catalog of letter kinds: what each is for and which ``LetterData`` fields it uses."""

from __future__ import annotations

from dataclasses import dataclass

from privdesk.domain.letterdata import JurisdictionFamily as F
from privdesk.domain.letterdata import LetterKind as K


@dataclass(frozen=True)
class LetterKindInfo:
    title: str
    description: str
    needs: tuple[str, ...] = ()  # LetterData fields beyond the common ones that the template prints
    to_business: bool = False  # addressed to a business, not to the consumer
    families: tuple[str, ...] = ()  # families with their own template (others use the general one)


LETTER_KINDS: dict[str, LetterKindInfo] = {
    K.ACKNOWLEDGEMENT: LetterKindInfo(
        "Acknowledgement",
        "Confirms receipt, explains verification in general and when to expect an answer.",
        ("received_date", "items"),
    ),
    K.VERIFICATION_REQUEST: LetterKindInfo(
        "Request for verification",
        "Lists the data points needed to verify identity; adds a declaration under penalty of perjury "
        "to sign and return when the verification level is reasonably high.",
        ("received_date", "items", "data_points_requested", "verification_level", "verify_by"),
    ),
    K.AGENT_AUTHORIZATION_REQUEST: LetterKindInfo(
        "Request for agent authorization",
        "Asks the consumer to confirm an agent's authority, with a permission form to sign.",
        ("received_date", "items", "agent_name", "verify_by"),
    ),
    K.EXTENSION_NOTICE: LetterKindInfo(
        "Extension notice",
        "Tells the consumer the response period is extended, why, and the new date.",
        ("received_date", "items", "extension_reason", "new_due_date"),
        families=(F.CCPA, F.GDPR, F.UK_GDPR),
    ),
    K.KNOW_CATEGORIES_RESPONSE: LetterKindInfo(
        "Response to know (categories)",
        "Categories collected, their sources and purposes, recipients for a business purpose, and "
        "categories sold or shared as a separate list.",
        (
            "received_date",
            "disclosures",
            "sold_shared",
            "sells_or_shares",
            "opt_out_how",
            "look_back_from",
            "look_back_asked",
        ),
    ),
    K.KNOW_SPECIFIC_RESPONSE: LetterKindInfo(
        "Response to know (specific pieces)",
        "Cover letter for the enclosed copy of the personal information, and the period it covers.",
        ("received_date", "enclosures", "look_back_from", "look_back_asked"),
        families=(F.GDPR, F.UK_GDPR),
    ),
    K.DELETION_DONE: LetterKindInfo(
        "Deletion done",
        "Confirms the deletion, and what was kept (if anything) and why.",
        ("received_date", "items"),
    ),
    K.DELETION_DENIED: LetterKindInfo(
        "Deletion denied",
        "Reasons in plain words, what was kept and why, the opt-out offer where the organization sells "
        "or shares, and appeal or complaint rights.",
        ("received_date", "items", "sells_or_shares", "opt_out_how", "appeal_days", "appeal_contact"),
    ),
    K.CORRECTION_DONE: LetterKindInfo(
        "Correction done",
        "Confirms what was corrected.",
        ("received_date", "items"),
    ),
    K.CORRECTION_DENIED: LetterKindInfo(
        "Correction denied",
        "Reasons in plain words, with appeal or complaint rights.",
        ("received_date", "items", "appeal_days", "appeal_contact"),
    ),
    K.OPT_OUT_CONFIRMED: LetterKindInfo(
        "Opt-out confirmed",
        "Confirms the opt-out of sale and sharing has been honored, and the day it was processed "
        "(Cal. Code Regs. tit. 11 §7026(g)).",
        ("received_date", "items"),
    ),
    K.LIMIT_CONFIRMED: LetterKindInfo(
        "Limit confirmed",
        "Confirms the use of sensitive personal information is limited, and the day it was processed.",
        ("received_date", "items"),
    ),
    K.UNVERIFIABLE: LetterKindInfo(
        "Unverifiable request",
        "Says the identity could not be verified; a specific-pieces request is answered as a categories "
        "request; offers the opt-out where the organization sells or shares.",
        ("received_date", "items", "sells_or_shares", "opt_out_how", "appeal_days", "appeal_contact"),
    ),
    K.FREQUENCY_LIMIT: LetterKindInfo(
        "Frequency limit reached",
        "Declines a repeated request the law does not require to be answered.",
        ("received_date", "items", "earlier_answer_date", "appeal_days", "appeal_contact"),
    ),
    K.STL_RESPONSE: LetterKindInfo(
        "Shine the Light response",
        "Categories disclosed for third parties' direct marketing in the preceding calendar year, with "
        "each third party's name, address and nature of business.",
        ("received_date", "stl_year", "stl_categories", "stl_recipients"),
    ),
    K.STL_ALREADY_ANSWERED: LetterKindInfo(
        "Shine the Light already answered",
        "Once per calendar year: gives the date of the earlier answer.",
        ("received_date", "earlier_answer_date", "earlier_reference"),
    ),
    K.SERVICE_PROVIDER_REDIRECT: LetterKindInfo(
        "Service provider redirect",
        "Tells the requester which business to contact about the data.",
        ("received_date", "items", "business_name", "business_address"),
    ),
    K.SERVICE_PROVIDER_NOTICE: LetterKindInfo(
        "Service provider notice to the business",
        "Informs the business of a request about its data.",
        ("received_date", "items", "business_name", "consumer_name"),
        to_business=True,
    ),
    K.MINOR_REMOVAL_DONE: LetterKindInfo(
        "Minor's content removed",
        "Confirms content posted by a minor was removed.",
        ("received_date", "items"),
    ),
    K.KNOW_DENIED: LetterKindInfo(
        "Request to know denied",
        "Denies a request to know in whole or in part and says why (Cal. Code Regs. tit. 11, §7024(e)); "
        "what could be disclosed is disclosed.",
        ("received_date", "items", "enclosures", "appeal_contact"),
    ),
    K.OPT_OUT_DENIED: LetterKindInfo(
        "Opt-out or limit request denied",
        "Denies an opt-out or limit request only on a good-faith, documented belief that it is fraudulent, "
        "with the explanation (§§7026-7027).",
        ("received_date", "items"),
    ),
    K.APPEAL_DECISION: LetterKindInfo(
        "Appeal decision",
        "The decision on an appeal, with its reasons and, where the appeal is denied, how to complain to "
        "the state Attorney General.",
        ("received_date", "items", "appeal_outcome", "complaint_route"),
    ),
    K.STL_ALTERNATIVE: LetterKindInfo(
        "Shine the Light: opt-out notice",
        "Alternative compliance (Civ. Code 1798.83(c)(2)): tells the customer of the free right to opt "
        "out of disclosures for third parties' direct marketing.",
        ("received_date", "opt_out_how"),
    ),
    K.DELETION_NOTHING_HELD: LetterKindInfo(
        "Nothing to delete",
        "Answers a deletion request when the business holds no personal information about the "
        "requester: there was nothing to delete.",
        ("received_date", "items"),
    ),
    K.REQUEST_DENIED: LetterKindInfo(
        "Request denied",
        "Refuses a request (or the part of it withheld) with the reasons in plain words, and appeal "
        "or complaint rights; for types without a refusal letter of their own.",
        ("received_date", "items", "appeal_days", "appeal_contact"),
    ),
    K.ADMT_ACCESS_RESPONSE: LetterKindInfo(
        "Automated decisionmaking: access response",
        "Cover letter for the plain-language explanation of the purpose, the logic and the outcome of the "
        "automated decisionmaking used about the consumer (Cal. Code Regs. tit. 11 §7222).",
        ("received_date", "enclosures", "sells_or_shares"),
    ),
    K.ADMT_OPT_OUT_CONFIRMED: LetterKindInfo(
        "Automated decisionmaking: opt-out confirmed",
        "Confirms the opt-out of automated decisionmaking was honored and the day it was processed "
        "(Cal. Code Regs. tit. 11 §7221).",
        ("received_date", "items"),
    ),
    K.COMPLAINT_ACKNOWLEDGEMENT: LetterKindInfo(
        "Complaint acknowledgement",
        "Acknowledges a data protection complaint within 30 days, says it will be looked into without "
        "undue delay with progress and the outcome reported, and names the Information Commissioner "
        "(UK DPA 2018 s.164A).",
        ("received_date", "complaint_authority"),
    ),
    K.COMPLAINT_OUTCOME: LetterKindInfo(
        "Complaint outcome",
        "Tells the complainant the outcome of a data protection complaint, in the officer's words, and "
        "names the Information Commissioner (UK DPA 2018 s.164A(4)(b)).",
        ("received_date", "items", "complaint_authority"),
    ),
}
