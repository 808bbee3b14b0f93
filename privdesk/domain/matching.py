"""Finding consumers a new request may belong to. It proposes candidates with reasons an officer
can check; it never decides to merge."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
Strength = Literal["strong", "medium", "weak"]

# Evidence codes, their weight (combined as independent evidence) and strength.
_WEIGHTS: dict[str, float] = {
    "email": 0.9,
    "phone": 0.85,
    "name_address": 0.85,
    "similar_name_address": 0.7,
    "name_zip": 0.5,
    "similar_name_zip": 0.4,
    "name": 0.25,
    "similar_name": 0.15,
}
STRONG_EVIDENCE = frozenset({"email", "phone", "name_address"})
MEDIUM_EVIDENCE = frozenset({"similar_name_address", "name_zip", "similar_name_zip"})

_ADDRESS_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "highway": "hwy",
    "terrace": "ter",
    "circle": "cir",
    "square": "sq",
    "apartment": "apt",
    "suite": "ste",
    "unit": "apt",
    "floor": "fl",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "post": "po",
    "box": "box",
}
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize_email(raw: str, *, gmail_canonical: bool = False) -> str:
    """Lower-case and trim; with ``gmail_canonical`` also drop Gmail's ignored dots and +tags."""
    email = raw.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return email
    if gmail_canonical and domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def normalize_phone(raw: str, default_region: str = "US") -> str | None:
    """E.164 form (``+13105550123``), or None when it is not a valid number."""
    import phonenumbers  # its metadata takes a twentieth of a second to load: only when a number comes

    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_name(raw: str) -> str:
    """Case-folded, accents and punctuation removed, middle initials dropped, single spaces."""
    text = _strip_accents(raw).casefold()
    text = re.sub(r"['’`]", "", text)  # O'Brien -> obrien
    text = re.sub(r"[^\w\s]|_", " ", text)
    tokens = text.split()
    if len(tokens) > 2:
        tokens = [tokens[0], *(token for token in tokens[1:-1] if len(token) > 1), tokens[-1]]
    return " ".join(tokens)


def normalize_address(raw: str) -> str:
    """Case-folded, accents and punctuation removed, common street words abbreviated."""
    text = _strip_accents(raw).casefold().replace("#", " apt ")
    text = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text)  # 5th -> 5
    text = re.sub(r"[^\w\s-]|_", " ", text)
    tokens: list[str] = []
    for word in text.replace(" - ", " ").split():
        token = _ADDRESS_WORDS.get(word, word)
        if not (tokens and token == tokens[-1] == "apt"):  # "Apt #4" -> "apt 4"
            tokens.append(token)
    return " ".join(tokens)


def zip_code(address: str) -> str | None:
    """The five-digit US ZIP code: the last five-digit group (house numbers come first)."""
    found = _ZIP.findall(address)
    return found[-1] if found else None


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def names_similar(a: str, b: str) -> bool:
    """Normalized names a typo apart: one edit for short names, two for longer ones."""
    if not a or not b or a == b:
        return False
    allowed = 1 if min(len(a), len(b)) <= 8 else 2
    ordered_a, ordered_b = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    return min(damerau_levenshtein(a, b), damerau_levenshtein(ordered_a, ordered_b)) <= allowed


def _same_name(a: str, b: str) -> bool:
    return bool(a) and (a == b or sorted(a.split()) == sorted(b.split()))


@dataclass(frozen=True)
class PersonKey:
    """What identifies a person, as given (raw); normalized when compared."""

    consumer_id: int | str | None
    names: Sequence[str] = field(default_factory=tuple)
    emails: Sequence[str] = field(default_factory=tuple)
    phones: Sequence[str] = field(default_factory=tuple)
    addresses: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class MatchCandidate:
    consumer_id: int | str | None
    score: float  # 0..1
    reasons: tuple[str, ...]
    evidence: tuple[str, ...]  # codes: email, phone, name_address, similar_name_zip, ...

    @property
    def strength(self) -> Strength:
        if STRONG_EVIDENCE.intersection(self.evidence):
            return "strong"
        if MEDIUM_EVIDENCE.intersection(self.evidence):
            return "medium"
        return "weak"


