from __future__ import annotations

from pathlib import Path

import pytest

from privdesk.domain.errors import RuleFileError
from privdesk.intake import detect, load_detection_rules, parse_intake_file
from tests.intake.support import DATA, DEMO_ORGS, EXTRA, score


@pytest.mark.parametrize("outcome", score(DATA), ids=lambda o: o.name)
def test_sample_labels(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.actual == outcome.expected


def test_extra_set_accuracy() -> None:
    outcomes = score(EXTRA)
    assert len(outcomes) >= 25
    wrong = {o.name: (o.expected, o.actual) for o in outcomes if not o.correct}
    accuracy = 1 - len(wrong) / len(outcomes)
    print(f"extra set: {accuracy:.0%} fully correct ({len(outcomes)} emails)")
    assert accuracy >= 0.9, wrong


def test_evidence_quotes_the_sender() -> None:
    found = detect(parse_intake_file(DATA / "sample-06.eml"), DEMO_ORGS)
    assert found.evidence["delete"][0] == "delete everything u have on me"
    ca = detect(parse_intake_file(DATA / "sample-01.eml"), DEMO_ORGS)
    assert "I am a California resident" in ca.evidence["jurisdiction:US-CA"]


@pytest.mark.parametrize(
    "text, types",
    [
        ("I want a copy of my personal information.", ["know_specific"]),
        ("I do not need copies, only the categories of personal information you hold.", ["know_categories"]),
        (
            "Please tell me the categories of personal information you collected. I don't want a copy.",
            ["know_categories"],
        ),
        ("I do not want you to delete my account, just correct my address which is wrong.", ["correct"]),
        ("Do not sell or share my personal information.", ["opt_out_sale_share"]),
        (
            "Quiero que eliminen mis datos personales y no vendan mi información.",
            ["delete", "opt_out_sale_share"],
        ),
        ("Solicito una copia de mis datos personales. Soy residente de Texas.", ["know_specific"]),
        ("Under Article 20 GDPR send my data in a machine-readable format.", ["portability"]),
        ("I wish to appeal your decision to deny my deletion request.", ["appeal"]),
        ("Can you tell me when my claim payment will be sent?", []),
    ],
)
def test_plain_text_types(text: str, types: list[str]) -> None:
    assert sorted(detect(text).types) == sorted(types)


@pytest.mark.parametrize(
    "text, jurisdiction",
    [
        ("Under the VCDPA please delete my personal data.", "US-VA"),
        ("I live in Denver, Colorado. Please delete my personal data.", "US-CO"),
        ("Under the CTDPA please delete my personal data.", "US-CT"),
        ("Texas Data Privacy and Security Act: delete my personal data.", "US-TX"),
        ("Under the Oregon Consumer Privacy Act delete my personal data.", "US-OR"),
        ("Under the UK GDPR please delete my personal data.", "GB"),
        ("Under the GDPR please delete my personal data. I live in Berlin.", "EU"),
        ("Please delete my personal data.\nJane Roe\n12 Main St, Fresno, CA 93704", "US-CA"),
        ("I am a California resident but under the VCDPA please delete my personal data.", "US-VA"),
        ("Please delete my personal data.", None),
    ],
)
def test_jurisdiction(text: str, jurisdiction: str | None) -> None:
    assert detect(text).jurisdiction == jurisdiction


@pytest.mark.parametrize(
    "text, agent",
    [
        ("As authorized agent for Jane Roe we request deletion of her personal information.", True),
        ("I hold power of attorney for my father; please delete his personal information.", True),
        ("I am the mother of a 15-year-old and ask you to delete my daughter's personal information.", False),
        ("On behalf of my son, please delete his personal information.", False),
        ("I am not using an authorized agent. Please delete my personal information.", False),
    ],
)
def test_agent(text: str, agent: bool) -> None:
    assert detect(text).agent is agent


def test_non_requests_clear_types_and_say_why() -> None:
    newsletter = detect(parse_intake_file(EXTRA / "x11-newsletter.eml"), DEMO_ORGS)
    assert newsletter.not_request_reason == "newsletter" and newsletter.types == []
    assert newsletter.warnings  # it mentions a right; the officer is told why it was not suggested
    phishing = detect(parse_intake_file(EXTRA / "x13-phishing.eml"), DEMO_ORGS)
    assert phishing.not_request_reason == "phishing"
    assert any("leads to" in e for e in phishing.evidence["not_request:phishing"])


def test_organization_from_names_when_recipients_unknown() -> None:
    assert detect("Dear Coverys team, please delete my personal data.", DEMO_ORGS).organization == "coverys"
    assert detect("Please delete my personal data.", DEMO_ORGS).organization is None


def test_firm_rules_extend_and_override(tmp_path: Path) -> None:
    firm = tmp_path / "firm"
    firm.mkdir()
    (firm / "firm.toml").write_text(
        'language = "en"\n'
        '[[rule]]\nid = "firm.forget"\nsuggests = "delete"\nweight = 2\npattern = \'\\bforget me\\b\'\n'
        '[[rule]]\nid = "delete.subject"\nsuggests = "delete"\nweight = 0\npattern = "x"\n',
        encoding="utf-8",
    )
    rules = load_detection_rules(extra=firm)
    assert detect("Please forget me.", rules=rules).types == ["delete"]
    assert detect("Please forget me.").types == []
    assert all(r.id != "delete.subject" for r in rules.rules)


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[[rule]]\nid='a'\nsuggests='teleport'\nweight=1\npattern='x'\n", "not a known code"),
        ("[[rule]]\nid='a'\nsuggests='delete'\nweight='high'\npattern='x'\n", "weight"),
        ("[[rule]]\nid='a'\nsuggests='delete'\nweight=1\npattern='(unclosed'\n", "regular expression"),
        ("[[rule]]\nid='a'\nsuggests='delete'\nweight=1\npattern='{nope}'\n", "undefined fragment"),
        ("[[rule]]\nid='a'\nsuggests='delete'\nweight=1\npattern='x*'\n", "empty text"),
        ("[[rule]]\nid='a'\nsuggests='delete'\nweight=1\npattern='x'\ncolour='red'\n", "unknown key"),
        (
            "[[rule]]\nid='a'\nsuggests='delete'\nweight=1\npattern='x'\n[[rule]]\nid='a'\nsuggests='delete'\n"
            "weight=1\npattern='y'\n",
            "defined twice",
        ),
        ("this is = not toml [", "TOML"),
    ],
)
def test_bad_rule_files_are_named(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    with pytest.raises(RuleFileError, match=problem) as info:
        load_detection_rules(tmp_path)
    assert "bad.toml" in str(info.value)


def test_bundled_rules_load() -> None:
    rules = load_detection_rules()
    assert len(rules.rules) > 80
    assert {r.source for r in rules.rules} == {"en.toml", "es.toml"}


def _texts() -> list[str]:
    from privdesk.intake.folding import fold

    folders = (DATA, EXTRA, DATA / "labelled")
    texts = []
    for path in sorted(p for folder in folders for p in folder.glob("*.eml")):
        parsed = parse_intake_file(path)
        texts += [fold(parsed.subject).folded, fold(parsed.body_text).folded]
    return texts


def test_rule_prefilter_never_hides_a_match() -> None:
    """Detection skips a rule when none of its trigger strings is in the text, and matches folded
    text without IGNORECASE when a pattern has no capital letter: neither may change what a rule
    finds. Checked against every labelled message and against texts built to start each match."""
    import re

    from privdesk.intake.rules import triggers

    rules = load_detection_rules()
    assert sum(1 for r in rules.rules if r.triggers) > len(rules.rules) * 0.8
    texts = _texts()
    matched = 0
    for rule in rules.rules:
        loose = re.compile(rule.pattern.pattern, re.IGNORECASE)
        assert triggers(loose) == rule.triggers
        for text in texts:
            found = [m.group() for m in loose.finditer(text)]
            assert found == [m.group() for m in rule.pattern.finditer(text)], rule.id
            if found and rule.triggers:
                matched += 1
                assert any(word in text for word in rule.triggers), (rule.id, found[0])
                for match in found:
                    assert match.startswith(rule.triggers), (rule.id, match)
    assert matched > 100


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bdelete\b", ("dele",)),
        (r"\b(?:we|i) represent\b", ("i re", "we r")),
        (r"\b(?:tx|texas),? 7[5-9]\d{3}\b", ("texa", "tx 7", "tx, ")),
        (r"\b(?:cop(?:y|ies)|export) of", ("copi", "copy", "expo")),
        (r"(?:my )?data\b", ("data", "my d")),
        (r"\bx+y", ()),  # a prefix of one letter filters nothing: the rule always runs
        (r"\w+ data", ()),
    ],
)
def test_triggers_start_every_match(pattern: str, expected: tuple[str, ...]) -> None:
    import re

    from privdesk.intake.rules import triggers

    assert triggers(re.compile(pattern)) == expected
