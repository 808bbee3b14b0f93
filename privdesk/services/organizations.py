"""Organizations: import and export a profile as TOML, list, show, and edit with version checks."""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import tomllib
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from privdesk.domain.errors import ConflictError, NotFound, ValidationError
from privdesk.domain.types import Channel, RequestType, Role
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.content import read_verified
from privdesk.services.context import ServiceContext
from privdesk.services.dto import DisclosureDTO, OrganizationDTO, StlDisclosureDTO
from privdesk.store.models import (
    AuditEvent,
    Disclosure,
    Document,
    DocumentContent,
    Organization,
    StlDisclosure,
)

ROLES = ("business", "service_provider", "both")


def organization_dto(org: Organization) -> OrganizationDTO:
    return OrganizationDTO(
        id=org.id,
        slug=org.slug,
        legal_name=org.legal_name,
        display_name=org.display_name,
        role=org.role,
        postal_address=org.postal_address,
        privacy_email=org.privacy_email,
        toll_free_phone=org.toll_free_phone,
        stl_email=org.stl_email,
        stl_address=org.stl_address,
        signatory_name=org.signatory_name,
        signatory_title=org.signatory_title,
        timezone=org.timezone,
        page_size=org.page_size,
        jurisdictions=list(org.jurisdictions),
        sells_or_shares=org.sells_or_shares,
        retention_months=org.retention_months,
        profile=dict(org.profile),
        version=org.version,
        disclosures=[
            DisclosureDTO(d.kind, d.category, d.sources, d.purposes, d.recipients, d.sensitive)
            for d in org.disclosures
        ],
        stl_disclosures=[
            StlDisclosureDTO(
                d.year, d.recipient_name, d.recipient_address, d.nature_of_business, d.categories
            )
            for d in org.stl_disclosures
        ],
    )


def get_organization(session: Session, slug: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        known = ", ".join(session.scalars(select(Organization.slug).order_by(Organization.slug)))
        hint = f" (known: {known})" if known else " (no organizations yet: run seed-demo or import a profile)"
        raise NotFound(f"unknown organization {slug!r}{hint}")
    return org


def _text(profile: dict[str, Any], key: str, source: str, *, required: bool = True) -> str:
    value = profile.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"{source}: '{key}' must be a non-empty text")
    return value.strip()


