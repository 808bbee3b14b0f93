"""Case search: one interface over SQLite FTS5 and PostgreSQL trigram indexes, and the upkeep that keeps
each case's searchable text (and its denormalized consumer name) in step with every write.

The upkeep hangs on SQLAlchemy session events, so every service path is covered, not only this
module's callers: a flush notes which cases changed (a case, its notes, its consumer's names and
emails, its agent), ORM bulk UPDATE/DELETE statements note the cases they touch before they run, and
the commit rewrites those cases' ``case_search`` rows in the same transaction. On SQLite, triggers
carry each row into the FTS5 index (migration 0002). Text is folded in Python (domain/search.py), so
both engines see the same tokens and give the same answers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    column,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm import attributes as orm_attributes

from privdesk.domain import search as text_search
from privdesk.store.models import (
    SEARCH_FTS_TABLE,
    Agent,
    Case,
    CaseSearch,
    Consumer,
    ConsumerIdentifier,
    Note,
)

PENDING_KEY = "privdesk.search.pending"  # case ids whose text must be rewritten before commit
OPTIMIZE_KEY = "privdesk.search.optimize"  # personal data was purged: compact the FTS index
BATCH = 500
IDENTIFIER_KINDS = ("name", "email")
CASE_FIELDS = ("reference", "subject", "summary", "consumer_id", "consumer", "agent_id", "agent")

_fts = table(SEARCH_FTS_TABLE, column("rowid"))


# -- querying -----------------------------------------------------------------------------------
_PHONE = re.compile(r"\+?[0-9(][0-9\s().\-/]{5,24}")


def phone_digits(text: str) -> str | None:
    """The national digits of a phone number typed in any format ("(951) 555-0173", "+1 951.555.0173"),
    or None when the text is not a phone number (a name, a case number, fewer than seven digits)."""
    text = text.strip()
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if not 7 <= len(digits) <= 15:
        return None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]  # the North American country code
    return digits


def _phone_condition(digits: str) -> ColumnElement[bool]:
    """Cases whose consumer has this number (stored in whatever format it was given)."""
    stored: Any = Consumer.phone
    for mark in (" ", "-", "(", ")", ".", "/", "+"):
        stored = func.replace(stored, mark, "")
    known = select(ConsumerIdentifier.consumer_id).where(
        ConsumerIdentifier.kind == "phone", ConsumerIdentifier.normalized.like(f"%{digits}")
    )
    people = select(Consumer.id).where(or_(stored.like(f"%{digits}"), Consumer.id.in_(known)))
    return Case.consumer_id.in_(people)


def search_condition(text: str | None, *, sqlite: bool) -> ColumnElement[bool] | None:
    """A condition on ``Case.id`` for the officer's search text; None when the text holds no word.

    A phone number in any format finds the cases of the people with that number."""
    digits = phone_digits(text or "")
    if digits is not None:
        return _phone_condition(digits)
    phrases = text_search.query_phrases(text or "")
    if not phrases:
        return None
    if sqlite:
        matching = select(_fts.c.rowid).where(
            literal_column(SEARCH_FTS_TABLE).match(text_search.fts5_query(phrases))
        )
    else:
        matching = select(CaseSearch.case_id).where(
            *[CaseSearch.body.like(pattern) for pattern in text_search.like_patterns(phrases)]
        )
    return Case.id.in_(matching)


# -- upkeep -------------------------------------------------------------------------------------
def reindex(conn: Connection, case_ids: Iterable[int]) -> int:
    """Rewrite the searchable text and the consumer name of these cases from what is stored now."""
    ids = sorted(set(case_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        done += _reindex_batch(conn, ids[start : start + BATCH])
    return done


def reindex_all(conn: Connection) -> int:
    return reindex(conn, conn.execute(select(Case.id)).scalars())


def _reindex_batch(conn: Connection, ids: list[int]) -> int:
    rows = conn.execute(
        select(
            Case.id,
            Case.reference,
            Case.subject,
            Case.summary,
            Case.consumer_id,
            Case.consumer_name,
            Consumer.full_name,
            Consumer.email,
            Agent.name,
        )
        .join(Consumer, Consumer.id == Case.consumer_id)
        .outerjoin(Agent, Agent.id == Case.agent_id)
        .where(Case.id.in_(ids))
    ).all()
    if not rows:
        return 0
    notes: dict[int, list[str]] = defaultdict(list)
    for case_id, body in conn.execute(
        select(Note.case_id, Note.body).where(Note.case_id.in_(ids)).order_by(Note.id)
    ):
        notes[case_id].append(body)
    others: dict[int, list[str]] = defaultdict(list)
    for consumer_id, value in conn.execute(
        select(ConsumerIdentifier.consumer_id, ConsumerIdentifier.value)
        .where(
            ConsumerIdentifier.consumer_id.in_({r.consumer_id for r in rows}),
            ConsumerIdentifier.kind.in_(IDENTIFIER_KINDS),
        )
        .order_by(ConsumerIdentifier.id)
    ):
        others[consumer_id].append(value)
    bodies = [
        {
            "case_id": r.id,
            "body": text_search.case_search_body(
                reference=r.reference,
                consumer_name=r.full_name,
                consumer_email=r.email,
                other_identifiers=others.get(r.consumer_id, ()),
                agent_name=r.name,
                subject=r.subject,
                summary=r.summary,
                notes=notes.get(r.id, ()),
            ),
        }
        for r in rows
    ]
    if conn.dialect.name == "sqlite":
        insert = sqlite_insert
    else:  # imported here: the PostgreSQL dialect costs SQLite users a twentieth of a second at start-up
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        insert = pg_insert  # type: ignore[assignment]
    texts = CaseSearch.__table__
    assert isinstance(texts, Table)
    statement = insert(texts)
    conn.execute(
        statement.on_conflict_do_update(index_elements=["case_id"], set_={"body": statement.excluded.body}),
        bodies,
    )
    renamed = [{"row_id": r.id, "name": r.full_name} for r in rows if r.consumer_name != r.full_name]
    if renamed:
        cases = Case.__table__
        assert isinstance(cases, Table)
        rename = sql_update(cases).where(cases.c.id == bindparam("row_id"))
        conn.execute(rename.values(consumer_name=bindparam("name")), renamed)
    return len(rows)


def optimize(conn: Connection) -> None:
    """Merge the FTS5 index so that purged words leave its pages (SQLite; a no-op elsewhere)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {SEARCH_FTS_TABLE}({SEARCH_FTS_TABLE}) VALUES ('optimize')")


