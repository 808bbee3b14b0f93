"""Facial checks of an incoming request: what the officer should look at before acting.

Each finding is a coded ``RuleWarning`` with its basis (the rule file, the organization's own notice,
or both). A check never rejects a request: a request on the wrong channel or without the required
subject line is still a request, and the officer decides whether to treat it as properly submitted
or to tell the requester how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from privdesk.domain.rules import Rulebook, RuleWarning, TypeRule, load_rulebook
from privdesk.domain.types import Channel, RequestType

# Channels where a subject line or heading exists to be checked.
WRITTEN_CHANNELS = frozenset({Channel.MAIL, Channel.EMAIL, Channel.WEB, Channel.FAX})
PARENT_RELATIONS = frozenset({"parent", "guardian"})
_PARENT_ONLY_WORDING = re.compile(r"parent or (legal )?guardian only", re.IGNORECASE)


@dataclass(frozen=True)
class RequestFacts:
    """What the request itself shows; ``requester_relation`` is self, parent, guardian, agent or minor."""

    jurisdiction: str
    request_type: RequestType | str
    channel: Channel | str
    subject: str | None = None
    ca_residency_attested: bool = False
    ca_address_given: bool = False
    requester_relation: str = "self"
    verification_demanded: bool = False  # the officer is about to ask for identity proof

    @property
    def requester_is_parent_or_guardian(self) -> bool:
        return self.requester_relation in PARENT_RELATIONS

    @property
    def requester_is_minor(self) -> bool:
        return self.requester_relation == "minor"


@dataclass(frozen=True)
class OrganizationRules:
    """The fragment of an organization's profile that the checks need."""

    slug: str = ""
    channels: Mapping[RequestType, frozenset[Channel]] = field(default_factory=dict)
    subject_lines: Mapping[RequestType, str] = field(default_factory=dict)
    parent_or_guardian_only: frozenset[RequestType] = frozenset()
    verification_types: frozenset[RequestType] = frozenset()  # types the notice says it verifies

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any], slug: str = "") -> OrganizationRules:
        """Read the ``[profile]`` table of an organization file (resources/demo/*.toml format).

        ``parent_or_guardian_only`` and ``verification_types`` may be listed explicitly; otherwise
        they are read from the requirement wording ("parent or guardian only") and from a general
        ``verification_policy``, which then applies to every type.
        """
        channels = {
            request_type: frozenset(_channels(values))
            for request_type, values in _by_type(profile.get("channels")).items()
        }
        subjects = {
            t: str(v).strip() for t, v in _by_type(profile.get("subject_lines")).items() if str(v).strip()
        }
        parent_only = set(_types(profile.get("parent_or_guardian_only", [])))
        for request_type, lines in _by_type(profile.get("requirements")).items():
            if isinstance(lines, list) and any(_PARENT_ONLY_WORDING.search(str(line)) for line in lines):
                parent_only.add(request_type)
        if "verification_types" in profile:
            verified = frozenset(_types(profile["verification_types"]))
        elif str(profile.get("verification_policy", "")).strip():
            verified = frozenset(RequestType)
        else:
            verified = frozenset()
        return cls(slug, channels, subjects, frozenset(parent_only), verified)


def facial_checks(
    facts: RequestFacts, profile: OrganizationRules | None = None, rulebook: Rulebook | None = None
) -> list[RuleWarning]:
    """Coded warnings for ``facts``; the bundled rule files are used when no rulebook is given."""
    rulebook = rulebook or _bundled_rulebook()
    profile = profile or OrganizationRules()
    rule = rulebook.rule(facts.jurisdiction, facts.request_type)
    channel = Channel(facts.channel)
    found = [
        _residency(rule, facts),
        _channel(rule, channel, profile),
        _subject(rule, channel, facts.subject, profile),
        _parent(rule, facts, profile),
        _verification(rule, facts, profile),
    ]
    return [warning for warning in found if warning is not None]


@cache
def _bundled_rulebook() -> Rulebook:
    return load_rulebook()


