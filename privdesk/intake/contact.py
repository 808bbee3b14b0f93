"""Who the request is about, read from the message: labelled lines ("Name:", "Address:", "Phone:"),
the signature, and the sender, each value checked to be of its own kind, so an address never lands
in an email field and an agent's contact details never become the consumer's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from privdesk.domain.matching import normalize_phone

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_EMAIL_IN_TEXT = re.compile(r"[^@\s<>(),;:\"']+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?!\d)")
_LABEL = re.compile(
    r"^[ \t>*-]*(?P<label>consumer|client|customer|requester|data subject|cliente|"
    r"(?:consumer(?:'s)? |client(?:'s)? |customer(?:'s)? |full |legal |mailing |postal "
    r"|home |street )?(?:name|address|phone(?: number)?|telephone|tel|mobile|cell|e-?mail(?: address)?|"
    r"nombre(?: completo)?|direcci[oó]n|domicilio|tel[eé]fono|correo(?: electr[oó]nico)?))[ \t]*:[ \t]*"
    r"(?P<value>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_CLOSING = re.compile(
    r"^\s*(?:regards|kind regards|best regards|best|thanks|thank you|sincerely|yours(?: truly| sincerely)?|"
    r"cheers|saludos|atentamente|gracias|cordialmente)[,.!]?\s*$",
    re.IGNORECASE,
)
_ZIP_LINE = re.compile(r"\b[A-Z]{2},? \d{5}(?:-\d{4})?\b|\b\d{5}(?:-\d{4})?$")
_STREET = re.compile(r"^\s*\d+[A-Za-z]?\s+\S+")
_NAME_WORDS = re.compile(r"^[A-Za-zÀ-ÿ'’.-]+(?: [A-Za-zÀ-ÿ'’.-]+){1,4}$")
_SCAN_LIMIT = 16 * 1024


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str | None = None
    phone: str | None = None  # E.164
    address: str = ""


def is_email(value: str | None) -> bool:
    return bool(value) and _EMAIL.match((value or "").strip()) is not None


_ON_BEHALF = re.compile(
    r"\b(?:on behalf of|agent (?:of|for)|representing|acting for|en (?:nombre|representaci[oó]n) de)"
    r"(?: (?:our|my|nuestro|nuestra|mi) (?:client|clienta|cliente),?)? (?:(?:mr|ms|mrs|dr|sr|sra)\.? )?"
    r"(?P<name>[A-ZÀ-Ý][a-zà-ÿ'’-]+(?: [A-ZÀ-Ý][a-zà-ÿ'’-]+){1,3})"
)


def contact_from_text(text: str, signature: bool = True) -> Contact:
    """Labelled lines first ("Name: …", "Consumer: …"), then, when ``signature``, the signature below
    a closing line. An agent's message is read with ``signature=False``: its signature is the agent's,
    and the consumer is the one named on whose behalf it writes."""
    text = text[:_SCAN_LIMIT]
    name = email = phone = address = None
    address_lines: list[str] = []
    for match in _LABEL.finditer(text):
        label = match.group("label").lower()
        value = match.group("value").strip()
        if not value:
            continue
        if any(w in label for w in ("mail", "correo")):
            found = _EMAIL_IN_TEXT.search(value)
            email = email or (found.group() if found else None)
        elif any(w in label for w in ("phone", "tel", "mobile", "cell", "fono")):
            phone = phone or normalize_phone(value)
        elif any(w in label for w in ("address", "direcci", "domicilio")):
            if not is_email(value):
                address_lines.append(value)
        elif name is None and _NAME_WORDS.match(value):
            name = value
    if address_lines:
        address = ", ".join(address_lines)
    if not signature:
        behalf = _ON_BEHALF.search(text)
        return Contact(name or (behalf.group("name") if behalf else ""), email, phone, address or "")
    signed = _signature(text)
    if signed:
        name = name or signed.name
        email = email or signed.email
        phone = phone or signed.phone
        address = address or signed.address
    return Contact(name or "", email, phone, address or "")


def _signature(text: str) -> Contact | None:
    lines = text.strip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        if _CLOSING.match(lines[index]):
            block = [line.strip() for line in lines[index + 1 : index + 7] if line.strip()]
            break
    else:
        last = text.strip().rsplit("\n\n", 1)[-1]
        block = [line.strip() for line in last.split("\n") if line.strip()]
        if not 1 <= len(block) <= 6 or len(block[0]) > 40 or text.strip() == last:
            return None
    if not block or not _NAME_WORDS.match(block[0]):
        return None
    name = block[0]
    email = phone = None
    address: list[str] = []
    for line in block[1:]:
        found_email = _EMAIL_IN_TEXT.search(line)
        found_phone = _PHONE_IN_TEXT.search(line)
        if found_email and email is None:
            email = found_email.group()
        elif found_phone and phone is None:
            phone = normalize_phone(found_phone.group())
        elif _STREET.match(line) or _ZIP_LINE.search(line):
            address.append(line)
    return Contact(name, email, phone, ", ".join(address))