def _pending(session: Session) -> set[int]:
    found: set[int] = session.info.setdefault(PENDING_KEY, set())
    return found


def _changed(obj: object, names: Iterable[str]) -> bool:
    state = orm_attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _cases_of(session: Session, column: Any, ids: set[int]) -> Iterator[int]:
    if ids:
        yield from session.connection().execute(select(Case.id).where(column.in_(ids))).scalars()


@event.listens_for(Session, "before_flush")
def _name_on_case(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """A new case, or one moved to another consumer, carries the consumer's name from the start."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Case) and (obj.id is None or _changed(obj, ("consumer", "consumer_id"))):
            consumer = obj.consumer
            if consumer is not None and obj.consumer_name != consumer.full_name:
                obj.consumer_name = consumer.full_name


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, flush_context: UOWTransaction) -> None:
    pending = _pending(session)
    consumers: set[int] = set()
    agents: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Case):
            if obj in session.new or _changed(obj, CASE_FIELDS):
                pending.add(obj.id)
            if _changed(obj, ("purged_on",)):
                session.info[OPTIMIZE_KEY] = True
        elif isinstance(obj, Note):
            if obj in session.new or obj in session.deleted or _changed(obj, ("body", "case_id")):
                pending.add(obj.case_id)
        elif isinstance(obj, Consumer):
            if obj not in session.new and _changed(obj, ("full_name", "email")):
                consumers.add(obj.id)
            if _changed(obj, ("purged",)):
                session.info[OPTIMIZE_KEY] = True
        elif isinstance(obj, ConsumerIdentifier):
            if obj.consumer_id is not None:
                consumers.add(obj.consumer_id)
        elif isinstance(obj, Agent) and obj not in session.new and _changed(obj, ("name",)):
            agents.add(obj.id)
    pending.update(_cases_of(session, Case.consumer_id, consumers))
    pending.update(_cases_of(session, Case.agent_id, agents))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    """``update(Note)...``, ``delete(ConsumerIdentifier)...``: which cases they touch, found before they run
    (afterwards a moved row no longer matches the statement's condition)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    entity = state.bind_mapper.class_
    where = state.statement.whereclause  # type: ignore[attr-defined]
    params = state.parameters
    if where is None and entity is Case and isinstance(params, list):
        # ORM bulk UPDATE by primary key: the rows are named in the parameters.
        _pending(state.session).update(int(p["id"]) for p in params if "id" in p)
        return
    if entity is Case:
        query = select(Case.id)
    elif entity is Note:
        query = select(Note.case_id)
    elif entity is Consumer:
        query = select(Case.id).where(Case.consumer_id.in_(select(Consumer.id).where(where)))
        where = None
    elif entity is ConsumerIdentifier:
        query = select(Case.id).where(
            Case.consumer_id.in_(select(ConsumerIdentifier.consumer_id).where(where))
        )
        where = None
    elif entity is Agent:
        query = select(Case.id).where(Case.agent_id.in_(select(Agent.id).where(where)))
        where = None
    else:
        return
    if where is not None:
        query = query.where(where)
    _pending(state.session).update(state.session.connection().execute(query).scalars())


@event.listens_for(Session, "before_commit")
def _rewrite_before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit would flush after this hook: let those changes join the set now
    if not session.info.get(PENDING_KEY) and not session.info.get(OPTIMIZE_KEY):
        return
    pending = session.info.pop(PENDING_KEY, set())
    conn = session.connection()
    reindex(conn, pending)
    if session.info.pop(OPTIMIZE_KEY, False):
        optimize(conn)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(OPTIMIZE_KEY, None)