@dataclass(frozen=True)
class _Normalized:
    names: dict[str, str]  # normalized -> as written
    emails: dict[str, str]
    phones: frozenset[str]
    addresses: dict[str, str]  # address key -> as written
    zips: frozenset[str]


def _normalize_key(key: PersonKey, default_region: str, gmail_canonical: bool) -> _Normalized:
    names = {normalize_name(name): name.strip() for name in key.names if normalize_name(name)}
    emails = {
        normalize_email(email, gmail_canonical=gmail_canonical): email.strip()
        for email in key.emails
        if "@" in email
    }
    phones = frozenset(p for p in (normalize_phone(raw, default_region) for raw in key.phones) if p)
    addresses = {address_key: raw.strip() for raw in key.addresses for address_key in _address_keys(raw)}
    zips = frozenset(z for z in (zip_code(a) for a in key.addresses) if z)
    return _Normalized(names, emails, phones, addresses, zips)


def _address_keys(raw: str) -> list[str]:
    """Keys under which two spellings of one address meet: the whole address, and the street line
    (before the first comma) with the ZIP, so a missing city or state does not hide a match."""
    keys = [normalize_address(raw)] if normalize_address(raw) else []
    street, comma, _ = raw.partition(",")
    zip_found = zip_code(raw)
    if comma and zip_found and normalize_address(street):
        keys.append(f"{normalize_address(street)} | {zip_found}")
    return keys


def _name_relation(new: _Normalized, old: _Normalized) -> tuple[str, str] | None:
    """('same' | 'similar', the existing name as written) for the closest pair of names."""
    similar: str | None = None
    for new_name in sorted(new.names):
        for old_name in sorted(old.names):
            if _same_name(new_name, old_name):
                return "same", old.names[old_name]
            if similar is None and names_similar(new_name, old_name):
                similar = old.names[old_name]
    return ("similar", similar) if similar is not None else None


def _compare(new: _Normalized, old: _Normalized) -> tuple[list[str], list[str]]:
    evidence: list[str] = []
    reasons: list[str] = []
    for email in sorted(new.emails.keys() & old.emails.keys()):
        evidence.append("email")
        reasons.append(f"same email address {old.emails[email]}")
        break
    for phone in sorted(new.phones & old.phones):
        evidence.append("phone")
        reasons.append(f"same phone number {phone}")
        break
    relation = _name_relation(new, old)
    same_addresses = sorted(new.addresses.keys() & old.addresses.keys())
    same_zips = sorted(new.zips & old.zips)
    if relation is not None:
        kind, written = relation
        prefix = "" if kind == "same" else "similar_"
        if same_addresses:
            evidence.append(f"{prefix}name_address")
            reasons.append(f"{kind} name '{written}' and same address {old.addresses[same_addresses[0]]}")
        elif same_zips:
            evidence.append(f"{prefix}name_zip")
            reasons.append(f"{kind} name '{written}' and same ZIP {same_zips[0]}")
        else:
            evidence.append(f"{prefix}name")
            reasons.append(f"{kind} name '{written}'")
    return evidence, reasons


def match_candidates(
    new: PersonKey,
    existing: Iterable[PersonKey],
    threshold: float = 0.4,
    *,
    default_region: str = "US",
    gmail_canonical: bool = True,
) -> list[MatchCandidate]:
    """Existing consumers the new request may belong to, best first, with the reasons why."""
    new_norm = _normalize_key(new, default_region, gmail_canonical)
    candidates: list[MatchCandidate] = []
    for key in existing:
        if new.consumer_id is not None and key.consumer_id == new.consumer_id:
            continue
        evidence, reasons = _compare(new_norm, _normalize_key(key, default_region, gmail_canonical))
        if not evidence:
            continue
        unexplained = 1.0
        for code in evidence:
            unexplained *= 1.0 - _WEIGHTS[code]
        score = round(1.0 - unexplained, 6)
        if score >= threshold:
            candidates.append(MatchCandidate(key.consumer_id, score, tuple(reasons), tuple(evidence)))
    candidates.sort(key=lambda c: (-c.score, str(c.consumer_id)))
    return candidates