def _rows(profile: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    rows = profile.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationError(f"{source}: '{key}' must be a list of tables ([[{key}]])")
    return rows


def _months(value: Any, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1200:
        raise ValidationError(f"{source}: retention_months must be a whole number of months (1 to 1200)")
    return value


def parse_profile(data: dict[str, Any], source: str = "profile") -> dict[str, Any]:
    """Validate an organization profile (the TOML format of resources/demo/*.toml)."""
    slug = _text(data, "slug", source)
    if not slug.replace("-", "").isalnum() or slug.lower() != slug:
        raise ValidationError(f"{source}: slug {slug!r} must be lower-case letters, digits and dashes")
    role = _text(data, "role", source)
    if role not in ROLES:
        raise ValidationError(f"{source}: role must be one of {', '.join(ROLES)}, got {role!r}")
    contact = data.get("contact", {})
    letterhead = data.get("letterhead", {})
    extra = data.get("profile", {})
    if not isinstance(contact, dict) or not isinstance(letterhead, dict) or not isinstance(extra, dict):
        raise ValidationError(f"{source}: [contact], [letterhead] and [profile] must be tables")
    jurisdictions = data.get("jurisdictions", [])
    if not isinstance(jurisdictions, list) or not all(isinstance(j, str) for j in jurisdictions):
        raise ValidationError(f"{source}: jurisdictions must be a list of codes")
    # The paper is the organization's own (what its printer holds), not the consumer's: a profile
    # that says nothing gets A4 (DL window envelope) when it answers only under the GDPR or UK GDPR.
    only_europe = bool(jurisdictions) and all(j in ("EU", "GB") for j in jurisdictions)
    page_size = data.get("page_size", "a4" if only_europe else "letter")
    if page_size not in ("letter", "a4"):
        raise ValidationError(f"{source}: page_size must be 'letter' or 'a4'")
    stl_rows = _rows(data, "stl_disclosures", source)
    for row in stl_rows:
        if not isinstance(row.get("year"), int):
            raise ValidationError(f"{source}: every [[stl_disclosures]] needs an integer year")
    return {
        "slug": slug,
        "legal_name": _text(data, "legal_name", source),
        "display_name": str(data.get("display_name") or data["legal_name"]).strip(),
        "role": role,
        "timezone": str(data.get("timezone", "America/Los_Angeles")),
        "jurisdictions": jurisdictions,
        "sells_or_shares": bool(data.get("sells_or_shares", False)),
        "page_size": page_size,
        "retention_months": _months(data.get("retention_months", 24), source),
        "postal_address": str(contact.get("postal_address", "")).strip(),
        "privacy_email": contact.get("privacy_email") or None,
        "toll_free_phone": contact.get("toll_free_phone") or None,
        "stl_email": contact.get("stl_email") or None,
        "stl_address": contact.get("stl_address") or None,
        "signatory_name": str(letterhead.get("signatory_name", "")),
        "signatory_title": str(letterhead.get("signatory_title", "")),
        "profile": {**extra, "other_channels": contact.get("other_channels", [])},
        "collected": _rows(data, "collected", source),
        "sold_shared": _rows(data, "sold_shared", source),
        "stl_disclosures": stl_rows,
    }


class OrganizationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def import_profile_file(self, path: Path) -> OrganizationDTO:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ValidationError(f"{path}: no such file") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path.name}: not a valid TOML profile ({exc})") from exc
        return self.import_profile(data, source=path.name)

    def import_profile(self, data: dict[str, Any], source: str = "profile") -> OrganizationDTO:
        """Create the organization, or replace its profile when the slug exists (audited)."""
        fields = parse_profile(data, source)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            org = s.scalar(select(Organization).where(Organization.slug == fields["slug"]))
            before = None
            if org is None:
                org = Organization(slug=fields["slug"])
                s.add(org)
            else:
                before = {"profile_version": org.version}
                org.disclosures.clear()
                org.stl_disclosures.clear()
            for key in (
                "legal_name",
                "display_name",
                "role",
                "timezone",
                "jurisdictions",
                "sells_or_shares",
                "page_size",
                "retention_months",
                "postal_address",
                "privacy_email",
                "toll_free_phone",
                "stl_email",
                "stl_address",
                "signatory_name",
                "signatory_title",
                "profile",
            ):
                setattr(org, key, fields[key])
            position = 0
            for kind in ("collected", "sold_shared"):
                for row in fields[kind]:
                    position += 1
                    org.disclosures.append(
                        Disclosure(
                            kind=kind,
                            category=str(row.get("category", "")),
                            sources=str(row.get("sources", "")),
                            purposes=str(row.get("purposes", "")),
                            recipients=str(row.get("recipients", "")),
                            sensitive=bool(row.get("sensitive", False)),
                            position=position,
                        )
                    )
            for index, row in enumerate(fields["stl_disclosures"]):
                org.stl_disclosures.append(
                    StlDisclosure(
                        year=row["year"],
                        recipient_name=str(row.get("recipient_name", "")),
                        recipient_address=str(row.get("recipient_address", "")),
                        nature_of_business=str(row.get("nature_of_business", "")),
                        categories=str(row.get("categories", "")),
                        position=index,
                    )
                )
            s.flush()
            audit.record(
                s,
                self.ctx,
                "organization.imported" if before is None else "organization.updated",
                "organization",
                org.id,
                before=before,
                after={"slug": org.slug, "source": source},
            )
            return organization_dto(org)

    def list(self) -> builtins.list[OrganizationDTO]:
        with self.ctx.db.read() as s:
            orgs = s.scalars(
                select(Organization)
                .options(selectinload(Organization.disclosures), selectinload(Organization.stl_disclosures))
                .order_by(Organization.display_name)
            ).all()
            return [organization_dto(o) for o in orgs]

    def show(self, slug: str) -> OrganizationDTO:
        with self.ctx.db.read() as s:
            return organization_dto(get_organization(s, slug))

    # -- editing --------------------------------------------------------------------------------
    def update(self, slug: str, edit: OrganizationEdit, *, expected_version: int | None) -> OrganizationDTO:
        """Replace the editable profile, disclosures and Shine-the-Light lists (administrators; audited).

        ``expected_version`` is the version the editor loaded: a newer stored version means someone
        else saved in between, and ConflictError says so instead of overwriting their change.
        """
        require_role(self.ctx, Role.ADMINISTRATOR)
        clean = validate_edit(edit, self._jurisdictions())
        with self.ctx.db.write() as s:
            org = _load_full(s, slug)
            _check_version(org, expected_version)
            before = edit_from_dto(organization_dto(org))
            changed = changed_fields(before, clean)
            if not changed:
                return organization_dto(org)
            old_version = org.version
            _apply_edit(org, clean)
            # Rows of the disclosure tables live in other tables: touch the organization so that its
            # version moves with every edit and a stale editor is caught.
            flag_modified(org, "profile")
            s.flush()
            audit.record(
                s,
                self.ctx,
                "organization.edited",
                "organization",
                org.id,
                before={"version": old_version},
                after={"slug": org.slug, "changed": changed},
            )
            return organization_dto(org)

    def set_logo(
        self, slug: str, data: bytes, filename: str, *, expected_version: int | None
    ) -> OrganizationDTO:
        """Store the letterhead logo (PNG or JPEG) in the database as a document (administrators)."""
        require_role(self.ctx, Role.ADMINISTRATOR)
        content_type = image_type(data)
        if content_type is None:
            raise ValidationError(f"{Path(filename).name}: the logo must be a PNG or JPEG image")
        if len(data) > MAX_LOGO_BYTES:
            raise ValidationError(
                f"{Path(filename).name}: the logo is {len(data) // 1024} KB; use an image under "
                f"{MAX_LOGO_BYTES // 1024} KB"
            )
        sha = hashlib.sha256(data).hexdigest()
        with self.ctx.db.write() as s:
            org = _load_full(s, slug)
            _check_version(org, expected_version)
            if s.get(DocumentContent, sha) is None:
                s.add(DocumentContent(sha256=sha, data=data))
                s.flush()  # no relationship orders the two inserts: the content row goes first
            document = Document(
                kind="letterhead",
                filename=Path(filename).name[:255],
                content_type=content_type,
                size=len(data),
                sha256=sha,
            )
            s.add(document)
            s.flush()
            previous = org.profile.get("logo_sha256")
            org.profile = {
                **org.profile,
                "logo_sha256": sha,
                "logo_filename": document.filename,
                "logo_document_id": document.id,
            }
            s.flush()
            audit.record(
                s,
                self.ctx,
                "organization.logo_set",
                "organization",
                org.id,
                before={"logo_sha256": previous},
                after={"logo_sha256": sha, "document_id": document.id},
            )
            return organization_dto(org)

    def clear_logo(self, slug: str, *, expected_version: int | None) -> OrganizationDTO:
        require_role(self.ctx, Role.ADMINISTRATOR)
        with self.ctx.db.write() as s:
            org = _load_full(s, slug)
            _check_version(org, expected_version)
            previous = org.profile.get("logo_sha256")
            if previous is None:
                return organization_dto(org)
            org.profile = {k: v for k, v in org.profile.items() if k not in LOGO_KEYS}
            s.flush()
            audit.record(
                s,
                self.ctx,
                "organization.logo_removed",
                "organization",
                org.id,
                before={"logo_sha256": previous},
            )
            return organization_dto(org)

    def logo(self, slug: str) -> bytes | None:
        """The stored letterhead logo's bytes, or None."""
        with self.ctx.db.read() as s:
            sha = get_organization(s, slug).profile.get("logo_sha256")
            if not sha:
                return None
            return read_verified(s, sha, "letterhead logo")

    def last_change(self, slug: str) -> ChangeInfo | None:
        """Who last changed the organization and when, from the audit trail."""
        with self.ctx.db.read() as s:
            org = get_organization(s, slug)
            event = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "organization", AuditEvent.entity_id == str(org.id))
                .order_by(AuditEvent.id.desc())
                .limit(1)
            ).first()
            if event is None:
                return None
            return ChangeInfo(event.actor, event.occurred_at, event.action)

    def export_profile(self, slug: str) -> str:
        """The organization as a TOML profile that ``import_profile`` reads back (logo not included)."""
        return profile_toml(self.show(slug))

    def _jurisdictions(self) -> frozenset[str]:
        return frozenset(self.ctx.rulebook.jurisdictions())


