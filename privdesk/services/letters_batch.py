"""The morning batch: every waiting letter checked on its own, the printable ones laid out, the rest
listed with their case, field and reason.

One letter that cannot be printed never stops the run: it is held back (it stays queued, unclaimed)
and the others print. Letters with no postal address go to a separate list, to be emailed or to have
an address found. Every letter of the run is dated the run's day. Letters to the same address on the
same day share one envelope: they are printed one after the other and get one line on the address
sheet and one label.

A run writes the files and stores each letter's PDF (the letter becomes *generated*, marked with the
run's day); "printed" is recorded only when the officer confirms the pages came out
(``confirm_printed``), and that is also the day the step a letter reports (acknowledged, extended,
answered) is recorded as done.
"""

from __future__ import annotations

import builtins
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select

from privdesk.domain.errors import DomainError, TransitionRefused, ValidationError
from privdesk.domain.letterdata import LetterData
from privdesk.letters import preflight
from privdesk.letters.batch import (
    Cancelled,
    address_sheet,
    labels,
    letter_filename,
    letter_title,
    split_pdf,
)
from privdesk.letters.layout import PreparedLetter, build_pdf
from privdesk.services import claims as _claims
from privdesk.services.letters_common import RENDERABLE, IsCancelled, OutboxLetterDTO, Progress, _Job
from privdesk.services.letters_outbox import OutboxMixin
from privdesk.store import scratch
from privdesk.store.models import Case, Letter

BATCH_KEY = "batch"  # letter.data[BATCH_KEY]: the day of the print run that generated the letter


@dataclass(frozen=True)
class HeldLetter:
    """A letter a run did not print (or printed with something to check): where and why."""

    letter_id: int
    reference: str
    kind: str
    field: str
    reason: str
    email: str = ""  # for a letter without a postal address: where it could be emailed

    def __str__(self) -> str:
        return f"{self.reference} {self.kind} (letter {self.letter_id}): {self.field}: {self.reason}"


@dataclass(frozen=True)
class BatchSummary:
    on: dt.date
    count: int
    letter_ids: list[int]
    combined_pdf: Path | None
    address_sheet: Path | None
    labels: Path | None
    letter_files: list[Path]
    held_back: list[HeldLetter] = field(default_factory=list)
    no_address: list[HeldLetter] = field(default_factory=list)
    checks: list[HeldLetter] = field(default_factory=list)  # printed, but look before sealing
    envelopes: int = 0


@dataclass(frozen=True)
class _Ready:
    job: _Job
    prepared: PreparedLetter
    pdf: bytes


