"""Suggest what kind of privacy request an email is: types, jurisdiction, agent, organization.

The phrases live in ``resources/detection/*.toml`` (see ``rules.py``); this module scores them, adds
the signals only headers carry (bulk mail, auto-replies, disguised links) and resolves conflicts.
A suggestion is only that: the officer confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from privdesk.domain.types import RequestType
from privdesk.intake.folding import FoldedText, fold
from privdesk.intake.model import ParsedEmail
from privdesk.intake.rules import DetectionRule, DetectionRules, load_detection_rules

# Text quoted from an earlier message (often our own acknowledgement, listing every right) is weak
# evidence: alone it can make a "possible request", never a suggestion.
_QUOTED_WEIGHT = 0.3
_QUOTED_CAP = 0.6  # of the threshold: the most quoted text can add to one code
_MAX_EVIDENCE = 3
# Detection reads a bounded prefix, so its time has a ceiling whatever the size of the email: a request
# states itself near the top; a 40 MB log pasted below it adds nothing.
SUBJECT_LIMIT = 1_000
BODY_LIMIT = 32 * 1024
FORWARDED_LIMIT = 16 * 1024
# A type scoring at least this (below the threshold) makes a "possible request — check".
_POSSIBLE_SHARE = 0.5

_NEGATION = re.compile(r"(?:\b(?:not|no|never|without|nor|ni|nunca|sin|jamas)\b|n't\b|\bdont\b|\bdon t\b)")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\n]|\b(?:but|however|pero|sino|and then)\b")
_REPLY_HEADER = re.compile(
    r"^(?:on .{4,200} wrote:|el .{4,200} escribio:|-{2,} ?original message ?-{2,}|from: .+ sent: .+)$", re.I
)
_TYPE_ORDER = [t.value for t in RequestType]
_PLACES = {"any": ("subject", "fresh", "quoted"), "subject": ("subject",), "body": ("fresh", "quoted")}

# Said when neither the recipients nor the text name an organization of the firm.
NO_ORGANIZATION = "no organization recognised from the recipients or the text"


@dataclass(frozen=True)
class OrgAddressing:
    """How to recognise an organization: its slug, names used in text, and mailbox addresses."""

    slug: str
    names: tuple[str, ...]
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Detection:
    is_request: bool
    types: list[str]
    jurisdiction: str | None
    agent: bool
    organization: str | None
    evidence: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_request_reason: str | None = None  # "newsletter", "auto_reply", "phishing" or "other"
    # Not enough for a suggestion, but too much to call "not a request": shown as "possible request — check",
    # with the types the wording points to and their phrases in ``evidence``.
    possible: bool = False
    possible_types: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _bundled_rules() -> DetectionRules:
    return load_detection_rules()


def detect(
    email_or_text: ParsedEmail | str,
    organizations: Sequence[OrgAddressing] = (),
    rules: DetectionRules | None = None,
    *,
    read_quoted: bool = True,
) -> Detection:
    """Suggest request types, jurisdiction, agent involvement, organization and whether this is a request.
    ``read_quoted=False`` reads only the new text of a reply (the quoted text is our own letter)."""
    rules = rules or _bundled_rules()
    parsed = email_or_text if isinstance(email_or_text, ParsedEmail) else None
    subject = parsed.subject[:SUBJECT_LIMIT] if parsed else ""
    body = _detection_body(parsed) if parsed else str(email_or_text)[:BODY_LIMIT]
    fresh, quoted = split_quoted(body)
    if not read_quoted:
        quoted = ""
    texts = {
        "subject": fold(subject),
        "fresh": fold(fresh),
        "quoted": fold(quoted),
    }
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    if parsed:
        _header_signals(parsed, scores, evidence, organizations)
    quoted_scores: dict[str, float] = {}
    # Each trigger or required word is looked for once per text, not once per rule that names it.
    present = {
        place: frozenset(w for w in rules.words if w in text.folded) if text.folded else frozenset()
        for place, text in texts.items()
    }
    for rule in rules.rules:
        _apply(rule, texts, scores, evidence, quoted_scores, present)
    for code, value in quoted_scores.items():
        scores[code] = scores.get(code, 0.0) + min(value, _QUOTED_CAP * rules.threshold)

    threshold = rules.threshold
    not_request = _strongest(scores, "not_request:", threshold)
    # Mail about requests rather than from a requester: a vendor's pitch, a colleague's draft. Cues of
    # either kind add up.
    about = {k: scores.get(f"not_request:{k}", 0.0) for k in ("third_party", "internal")}
    if not_request is None and sum(about.values()) >= threshold:
        not_request = max(about, key=lambda k: about[k])
    types = _resolve_types(scores, threshold, evidence)
    organization = _organization(parsed, texts, organizations)
    warnings: list[str] = []
    if not_request or not types:
        weak = _weak_types(scores, threshold, evidence)
        possible_types = types or weak
        # Bulk mail and auto-replies are told apart by their headers; anything else that carries
        # request wording gets a second look rather than "not a request".
        possible = bool(possible_types) and not_request not in {"newsletter", "auto_reply"}
        if not_request and types:
            warnings.append(
                f"request wording found, but the message looks like {not_request.replace('_', ' ')}"
            )
        if possible:
            warnings.append(
                "possible request — check: " + ", ".join(t.replace("_", " ") for t in possible_types)
            )
        return Detection(
            is_request=False,
            types=[],
            jurisdiction=None,
            agent=False,
            organization=organization,
            evidence=_evidence_for(evidence, possible_types if possible else [], None, False, not_request),
            warnings=warnings,
            not_request_reason=not_request or "other",
            possible=possible,
            possible_types=possible_types if possible else [],
        )
    jurisdiction = _strongest(scores, "jurisdiction:", threshold)
    agent = scores.get("agent", 0.0) >= threshold
    if organization is None and organizations:
        warnings.append(NO_ORGANIZATION)
    return Detection(
        is_request=True,
        types=types,
        jurisdiction=jurisdiction,
        agent=agent,
        organization=organization,
        evidence=_evidence_for(evidence, types, jurisdiction, agent, None),
        warnings=warnings,
    )


def _detection_body(parsed: ParsedEmail) -> str:
    """The bounded text detection reads: the body's start, then attached messages' starts."""
    extra = [
        f.body_text[:FORWARDED_LIMIT] for f in parsed.forwarded if f.source == "attached" and f.body_text
    ]
    subjects = [f.subject[:SUBJECT_LIMIT] for f in parsed.forwarded[:20] if f.subject]
    return "\n\n".join([parsed.body_text[:BODY_LIMIT], *extra[:5], *subjects])


def quotes_text(parsed: ParsedEmail) -> bool:
    """Whether the text detection reads quotes an earlier message ("> " lines, "On ... wrote:")."""
    return bool(split_quoted(_detection_body(parsed))[1].strip())


def split_quoted(body: str) -> tuple[str, str]:
    """(new text, quoted text): quoted lines start with '>' or follow an "On ... wrote:" line."""
    fresh: list[str] = []
    quoted: list[str] = []
    in_reply_tail = False
    for line in body.split("\n"):
        stripped = line.strip()
        if (
            not in_reply_tail
            and _might_be_reply_header(stripped)
            and _REPLY_HEADER.match(fold(stripped).folded)
        ):
            in_reply_tail = True
            continue
        if in_reply_tail or stripped.startswith(">"):
            quoted.append(stripped.lstrip("> "))
        else:
            fresh.append(line)
    return "\n".join(fresh), "\n".join(quoted)


def _might_be_reply_header(line: str) -> bool:
    lowered = line.lower()
    return lowered.endswith(":") or "original message" in lowered or "sent:" in lowered


def _apply(
    rule: DetectionRule,
    texts: dict[str, FoldedText],
    scores: dict[str, float],
    evidence: dict[str, list[str]],
    quoted_scores: dict[str, float],
    present: dict[str, frozenset[str]],
) -> None:
    """Score one rule: its weight once if it matches the new text; a share of it in ``quoted_scores``
    if it matches only quoted text (capped later, so quotes alone never make a suggestion)."""
    best = 0.0
    for place in _PLACES[rule.where]:
        text = texts[place]
        if not text.folded:
            continue
        found_words = present[place]
        if rule.requires and found_words.isdisjoint(rule.requires):
            continue
        if rule.triggers and found_words.isdisjoint(rule.triggers):
            continue
        for match in rule.pattern.finditer(text.folded):
            if match.end() == match.start():
                continue
            if rule.negatable and _negated(text.folded, match.start()):
                continue
            factor = _QUOTED_WEIGHT if place == "quoted" else 1.0
            best = max(best, factor)
            if rule.weight > 0:
                found = evidence.setdefault(rule.suggests, [])
                phrase = text.excerpt(match.start(), match.end())
                if phrase not in found and len(found) < _MAX_EVIDENCE * 3:
                    found.append(phrase)
    if not best:
        return
    if best < 1.0 and rule.weight > 0:
        quoted_scores[rule.suggests] = quoted_scores.get(rule.suggests, 0.0) + rule.weight * best
    else:
        scores[rule.suggests] = scores.get(rule.suggests, 0.0) + rule.weight * best


def _negated(folded: str, start: int) -> bool:
    window = folded[max(0, start - 40) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return _NEGATION.search(window) is not None


def _header_signals(
    parsed: ParsedEmail,
    scores: dict[str, float],
    evidence: dict[str, list[str]],
    organizations: Sequence[OrgAddressing] = (),
) -> None:
    headers = parsed.headers

    def add(code: str, weight: float, why: str) -> None:
        scores[code] = scores.get(code, 0.0) + weight
        evidence.setdefault(code, []).append(why)

    if "list-unsubscribe" in headers or "list-id" in headers:
        add("not_request:newsletter", 3.0, "header List-Unsubscribe/List-Id")
    precedence = headers.get("precedence", "").lower()
    if precedence in {"bulk", "list", "junk"}:
        add("not_request:newsletter", 3.0, f"header Precedence: {precedence}")
    auto = headers.get("auto-submitted", "").lower()
    if (
        (auto and auto != "no")
        or "x-autoreply" in headers
        or "x-autorespond" in headers
        or precedence == "auto_reply"
    ):
        add("not_request:auto_reply", 3.0, "header Auto-Submitted")
    # A colleague's own mail (same domain as an organization's mailbox) is internal unless it carries
    # a message from outside (a forwarded consumer's request).
    own = {a.lower().rpartition("@")[2] for org in organizations for a in org.addresses}
    sender_domain = parsed.from_address.lower().rpartition("@")[2]
    outside = [f for f in parsed.forwarded if f.from_address.lower().rpartition("@")[2] not in own]
    if sender_domain and sender_domain in own and not outside:
        add("not_request:internal", 0.6, f"sent from {sender_domain}, the organization's own domain")
    for link in parsed.links[:200]:
        shown = _domain_in_text(link.text)
        real = _host(link.href)
        if shown and real and not (real == shown or real.endswith("." + shown) or shown.endswith("." + real)):
            add("not_request:phishing", 1.5, f"link shows {shown} but leads to {real}")
        elif real and re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", real):
            add("not_request:phishing", 1.0, f"link leads to a bare IP address {real}")


def _domain_in_text(text: str) -> str | None:
    match = re.search(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:]|\s|$)", text.lower())
    return match.group(1).removeprefix("www.") if match else None


def _host(href: str) -> str | None:
    if not href.lower().startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(href).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _strongest(scores: dict[str, float], prefix: str, threshold: float) -> str | None:
    candidates = [
        (score, code) for code, score in scores.items() if code.startswith(prefix) and score >= threshold
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda item: (-item[0], item[1]))
    return candidates[0][1].removeprefix(prefix)


def _weak_types(scores: dict[str, float], threshold: float, evidence: dict[str, list[str]]) -> list[str]:
    """Types with some wording behind them, below the threshold."""
    floor = threshold * _POSSIBLE_SHARE
    weak = {code for code in _TYPE_ORDER if floor <= scores.get(code, 0.0) < threshold}
    if floor <= scores.get("know", 0.0) and not weak & {"know_specific", "know_categories"}:
        weak.add(RequestType.KNOW_SPECIFIC.value)
        evidence.setdefault(RequestType.KNOW_SPECIFIC.value, []).extend(evidence.get("know", []))
    return [code for code in _TYPE_ORDER if code in weak]


def _resolve_types(scores: dict[str, float], threshold: float, evidence: dict[str, list[str]]) -> list[str]:
    chosen = {code for code in _TYPE_ORDER if scores.get(code, 0.0) >= threshold}
    # Shine the Light names the companies; a plain "who did you give it to" alongside it is the same ask.
    if RequestType.SHINE_THE_LIGHT in chosen and scores.get(RequestType.KNOW_CATEGORIES.value, 0.0) < 2.0:
        chosen.discard(RequestType.KNOW_CATEGORIES)
    # "Categories" means "only the categories": a request for the data itself already answers it.
    if RequestType.KNOW_SPECIFIC in chosen:
        chosen.discard(RequestType.KNOW_CATEGORIES)
    # An appeal names the earlier request it contests; that request is not asked for again.
    if RequestType.APPEAL in chosen:
        chosen = {RequestType.APPEAL.value}
    # A bare "request to know" with no detail is a request for the personal information itself; so is
    # one beside a loose question about sources or recipients (not an explicit "categories of").
    if (
        scores.get("know", 0.0) >= threshold
        and RequestType.KNOW_SPECIFIC not in chosen
        and scores.get(RequestType.KNOW_CATEGORIES.value, 0.0) < 1.5
    ):
        chosen.discard(RequestType.KNOW_CATEGORIES)
        chosen.add(RequestType.KNOW_SPECIFIC)
        evidence.setdefault(RequestType.KNOW_SPECIFIC.value, []).extend(evidence.get("know", []))
    return [code for code in _TYPE_ORDER if code in chosen]


def _evidence_for(
    evidence: dict[str, list[str]],
    types: list[str],
    jurisdiction: str | None,
    agent: bool,
    not_request: str | None,
) -> dict[str, list[str]]:
    keys = list(types)
    if jurisdiction:
        keys.append(f"jurisdiction:{jurisdiction}")
    if agent:
        keys.append("agent")
    if not_request:
        keys.append(f"not_request:{not_request}")
    return {key: evidence[key][:_MAX_EVIDENCE] for key in keys if evidence.get(key)}


def _organization(
    parsed: ParsedEmail | None, texts: dict[str, FoldedText], organizations: Sequence[OrgAddressing]
) -> str | None:
    if not organizations:
        return None
    if parsed:
        groups = [parsed.to, parsed.cc, parsed.delivered_to, [a for f in parsed.forwarded for a in f.to]]
        for group in groups:
            found = _org_by_address(group, organizations)
            if found:
                return found
    counts: dict[str, int] = {}
    haystack = " ".join(t.folded for t in texts.values())
    for org in organizations:
        for name in org.names:
            needle = fold(name).folded
            if needle:
                counts[org.slug] = counts.get(org.slug, 0) + len(
                    re.findall(r"(?<![a-z0-9])" + re.escape(needle) + r"(?![a-z0-9])", haystack)
                )
    ranked = sorted(((n, slug) for slug, n in counts.items() if n), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
        return None
    return ranked[0][1]


def _org_by_address(addresses: Sequence[str], organizations: Sequence[OrgAddressing]) -> str | None:
    lowered = [a.lower().strip() for a in addresses]
    for address in lowered:
        for org in organizations:
            if address in {a.lower() for a in org.addresses}:
                return org.slug
    for address in lowered:
        domain = address.rpartition("@")[2]
        for org in organizations:
            if domain and domain in {a.lower().rpartition("@")[2] for a in org.addresses}:
                return org.slug
    return None