# -- editing helpers ---------------------------------------------------------------------------------

MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_KEYS = ("logo_sha256", "logo_filename", "logo_document_id")
DISCLOSURE_KINDS = ("collected", "sold_shared")
PAGE_SIZES = ("letter", "a4")


@dataclass(frozen=True)
class ChangeInfo:
    actor: str
    at: dt.datetime
    action: str


@dataclass(frozen=True)
class OrganizationEdit:
    """Everything the Organizations editor changes; ``from_dto`` gives the stored values."""

    legal_name: str
    display_name: str
    role: str
    postal_address: str
    privacy_email: str
    toll_free_phones: tuple[str, ...]
    stl_email: str
    stl_address: str
    signatory_name: str
    signatory_title: str
    timezone: str
    page_size: str
    jurisdictions: tuple[str, ...]
    sells_or_shares: bool
    retention_months: int
    appeal_window_days: int | None
    channels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    disclosures: tuple[DisclosureDTO, ...] = ()
    stl_disclosures: tuple[StlDisclosureDTO, ...] = ()
    website: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def channel_map(self) -> dict[str, list[str]]:
        return {t: list(c) for t, c in self.channels}


EDIT_FIELD_LABELS = {
    "legal_name": "Legal name",
    "display_name": "Display name",
    "role": "Role",
    "postal_address": "Postal address",
    "privacy_email": "Privacy email",
    "toll_free_phones": "Toll-free lines",
    "stl_email": "Shine the Light email",
    "stl_address": "Shine the Light address",
    "signatory_name": "Signatory",
    "signatory_title": "Signatory title",
    "timezone": "Time zone",
    "page_size": "Paper size",
    "jurisdictions": "Jurisdictions",
    "sells_or_shares": "Sells or shares",
    "retention_months": "Retention (months)",
    "appeal_window_days": "Appeal window (days)",
    "channels": "Accepted channels",
    "disclosures": "Disclosures",
    "stl_disclosures": "Shine the Light disclosures",
    "website": "Website",
}


