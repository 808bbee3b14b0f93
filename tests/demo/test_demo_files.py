"""The demo data files parse, use only valid codes, and carry the sample organizations' facts."""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from privdesk.domain.types import Channel, DenialReason, Outcome, RequestType

DEMO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"
ORG_SLUGS = ("mstis", "coverys", "lossexpress")
ROLES = {"business", "service_provider", "both"}
JURISDICTIONS = {"US-CA", "US-VA", "US-CO", "US-CT", "US-UT", "US-TX", "US-OR", "US-FL", "EU", "GB"}
PROGRESS = {
    "received",
    "acknowledged",
    "awaiting_verification",
    "verified",
    "extended",
    "responded",
    "closed",
    "withdrawn",
}
RELATIONS = {"self", "parent", "guardian", "agent", "minor"}
OPEN_PROGRESS = {"received", "acknowledged", "awaiting_verification", "verified", "extended"}
FINISHED_PROGRESS = {"responded", "closed"}
REQUEST_TYPES = {t.value for t in RequestType}
# Types added with the 2026 rules (California ADMT from 2027, UK complaints): not in the demo yet.
NOT_IN_DEMO = {"admt_access", "admt_opt_out", "complaint"}
CHANNELS = {c.value for c in Channel}
OUTCOMES = {o.value for o in Outcome}
DENIAL_REASONS = {r.value for r in DenialReason}
# Request types each jurisdiction in the demo provides (CA has no appeal; Texas and GDPR have no
# categories-only, Shine the Light or minors' removal right).
TYPES_BY_JURISDICTION = {
    "US-CA": REQUEST_TYPES - {"appeal", "complaint"},
    "US-TX": {"know_specific", "correct", "delete", "portability", "opt_out_sale_share", "appeal"},
    "EU": {"know_specific", "correct", "delete", "portability", "opt_out_sale_share"},
    "GB": {"know_specific", "correct", "delete", "portability", "opt_out_sale_share"},
}
PERSON_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
DEMO_PHONE = re.compile(r"^\d{3}-555-01\d{2}$")
STL_SUBJECT = "California Privacy Rights Direct Marketing Information Request"

Orgs = dict[str, dict[str, Any]]
Cases = list[dict[str, Any]]


