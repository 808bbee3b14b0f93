"""Records and reports over the store: request log (§7101), yearly metrics (§7102), workload, case export.

Each call reads in one session and hands plain facts to ``privdesk.domain.reports``, which does the
counting; PDFs come from ``privdesk.letters.report_pdf``. Files are written to a temporary name in
the target folder and renamed, so a crash never leaves half a report under the real name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain import reports as rep
from privdesk.domain.errors import ValidationError
from privdesk.services import audit
from privdesk.services.casefile import describe_event
from privdesk.services.cases import load_case
from privdesk.services.content import read_verified
from privdesk.services.context import ServiceContext
from privdesk.services.organizations import get_organization
from privdesk.services.retention import RetentionService
from privdesk.store.models import (
    AuditEvent,
    Case,
    Document,
    Letter,
    Note,
    Organization,
    RequestItem,
)

LOG_FORMATS = ("csv", "pdf", "json")
METRICS_FORMATS = ("json", "csv", "pdf", "html")


@dataclass(frozen=True)
class ExportedFile:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ExportSummary:
    reference: str
    out: str
    files: tuple[ExportedFile, ...]
    sha256: str  # of the ZIP itself


# -- files -------------------------------------------------------------------------------------


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A file object whose content appears at ``path`` only once fully written (temp file + rename)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"the folder {folder} does not exist")
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    with atomic_output(path) as fh:
        fh.write(data)


# -- facts -------------------------------------------------------------------------------------


def item_facts(session: Session, organization: str | None = None) -> list[rep.ItemFact]:
    query = (
        select(
            Case.reference,
            Organization.slug,
            Case.jurisdiction,
            Case.channel,
            Case.received_on,
            RequestItem.request_type,
            RequestItem.status,
            RequestItem.outcome,
            RequestItem.responded_on,
            RequestItem.denial_reasons,
            RequestItem.withdrawn_on,
            RequestItem.respond_by,
            RequestItem.extended_respond_by,
            RequestItem.extended_on,
            Case.logged_by,
            Case.purged_on,
            RequestItem.processed_on,
        )
        .join(Case, Case.id == RequestItem.case_id)
        .join(Organization, Organization.id == Case.organization_id)
        .order_by(Case.received_on, Case.reference, RequestItem.id)
    )
    if organization is not None:
        query = query.where(Organization.slug == organization)
    return [
        rep.ItemFact(
            reference=row.reference,
            organization=row.slug,
            jurisdiction=row.jurisdiction,
            channel=row.channel,
            received_on=row.received_on,
            request_type=row.request_type,
            status=row.status,
            outcome=row.outcome,
            responded_on=row.responded_on,
            denial_reasons=tuple(row.denial_reasons or ()),
            withdrawn_on=row.withdrawn_on,
            respond_by=row.respond_by,
            extended_respond_by=row.extended_respond_by,
            extended_on=row.extended_on,
            logged_by=row.logged_by,
            purged=row.purged_on is not None,
            processed_on=row.processed_on,
        )
        for row in session.execute(query)
    ]


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return cleaned[:120] or "file"


# -- the service -------------------------------------------------------------------------------


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.retention = RetentionService(ctx)

    # -- request log ----------------------------------------------------------------------------
    def request_log(
        self, date_from: dt.date, date_to: dt.date, organization: str | None = None
    ) -> rep.RequestLog:
        if date_from > date_to:
            raise ValidationError(
                f"the period starts ({date_from.isoformat()}) after it ends ({date_to.isoformat()})"
            )
        with self.ctx.db.read() as s:
            if organization is not None:
                get_organization(s, organization)
            facts = item_facts(s, organization)
        return rep.build_log(facts, date_from, date_to, organization, self.ctx.today())

    @staticmethod
    def render_log(log: rep.RequestLog, fmt: str) -> bytes:
        if fmt == "csv":
            return rep.log_csv(log).encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8
        if fmt == "json":
            return (json.dumps(rep.log_json(log), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        if fmt == "pdf":
            from privdesk.letters import report_pdf  # ReportLab, only when a PDF is asked for

            return report_pdf.request_log_pdf(log)
        raise ValidationError(f"unknown format {fmt!r} (use {', '.join(LOG_FORMATS)})")

    # -- metrics --------------------------------------------------------------------------------
    def metrics(
        self, year: int, organization: str | None = None, jurisdiction: str | None = None
    ) -> rep.YearlyMetrics:
        if not 1900 < year < 3000:
            raise ValidationError(f"{year} is not a plausible calendar year")
        with self.ctx.db.read() as s:
            name = ""
            if organization is not None:
                name = get_organization(s, organization).display_name
            facts = item_facts(s, organization)
        return rep.compute_metrics(
            facts,
            year,
            organization=organization,
            organization_name=name,
            jurisdiction=jurisdiction,
            generated_on=self.ctx.today(),
        )

    @staticmethod
    def render_metrics(metrics: rep.YearlyMetrics, fmt: str) -> bytes:
        if fmt == "json":
            return (json.dumps(rep.metrics_json(metrics), ensure_ascii=False, indent=2) + "\n").encode(
                "utf-8"
            )
        if fmt == "csv":
            return rep.metrics_csv(metrics).encode("utf-8-sig")
        if fmt == "html":
            return rep.metrics_html(metrics).encode("utf-8")
        if fmt == "pdf":
            from privdesk.letters import report_pdf

            return report_pdf.metrics_pdf(metrics)
        raise ValidationError(f"unknown format {fmt!r} (use {', '.join(METRICS_FORMATS)})")

    # -- workload -------------------------------------------------------------------------------
    def workload(self, organization: str | None = None) -> rep.WorkloadReport:
        with self.ctx.db.read() as s:
            if organization is not None:
                get_organization(s, organization)
            facts = item_facts(s, organization)
        return rep.compute_workload(facts, self.ctx.today(), organization)

    def on_time_by_type(self, organization: str | None = None) -> dict[str, tuple[int, int]]:
        """Per request type: (answered on or before the current due date, answered with a due date),
        counted as ``workload`` counts its overall on-time rate (the Reports screen charts it)."""
        with self.ctx.db.read() as s:
            if organization is not None:
                get_organization(s, organization)
            facts = item_facts(s, organization)
        counts: dict[str, tuple[int, int]] = {}
        for f in facts:
            if f.responded_on is None or f.done_on is None or f.due is None:
                continue
            on_time, answered = counts.get(f.request_type, (0, 0))
            counts[f.request_type] = (on_time + (f.done_on <= f.due), answered + 1)
        return dict(sorted(counts.items()))

    # -- case file export -----------------------------------------------------------------------
    def export_case(self, reference: str, out: Path) -> ExportSummary:
        """A ZIP for counsel or a regulator: timeline PDF, every document and letter file, the audit
        entries (JSON) and ``manifest.json`` with each file's SHA-256 and size."""
        files: list[tuple[str, bytes]] = []
        with self.ctx.db.read() as s:
            case = load_case(s, reference)
            ref = case.reference
            case_id = case.id
            documents = s.scalars(
                select(Document).where(Document.case_id == case.id).order_by(Document.id)
            ).all()
            letters = s.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).all()
            letter_docs = {x.document_id for x in letters if x.document_id is not None}
            for doc in documents:
                if doc.id in letter_docs:
                    continue  # filed under letters/
                data = read_verified(s, doc.sha256, f"document {doc.id} ({_safe_name(doc.filename)})")
                if data is not None:
                    files.append((f"documents/{doc.id:05d}-{_safe_name(doc.filename)}", data))
            for letter in letters:
                if letter.document_id is None:
                    continue
                letter_doc = s.get(Document, letter.document_id)
                data = (
                    read_verified(s, letter_doc.sha256, f"of letter {letter.id}")
                    if letter_doc is not None
                    else None
                )
                if letter_doc is not None and data is not None:
                    suffix = Path(letter_doc.filename).suffix or ".pdf"
                    files.append((f"letters/{letter.id:05d}-{_safe_name(letter.kind)}{suffix}", data))
            events = s.scalars(
                select(AuditEvent).where(AuditEvent.case_reference == ref).order_by(AuditEvent.id)
            ).all()
            audit_json = [
                {
                    "id": e.id,
                    "occurred_at": e.occurred_at.isoformat(),
                    "actor": e.actor,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "before": e.before,
                    "after": e.after,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in events
            ]
            notes = s.scalars(select(Note).where(Note.case_id == case.id).order_by(Note.id)).all()
            timeline_events = [
                rep.TimelineEvent(_utc(e.occurred_at), e.actor, "event", describe_event(e)) for e in events
            ]
            timeline_events += [
                rep.TimelineEvent(_utc(n.created_at), n.author, "note", n.body) for n in notes
            ]
            timeline_events.sort(key=lambda t: t.at)
            files.append(
                ("audit.json", (json.dumps(audit_json, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            )
            timeline = rep.CaseTimeline(
                reference=ref,
                organization=case.organization.display_name,
                jurisdiction=case.jurisdiction,
                channel=case.channel,
                received_on=case.received_on,
                status=case.status,
                consumer=case.consumer.full_name,
                logged_by=case.logged_by,
                closed_on=case.closed_on,
                legal_hold=case.legal_hold,
                purged_on=case.purged_on,
                generated_at=_utc(self.ctx.now()),
                items=tuple(
                    rep.TimelineItem(
                        i.request_type,
                        i.status,
                        i.outcome,
                        case.received_on,
                        i.acknowledged_on,
                        i.respond_by,
                        i.extended_on,
                        i.extended_respond_by,
                        i.responded_on,
                        rep.reason_words(i.denial_reasons),
                    )
                    for i in case.items
                ),
                events=tuple(timeline_events),
                files=tuple(name for name, _ in files),
            )
        from privdesk.letters import report_pdf

        files.insert(0, ("timeline.pdf", report_pdf.case_timeline_pdf(timeline)))
        manifest_files = tuple(
            ExportedFile(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in files
        )
        manifest = {
            "reference": ref,
            "exported_at": _utc(self.ctx.now()).isoformat(),
            "exported_by": self.ctx.actor,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in manifest_files],
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files:
                zf.writestr(_zip_info(f"{ref}/{name}", self.ctx.now()), data)
            zf.writestr(
                _zip_info(f"{ref}/manifest.json", self.ctx.now()),
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
            )
        archive = buffer.getvalue()
        write_atomic(out, archive)
        with self.ctx.db.write() as s:
            audit.record(
                s,
                self.ctx,
                "case.exported",
                "case",
                case_id,
                case_reference=ref,
                after={"files": len(manifest_files)},
            )
        return ExportSummary(ref, str(out), manifest_files, hashlib.sha256(archive).hexdigest())


def _zip_info(name: str, now: dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=now.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
