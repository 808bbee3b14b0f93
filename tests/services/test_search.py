"""Case search through the services, on SQLite (FTS5) and PostgreSQL (trigram index) alike: names with
accents, emails, references, notes; the index follows edits, merges and the retention purge."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from privdesk.domain.search import case_search_body, fts5_query, like_patterns, query_phrases, search_body
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.dto import CaseDTO, CaseFilter
from privdesk.services.hub import Services
from privdesk.services.search import reindex_all
from privdesk.store.models import Case, CaseSearch, Note

RECEIVED = dt.date(2026, 11, 2)


@pytest.fixture
def svc(services: Services) -> Services:
    for slug in ("mstis", "coverys"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    return services


def create(svc: Services, name: str, email: str | None = None, **extra: object) -> CaseDTO:
    fields: dict[str, object] = dict(
        organization="mstis",
        jurisdiction="US-CA",
        types=["delete"],
        channel="email",
        received=RECEIVED,
        name=name,
        email=email,
    )
    fields.update(extra)
    return svc.cases.create(NewCase(**fields))  # type: ignore[arg-type]


def found(svc: Services, text: str) -> list[str]:
    refs = [r.reference for r in svc.cases.list(CaseFilter(search=text))]
    assert svc.cases.count(CaseFilter(search=text)) == len(refs)
    page = svc.queue.page(CaseFilter(search=text, limit=50), "reference").rows
    assert [r.reference for r in page] == sorted(refs)
    return sorted(refs)


def test_folding_is_the_same_for_text_and_query() -> None:
    assert search_body(["María José Núñez-Ölçer", None, "PD-2026-000012"]) == (
        " maria jose nunez olcer pd 2026 000012 "
    )
    assert search_body(["Søren Østergaard", "Łukasz Dąbrowski", "Ελένη"]) == (
        " soren ostergaard lukasz dabrowski ελενη "
    )
    assert query_phrases("  MAR  dana.whitcomb@ex  ¿? mar ") == [("mar",), ("dana", "whitcomb", "ex")]
    assert fts5_query([("mar",), ("pd", "2026")]) == '"mar" * AND "pd 2026" *'
    assert like_patterns([("mar",), ("pd", "2026")]) == ["% mar%", "% pd 2026%"]
    assert case_search_body(reference="PD-2026-000001", consumer_name="Zoë", consumer_email=None) == (
        " pd 2026 000001 zoe "
    )


def test_names_with_accents_by_prefix_either_way(svc: Services) -> None:
    maria = create(svc, "María José Núñez", "mjn@example.org").reference
    mario = create(svc, "Mario Rossi", "rossi@example.org").reference
    create(svc, "Dana Whitcomb", "dana@example.com")
    assert found(svc, "mar") == sorted([maria, mario])
    assert found(svc, "María") == [maria]
    assert found(svc, "maria") == [maria]
    assert found(svc, "NUÑ") == [maria]
    assert found(svc, "nunez jose") == [maria]  # every word, in any order
    assert found(svc, "nunez rossi") == []
    assert found(svc, "uñez") == []  # words match from their start
    assert found(svc, "?!") == found(svc, "")  # no word: no search condition


def test_emails_references_subjects_and_agents(svc: Services) -> None:
    dana = create(
        svc,
        "Dana Whitcomb",
        "dana.whitcomb@example.com",
        subject="Delete my loan file",
        agent_name="Privacy Helpers LLC",
    )
    other = create(svc, "Dana Other", "d.other@example.org")
    assert found(svc, "dana.whitcomb@example.com") == [dana.reference]
    assert found(svc, "whitcomb@exa") == [dana.reference]
    assert found(svc, "example.org") == [other.reference]
    assert found(svc, dana.reference) == [dana.reference]
    assert found(svc, dana.reference.lower()) == [dana.reference]
    assert found(svc, dana.reference[:-1]) == sorted([dana.reference, other.reference])
    assert found(svc, "loan") == [dana.reference]
    assert found(svc, "helpers") == [dana.reference]


def test_notes_are_found_and_leave_with_a_withdrawn_note(svc: Services) -> None:
    case = create(svc, "Kwame Mensah", "km@example.net")
    assert found(svc, "parcel") == []
    note_id = svc.notes.add(case.reference, "Called back about parcel 7731; will send the form")
    assert found(svc, "parcel 7731") == [case.reference]
    svc.workflow.add_note(case.reference, "Identity documents received by post")
    assert found(svc, "identity documents") == [case.reference]
    svc.notes.withdraw(note_id)
    assert found(svc, "parcel") == []
    assert found(svc, "identity") == [case.reference]


def test_merged_consumer_moves_name_and_search_with_the_cases(svc: Services) -> None:
    keep = create(svc, "Lucía Fernández", "lucia@example.org")
    dup = create(svc, "Lucy Fernandes", "lucy.f@example.net")
    svc.consumers.merge(keep.consumer_id, dup.consumer_id)
    # The moved case now belongs to the kept person; her older name and email find both cases.
    rows = {r.reference: r for r in svc.cases.list(CaseFilter(search="fernandez"))}
    assert set(rows) == {keep.reference, dup.reference}
    assert {r.consumer_name for r in rows.values()} == {"Lucía Fernández"}
    assert found(svc, "lucy.f@example") == sorted([keep.reference, dup.reference])


def test_bulk_statements_and_renames_reach_the_index(svc: Services) -> None:
    case = create(svc, "Ivan Petrov", "ivan@example.org")
    svc.notes.add(case.reference, "Original wording")
    with svc.db.write() as s:
        s.execute(update(Note).where(Note.case_id == case.id).values(body="Rewritten by a bulk statement"))
    assert found(svc, "original") == []
    assert found(svc, "rewritten bulk") == [case.reference]
    with svc.db.write() as s:
        stored = s.scalar(select(Case).where(Case.id == case.id))
        assert stored is not None
        stored.consumer.full_name = "Ivan Petrović"
    assert found(svc, "petrovic") == [case.reference]
    assert [r.consumer_name for r in svc.cases.list(CaseFilter(search="ivan"))] == ["Ivan Petrović"]


def test_a_rolled_back_change_leaves_the_index_alone(svc: Services) -> None:
    case = create(svc, "Aiko Tanaka", "aiko@example.org")
    with pytest.raises(RuntimeError), svc.db.write() as s:
        s.add(Note(case_id=case.id, author="tester", body="never stored"))
        s.flush()
        raise RuntimeError("abandon")
    assert found(svc, "never stored") == []
    svc.notes.add(case.reference, "stored after all")
    assert found(svc, "stored") == [case.reference]


def test_reindex_all_rebuilds_what_is_stored(svc: Services) -> None:
    case = create(svc, "Omar Haddad", "omar@example.org")
    with svc.db.write() as s:
        s.connection().execute(CaseSearch.__table__.delete())
    assert found(svc, "haddad") == []
    with svc.db.write() as s:
        assert reindex_all(s.connection()) == 1
    assert found(svc, "haddad") == [case.reference]


def test_search_combines_with_the_other_filters(svc: Services) -> None:
    first = create(svc, "Sofia Silva", "sofia@example.org")
    create(svc, "Sofia Silva", "sofia.s@example.net", organization="coverys")
    create(svc, "Sofia Silva", "s.silva@example.com", types=["know_categories"])
    refs = [r.reference for r in svc.cases.list(CaseFilter(search="silva", organization="mstis"))]
    assert len(refs) == 2 and first.reference in refs
    assert svc.cases.count(CaseFilter(search="silva", request_type="know_categories")) == 1
    assert svc.cases.count(CaseFilter(search="silva", open_only=True)) == 3