def edit_from_dto(org: OrganizationDTO) -> OrganizationEdit:
    profile = org.profile or {}
    phones = [org.toll_free_phone or "", *(str(p) for p in profile.get("other_toll_free_phones", []))]
    channels = profile.get("channels", {})
    window = profile.get("appeal_window_days")
    return OrganizationEdit(
        legal_name=org.legal_name,
        display_name=org.display_name,
        role=org.role,
        postal_address=org.postal_address,
        privacy_email=org.privacy_email or "",
        toll_free_phones=tuple(p for p in phones if p),
        stl_email=org.stl_email or "",
        stl_address=org.stl_address or "",
        signatory_name=org.signatory_name,
        signatory_title=org.signatory_title,
        timezone=org.timezone,
        page_size=org.page_size,
        jurisdictions=tuple(org.jurisdictions),
        sells_or_shares=org.sells_or_shares,
        retention_months=org.retention_months,
        appeal_window_days=window if isinstance(window, int) and not isinstance(window, bool) else None,
        channels=tuple(
            (str(t), tuple(str(c) for c in v))
            for t, v in (channels.items() if isinstance(channels, dict) else ())
            if isinstance(v, list)
        ),
        disclosures=tuple(org.disclosures),
        stl_disclosures=tuple(org.stl_disclosures),
        website=str(profile.get("website", "") or ""),
        extra=dict(profile),
    )


def changed_fields(before: OrganizationEdit, after: OrganizationEdit) -> list[str]:
    return [name for name in EDIT_FIELD_LABELS if getattr(before, name) != getattr(after, name)]


def _email(value: str, label: str) -> str:
    value = value.strip()
    if value and ("@" not in value or " " in value or value.startswith("@") or value.endswith("@")):
        raise ValidationError(f"{label}: {value!r} is not an email address")
    return value