def envelope_key(data: LetterData) -> tuple[str, tuple[str, ...]]:
    """Letters with the same sender and the same address lines go in one envelope."""
    lines = tuple(" ".join(x.split()).casefold() for x in data.recipient.all_lines())
    return data.letterhead.org_name.casefold(), lines


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
        """Print run for day ``on``: every queued or generated letter not already in a run, claimed so
        that two workstations never take the same one. Files appear only when the run completes; on
        cancel or error nothing is written, the claims are released and the letters stay as they were."""
        today = self.ctx.today()
        if on < today:
            raise ValidationError(
                f"a letter is dated the day it is printed for mailing; {on.isoformat()} is before "
                f"today ({today.isoformat()})"
            )
        worker = worker_id or _claims.default_worker_id()
        ids = self._claim(worker)
        out_dir = Path(out_dir)
        temps: list[tuple[Path, Path]] = []
        try:
            if not ids:
                return BatchSummary(on, 0, [], None, None, None, [])
            jobs, held = self._jobs(ids, on)
            keep_alive = _claims.ClaimKeepAlive(self.ctx, worker)
            ready, more_held, no_address, checks = self._check_and_render(
                jobs, progress, cancelled, keep_alive
            )
            held.extend(more_held)
            if not ready:
                return BatchSummary(on, 0, [], None, None, None, [], held, no_address, checks, 0)
            ready = sorted(
                ready, key=lambda r: (envelope_key(r.job.data), r.job.data.reference, r.job.data.kind)
            )

            def laid_out(index: int) -> None:  # between letters of the one layout of the run
                if cancelled is not None and cancelled():
                    raise Cancelled()
                if progress is not None:
                    progress(len(jobs) + index, len(jobs) + len(ready))

            pages: list[int] = []
            combined = build_pdf([r.prepared for r in ready], between=laid_out, page_counts=pages)
            if progress is not None:
                progress(len(jobs) + len(ready), len(jobs) + len(ready))
            titles = [letter_title(r.job.data) for r in ready]
            singles = split_pdf(combined, pages, titles)  # each one PDF/A-2b, as it is stored
            ready = [replace(r, pdf=pdf) for r, pdf in zip(ready, singles, strict=True)]
            out_dir.mkdir(parents=True, exist_ok=True)
            files, envelopes = _batch_files(on, ready, combined, out_dir)
            for target, data in files:
                temps.append((_temp_write(target, data), target))
            if cancelled is not None and cancelled():
                raise Cancelled()
            self._record_batch(ready, worker, on)
            for temp, target in temps:
                os.replace(temp, target)
            temps = []
            names = [target for target, _ in files]
            return BatchSummary(
                on=on,
                count=len(ready),
                letter_ids=[r.job.letter_id for r in ready],
                combined_pdf=names[0],
                address_sheet=names[1],
                labels=names[2],
                letter_files=names[3:],
                held_back=held,
                no_address=no_address,
                checks=checks,
                envelopes=envelopes,
            )
        finally:
            for temp, _ in temps:
                temp.unlink(missing_ok=True)
            self._release(worker)

    def _claim(self, worker: str) -> builtins.list[int]:
        return _claims.claim_letters(self.ctx, worker, 100_000, RENDERABLE)

    def _release(self, worker: str) -> None:
        _claims.release_letters(self.ctx.db, worker)

    def _jobs(self, ids: Sequence[int], on: dt.date) -> tuple[builtins.list[_Job], builtins.list[HeldLetter]]:
        """Each letter's facts, dated ``on``; a letter whose facts cannot be gathered is held back."""
        jobs: list[_Job] = []
        held: list[HeldLetter] = []
        with self.ctx.db.read() as s:
            for letter_id in ids:
                letter = self._letter(s, letter_id)
                if letter.status not in RENDERABLE or (letter.data or {}).get(BATCH_KEY):
                    continue  # already in a run that waits for its print confirmation
                try:
                    jobs.append(self._job(s, letter, letter_date=on))
                except DomainError as err:
                    case = s.get_one(Case, letter.case_id)
                    held.append(HeldLetter(letter.id, case.reference, letter.kind, "case", str(err)))
        return jobs, held

    def _check_and_render(
        self,
        jobs: Sequence[_Job],
        progress: Progress | None,
        cancelled: IsCancelled | None,
        keep_alive: Callable[[], None] | None = None,
    ) -> tuple[list[_Ready], list[HeldLetter], list[HeldLetter], list[HeldLetter]]:
        """Pre-flight every letter, then lay out each printable one."""
        total = 2 * len(jobs)  # checking each letter, then laying out the printable ones
        ready: list[_Ready] = []
        held: list[HeldLetter] = []
        no_address: list[HeldLetter] = []
        checks: list[HeldLetter] = []
        for done, job in enumerate(jobs, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            result = preflight.check(job.data, job.template_source)
            data = job.data
            if result.no_address:
                no_address.append(
                    HeldLetter(
                        job.letter_id,
                        data.reference,
                        data.kind,
                        "recipient address",
                        "no postal address: email the letter or find an address",
                        job.email,
                    )
                )
            elif not result.printable or result.prepared is None:
                first = (
                    result.problems[0] if result.problems else preflight.Finding("letter", "not printable")
                )
                reason = "; ".join(p.reason if p.field == first.field else str(p) for p in result.problems)
                held.append(
                    HeldLetter(job.letter_id, data.reference, data.kind, first.field, reason or first.reason)
                )
            else:
                ready.append(_Ready(job, result.prepared, b""))  # laid out once, with the whole run
                checks.extend(
                    HeldLetter(job.letter_id, data.reference, data.kind, w.field, w.reason)
                    for w in result.warnings
                )
            if progress is not None:
                progress(done, total)
            if keep_alive is not None:  # a long run keeps its claims; only a stopped one loses them
                keep_alive()
        if cancelled is not None and cancelled():
            raise Cancelled()
        return ready, held, no_address, checks

    def _record_batch(self, ready: Sequence[_Ready], worker: str, on: dt.date) -> None:
        """One transaction: every letter's PDF stored and marked as part of the run, or none."""
        with self.ctx.db.write() as s:
            for r in ready:
                job = r.job
                letter = self._letter(s, job.letter_id)
                if letter.claimed_by != worker or letter.status not in RENDERABLE:
                    raise TransitionRefused(
                        f"letter {letter.id} was changed during the print run; run it again"
                    )
                before = letter.status
                self._store_pdf(s, letter, job, r.pdf, letter_filename(job.data))
                letter.status = "generated"
                letter.data = {**(letter.data or {}), BATCH_KEY: on.isoformat()}
                s.flush()
                self._audit(
                    s,
                    letter,
                    "letter.generated",
                    before={"status": before},
                    after={"sha256": letter.sha256, "template": job.template_ref, "batch": on.isoformat()},
                )

    def awaiting_print(self, on: dt.date | None = None) -> builtins.list[OutboxLetterDTO]:
        """Letters a print run generated whose printing is not confirmed yet (of day ``on``)."""
        wanted = on.isoformat() if on else None
        out = []
        with self.ctx.db.read() as s:
            rows = s.execute(
                select(Letter, Case).join(Case, Case.id == Letter.case_id).where(Letter.status == "generated")
            ).all()
            for letter, case in rows:
                day = (letter.data or {}).get(BATCH_KEY)
                if day and (wanted is None or day == wanted):
                    out.append(self._dto(letter, case))
        return sorted(out, key=lambda d: d.id)

    def confirm_printed(self, on: dt.date) -> builtins.list[OutboxLetterDTO]:
        """The officer confirms the run of day ``on`` came out of the printer: its letters are printed."""
        ids = [d.id for d in self.awaiting_print(on)]
        if not ids:
            raise ValidationError(
                f"no letters of the {on.isoformat()} run are waiting for a print confirmation"
            )
        return self.mark_printed(ids)


def _temp_write(target: Path, data: bytes) -> Path:
    tmp = scratch.private_temp_name(target)  # removed by the next privdesk run if this one is killed
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _batch_files(
    on: dt.date, ready: Sequence[_Ready], combined: bytes, out_dir: Path
) -> tuple[list[tuple[Path, bytes]], int]:
    """Combined PDF, address sheet and labels (one line and one label per envelope), then one PDF per
    letter (a clash gets the letter id). ``ready`` is in envelope order."""
    day = on.isoformat()
    envelopes: list[tuple[tuple[str, ...], list[str]]] = []
    last_key = None
    for r in ready:
        key = envelope_key(r.job.data)
        if key != last_key:
            envelopes.append((r.job.data.recipient.all_lines(), []))
            last_key = key
        refs = envelopes[-1][1]
        if r.job.data.reference not in refs:
            refs.append(r.job.data.reference)
    files: list[tuple[str, bytes]] = [
        (f"{day}-mail.pdf", combined),
        (
            f"{day}-addresses.pdf",
            address_sheet([lines for lines, _ in envelopes], [", ".join(refs) for _, refs in envelopes]),
        ),
        (f"{day}-labels.pdf", labels([lines for lines, _ in envelopes])),
    ]
    used: set[str] = set()
    for r in ready:
        name = letter_filename(r.job.data)
        if name in used:
            name = name.removesuffix(".pdf") + f"-{r.job.letter_id}.pdf"
        used.add(name)
        files.append((name, r.pdf))
    return [(out_dir / name, data) for name, data in files], len(envelopes)


__all__ = ["BATCH_KEY", "BatchMixin", "BatchSummary", "HeldLetter", "envelope_key"]
