"""Authorized agents: the registry, authorizations (signed permission, power of attorney), and the
check that lets a case brought by an agent go ahead."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import func, select

from privdesk.domain import agents as agent_rules
from privdesk.domain.errors import NotFound, ValidationError
from privdesk.domain.types import RequestType
from privdesk.services import audit
from privdesk.services.cases import case_dto, load_case, refresh_case_status
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO
from privdesk.services.itemstate import state_of, write_back
from privdesk.store.models import Agent, Authorization, Case, Consumer


@dataclass(frozen=True)
class AgentDTO:
    id: int
    kind: str
    name: str
    sos_registration: str | None
    email: str | None
    phone: str | None
    postal_address: str
    case_count: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PoaInput:
    dated: bool
    signed_by_principal: bool
    notarized: bool
    witness_count: int = 0
    witnesses_exclude_agent: bool = True


@dataclass(frozen=True)
class AuthorizationInput:
    agent_id: int
    consumer_id: int
    signed_permission: bool = False
    signed_by: str = ""
    signed_on: dt.date | None = None
    scope: Sequence[str] = ()
    expires_on: dt.date | None = None
    power_of_attorney: PoaInput | None = None
    consumer_confirmed_on: dt.date | None = None
    consumer_confirm_method: str | None = None
    consumer_verified_directly: bool = False


@dataclass(frozen=True)
class AuthorizationDTO:
    id: int
    agent_id: int
    agent_name: str
    consumer_id: int
    consumer_name: str
    signed_permission: bool
    signed_by: str | None
    signed_on: dt.date | None
    scope: list[str]
    expires_on: dt.date | None
    power_of_attorney: dict[str, Any] | None
    consumer_confirmed_on: dt.date | None
    expired: bool


def _agent_dto(agent: Agent, case_count: int = 0) -> AgentDTO:
    info = agent_rules.AgentInfo(
        kind=cast(agent_rules.AgentKind, agent.kind), name=agent.name, sos_registration=agent.sos_registration
    )
    return AgentDTO(
        agent.id,
        agent.kind,
        agent.name,
        agent.sos_registration,
        agent.email,
        agent.phone,
        agent.postal_address,
        case_count,
        list(info.warnings()),
    )


def _auth_info(auth: Authorization) -> agent_rules.AuthorizationInfo:
    poa = auth.power_of_attorney
    return agent_rules.AuthorizationInfo(
        signed_permission=auth.signed_permission,
        signed_by=auth.signed_by or "",
        signed_on=auth.signed_on,
        scope=frozenset(RequestType(t) for t in auth.scope),
        expires_on=auth.expires_on,
        power_of_attorney=agent_rules.PoaChecklist(**poa) if poa else None,
        consumer_confirmed_on=auth.consumer_confirmed_on,
        consumer_verified_directly=auth.consumer_verified_directly,
    )


class AgentService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(
        self,
        name: str,
        kind: str = "business",
        sos_registration: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        address: str = "",
    ) -> AgentDTO:
        if not name.strip():
            raise ValidationError("an agent needs a name")
        if kind not in ("person", "business"):
            raise ValidationError("agent kind must be 'person' or 'business'")
        with self.ctx.db.write() as s:
            agent = Agent(
                kind=kind,
                name=name.strip(),
                sos_registration=sos_registration or None,
                email=email or None,
                phone=phone or None,
                postal_address=address,
            )
            s.add(agent)
            s.flush()
            audit.record(s, self.ctx, "agent.added", "agent", agent.id, after={"kind": kind})
            return _agent_dto(agent)

    def list(self) -> builtins.list[AgentDTO]:
        with self.ctx.db.read() as s:
            counts = dict(
                s.execute(
                    select(Case.agent_id, func.count())
                    .where(Case.agent_id.is_not(None))
                    .group_by(Case.agent_id)
                ).all()
            )
            return [_agent_dto(a, counts.get(a.id, 0)) for a in s.scalars(select(Agent).order_by(Agent.name))]

    def authorizations(
        self, agent_id: int | None = None, consumer_id: int | None = None
    ) -> builtins.list[AuthorizationDTO]:
        today = self.ctx.today()
        with self.ctx.db.read() as s:
            query = (
                select(Authorization, Agent.name, Consumer.full_name)
                .join(Agent, Agent.id == Authorization.agent_id)
                .join(Consumer, Consumer.id == Authorization.consumer_id)
            )
            if agent_id is not None:
                query = query.where(Authorization.agent_id == agent_id)
            if consumer_id is not None:
                query = query.where(Authorization.consumer_id == consumer_id)
            return [
                AuthorizationDTO(
                    a.id,
                    a.agent_id,
                    agent_name,
                    a.consumer_id,
                    consumer_name,
                    a.signed_permission,
                    a.signed_by,
                    a.signed_on,
                    list(a.scope),
                    a.expires_on,
                    a.power_of_attorney,
                    a.consumer_confirmed_on,
                    bool(a.expires_on and a.expires_on < today),
                )
                for a, agent_name, consumer_name in s.execute(query.order_by(Authorization.id))
            ]

    def authorize(self, data: AuthorizationInput, case_reference: str | None = None) -> AuthorizationDTO:
        """Record an authorization; with a case, attach it and re-check whether the case may go ahead."""
        for code in data.scope:
            try:
                RequestType(code)
            except ValueError:
                raise ValidationError(f"unknown request type {code!r} in the scope") from None
        with self.ctx.db.write() as s:
            agent = s.get(Agent, data.agent_id)
            consumer = s.get(Consumer, data.consumer_id)
            if agent is None:
                raise NotFound(f"no agent with id {data.agent_id}")
            if consumer is None:
                raise NotFound(f"no consumer with id {data.consumer_id}")
            auth = Authorization(
                agent_id=agent.id,
                consumer_id=consumer.id,
                signed_permission=data.signed_permission,
                signed_by=data.signed_by or None,
                signed_on=data.signed_on,
                scope=list(data.scope),
                expires_on=data.expires_on,
                power_of_attorney=data.power_of_attorney.__dict__ if data.power_of_attorney else None,
                consumer_confirmed_on=data.consumer_confirmed_on,
                consumer_confirm_method=data.consumer_confirm_method,
                consumer_verified_directly=data.consumer_verified_directly,
            )
            s.add(auth)
            s.flush()
            audit.record(
                s,
                self.ctx,
                "authorization.recorded",
                "authorization",
                auth.id,
                case_reference=case_reference,
                after={
                    "agent_id": agent.id,
                    "consumer_id": consumer.id,
                    "scope": list(data.scope),
                    "power_of_attorney": data.power_of_attorney is not None,
                },
            )
            if case_reference:
                case = load_case(s, case_reference)
                if case.consumer_id != consumer.id:
                    raise ValidationError(f"{case.reference} is about another consumer")
                case.authorization_id = auth.id
                case.agent_id = agent.id
                self._recheck(s, case, auth)
            return AuthorizationDTO(
                auth.id,
                agent.id,
                agent.name,
                consumer.id,
                consumer.full_name,
                auth.signed_permission,
                auth.signed_by,
                auth.signed_on,
                list(auth.scope),
                auth.expires_on,
                auth.power_of_attorney,
                auth.consumer_confirmed_on,
                bool(auth.expires_on and auth.expires_on < self.ctx.today()),
            )

    def check_case(self, reference: str) -> tuple[CaseDTO, builtins.list[str], builtins.list[str]]:
        """Re-check the case's authorization (e.g. after the consumer confirmed); problems and warnings."""
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            if case.authorization_id is None:
                problems = ["no authorization is on file for this case"] if case.agent_id else []
                return case_dto(case, self.ctx.today()), problems, []
            auth = s.get(Authorization, case.authorization_id)
            assert auth is not None
            problems, warnings = self._recheck(s, case, auth)
            return case_dto(case, self.ctx.today()), problems, warnings

    def confirm_by_consumer(self, reference: str, on: dt.date, method: str) -> CaseDTO:
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            if case.authorization_id is None:
                raise ValidationError(f"{case.reference} has no authorization to confirm")
            auth = s.get(Authorization, case.authorization_id)
            assert auth is not None
            auth.consumer_confirmed_on = on
            auth.consumer_confirm_method = method
            self._recheck(s, case, auth)
            audit.record(
                s,
                self.ctx,
                "authorization.consumer_confirmed",
                "authorization",
                auth.id,
                case_reference=case.reference,
                after={"on": on, "method": method},
            )
            return case_dto(case, self.ctx.today())

    def _recheck(
        self, s: Any, case: Case, auth: Authorization
    ) -> tuple[builtins.list[str], builtins.list[str]]:
        info = _auth_info(auth)
        requires_confirmation = bool(
            case.organization.profile.get("agent_requires_consumer_confirmation", False)
        )
        agent = s.get(Agent, auth.agent_id)
        agent_info = (
            agent_rules.AgentInfo(kind=agent.kind, name=agent.name, sos_registration=agent.sos_registration)
            if agent
            else None
        )
        problems: list[str] = []
        warnings: list[str] = []
        holds_all = True
        for item in case.items:
            check = agent_rules.authorization_holds(
                info, RequestType(item.request_type), self.ctx.today(), requires_confirmation, agent_info
            )
            holds_all = holds_all and check.holds
            problems += [p for p in check.problems if p not in problems]
            warnings += [w for w in check.warnings if w not in warnings]
        before = case.authorization_holds
        case.authorization_holds = holds_all
        from privdesk.domain import workflow

        for item in case.items:
            st = state_of(item, case)
            if st.is_open and st.agent_case:
                write_back(item, workflow.authorization_received(st, holds_all, problems))
        refresh_case_status(case, self.ctx.today())
        audit.record(
            s,
            self.ctx,
            "authorization.checked",
            "case",
            case.id,
            case_reference=case.reference,
            before={"holds": before},
            after={"holds": holds_all, "problems": problems},
        )
        return problems, warnings