def validate_edit(edit: OrganizationEdit, known_jurisdictions: Iterable[str] = ()) -> OrganizationEdit:
    """The edit with text trimmed, or ValidationError naming the first problem."""
    legal = edit.legal_name.strip()
    if not legal:
        raise ValidationError("Legal name: the organization needs its legal name")
    if edit.role not in ROLES:
        raise ValidationError(f"Role: must be one of {', '.join(ROLES)}")
    if edit.page_size not in PAGE_SIZES:
        raise ValidationError("Paper size: must be letter or a4")
    try:
        zoneinfo.ZoneInfo(edit.timezone.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Time zone: {edit.timezone!r} is not a known time zone") from None
    known = set(known_jurisdictions)
    jurisdictions = tuple(dict.fromkeys(j.strip() for j in edit.jurisdictions if j.strip()))
    unknown = [j for j in jurisdictions if known and j not in known]
    if unknown:
        raise ValidationError(f"Jurisdictions: no rules for {', '.join(unknown)}")
    if not 1 <= edit.retention_months <= 1200:
        raise ValidationError("Retention: between 1 and 1200 months")
    if edit.appeal_window_days is not None and not 1 <= edit.appeal_window_days <= 365:
        raise ValidationError("Appeal window: between 1 and 365 days, or none")
    phones = tuple(p.strip() for p in edit.toll_free_phones if p.strip())
    if any(len(p) > 40 for p in phones):
        raise ValidationError("Toll-free lines: a number is longer than 40 characters")
    types = {t.value for t in RequestType}
    channel_codes = {c.value for c in Channel}
    channels = []
    for request_type, accepted in edit.channels:
        if request_type not in types:
            raise ValidationError(f"Accepted channels: unknown request type {request_type!r}")
        bad = [c for c in accepted if c not in channel_codes]
        if bad:
            raise ValidationError(f"Accepted channels: unknown channel {', '.join(bad)}")
        channels.append((request_type, tuple(dict.fromkeys(accepted))))
    disclosures = []
    for number, d in enumerate(edit.disclosures, start=1):
        if d.kind not in DISCLOSURE_KINDS:
            raise ValidationError(f"Disclosures, row {number}: kind must be collected or sold/shared")
        if not d.category.strip():
            raise ValidationError(f"Disclosures, row {number}: the category is empty")
        disclosures.append(
            DisclosureDTO(
                d.kind,
                d.category.strip(),
                d.sources.strip(),
                d.purposes.strip(),
                d.recipients.strip(),
                bool(d.sensitive),
            )
        )
    stl = []
    for number, row in enumerate(edit.stl_disclosures, start=1):
        if not 1990 <= row.year <= 2200:
            raise ValidationError(f"Shine the Light, row {number}: {row.year} is not a plausible year")
        if not row.recipient_name.strip():
            raise ValidationError(f"Shine the Light, row {number}: the third party's name is empty")
        stl.append(
            StlDisclosureDTO(
                row.year,
                row.recipient_name.strip(),
                row.recipient_address.strip(),
                row.nature_of_business.strip(),
                row.categories.strip(),
            )
        )
    stl.sort(key=lambda r: r.year)  # stable: the officer's order within a year stays
    return replace(
        edit,
        legal_name=legal,
        display_name=edit.display_name.strip() or legal,
        postal_address=edit.postal_address.strip(),
        privacy_email=_email(edit.privacy_email, "Privacy email"),
        stl_email=_email(edit.stl_email, "Shine the Light email"),
        stl_address=edit.stl_address.strip(),
        signatory_name=edit.signatory_name.strip(),
        signatory_title=edit.signatory_title.strip(),
        timezone=edit.timezone.strip(),
        toll_free_phones=phones,
        jurisdictions=jurisdictions,
        channels=tuple(channels),
        disclosures=tuple(disclosures),
        stl_disclosures=tuple(stl),
        website=edit.website.strip(),
    )


def copy_stl_year(rows: Sequence[StlDisclosureDTO], year: int) -> list[StlDisclosureDTO]:
    """Start ``year``'s Shine-the-Light list from the latest earlier year's rows (same third parties)."""
    if any(r.year == year for r in rows):
        raise ValidationError(f"{year} already has its Shine the Light list")
    earlier = [r.year for r in rows if r.year < year]
    source = max(earlier) if earlier else None
    copied = [replace(r, year=year) for r in rows if r.year == source]
    return sorted([*rows, *copied], key=lambda r: r.year)


def _load_full(session: Session, slug: str) -> Organization:
    return get_organization(session, slug)


def _check_version(org: Organization, expected_version: int | None) -> None:
    if expected_version is not None and org.version != expected_version:
        raise ConflictError(
            f"{org.display_name} was changed by someone else (now version {org.version}, "
            f"you edited version {expected_version})"
        )


def _apply_edit(org: Organization, edit: OrganizationEdit) -> None:
    phones = list(edit.toll_free_phones)
    org.legal_name = edit.legal_name
    org.display_name = edit.display_name
    org.role = edit.role
    org.postal_address = edit.postal_address
    org.privacy_email = edit.privacy_email or None
    org.toll_free_phone = phones[0] if phones else None
    org.stl_email = edit.stl_email or None
    org.stl_address = edit.stl_address or None
    org.signatory_name = edit.signatory_name
    org.signatory_title = edit.signatory_title
    org.timezone = edit.timezone
    org.page_size = edit.page_size
    org.jurisdictions = list(edit.jurisdictions)
    org.sells_or_shares = edit.sells_or_shares
    org.retention_months = edit.retention_months
    profile = dict(org.profile)
    profile["other_toll_free_phones"] = phones[1:]
    profile["channels"] = edit.channel_map()
    profile["website"] = edit.website
    if edit.appeal_window_days is None:
        profile.pop("appeal_window_days", None)
    else:
        profile["appeal_window_days"] = edit.appeal_window_days
    org.profile = profile
    org.disclosures.clear()
    org.stl_disclosures.clear()
    for position, d in enumerate(edit.disclosures, start=1):
        org.disclosures.append(
            Disclosure(
                kind=d.kind,
                category=d.category,
                sources=d.sources,
                purposes=d.purposes,
                recipients=d.recipients,
                sensitive=d.sensitive,
                position=position,
            )
        )
    for position, r in enumerate(edit.stl_disclosures):
        org.stl_disclosures.append(
            StlDisclosure(
                year=r.year,
                recipient_name=r.recipient_name,
                recipient_address=r.recipient_address,
                nature_of_business=r.nature_of_business,
                categories=r.categories,
                position=position,
            )
        )


def image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


# -- TOML export -----------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if value is None:
        return '""'
    raise ValidationError(f"cannot write {type(value).__name__} to a profile")


def _toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) else json.dumps(key)