def _load(name: str) -> dict[str, Any]:
    with (DEMO_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def orgs() -> Orgs:
    return {slug: _load(slug) for slug in ORG_SLUGS}


@pytest.fixture(scope="module")
def cases() -> Cases:
    loaded = _load("cases")["case"]
    assert isinstance(loaded, list)
    return loaded


def _is_demo_person_email(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in PERSON_EMAIL_DOMAINS)


def _has_non_ascii_latin(text: str) -> bool:
    return any(ord(ch) > 127 and unicodedata.name(ch, "").startswith("LATIN") for ch in text)


# ---------------------------------------------------------------- organizations


@pytest.mark.parametrize("slug", ORG_SLUGS)
def test_org_top_level_keys_and_domains(orgs: Orgs, slug: str) -> None:
    org = orgs[slug]
    assert org["slug"] == slug
    for key in ("legal_name", "display_name"):
        assert isinstance(org[key], str) and org[key].strip()
    assert org["role"] in ROLES
    ZoneInfo(org["timezone"])  # raises for an unknown zone
    assert org["jurisdictions"] and set(org["jurisdictions"]) <= JURISDICTIONS
    assert isinstance(org["sells_or_shares"], bool)
    assert org["page_size"] == "letter"
    assert isinstance(org["retention_months"], int) and org["retention_months"] >= 24


@pytest.mark.parametrize("slug", ORG_SLUGS)
def test_org_contact_and_letterhead(orgs: Orgs, slug: str) -> None:
    contact = orgs[slug]["contact"]
    for key in ("privacy_email", "toll_free_phone", "postal_address", "stl_email", "stl_address"):
        assert isinstance(contact[key], str)
    assert isinstance(contact["other_channels"], list)
    # Demo data never points at a real mailbox.
    for key in ("privacy_email", "stl_email"):
        assert contact[key] == "" or contact[key].endswith(".example")
    assert len(contact["postal_address"].splitlines()) >= 3
    letterhead = orgs[slug]["letterhead"]
    assert letterhead["signatory_name"].strip() and letterhead["signatory_title"].strip()


@pytest.mark.parametrize("slug", ORG_SLUGS)
def test_org_disclosure_tables(orgs: Orgs, slug: str) -> None:
    org = orgs[slug]
    assert org["collected"], "every organization collects something"
    for row in org["collected"]:
        assert row["category"].strip()
        for key in ("sources", "purposes", "recipients"):
            assert isinstance(row[key], str)
        assert isinstance(row["sensitive"], bool)
    for row in org["sold_shared"]:
        assert set(row) >= {"category", "sources", "purposes", "recipients"}
    assert bool(org["sold_shared"]) == org["sells_or_shares"]
    for row in org["stl_disclosures"]:
        assert isinstance(row["year"], int) and 2000 < row["year"] < 2100
        for key in ("recipient_name", "recipient_address", "nature_of_business", "categories"):
            assert isinstance(row[key], str) and row[key].strip()


@pytest.mark.parametrize("slug", ORG_SLUGS)
def test_org_profile_codes(orgs: Orgs, slug: str) -> None:
    profile = orgs[slug]["profile"]
    assert set(profile["rights_offered"]) <= REQUEST_TYPES
    for request_type, channels in profile["channels"].items():
        assert request_type in REQUEST_TYPES
        assert channels and set(channels) <= CHANNELS
    assert set(profile["subject_lines"]) <= REQUEST_TYPES
    # Opt-out and limit requests must not be verified (the facial checks read this list).
    verified = set(profile["verification_types"])
    assert verified <= REQUEST_TYPES and not verified & {"opt_out_sale_share", "limit_sensitive"}
    for request_type, statements in profile["requirements"].items():
        assert request_type in REQUEST_TYPES
        assert statements and all(isinstance(s, str) and s for s in statements)
    for jurisdiction, rights in profile.get("rights_by_jurisdiction", {}).items():
        assert jurisdiction in orgs[slug]["jurisdictions"]
        assert set(rights) <= REQUEST_TYPES
    for key in ("agent_policy", "verification_policy", "service_provider_for", "children", "disputes"):
        assert isinstance(profile[key], str)
    assert isinstance(profile["agent_requires_consumer_confirmation"], bool)
    assert isinstance(profile["stl_once_per_year"], bool)
    for key in ("exclusions", "notice_quirks", "retention"):
        assert all(isinstance(s, str) and s for s in profile[key])
    for client in profile["service_provider_clients"]:
        assert client["name"] and client["address"] and client["email"].endswith(".example")
    serves_businesses = orgs[slug]["role"] in {"service_provider", "both"}
    assert bool(profile["service_provider_for"]) == serves_businesses
    assert bool(profile["service_provider_clients"]) == serves_businesses


def test_mstis_facts(orgs: Orgs) -> None:
    org = orgs["mstis"]
    assert org["legal_name"] == "MST Insurance Solutions, Inc."
    assert org["role"] == "business" and org["jurisdictions"] == ["US-CA"]
    assert org["sells_or_shares"] is False and org["sold_shared"] == []
    contact = org["contact"]
    assert contact["privacy_email"] == "privacy@mstis.example"
    assert contact["toll_free_phone"] == "844-347-3374"
    assert contact["postal_address"].splitlines() == [
        "ATTN: Privacy Compliance Officer",
        "MSTIS",
        "21241 South Western Avenue, Suite 200",
        "Torrance, CA 90501",
    ]
    assert contact["stl_email"] == "privacy@mstis.example"
    categories = [row["category"] for row in org["collected"]]
    assert len(categories) == 6 and not any(row["sensitive"] for row in org["collected"])
    for word in ("Identifiers", "Device", "Internet", "Commercial", "Geolocation", "Inferences"):
        assert any(word in c for c in categories), word
    first = org["collected"][0]
    assert "cookies, pixel tags, web beacons" in first["sources"]
    assert "legal compliance and safety" in first["purposes"]
    assert "professional advisors" in first["recipients"]
    assert {s["year"] for s in org["stl_disclosures"]} == {2024, 2025}
    profile = org["profile"]
    assert set(profile["rights_offered"]) >= {
        "know_categories",
        "know_specific",
        "delete",
        "correct",
        "opt_out_sale_share",
        "limit_sensitive",
        "shine_the_light",
        "minor_removal",
    }
    assert profile["agent_policy"] == "Written authorization signed by the consumer and the designated agent."
    assert "recent interactions" in profile["verification_policy"]
    assert any("GLBA" in e and "1798.145(e)" in e for e in profile["exclusions"])
    assert any("sell" in q for q in profile["notice_quirks"])
    assert profile["stl_once_per_year"] is True
    assert profile["channels"]["shine_the_light"] == ["email"]
    assert set(profile["channels"]["minor_removal"]) == {"mail", "email"}
    assert profile["subject_lines"]["shine_the_light"] == STL_SUBJECT
    assert profile["subject_lines"]["minor_removal"] == "Removal of Minor Information"
    stl_needs = " ".join(profile["requirements"]["shine_the_light"])
    for needed in ("California resident", "Name", "Street address", "City", "State", "ZIP"):
        assert needed in stl_needs, needed
    minor_needs = " ".join(profile["requirements"]["minor_removal"])
    for needed in ("parent or guardian", "Removal of Minor Information", "Email", "ZIP"):
        assert needed in minor_needs, needed
    assert "18" in profile["children"]


def test_coverys_facts(orgs: Orgs) -> None:
    org = orgs["coverys"]
    assert org["legal_name"] == "Medical Professional Mutual Insurance Company"
    assert org["display_name"] == "Coverys"
    assert org["role"] == "both"
    assert set(org["jurisdictions"]) == {"US-CA", "EU", "GB"}
    assert org["sells_or_shares"] is True
    contact = org["contact"]
    assert contact["privacy_email"] == "coverysprivacy@coverys.example"
    assert contact["toll_free_phone"] == "866-432-6700"
    assert "One Financial Center" in contact["postal_address"]
    assert "Boston, MA 02111" in contact["postal_address"]
    assert "Data Protection Officer" in contact["postal_address"]
    assert any("Global Privacy Control" in c for c in contact["other_channels"])
    assert any("cookie preference center" in c.lower() for c in contact["other_channels"])
    assert len(org["collected"]) == 9
    sensitive = [row["category"] for row in org["collected"] if row["sensitive"]]
    assert sensitive == ["Sensitive personal information"]
    assert all("accrediting bodies" in row["recipients"] for row in org["collected"])
    sold = {row["category"] for row in org["sold_shared"]}
    assert sold == {"Identifiers", "Internet or other electronic network activity information"}
    assert all("advertising" in row["recipients"].lower() for row in org["sold_shared"])
    assert {s["year"] for s in org["stl_disclosures"]} == {2024, 2025}
    profile = org["profile"]
    assert "Med-IQ" in profile["subsidiaries"]
    exclusions = " ".join(profile["exclusions"])
    for needed in ("government records", "De-identified", "GLBA", "HIPAA", "CMIA"):
        assert needed in exclusions, needed
    assert "claims management" in profile["service_provider_for"].lower()
    assert "may deny" in profile["agent_policy"]
    assert "account" in profile["verification_policy"]
    assert "legal obligations" in profile["denial_policy"]
    assert "web" in profile["channels"]["opt_out_sale_share"]
    assert profile["stl_once_per_year"] is True


def test_lossexpress_facts(orgs: Orgs) -> None:
    org = orgs["lossexpress"]
    assert org["role"] == "both"
    assert set(org["jurisdictions"]) == {"US-CA", "US-TX"}
    assert org["sells_or_shares"] is False and org["sold_shared"] == []
    assert org["contact"]["privacy_email"] == "info@lossexpress.example"
    assert org["contact"]["postal_address"].splitlines()[-2:] == [
        "2323 Ross Avenue, Suite 1700",
        "Dallas, TX 75201",
    ]
    categories = " ".join(row["category"] for row in org["collected"])
    for word in ("Identifiers", "Commercial", "Financial", "Internet", "Geolocation", "Professional"):
        assert word in categories, word
    profile = org["profile"]
    assert set(profile["rights_offered"]) == {"know_categories", "know_specific", "delete"}
    assert "customer content" in profile["service_provider_for"].lower()
    assert "business customer" in profile["service_provider_for"]
    assert "verified" in profile["verification_policy"]
    assert any("business account holders" in e for e in profile["exclusions"])
    retention = " ".join(profile["retention"])
    for needed in ("7 years", "3 years", "60 days", "30 days"):
        assert needed in retention, needed
    assert len(profile["retention"]) == 5
    assert "13" in profile["children"]
    assert "American Arbitration Association" in profile["disputes"]


# ---------------------------------------------------------------- cases


def test_enough_cases(cases: Cases) -> None:
    assert len(cases) >= 38


def test_every_case_is_well_formed(orgs: Orgs, cases: Cases) -> None:
    for index, case in enumerate(cases):
        where = f"case {index} ({case.get('name')})"
        assert case["org"] in ORG_SLUGS, where
        assert case["jurisdiction"] in orgs[case["org"]]["jurisdictions"], where
        assert case["types"] and set(case["types"]) <= TYPES_BY_JURISDICTION[case["jurisdiction"]], where
        assert case["channel"] in CHANNELS, where
        assert isinstance(case["received_days_ago"], int) and 0 <= case["received_days_ago"] <= 366, where
        assert case["name"].strip() and case["subject"].strip() and case["summary"].strip(), where
        assert "\n" not in case["subject"], where
        assert isinstance(case["ca_resident"], bool), where
        assert "email" in case or "phone" in case or "address" in case or "agent" in case, where
        if "email" in case:
            assert _is_demo_person_email(case["email"]), where
        if "phone" in case:
            assert DEMO_PHONE.match(case["phone"]), where
        if "address" in case:
            assert len(case["address"].splitlines()) >= 2, where
        assert case["progress"] in PROGRESS, where
        if case["progress"] in FINISHED_PROGRESS:
            assert case.get("outcome") in OUTCOMES, where
        else:
            assert "outcome" not in case, where
        reasons = case.get("denial_reasons", [])
        assert set(reasons) <= DENIAL_REASONS, where
        if case.get("outcome") == "denied":
            assert reasons, where
        if reasons:
            assert case.get("outcome") in {"denied", "partly_fulfilled"}, where
        if case.get("outcome") in {"denied", "partly_fulfilled"}:
            assert case.get("denial_explanation", "").strip(), where
        assert case.get("requester_relation", "self") in RELATIONS, where
        if "redirect_client" in case:
            clients = orgs[case["org"]]["profile"]["service_provider_clients"]
            assert case["redirect_client"] in {c["name"] for c in clients}, where
            assert case.get("outcome") == "redirected", where
        if case["progress"] == "extended":
            assert case.get("extension_reason", "").strip(), where
        agent = case.get("agent")
        if agent is not None:
            assert agent["kind"] in {"person", "business"}, where
            assert agent["name"].strip() and agent["address"].strip(), where
            assert isinstance(agent["sos_registration"], str), where
            assert _is_demo_person_email(agent["email"]), where
            if agent["kind"] == "business":
                assert agent["sos_registration"], where


def test_cases_cover_orgs_channels_statuses_and_types(cases: Cases) -> None:
    for slug in ORG_SLUGS:
        assert sum(c["org"] == slug for c in cases) >= 10, slug
    assert {c["channel"] for c in cases} >= {"mail", "email", "phone", "web", "fax"}
    assert {c["progress"] for c in cases} == PROGRESS
    assert {t for c in cases for t in c["types"]} == REQUEST_TYPES - NOT_IN_DEMO
    assert {c["outcome"] for c in cases if "outcome" in c} == OUTCOMES
    days = [c["received_days_ago"] for c in cases]
    assert min(days) == 0 and max(days) >= 180


def test_history_spans_a_year(cases: Cases) -> None:
    closed = [c["received_days_ago"] for c in cases if c["progress"] == "closed"]
    assert max(closed) >= 330 and len([d for d in closed if d > 200]) >= 10


def test_repeat_shine_the_light_by_same_customer(cases: Cases) -> None:
    stl = [c for c in cases if c["org"] == "mstis" and c["types"] == ["shine_the_light"]]
    by_customer: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for case in stl:
        by_customer.setdefault((case["name"], case["email"]), []).append(case)
    repeats = [group for group in by_customer.values() if len(group) >= 2]
    assert repeats
    group = sorted(repeats[0], key=lambda c: c["received_days_ago"], reverse=True)
    # Close together so both fall in one calendar year unless seeded in early January.
    assert group[0]["received_days_ago"] - group[-1]["received_days_ago"] <= 30
    assert group[0]["outcome"] == "fulfilled" and group[-1]["progress"] == "received"
    assert all(c["subject"] == STL_SUBJECT and c["ca_resident"] for c in group)
    assert all(c["channel"] == "email" for c in group)


def test_minor_removal_by_phone_to_mstis(orgs: Orgs, cases: Cases) -> None:
    accepted = orgs["mstis"]["profile"]["channels"]["minor_removal"]
    by_phone = [
        c for c in cases if c["org"] == "mstis" and "minor_removal" in c["types"] and c["channel"] == "phone"
    ]
    assert by_phone and "phone" not in accepted
    assert by_phone[0]["progress"] == "received"
    assert by_phone[0]["requester_relation"] == "parent"
    from_minor = [
        c for c in cases if "minor_removal" in c["types"] and c.get("requester_relation") == "minor"
    ]
    assert from_minor and from_minor[0]["org"] == "mstis"


def test_agent_cases(cases: Cases) -> None:
    agent_orgs = {c["org"] for c in cases if "agent" in c}
    assert "coverys" in agent_orgs
    assert {c["agent"]["kind"] for c in cases if "agent" in c} == {"person", "business"}


def test_lossexpress_customer_content_redirect(orgs: Orgs, cases: Cases) -> None:
    clients = [c["name"] for c in orgs["lossexpress"]["profile"]["service_provider_clients"]]
    redirected = [c for c in cases if c["org"] == "lossexpress" and c.get("outcome") == "redirected"]
    assert redirected and all(c.get("redirect_client") in clients for c in redirected)
    assert any(any(name.split()[0] in c.get("note", "") for name in clients) for c in redirected)


def test_gdpr_and_uk_cases_at_coverys(cases: Cases) -> None:
    jurisdictions = {c["jurisdiction"] for c in cases if c["org"] == "coverys"}
    assert {"EU", "GB"} <= jurisdictions
    assert all(not c["ca_resident"] for c in cases if c["jurisdiction"] in {"EU", "GB", "US-TX"})


def test_names_exercise_unicode(cases: Cases) -> None:
    names = [c["name"] for c in cases]
    assert "Nguyễn Thị Hương" in names
    assert any(any("GREEK" in unicodedata.name(ch, "") for ch in n) for n in names)
    assert sum(_has_non_ascii_latin(n) for n in names) >= 5


def test_same_person_twice_with_a_typo(cases: Cases) -> None:
    pairs = [
        (a, b)
        for i, a in enumerate(cases)
        for b in cases[i + 1 :]
        if a["name"] != b["name"]
        and a.get("phone")
        and a.get("phone") == b.get("phone")
        and a.get("address") == b.get("address")
    ]
    assert pairs
    a, b = pairs[0]
    assert difflib.SequenceMatcher(None, a["name"], b["name"]).ratio() > 0.85


def test_seeded_demo_flags_the_repeat_shine_the_light_request(demo_services: Any) -> None:
    """The demo's second Shine-the-Light letter arrives after the first was answered: the case says so."""
    from privdesk.services.dto import CaseFilter

    rows = demo_services.cases.list(CaseFilter(search="Lorraine Castellanos"))
    first, second = sorted((r for r in rows if r.types == ["shine_the_light"]), key=lambda r: r.received_on)
    answered = demo_services.cases.show(first.reference).items[0].responded_on
    assert answered is not None and answered < second.received_on
    warnings = demo_services.cases.show(second.reference).warnings
    assert [w.earlier_reference for w in warnings] == [first.reference], warnings
    assert "Shine" in warnings[0].message or "calendar year" in warnings[0].message


def test_every_demo_outcome_is_one_its_request_type_has(cases: Cases) -> None:
    from privdesk.domain.outcomes import check_outcome

    for case in cases:
        outcome = case.get("outcome")
        if outcome is None:
            continue
        for rtype in case["types"]:
            assert check_outcome(RequestType(rtype), Outcome(outcome)) is None, (case["name"], rtype)
