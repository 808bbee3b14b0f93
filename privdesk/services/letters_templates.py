"""Letter templates officers edit: each save is a new version, checked against sample data first."""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from privdesk.domain.errors import ValidationError
from privdesk.domain.letterdata import (
    JurisdictionFamily,
)
from privdesk.domain.types import Role
from privdesk.letters import LETTER_KINDS, LetterRenderer, prepare
from privdesk.letters.templating import default_template_name, template_names
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.letters_common import LetterBase, sha256_hex
from privdesk.services.letters_samples import sample_letter
from privdesk.store.models import LetterTemplate


@dataclass(frozen=True)
class TemplateInfoDTO:
    kind: str
    family: str  # "" for the template every family uses
    title: str
    bundled_name: str
    version: int | None  # the active edited version; None when the bundled text is in use
    edited_by: str | None
    edited_at: dt.datetime | None


@dataclass(frozen=True)
class TemplateVersionDTO:
    kind: str
    family: str
    version: int
    active: bool
    created_by: str
    created_at: dt.datetime
    source: str


class TemplatesMixin(LetterBase):
    """Edited templates: versions kept in the database, the bundled text otherwise."""

    def _template_for(self, s: Session, kind: str, family: str) -> tuple[str | None, str]:
        """The edited template for kind and family (or for every family), else the bundled one."""
        for fam in (family, ""):
            row = s.scalar(
                select(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == fam, LetterTemplate.active)
                .order_by(LetterTemplate.version.desc())
                .limit(1)
            )
            if row is not None:
                return row.source, f"db:{kind}/{fam or '*'}/v{row.version}"
        return None, f"bundled:{default_template_name(kind, family)}"

    def templates(self) -> builtins.list[TemplateInfoDTO]:
        """Every bundled template (per kind, and per family where a family has its own wording) with
        the active edited version, if any, plus edited templates for other families."""
        with self.ctx.db.read() as s:
            rows = s.scalars(
                select(LetterTemplate).where(LetterTemplate.active).order_by(LetterTemplate.version)
            ).all()
            active = {(r.kind, r.family): r for r in rows}
        out: list[TemplateInfoDTO] = []
        seen: set[tuple[str, str]] = set()
        for kind, info in LETTER_KINDS.items():
            for family in ("", *info.families):
                seen.add((kind, family))
                out.append(_template_info(str(kind), family, active.get((kind, family))))
        out.extend(_template_info(k, f, r) for (k, f), r in sorted(active.items()) if (k, f) not in seen)
        return out

    def active_template(self, kind: str, family: str = "") -> str:
        """The text a letter of this kind and family is rendered with: an edited copy wins."""
        _check_kind_family(kind, family)
        with self.ctx.db.read() as s:
            source, _ = self._template_for(s, kind, family)
        return source if source is not None else LetterRenderer.default_template_source(kind, family)

    def template_versions(self, kind: str, family: str = "") -> builtins.list[TemplateVersionDTO]:
        """Every saved version of the edited template for kind and family, newest first."""
        _check_kind_family(kind, family)
        with self.ctx.db.read() as s:
            rows = s.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .order_by(LetterTemplate.version.desc())
            ).all()
            return [
                TemplateVersionDTO(
                    r.kind, r.family, r.version, r.active, r.created_by, r.created_at, r.source
                )
                for r in rows
            ]

    def save_template(self, kind: str, family: str, source: str) -> int:
        """Save an edited template as a new version. It is first rendered with sample data: a
        ``TemplateError`` (with its line) is raised and nothing is saved when that fails."""
        _check_kind_family(kind, family)
        if not source.strip():
            raise ValidationError("a template cannot be empty")
        require_role(self.ctx, Role.ADMINISTRATOR)  # before anything of the template runs
        prepare(sample_letter(kind, family or JurisdictionFamily.CCPA.value), source)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            last = s.scalar(
                select(func.max(LetterTemplate.version)).where(
                    LetterTemplate.kind == kind, LetterTemplate.family == family
                )
            )
            version = int(last or 0) + 1
            s.execute(
                update(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .values(active=False)
            )
            s.add(
                LetterTemplate(
                    kind=kind,
                    family=family,
                    version=version,
                    source=source,
                    active=True,
                    created_by=self.ctx.actor,
                )
            )
            s.flush()
            audit.record(
                s,
                self.ctx,
                "letter_template.saved",
                "letter_template",
                f"{kind}/{family or '*'}",
                after={"version": version, "sha256": sha256_hex(source.encode("utf-8"))},
            )
            return version

    def reset_template(self, kind: str, family: str = "") -> None:
        """Go back to the bundled text (edited versions stay in the database, inactive)."""
        _check_kind_family(kind, family)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            s.execute(
                update(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .values(active=False)
            )
            audit.record(s, self.ctx, "letter_template.reset", "letter_template", f"{kind}/{family or '*'}")


def _check_kind_family(kind: str, family: str) -> None:
    if kind not in LETTER_KINDS:
        raise ValidationError(f"unknown letter kind {kind!r} (known: {', '.join(LETTER_KINDS)})")
    if family and family not in {f.value for f in JurisdictionFamily}:
        known = ", ".join(f.value for f in JurisdictionFamily)
        raise ValidationError(f"unknown jurisdiction family {family!r} ({known}, or empty for all)")


def _template_info(kind: str, family: str, row: LetterTemplate | None) -> TemplateInfoDTO:
    bundled = next(
        (n for n in template_names(kind, family or "_") if _bundled_exists(n)), template_names(kind, "")[1]
    )
    return TemplateInfoDTO(
        kind=kind,
        family=family,
        title=LETTER_KINDS[kind].title,
        bundled_name=bundled,
        version=row.version if row else None,
        edited_by=row.created_by if row else None,
        edited_at=row.created_at if row else None,
    )


def _bundled_exists(name: str) -> bool:
    from privdesk.letters.resources import templates_dir

    return (templates_dir() / name).is_file()
