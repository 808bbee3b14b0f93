from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privdesk.domain.matching import (
    PersonKey,
    damerau_levenshtein,
    match_candidates,
    names_similar,
    normalize_address,
    normalize_email,
    normalize_name,
    normalize_phone,
    zip_code,
)

# --- normalisation -----------------------------------------------------------------------------


def test_normalize_email() -> None:
    assert normalize_email("  Zoe.Lefevre@Example.COM ") == "zoe.lefevre@example.com"
    assert normalize_email("Zoe.Lefevre+shop@gmail.com") == "zoe.lefevre+shop@gmail.com"
    assert normalize_email("Zoe.Lefevre+shop@GoogleMail.com", gmail_canonical=True) == "zoelefevre@gmail.com"
    assert normalize_email("first.last+x@example.com", gmail_canonical=True) == "first.last+x@example.com"
    assert normalize_email("not an address") == "not an address"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(310) 555-0123", "+13105550123"),
        ("310.555.0123", "+13105550123"),
        ("+1 310 555 0123", "+13105550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("12", None),
        ("call me", None),
        ("", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_normalize_phone_uses_the_default_region() -> None:
    assert normalize_phone("020 7946 0958", default_region="GB") == "+442079460958"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zoé   LEFÈVRE ", "zoe lefevre"),
        ("John Q. Smith", "john smith"),
        ("Mary-Jane O'Brien", "mary jane obrien"),
        ("Strauß, Jürgen", "strauss jurgen"),
        ("J. Smith", "j smith"),  # a first initial is kept: it is not a middle initial
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_normalize_address_and_zip() -> None:
    assert normalize_address("12 North 5th Street, Apt #4, Torrance, CA 90503") == normalize_address(
        "12 n. 5 st apt 4 torrance ca 90503"
    )
    assert zip_code("12345 Main St, Torrance, CA 90503-1234") == "90503"
    assert zip_code("no zip here") is None


def test_damerau_levenshtein_counts_transpositions_once() -> None:
    assert damerau_levenshtein("jon", "john") == 1
    assert damerau_levenshtein("smtih", "smith") == 1
    assert damerau_levenshtein("", "abc") == 3
    assert damerau_levenshtein("kitten", "sitting") == 3


def test_names_similar() -> None:
    assert names_similar("jon smith", "john smith")
    assert names_similar("catherine zeta", "katherine zeta")
    assert not names_similar("john smith", "jane smyth")
    assert not names_similar("john smith", "john smith")  # the same is not "similar"


# --- candidates --------------------------------------------------------------------------------

ZOE = PersonKey(
    7,
    names=["Zoé Lefèvre"],
    emails=["zoe@example.com"],
    phones=["(310) 555-0123"],
    addresses=["1 Main Street, Torrance, CA 90503"],
)


def test_exact_email_is_strong() -> None:
    new = PersonKey(None, names=["Z. L."], emails=["ZOE@example.com "])
    [candidate] = match_candidates(new, [ZOE])
    assert candidate.consumer_id == 7
    assert candidate.strength == "strong"
    assert candidate.reasons == ("same email address zoe@example.com",)


def test_same_phone_is_strong_and_shown_in_e164() -> None:
    new = PersonKey(None, phones=["+1 310-555-0123"])
    [candidate] = match_candidates(new, [ZOE])
    assert candidate.reasons == ("same phone number +13105550123",)
    assert candidate.strength == "strong"


def test_name_and_address_is_strong_even_with_accents_dropped() -> None:
    new = PersonKey(None, names=["Zoe Lefevre"], addresses=["1 Main St., Torrance CA 90503"])
    [candidate] = match_candidates(new, [ZOE])
    assert candidate.evidence == ("name_address",)
    assert candidate.strength == "strong"
    assert candidate.reasons[0].startswith("same name 'Zoé Lefèvre' and same address")


def test_similar_name_and_same_zip_is_medium_with_a_readable_reason() -> None:
    new = PersonKey(None, names=["Zoe Lefevra"], addresses=["99 Oak Ave, Torrance, CA 90503"])
    [candidate] = match_candidates(new, [ZOE])
    assert candidate.strength == "medium"
    assert candidate.reasons == ("similar name 'Zoé Lefèvre' and same ZIP 90503",)


def test_typo_in_first_name_at_the_same_address() -> None:
    john = PersonKey(3, names=["John Smith"], addresses=["44 Elm Road, Fresno, CA 93701"])
    new = PersonKey(None, names=["Jon Smith"], addresses=["44 Elm Rd, Fresno, CA 93701"])
    [candidate] = match_candidates(new, [john])
    assert candidate.evidence == ("similar_name_address",)
    assert candidate.strength == "medium"


def test_name_order_does_not_matter() -> None:
    new = PersonKey(None, names=["Lefevre, Zoe"], addresses=["1 Main Street, Torrance, CA 90503"])
    assert match_candidates(new, [ZOE])[0].evidence == ("name_address",)


def test_several_pieces_of_evidence_add_up_and_sort_best_first() -> None:
    other = PersonKey(8, names=["Zoe Lefevre"], addresses=["5 Bay St, Torrance, CA 90503"])
    new = PersonKey(
        None, names=["Zoe Lefevre"], emails=["zoe@example.com"], addresses=["1 Main St, Torrance 90503"]
    )
    candidates = match_candidates(new, [other, ZOE])
    assert [c.consumer_id for c in candidates] == [7, 8]
    assert candidates[0].score > 0.95
    assert len(candidates[0].reasons) == 2
    assert candidates[1].evidence == ("name_zip",)


def test_weak_evidence_is_below_the_default_threshold_but_can_be_asked_for() -> None:
    new = PersonKey(None, names=["Zoe Lefevre"])
    assert match_candidates(new, [ZOE]) == []
    [weak] = match_candidates(new, [ZOE], threshold=0.1)
    assert weak.strength == "weak"
    assert weak.reasons == ("same name 'Zoé Lefèvre'",)


def test_unrelated_people_and_the_same_record_are_not_proposed() -> None:
    stranger = PersonKey(None, names=["Bob Jones"], emails=["bob@example.org"], phones=["212 555 0199"])
    assert match_candidates(stranger, [ZOE]) == []
    assert match_candidates(ZOE, [ZOE]) == []


def test_gmail_variants_match_unless_turned_off() -> None:
    a = PersonKey(1, emails=["zoe.lefevre@gmail.com"])
    b = PersonKey(None, emails=["ZoeLefevre+privacy@gmail.com"])
    assert match_candidates(b, [a])[0].evidence == ("email",)
    assert match_candidates(b, [a], gmail_canonical=False) == []


names = st.sampled_from(["Zoé Lefèvre", "Zoe Lefevre", "Jon Smith", "John Smith", "Ann Lee", "Anne Lee", ""])
emails = st.sampled_from(
    ["zoe@example.com", "ZOE@example.com", "jon@example.com", "a.b@gmail.com", "ab@gmail.com"]
)
phones = st.sampled_from(["(310) 555-0123", "+13105550123", "212 555 0199", "nonsense"])
addresses = st.sampled_from(
    [
        "1 Main Street, Torrance, CA 90503",
        "1 Main St Torrance CA 90503",
        "9 Elm Rd, Torrance, CA 90503",
        "x 10001",
    ]
)
keys = st.builds(
    PersonKey,
    consumer_id=st.integers(1, 1000),
    names=st.lists(names, max_size=2),
    emails=st.lists(emails, max_size=2),
    phones=st.lists(phones, max_size=2),
    addresses=st.lists(addresses, max_size=2),
)


@given(a=keys, b=keys)
def test_matching_is_symmetric_and_explained(a: PersonKey, b: PersonKey) -> None:
    forward = match_candidates(a, [b], threshold=0.0)
    backward = match_candidates(b, [a], threshold=0.0)
    if a.consumer_id == b.consumer_id:
        return
    assert [(c.score, c.evidence) for c in forward] == [(c.score, c.evidence) for c in backward]
    for candidate in forward:
        assert 0 < candidate.score <= 1
        assert len(candidate.reasons) == len(candidate.evidence) > 0


@given(a=keys, others=st.lists(keys, max_size=6))
def test_candidates_are_sorted_and_above_threshold(a: PersonKey, others: list[PersonKey]) -> None:
    candidates = match_candidates(a, others, threshold=0.4)
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(score >= 0.4 for score in scores)
