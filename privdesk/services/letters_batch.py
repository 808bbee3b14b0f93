"""The morning batch: every waiting letter checked, the printable ones laid out once, the rest listed."""

from __future__ import annotations

import builtins
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from privdesk.domain.errors import TransitionRefused
from privdesk.domain.types import LetterStatus
from privdesk.letters import prepare
from privdesk.letters.batch import Cancelled, address_sheet, labels, letter_filename
from privdesk.letters.layout import build_pdf
from privdesk.services import claims as _claims
from privdesk.services.letters_common import RENDERABLE, IsCancelled, Progress, _Job
from privdesk.services.letters_outbox import OutboxMixin
from privdesk.store.models import Letter


@dataclass(frozen=True)
class BatchSummary:
    on: dt.date
    count: int
    letter_ids: list[int]
    combined_pdf: Path | None
    address_sheet: Path | None
    labels: Path | None
    letter_files: list[Path]


class BatchMixin(OutboxMixin):
    """The morning print run."""

    def batch(
        self,
        on: dt.date,
        out_dir: Path,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
        *,
        worker_id: str | None = None,
    ) -> BatchSummary:
        """Print run: every queued or generated letter, claimed so that two workstations never take
        the same one. Files appear only when the run completes; on cancel or error nothing is written,
        the claims are released and the letters stay as they were."""
        worker = worker_id or _default_worker()
        ids = self._claim(worker)
        out_dir = Path(out_dir)
        temps: list[tuple[Path, Path]] = []
        try:
            if not ids:
                return BatchSummary(on, 0, [], None, None, None, [])
            jobs = self._jobs(ids)
            keep_alive = _claims.ClaimKeepAlive(self.ctx, worker) if _claims is not None else None
            rendered = self._render_jobs(jobs, progress, cancelled, keep_alive)
            out_dir.mkdir(parents=True, exist_ok=True)
            files = _batch_files(on, rendered, out_dir)
            for target, data in files:
                temps.append((_temp_write(target, data), target))
            if cancelled is not None and cancelled():
                raise Cancelled()
            self._record_batch(rendered, worker)
            for temp, target in temps:
                os.replace(temp, target)
            temps = []
            names = [target for target, _ in files]
            return BatchSummary(
                on=on,
                count=len(rendered),
                letter_ids=[job.letter_id for job, _, _ in rendered],
                combined_pdf=names[0],
                address_sheet=names[1],
                labels=names[2],
                letter_files=names[3:],
            )
        finally:
            for temp, _ in temps:
                temp.unlink(missing_ok=True)
            self._release(worker)

    def _claim(self, worker: str) -> builtins.list[int]:
        if _claims is not None:
            return _claims.claim_letters(self.ctx, worker, 100_000, RENDERABLE)
        with self.ctx.db.read() as s:
            candidates = s.scalars(
                select(Letter.id)
                .where(Letter.status.in_(RENDERABLE), Letter.claimed_by.is_(None))
                .order_by(Letter.id)
            ).all()
        got = []
        for letter_id in candidates:
            with self.ctx.db.write() as s:
                result = s.execute(
                    update(Letter)
                    .where(Letter.id == letter_id, Letter.claimed_by.is_(None))
                    .values(claimed_by=worker, version=Letter.version + 1),
                    execution_options={"synchronize_session": False},
                )
                if getattr(result, "rowcount", 0):
                    got.append(letter_id)
        return got

    def _release(self, worker: str) -> None:
        with self.ctx.db.write() as s:
            s.execute(
                update(Letter)
                .where(Letter.claimed_by == worker)
                .values(claimed_by=None, version=Letter.version + 1),
                execution_options={"synchronize_session": False},
            )

    def _jobs(self, ids: Sequence[int]) -> builtins.list[_Job]:
        with self.ctx.db.read() as s:
            jobs = []
            for letter_id in ids:
                letter = self._letter(s, letter_id)
                if letter.status in RENDERABLE:
                    jobs.append(self._job(s, letter))
        # By organization, then case reference, then kind: one organization's letters go out together.
        return sorted(
            jobs,
            key=lambda j: (j.data.letterhead.org_name.casefold(), j.data.reference, j.data.kind, j.letter_id),
        )

    def _render_jobs(
        self,
        jobs: Sequence[_Job],
        progress: Progress | None,
        cancelled: IsCancelled | None,
        keep_alive: Callable[[], None] | None = None,
    ) -> builtins.list[tuple[_Job, Any, bytes]]:
        total = len(jobs) + 1  # each letter, then the combined file
        rendered = []
        for done, job in enumerate(jobs, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            prepared = prepare(job.data, job.template_source)
            rendered.append((job, prepared, self.renderer.render_prepared([prepared])))
            if progress is not None:
                progress(done, total)
            if keep_alive is not None:  # a long run keeps its claims; only a stopped one loses them
                keep_alive()
        if cancelled is not None and cancelled():
            raise Cancelled()
        return rendered

    def _record_batch(self, rendered: Sequence[tuple[_Job, Any, bytes]], worker: str) -> None:
        """One transaction: every letter's PDF stored and the letter marked printed, or none."""
        now = self.ctx.now()
        with self.ctx.db.write() as s:
            for job, _, pdf in rendered:
                letter = self._letter(s, job.letter_id)
                if letter.claimed_by != worker or letter.status not in RENDERABLE:
                    raise TransitionRefused(
                        f"letter {letter.id} was changed during the print run; run it again"
                    )
                before = letter.status
                self._store_pdf(s, letter, job, pdf, letter_filename(job.data))
                letter.status = LetterStatus.PRINTED.value
                letter.printed_at = now
                s.flush()
                self._audit(
                    s,
                    letter,
                    "letter.printed",
                    before={"status": before},
                    after={"sha256": letter.sha256, "template": job.template_ref, "batch": True},
                )


def _default_worker() -> str:
    if _claims is not None:
        return _claims.default_worker_id()
    import socket

    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _temp_write(target: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(tmp)


def _batch_files(
    on: dt.date, rendered: Sequence[tuple[_Job, Any, bytes]], out_dir: Path
) -> list[tuple[Path, bytes]]:
    """Combined PDF, address sheet, labels, then one PDF per letter (a clash gets the letter id)."""
    day = on.isoformat()
    datas = [job.data for job, _, _ in rendered]
    addresses = [d.recipient.all_lines() for d in datas]
    combined = build_pdf([prepared for _, prepared, _ in rendered])
    files: list[tuple[str, bytes]] = [
        (f"{day}-mail.pdf", combined),
        (f"{day}-addresses.pdf", address_sheet(addresses, [d.reference for d in datas])),
        (f"{day}-labels.pdf", labels(addresses)),
    ]
    used: set[str] = set()
    for job, _, pdf in rendered:
        name = letter_filename(job.data)
        if name in used:
            name = name.removesuffix(".pdf") + f"-{job.letter_id}.pdf"
        used.add(name)
        files.append((name, pdf))
    return [(out_dir / name, data) for name, data in files]