def _residency(rule: TypeRule, facts: RequestFacts) -> RuleWarning | None:
    if rule.residency is None or facts.ca_residency_attested or facts.ca_address_given:
        return None
    message = (
        f"{rule.request_type.label}: the request neither attests {rule.residency.required} residency nor "
        f"gives a {rule.residency.required} address; ask the requester to confirm residency before answering."
    )
    return RuleWarning(rule.residency.warning, message, str(rule.residency.basis))


def _channel(rule: TypeRule, channel: Channel, profile: OrganizationRules) -> RuleWarning | None:
    label = rule.request_type.label
    if rule.request_type in profile.channels:
        accepted = profile.channels[rule.request_type]
        basis = _policy(profile, f"{label} accepted by {_names(accepted)}")
        if rule.channels is not None:
            basis += f"; {rule.channels.basis}"
    elif rule.channels is not None:
        accepted = rule.channels.accepted
        basis = str(rule.channels.basis)
    else:
        return None
    if channel in accepted:
        return None
    message = (
        f"{label} arrived by {channel.value}, which is not an accepted channel ({_names(accepted)}); "
        "treat it as properly submitted or tell the requester how to submit it. Do not ignore it."
    )
    if rule.respond_elsewhere is not None and rule.respond_elsewhere.period is not None:
        message += f" Not sent to the designated address: respond within {rule.respond_elsewhere.period}."
        basis += f"; {rule.respond_elsewhere.basis}"
    return RuleWarning("channel_not_accepted", message, basis)


def _subject(
    rule: TypeRule, channel: Channel, subject: str | None, profile: OrganizationRules
) -> RuleWarning | None:
    required = profile.subject_lines.get(rule.request_type)
    if not required or channel not in WRITTEN_CHANNELS or _normal(required) in _normal(subject or ""):
        return None
    message = (
        f'{rule.request_type.label}: the subject line does not contain "{required}", which the '
        "organization's notice asks for; the request still counts: handle it or tell the requester "
        "how to resubmit."
    )
    return RuleWarning("subject_line_missing", message, _policy(profile, f'subject line "{required}"'))


def _parent(rule: TypeRule, facts: RequestFacts, profile: OrganizationRules) -> RuleWarning | None:
    if rule.request_type not in profile.parent_or_guardian_only or facts.requester_is_parent_or_guardian:
        return None
    who = "the minor" if facts.requester_is_minor else f"a requester recorded as {facts.requester_relation!r}"
    message = (
        f"{rule.request_type.label}: the organization accepts this request only from a parent or guardian, "
        f"and it came from {who}; reply explaining who may ask and how, rather than closing it silently."
    )
    basis = _policy(profile, f"{rule.request_type.label} from a parent or guardian only")
    if rule.request_type is RequestType.MINOR_REMOVAL:
        return RuleWarning("minor_removal_not_parent", message, f"{basis}; {rule.agent.basis}")
    return RuleWarning("requester_not_parent", message, basis)


def _verification(rule: TypeRule, facts: RequestFacts, profile: OrganizationRules) -> RuleWarning | None:
    if not rule.verification.forbidden:
        return None
    if not (facts.verification_demanded or rule.request_type in profile.verification_types):
        return None
    message = f"{rule.request_type.label}: identity verification must not be demanded for this request"
    if rule.verification.note:
        message += f" ({rule.verification.note})"
    return RuleWarning("verification_not_allowed", message + ".", str(rule.verification.basis))


def _policy(profile: OrganizationRules, what: str) -> str:
    return f"organization notice{f' ({profile.slug})' if profile.slug else ''}: {what}"


def _names(channels: Iterable[Channel]) -> str:
    names = sorted(c.value for c in channels)
    return ", ".join(names) if names else "no channel"


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _by_type(table: Any) -> dict[RequestType, Any]:
    if not isinstance(table, Mapping):
        return {}
    return {RequestType(key): value for key, value in table.items() if key in RequestType._value2member_map_}


def _types(values: Any) -> Iterable[RequestType]:
    if isinstance(values, list):
        yield from (RequestType(v) for v in values if v in RequestType._value2member_map_)


def _channels(values: Any) -> Iterable[Channel]:
    if isinstance(values, list):
        yield from (Channel(v) for v in values if v in Channel._value2member_map_)
