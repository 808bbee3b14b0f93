"""Notes and tasks of a case, with the inverse steps that make them undoable in the GUI.

Adding a note answers with its id so that the officer's Undo can withdraw it again; only the author may
withdraw a note, and the audit trail keeps both events. A task marked done can be reopened.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from privdesk.domain.errors import ConflictError, NotFound, ValidationError
from privdesk.domain.types import Role
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.cases import load_case
from privdesk.services.context import ServiceContext
from privdesk.store.models import Case, Note, Task


class NoteService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, reference: str, body: str) -> int:
        """Add a note to the case; returns its id (audited as ``case.note_added``)."""
        if not body.strip():
            raise ValidationError("a note cannot be empty")
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            case = load_case(s, reference)
            note = Note(case_id=case.id, author=self.ctx.actor, body=body.strip())
            s.add(note)
            s.flush()
            audit.record(s, self.ctx, "case.note_added", "case", case.id, case_reference=case.reference)
            return note.id

    def withdraw(self, note_id: int) -> None:
        """Remove a note its author has just added (Undo); audited, the body stays out of the trail."""
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            note = s.get(Note, note_id)
            if note is None:
                raise NotFound(f"no note {note_id}")
            if note.author != self.ctx.actor:
                raise ConflictError("only the author of a note can withdraw it")
            case = s.get(Case, note.case_id)
            s.delete(note)
            audit.record(
                s,
                self.ctx,
                "case.note_withdrawn",
                "case",
                note.case_id,
                case_reference=case.reference if case is not None else None,
                before={"note_id": note_id},
            )

    def complete_task(self, task_id: int, on: dt.date | None = None) -> dt.date:
        """Mark the task done; returns the date recorded. A task already done is a conflict."""
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            task = self._task(s, task_id)
            if task.done_on is not None:
                raise ConflictError(f"the task was already marked done on {task.done_on.isoformat()}")
            task.done_on = on or self.ctx.today()
            audit.record(s, self.ctx, "task.completed", "task", task_id)
            return task.done_on

    def reopen_task(self, task_id: int) -> None:
        """Undo of marking a task done (audited)."""
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.OFFICER, session=s)
            task = self._task(s, task_id)
            if task.done_on is None:
                return
            before = task.done_on.isoformat()
            task.done_on = None
            audit.record(s, self.ctx, "task.reopened", "task", task_id, before={"done_on": before})

    @staticmethod
    def _task(s: Session, task_id: int) -> Task:
        task = s.get(Task, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}")
        return task
