"""Editing an organization: validation, versions (a stale edit is refused), audit, logo, TOML round trip."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from privdesk.domain.errors import ConflictError, ValidationError
from privdesk.paths import resource
from privdesk.services.dto import DisclosureDTO, StlDisclosureDTO
from privdesk.services.hub import Services
from privdesk.services.organizations import copy_stl_year, edit_from_dto, parse_profile
from privdesk.services.users import AccessDenied
from tests.conftest import fixed_now

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def database_url(services: Services) -> str:
    """The same database for a second Services (another workstation)."""
    url = services.db.engine.url
    return (
        str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)
    )


@pytest.fixture
def org_services(services: Services) -> Services:
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))
    return services


def test_edit_saves_profile_disclosures_and_channels_with_a_new_version(org_services: Services) -> None:
    org = org_services.organizations.show("mstis")
    edit = dataclasses.replace(
        edit_from_dto(org),
        display_name="  MST Insurance  ",
        toll_free_phones=("844-347-3374", "800-555-0199"),
        appeal_window_days=60,
        channels=(("delete", ("mail", "email")), ("shine_the_light", ("email",))),
        disclosures=(
            *edit_from_dto(org).disclosures[:2],
            DisclosureDTO("sold_shared", "Identifiers", "", "", "Ad networks", False),
        ),
    )
    saved = org_services.organizations.update("mstis", edit, expected_version=org.version)
    assert saved.version == org.version + 1
    assert saved.display_name == "MST Insurance"
    assert saved.toll_free_phone == "844-347-3374"
    assert saved.profile["other_toll_free_phones"] == ["800-555-0199"]
    assert saved.profile["appeal_window_days"] == 60
    assert saved.profile["channels"] == {"delete": ["mail", "email"], "shine_the_light": ["email"]}
    assert [d.kind for d in saved.disclosures] == ["collected", "collected", "sold_shared"]
    # Untouched profile keys (requirements, exclusions...) survive an edit.
    assert saved.profile["requirements"] == org.profile["requirements"]
    event = org_services.audit.entries()[-1]
    assert event.action == "organization.edited"
    assert "display_name" in event.after["changed"] and "disclosures" in event.after["changed"]


def test_a_disclosure_only_edit_moves_the_version(org_services: Services) -> None:
    org = org_services.organizations.show("mstis")
    edit = dataclasses.replace(edit_from_dto(org), disclosures=edit_from_dto(org).disclosures[:1])
    saved = org_services.organizations.update("mstis", edit, expected_version=org.version)
    assert saved.version == org.version + 1
    with pytest.raises(ConflictError):
        org_services.organizations.update("mstis", edit_from_dto(org), expected_version=org.version)


def test_stale_edit_from_another_workstation_is_refused(org_services: Services, tmp_path: Path) -> None:
    org = org_services.organizations.show("mstis")
    other = Services.open(database_url(org_services), actor="colleague", now=fixed_now, migrate=False)
    try:
        theirs = dataclasses.replace(edit_from_dto(org), signatory_name="Dana Colleague")
        other.organizations.update("mstis", theirs, expected_version=org.version)
    finally:
        other.close()
    mine = dataclasses.replace(edit_from_dto(org), signatory_title="Chief Privacy Officer")
    with pytest.raises(ConflictError, match="changed by someone else"):
        org_services.organizations.update("mstis", mine, expected_version=org.version)
    change = org_services.organizations.last_change("mstis")
    assert change is not None and change.actor == "colleague"
    assert org_services.organizations.show("mstis").signatory_name == "Dana Colleague"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"legal_name": " "}, "Legal name"),
        ({"privacy_email": "privacy.example"}, "Privacy email"),
        ({"timezone": "Mars/Olympus"}, "Time zone"),
        ({"jurisdictions": ("US-CA", "XX")}, "no rules for XX"),
        ({"retention_months": 0}, "Retention"),
        ({"appeal_window_days": 400}, "Appeal window"),
        ({"channels": (("delete", ("pigeon",)),)}, "unknown channel"),
        ({"disclosures": (DisclosureDTO("collected", "", "", "", ""),)}, "row 1: the category"),
        ({"stl_disclosures": (StlDisclosureDTO(2025, "", "", "", ""),)}, "name is empty"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(
    org_services: Services, changes: dict[str, object], message: str
) -> None:
    org = org_services.organizations.show("mstis")
    with pytest.raises(ValidationError, match=message):
        org_services.organizations.update(
            "mstis", dataclasses.replace(edit_from_dto(org), **changes), expected_version=org.version
        )
    assert org_services.organizations.show("mstis").version == org.version


def test_only_administrators_edit_once_accounts_exist(org_services: Services) -> None:
    org = org_services.organizations.show("mstis")
    org_services.users.create_administrator("boss", "Boss", "correct horse battery staple 9")
    org_services.users.create_user("clerk", "Clerk", "officer", "another long passphrase 42")
    org_services.ctx.actor = "clerk"
    with pytest.raises(AccessDenied):
        org_services.organizations.update("mstis", edit_from_dto(org), expected_version=org.version)
    org_services.ctx.actor = "boss"
    edit = dataclasses.replace(edit_from_dto(org), website="https://mstis.example")
    assert (
        org_services.organizations.update("mstis", edit, expected_version=org.version).version > org.version
    )


def test_logo_is_stored_in_the_database(org_services: Services) -> None:
    org = org_services.organizations.show("mstis")
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        org_services.organizations.set_logo("mstis", b"GIF89a...", "logo.gif", expected_version=org.version)
    saved = org_services.organizations.set_logo(
        "mstis", PNG, "/somewhere/logo.png", expected_version=org.version
    )
    assert saved.profile["logo_filename"] == "logo.png"
    assert org_services.organizations.logo("mstis") == PNG
    cleared = org_services.organizations.clear_logo("mstis", expected_version=saved.version)
    assert "logo_sha256" not in cleared.profile and org_services.organizations.logo("mstis") is None


def test_export_reads_back_as_the_same_profile(org_services: Services) -> None:
    org = org_services.organizations.show("mstis")
    text = org_services.organizations.export_profile("mstis")
    again = parse_profile(tomllib.loads(text))
    assert again["legal_name"] == org.legal_name and again["postal_address"] == org.postal_address
    assert len(again["collected"]) == len([d for d in org.disclosures if d.kind == "collected"])
    assert [r["year"] for r in again["stl_disclosures"]] == [r.year for r in org.stl_disclosures]
    assert again["profile"]["channels"] == org.profile["channels"]
    reimported = org_services.organizations.import_profile(tomllib.loads(text))
    assert reimported.disclosures == org.disclosures and reimported.stl_disclosures == org.stl_disclosures


def test_a_new_year_starts_from_the_previous_years_list() -> None:
    rows = [
        StlDisclosureDTO(2024, "A", "a", "x", "c"),
        StlDisclosureDTO(2025, "B", "b", "y", "c"),
        StlDisclosureDTO(2025, "C", "c", "z", "c"),
    ]
    grown = copy_stl_year(rows, 2026)
    assert [(r.year, r.recipient_name) for r in grown[-2:]] == [(2026, "B"), (2026, "C")]
    with pytest.raises(ValidationError, match="already"):
        copy_stl_year(grown, 2026)
