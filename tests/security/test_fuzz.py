"""Hostile input: command-line arguments, rule files, organization profiles and names (bounded)."""

from __future__ import annotations

import contextlib
import tomllib
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privdesk.cli import run
from privdesk.domain.display import BIDI_CONTROLS, display_safe, has_unsafe_characters
from privdesk.domain.errors import DomainError, ValidationError
from privdesk.domain.rules import load_rule_file
from privdesk.paths import resource
from privdesk.services.hub import Services
from tests.conftest import database_target, fixed_now

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
NASTY = st.sampled_from(
    [
        "\u202e",
        "\u202d",
        "\u2066",
        "\u2069",
        "\x00",
        "\x1b[31m",
        "\r",
        "\n",
        "\t",
        "\u200b",
        "\ufeff",
        "..",
        "/",
        "%s",
        "--",
        "-",
        "=",
        "'",
        '"',
        "\\",
        "é",
        "漢",
        "\U0001f600",
        "0",
        "2026-02-30",
        "9999-99-99",
        " ",
    ]
)
HOSTILE_TEXT = st.lists(NASTY | st.text(max_size=8), max_size=6).map("".join)


def bidi_name() -> st.SearchStrategy[str]:
    return st.tuples(
        st.text(max_size=10), st.sampled_from([*sorted(BIDI_CONTROLS), "\x07", "\x1b"]), st.text(max_size=10)
    ).map("".join)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = database_target(tmp_path_factory.mktemp("fuzz"), per_test=False)
    svc = Services.open(target, actor="tester", now=fixed_now)
    svc.organizations.import_profile_file(resource("demo", "mstis.toml"))
    svc.close()
    return target


COMMANDS = [
    ["deadlines", "--jurisdiction", "{0}", "--type", "{1}", "--received", "{2}"],
    [
        "case",
        "new",
        "--org",
        "mstis",
        "--jurisdiction",
        "US-CA",
        "--type",
        "{1}",
        "--channel",
        "{0}",
        "--received",
        "{2}",
        "--name",
        "{0}",
    ],
    ["case", "show", "{0}"],
    ["case", "list", "--search", "{0}", "--status", "{1}"],
    ["org", "show", "{0}"],
    ["user", "list"],
    ["{0}", "{1}"],
]


@FUZZ
@given(command=st.sampled_from(COMMANDS), a=HOSTILE_TEXT, b=HOSTILE_TEXT, c=HOSTILE_TEXT)
def test_command_line_never_shows_a_traceback(
    db: str, capsys: pytest.CaptureFixture[str], command: list[str], a: str, b: str, c: str
) -> None:
    argv = ["--db", db, *[part.format(a, b, c) for part in command]]
    argv = [arg.replace("\x00", "") for arg in argv]  # a real argv cannot hold NUL
    code = run(argv)
    _, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    assert "unexpected error" not in err, err


RULE_SOURCE = resource("rules", "US-CA.toml").read_text(encoding="utf-8")


@FUZZ
@given(
    position=st.integers(min_value=0, max_value=len(RULE_SOURCE)),
    cut=st.integers(min_value=0, max_value=40),
    insert=HOSTILE_TEXT
    | st.sampled_from(["= -1", "= 1e309", "= []", "= {}", "[[x]]", '= ""', "= 99999999999"]),
)
def test_mutated_rule_files_give_only_rule_errors(
    tmp_path_factory: pytest.TempPathFactory, position: int, cut: int, insert: str
) -> None:
    folder = tmp_path_factory.mktemp("rules")
    path = folder / "US-CA.toml"
    path.write_text(RULE_SOURCE[:position] + insert + RULE_SOURCE[position + cut :], encoding="utf-8")
    with contextlib.suppress(DomainError):
        load_rule_file(path)


PROFILE = tomllib.loads(resource("demo", "mstis.toml").read_text(encoding="utf-8"))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=8,
)


def mutate(profile: dict[str, Any], key: str, value: Any, drop: bool) -> dict[str, Any]:
    data = dict(profile)
    if drop:
        data.pop(key, None)
    else:
        data[key] = value
    return data


FUZZED_KEYS = sorted(PROFILE)


@FUZZ
@given(
    key=st.sampled_from(FUZZED_KEYS) | HOSTILE_TEXT,
    value=VALUES,
    drop=st.booleans(),
    extra=st.dictionaries(HOSTILE_TEXT, VALUES, max_size=2),
)
def test_random_profiles_give_only_domain_errors(
    fuzz_services: Services, key: str, value: Any, drop: bool, extra: dict[str, Any]
) -> None:
    with contextlib.suppress(DomainError):
        fuzz_services.organizations.import_profile({**mutate(PROFILE, key, value, drop), **extra})


@pytest.mark.parametrize("value", [None, [""], "text"])
def test_profile_key_that_is_not_a_table_is_a_validation_error(fuzz_services: Services, value: Any) -> None:
    with pytest.raises(ValidationError, match=r"\[profile\]"):
        fuzz_services.organizations.import_profile({**PROFILE, "profile": value})


@pytest.fixture(scope="module")
def fuzz_services(db: str) -> Any:
    svc = Services.open(db, actor="tester", now=fixed_now, migrate=False)
    yield svc
    svc.close()


@FUZZ
@given(name=bidi_name())
def test_names_with_controls_are_stored_as_given_and_displayed_safely(db: str, name: str) -> None:
    shown = display_safe(name)
    assert not has_unsafe_characters(shown)
    assert not any(c in BIDI_CONTROLS for c in shown)
    assert all(c.isprintable() or unicodedata.category(c) == "Zs" for c in shown)
    if has_unsafe_characters(name):
        assert "⟨U+" in shown


def test_display_safe_examples() -> None:
    assert display_safe("invoice\u202eexe.pdf") == "invoice⟨U+202E⟩exe.pdf"
    assert display_safe("Ann\x1b[2J") == "Ann⟨U+001B⟩[2J"
    assert display_safe("line one\nline two") == "line one line two"
    assert display_safe("line one\nline two", keep_newlines=True) == "line one\nline two"
    assert display_safe("Zoé Lefèvre 漢字") == "Zoé Lefèvre 漢字"
    assert display_safe("x" * 20, limit=5) == "xxxxx…"


def test_a_name_with_an_override_round_trips_through_a_case(db: str) -> None:
    from tests.security.support import new_case

    svc = Services.open(db, actor="tester", now=fixed_now, migrate=False)
    try:
        name = "Mallory \u202eevil\u202c Smith\x07"
        case = svc.cases.create(new_case(name, "mallory@example.org"))
        stored = svc.cases.show(case.reference).consumer_name
    finally:
        svc.close()
    assert stored.replace("\x07", "") in (name, name.replace("\x07", "")) or stored == name
    assert "\u202e" not in display_safe(stored)