def profile_toml(org: OrganizationDTO) -> str:
    lines = [f"# Organization profile of {org.legal_name}, exported by privdesk (version {org.version}).", ""]

    def put(key: str, value: Any) -> None:
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")

    for key in ("slug", "legal_name", "display_name", "role", "timezone", "jurisdictions"):
        put(key, getattr(org, key))
    for key in ("sells_or_shares", "page_size", "retention_months"):
        put(key, getattr(org, key))
    profile = {k: v for k, v in org.profile.items() if k not in (*LOGO_KEYS, "other_channels", "logo_path")}
    lines += ["", "[contact]"]
    put("privacy_email", org.privacy_email or "")
    put("toll_free_phone", org.toll_free_phone or "")
    put("postal_address", org.postal_address)
    put("stl_email", org.stl_email or "")
    put("stl_address", org.stl_address or "")
    put("other_channels", org.profile.get("other_channels", []))
    lines += ["", "[letterhead]"]
    put("signatory_name", org.signatory_name)
    put("signatory_title", org.signatory_title)
    for d in org.disclosures:
        lines += ["", f"[[{d.kind}]]"]
        for key in ("category", "sources", "purposes", "recipients", "sensitive"):
            put(key, getattr(d, key))
    for r in org.stl_disclosures:
        lines += ["", "[[stl_disclosures]]"]
        for key in ("year", "recipient_name", "recipient_address", "nature_of_business", "categories"):
            put(key, getattr(r, key))
    lines += ["", "[profile]"]
    for key, value in profile.items():
        put(key, value)
    return "\n".join(lines) + "\n"
