"""Authorized agents: does an agent's authorization let the organization act on a request?

Sources: Civ. Code §1798.140(ak); Cal. Code Regs. tit. 11 §§7026(j), 7063; Probate Code
§§4121-4122 (formal requirements of a power of attorney).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import RequestType
from privdesk.domain.workflow import NO_VERIFICATION_TYPES

AgentKind = Literal["person", "business"]
EXPIRY_WARNING_DAYS = 30  # warn when an authorization runs out this soon after the check date


@dataclass(frozen=True)
class AgentInfo:
    kind: AgentKind
    name: str
    sos_registration: str | None = None  # California Secretary of State registration number

    def __post_init__(self) -> None:
        if self.kind not in ("person", "business"):
            raise ValidationError(f"an agent is a person or a business, not {self.kind!r}")
        if not self.name.strip():
            raise ValidationError("an agent needs a name")

    def warnings(self) -> list[str]:
        # Only a natural person or an entity registered with the Secretary of State can be an agent.
        if self.kind == "business" and not (self.sos_registration or "").strip():
            return [
                "the agent is a business but gives no Secretary of State registration number: "
                "check the registration (Civ. Code §1798.140(ak))"
            ]
        return []


@dataclass(frozen=True)
class PoaChecklist:
    """Formal requirements of a power of attorney (Probate Code §§4121-4122)."""

    dated: bool
    signed_by_principal: bool  # or by an adult in the principal's presence at their direction
    notarized: bool
    witness_count: int = 0  # adult witnesses
    witnesses_exclude_agent: bool = True

    def poa_problems(self) -> list[str]:
        problems: list[str] = []
        if not self.dated:
            problems.append("the power of attorney is not dated (Prob. Code §4121(a))")
        if not self.signed_by_principal:
            problems.append("the power of attorney is not signed by the consumer (Prob. Code §4121(b))")
        witnessed = self.witness_count >= 2 and self.witnesses_exclude_agent
        if not self.notarized and not witnessed:
            if self.witness_count >= 2:
                detail = "the agent cannot be one of the two witnesses"
            else:
                detail = f"it has {self.witness_count} witness{'' if self.witness_count == 1 else 'es'}"
            problems.append(
                "the power of attorney is neither notarized nor signed by two adult witnesses other than "
                f"the agent ({detail}; Prob. Code §§4121(c), 4122)"
            )
        return problems


def poa_problems(checklist: PoaChecklist) -> list[str]:
    return checklist.poa_problems()


@dataclass(frozen=True)
class AuthorizationInfo:
    signed_permission: bool = False  # the consumer's signed permission for the agent
    signed_by: str = ""
    signed_on: date | None = None
    scope: frozenset[RequestType] = field(default_factory=frozenset)  # empty: not limited
    expires_on: date | None = None
    power_of_attorney: PoaChecklist | None = None
    consumer_confirmed_on: date | None = None  # the consumer confirmed the permission directly
    consumer_verified_directly: bool = False  # the consumer verified their identity directly

    def __post_init__(self) -> None:
        try:
            scope = frozenset(RequestType(code) for code in self.scope)
        except ValueError as exc:
            raise ValidationError(f"unknown request type in the authorization's scope: {exc}") from exc
        object.__setattr__(self, "scope", scope)


@dataclass(frozen=True)
class AuthorizationCheck:
    holds: bool
    problems: tuple[str, ...]  # why it does not hold (empty when it holds)
    warnings: tuple[str, ...]  # points to look at that do not stop it holding
    basis: str  # the rule applied


def authorization_holds(
    auth: AuthorizationInfo,
    request_type: RequestType,
    on: date,
    org_requires_consumer_confirmation: bool,
    agent: AgentInfo | None = None,
) -> AuthorizationCheck:
    """Whether the organization may act on ``request_type`` for the agent on date ``on``.

    A valid power of attorney (Prob. Code §§4121-4130) suffices on its own (§7063(b)). Otherwise the
    consumer's signed permission is needed (§§7026(j), 7063(a)); for requests other than opt-out
    and limit the organization may also require the consumer to confirm it or verify directly.
    """
    warnings: list[str] = list(agent.warnings()) if agent else []
    common: list[str] = []
    if auth.expires_on is not None:
        if auth.expires_on < on:
            common.append(f"authorization expired on {auth.expires_on.isoformat()}")
        elif auth.expires_on <= on + timedelta(days=EXPIRY_WARNING_DAYS):
            warnings.append(f"authorization expires on {auth.expires_on.isoformat()}")
    if auth.scope and request_type not in auth.scope:
        common.append(f"the authorization does not cover {request_type.label}")
    if not auth.scope:
        warnings.append("the authorization does not say which requests it covers")

    poa_issues = _poa_path(auth)
    if not poa_issues:
        basis = "power of attorney (Prob. Code §§4121-4130; Cal. Code Regs. tit. 11 §7063(b))"
        return AuthorizationCheck(not common, tuple(common), tuple(warnings), basis)

    permission_issues, basis = _permission_path(auth, request_type, on, org_requires_consumer_confirmation)
    if auth.signed_permission and not auth.signed_by.strip():
        warnings.append("the signed permission does not say who signed it")
    if auth.signed_permission and auth.signed_on is None:
        warnings.append("the signed permission is not dated")
    problems = common + permission_issues
    if problems and auth.power_of_attorney is not None:
        problems += poa_issues  # a defective power of attorney was offered: say what is wrong with it
    return AuthorizationCheck(not problems, tuple(problems), tuple(warnings), basis)


def _poa_path(auth: AuthorizationInfo) -> list[str]:
    if auth.power_of_attorney is None:
        return ["no power of attorney"]
    return auth.power_of_attorney.poa_problems()


def _permission_path(
    auth: AuthorizationInfo, request_type: RequestType, on: date, org_requires_confirmation: bool
) -> tuple[list[str], str]:
    problems: list[str] = []
    if not auth.signed_permission:
        problems.append("the consumer's signed permission for the agent has not been received")
    elif auth.signed_on is not None and auth.signed_on > on:
        problems.append(
            f"the signed permission is dated {auth.signed_on.isoformat()}, after {on.isoformat()}"
        )
    if request_type in NO_VERIFICATION_TYPES:
        return problems, "signed permission (Cal. Code Regs. tit. 11 §7026(j))"
    if org_requires_confirmation:
        confirmed = auth.consumer_confirmed_on is not None and auth.consumer_confirmed_on <= on
        if not (confirmed or auth.consumer_verified_directly):
            problems.append(
                "the consumer has neither confirmed the agent's permission directly nor verified their "
                "identity directly, as the organization requires"
            )
    return problems, "signed permission (Cal. Code Regs. tit. 11 §7063(a))"
