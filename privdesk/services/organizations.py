"""Organizations: import a profile from TOML, list, show, update."""

from __future__ import annotations

import builtins
import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from privdesk.domain.errors import NotFound, ValidationError
from privdesk.services import audit
from privdesk.services.context import ServiceContext
from privdesk.services.dto import DisclosureDTO, OrganizationDTO, StlDisclosureDTO
from privdesk.store.models import Disclosure, Organization, StlDisclosure

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
    if not isinstance(contact, dict) or not isinstance(letterhead, dict):
        raise ValidationError(f"{source}: [contact] and [letterhead] must be tables")
    jurisdictions = data.get("jurisdictions", [])
    if not isinstance(jurisdictions, list) or not all(isinstance(j, str) for j in jurisdictions):
        raise ValidationError(f"{source}: jurisdictions must be a list of codes")
    page_size = data.get("page_size", "letter")
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
        "retention_months": int(data.get("retention_months", 24)),
        "postal_address": str(contact.get("postal_address", "")).strip(),
        "privacy_email": contact.get("privacy_email") or None,
        "toll_free_phone": contact.get("toll_free_phone") or None,
        "stl_email": contact.get("stl_email") or None,
        "stl_address": contact.get("stl_address") or None,
        "signatory_name": str(letterhead.get("signatory_name", "")),
        "signatory_title": str(letterhead.get("signatory_title", "")),
        "profile": {**dict(data.get("profile", {})), "other_channels": contact.get("other_channels", [])},
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
