"""One line per rule file: when its law applies, its main periods and which of its values are [U].

README's jurisdiction table is this summary as Markdown (``privdesk rules --markdown``); a test keeps
the two in step, so adding or changing a rule file without updating README fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from privdesk.domain.rules import Jurisdiction, Rulebook, Step, TypeRule
from privdesk.domain.types import RequestType

# The request a summary line describes: deletion where the law has it, else its first type.
MAIN_TYPES = (RequestType.DELETE, RequestType.KNOW_SPECIFIC)


@dataclass(frozen=True)
class RuleFileSummary:
    code: str
    name: str
    version: str
    in_force: str  # "from 2027-01-01", or "" when the file states no date
    respond: str  # e.g. "45 calendar days, extended to 90" (the main request type)
    appeal: str  # e.g. "60 calendar days" (decision), "none", or "process, no period"
    unconfirmed: tuple[str, ...]  # which values are [U], in words

    def to_json(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.code,
            "name": self.name,
            "version": self.version,
            "in_force": self.in_force,
            "respond": self.respond,
            "appeal": self.appeal,
            "unconfirmed": list(self.unconfirmed),
        }


def summarize(rulebook: Rulebook, on: date | None = None) -> list[RuleFileSummary]:
    """Every rule file, the rules in force ``on`` a day (default: the current versions)."""
    return [_summary(rulebook, rulebook.jurisdiction(code), on) for code in rulebook.jurisdictions()]


def markdown_table(summaries: list[RuleFileSummary]) -> str:
    lines = [
        "| File | Jurisdiction | In force | Respond (delete or access) | Appeal decision | Unconfirmed [U] |",
        "|---|---|---|---|---|---|",
    ]
    for s in summaries:
        unconfirmed = "; ".join(s.unconfirmed) or "none"
        lines.append(
            f"| `{s.code}.toml` | {s.name} | {s.in_force or 'not stated'} | {s.respond} | {s.appeal} "
            f"| {unconfirmed} |"
        )
    return "\n".join(lines)


def _summary(rulebook: Rulebook, found: Jurisdiction, on: date | None) -> RuleFileSummary:
    main = next((t for t in MAIN_TYPES if t in found.types), next(iter(found.types)))
    rule = rulebook.rule(found.code, main, on=on) if on else found.types[main]
    appeal = found.types.get(RequestType.APPEAL)
    if appeal is None:
        appeal_text = "none"
    elif appeal.respond.period is None:
        appeal_text = "process, no period found"
    else:
        appeal_text = _step(appeal.respond, appeal)
    in_force = ""
    if found.effective.start is not None:
        in_force = f"from {found.effective.start.isoformat()}"
    return RuleFileSummary(
        code=found.code,
        name=found.name,
        version=found.version,
        in_force=in_force,
        respond=f"{main.value}: {_step(rule.respond, rule)}",
        appeal=appeal_text,
        unconfirmed=_unconfirmed(found),
    )


def _step(step: Step, rule: TypeRule) -> str:
    if step.period is None:
        return "no period"
    text = str(step.period)
    if rule.extension.total is not None and step is rule.respond:
        text += f", extended to {rule.extension.total}"
    return text


def _unconfirmed(found: Jurisdiction) -> tuple[str, ...]:
    """The [U] values of a file in words: "agent (delete, know_specific)", "weekend roll-forward"."""
    by_what: dict[str, list[str]] = {}
    for versions in (found.versions or {}).values():
        for rule in versions:
            for label, basis in (
                ("response period", rule.respond.basis),
                ("extension", rule.extension.basis),
                ("clock start", rule.clock_start),
                ("verification", rule.verification.basis),
                ("agent", rule.agent.basis),
                ("appeal right", rule.appeal.basis),
            ):
                if basis.tag == "U":
                    types = by_what.setdefault(label, [])
                    if rule.request_type.value not in types:
                        types.append(rule.request_type.value)
            for pause in rule.pauses:
                if pause.basis.tag == "U":
                    types = by_what.setdefault(f"clock pause '{pause.code}'", [])
                    if rule.request_type.value not in types:
                        types.append(rule.request_type.value)
    words = [f"{label} ({', '.join(sorted(types))})" for label, types in by_what.items()]
    if found.roll_forward.basis.tag == "U":
        words.append("weekend roll-forward")
    if found.calendar_basis.tag == "U" and any(h for h in found.holidays.rules):
        words.append("business-day calendar")
    if any(limit.basis.tag == "U" for limit in found.limits):
        words.append("free-request limit")
    if found.appeal is not None:
        if found.appeal.filing.basis.tag == "U":
            words.append("appeal window")
        if found.appeal.complaint is not None and found.appeal.complaint.basis.tag == "U":
            words.append("complaint route")
    return tuple(words)
