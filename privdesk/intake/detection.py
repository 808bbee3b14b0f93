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

_QUOTED_WEIGHT = 0.5  # text quoted from an earlier message counts half
_MAX_EVIDENCE = 3
_NEGATION = re.compile(r"(?:\b(?:not|no|never|without|nor|ni|nunca|sin|jamas)\b|n't\b|\bdont\b|\bdon t\b)")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\n]|\b(?:but|however|pero|sino|and then)\b")
_REPLY_HEADER = re.compile(
    r"^(?:on .{4,200} wrote:|el .{4,200} escribio:|-{2,} ?original message ?-{2,}|from: .+ sent: .+)$", re.I
)
_TYPE_ORDER = [t.value for t in RequestType]


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
    # Not enough for a suggestion, but too much to call "not a request": shown as "possible request — check".
    possible: bool = False


@lru_cache(maxsize=1)
def _bundled_rules() -> DetectionRules:
    return load_detection_rules()


def detect(
    email_or_text: ParsedEmail | str,
    organizations: Sequence[OrgAddressing] = (),
    rules: DetectionRules | None = None,
) -> Detection:
    """Suggest request types, jurisdiction, agent involvement, organization and whether this is a request."""
    rules = rules or _bundled_rules()
    parsed = email_or_text if isinstance(email_or_text, ParsedEmail) else None
    subject = parsed.subject if parsed else ""
    body = _detection_body(parsed) if parsed else str(email_or_text)
    fresh, quoted = split_quoted(body)
    texts = {
        "subject": fold(subject),
        "fresh": fold(fresh),
        "quoted": fold(quoted),
    }
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    if parsed:
        _header_signals(parsed, scores, evidence)
    for rule in rules.rules:
        _apply(rule, texts, scores, evidence)

    threshold = rules.threshold
    not_request = _strongest(scores, "not_request:", threshold)
    types = _resolve_types(scores, threshold, evidence)
    organization = _organization(parsed, texts, organizations)
    warnings: list[str] = []
    if not_request or not types:
        if not_request and types:
            warnings.append(
                f"request wording found, but the message looks like {not_request.replace('_', ' ')}"
            )
        return Detection(
            is_request=False,
            types=[],
            jurisdiction=None,
            agent=False,
            organization=organization,
            evidence=_evidence_for(evidence, types, None, False, not_request),
            warnings=warnings,
            not_request_reason=not_request or "other",
        )
    jurisdiction = _strongest(scores, "jurisdiction:", threshold)
    agent = scores.get("agent", 0.0) >= threshold
    if organization is None and organizations:
        warnings.append("no organization recognised from the recipients or the text")
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
    extra = [f.body_text for f in parsed.forwarded if f.source == "attached" and f.body_text]
    subjects = [f.subject for f in parsed.forwarded if f.subject]
    return "\n\n".join([parsed.body_text, *extra, *subjects])


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
) -> None:
    places = {"any": ("subject", "fresh", "quoted"), "subject": ("subject",), "body": ("fresh", "quoted")}[
        rule.where
    ]
    best = 0.0
    for place in places:
        text = texts[place]
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
    if best:
        scores[rule.suggests] = scores.get(rule.suggests, 0.0) + rule.weight * best


def _negated(folded: str, start: int) -> bool:
    window = folded[max(0, start - 40) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return _NEGATION.search(window) is not None


def _header_signals(parsed: ParsedEmail, scores: dict[str, float], evidence: dict[str, list[str]]) -> None:
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
    for link in parsed.links:
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


def _resolve_types(scores: dict[str, float], threshold: float, evidence: dict[str, list[str]]) -> list[str]:
    chosen = {code for code in _TYPE_ORDER if scores.get(code, 0.0) >= threshold}
    # "Categories" means "only the categories": a request for the data itself already answers it.
    if RequestType.KNOW_SPECIFIC in chosen:
        chosen.discard(RequestType.KNOW_CATEGORIES)
    # An appeal names the earlier request it contests; that request is not asked for again.
    if RequestType.APPEAL in chosen:
        chosen = {RequestType.APPEAL.value}
    # A bare "request to know" with no detail is a request for the personal information itself.
    if scores.get("know", 0.0) >= threshold and not chosen & {
        RequestType.KNOW_SPECIFIC,
        RequestType.KNOW_CATEGORIES,
    }:
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
