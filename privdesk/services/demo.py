"""Demo data: the three sample organizations and about forty fictional cases walked through the workflow.

Dates are relative to the day of seeding, so the demo always looks like today's desk: a few cases due
today and this week, one or two a few days late, most on time, and a year of closed history. A demo
prepared on an earlier day is stale (its cases would be months late): ``demo_is_stale`` says so and the
desktop app prepares it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from privdesk.domain.errors import DomainError
from privdesk.domain.types import Outcome
from privdesk.paths import resource
from privdesk.services.agents import AuthorizationInput
from privdesk.services.cases import NewCase
from privdesk.services.stored_settings import read_setting
from privdesk.services.workflow import DataPoint, VerificationInput
from privdesk.store.models import Setting

if TYPE_CHECKING:
    from privdesk.services.hub import Services

log = logging.getLogger(__name__)

DEMO_ORGANIZATIONS = ("mstis", "coverys", "lossexpress")
ACK_METHOD = {"phone": "oral", "email": "email", "web": "email"}
SEEDED_ON = "demo.seeded_on"  # the day the demo cases were dated from (ISO 8601)


def demo_case_count(directory: Path | None = None) -> int:
    folder = directory or resource("demo")
    return len(tomllib.loads((folder / "cases.toml").read_text(encoding="utf-8"))["case"])


def demo_is_stale(services: Services) -> bool:
    """True when the database holds demo cases dated from an earlier day than today, and nobody made it
    their workspace (it has no user accounts)."""
    if services.cases.count() == 0 or not services.users.needs_first_run():
        return False
    seeded = read_setting(services.ctx, SEEDED_ON, None)
    return bool(seeded != services.ctx.today().isoformat())


def mark_seeded(services: Services, day: dt.date) -> None:
    """Record the day the demo cases were dated from."""
    with services.ctx.db.write() as s:
        row = s.get(Setting, SEEDED_ON)
        if row is None:
            s.add(Setting(key=SEEDED_ON, value={"value": day.isoformat()}))
        else:
            row.value = {"value": day.isoformat()}


def seed_demo(
    services: Services,
    directory: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Load the sample organizations and cases; ``progress(done, total)`` is told after each case."""
    folder = directory or resource("demo")
    existing = {o.slug for o in services.organizations.list()}
    for slug in DEMO_ORGANIZATIONS:
        services.organizations.import_profile_file(folder / f"{slug}.toml")
    if existing.issuperset(DEMO_ORGANIZATIONS) and services.cases.count() > 0:
        return {
            "organizations": len(DEMO_ORGANIZATIONS),
            "cases": 0,
            "skipped_steps": [],
            "note": "demo cases were already loaded",
        }
    data = tomllib.loads((folder / "cases.toml").read_text(encoding="utf-8"))
    today = services.ctx.today()
    total = len(data["case"])
    if progress is not None:
        progress(0, total)
    by_email: dict[str, int] = {}
    skipped: list[str] = []
    created = 0

    def creation_order(spec: dict[str, Any]) -> tuple[bool, int]:
        return bool(spec.get("history")), -int(spec.get("seed_order", spec["received_days_ago"]))

    for spec in sorted(data["case"], key=creation_order):
        received = today - dt.timedelta(days=int(spec["received_days_ago"]))
        email = spec.get("email")
        agent = spec.get("agent")
        case = services.cases.create(
            NewCase(
                organization=spec["org"],
                jurisdiction=spec["jurisdiction"],
                types=spec["types"],
                channel=spec["channel"],
                received=received,
                name=spec["name"],
                email=email,
                phone=spec.get("phone"),
                address=spec.get("address", ""),
                consumer_id=by_email.get(email.lower()) if email else None,
                agent_name=agent["name"] if agent else None,
                subject=spec.get("subject", ""),
                summary=spec.get("summary", ""),
                ca_residency_attested=bool(spec.get("ca_resident", False)),
                requester_relation=spec.get("requester_relation", "agent" if agent else "self"),
            )
        )
        created += 1
        if email:
            by_email.setdefault(email.lower(), case.consumer_id)
        try:
            _walk(services, case.reference, case.consumer_id, spec, received, today)
        except DomainError as exc:
            skipped.append(f"{case.reference}: {exc}")
            log.warning("demo case %s stopped early: %s", case.reference, type(exc).__name__)
        _enclose(services, case.reference, spec)
        if spec.get("history"):
            _history_letters_went_out_before(services, case.reference)
        if spec.get("note"):
            services.workflow.add_note(case.reference, spec["note"])
        if progress is not None:
            progress(created, total)
    mark_seeded(services, today)
    return {"organizations": len(DEMO_ORGANIZATIONS), "cases": created, "skipped_steps": skipped}


HISTORY_LETTER_NOTE = "Demo history: this answer went out before the demo's records begin."


def _history_letters_went_out_before(services: Services, ref: str) -> None:
    """A finished case of the past year answered long ago: its letters are not today's mail. They are
    voided with that reason (a letter is dated the day it is printed, so none can be dated back)."""
    for letter in services.letters.queued_for_case(ref):
        if letter.status == "queued":
            services.letters.void(letter.id, HISTORY_LETTER_NOTE)


def _enclose(services: Services, ref: str, spec: dict[str, Any]) -> None:
    """An access request answered in full or in part goes out with the copy of the data: the demo
    attaches a small fictional export, so the access response lists a real enclosure."""
    case = services.cases.show(ref)
    answered = [
        i
        for i in case.items
        if i.type in ("know_specific", "portability")
        and i.outcome in (Outcome.FULFILLED.value, Outcome.PARTLY_FULFILLED.value)
    ]
    if not answered:
        return
    name = spec.get("enclosure", "Copy of your personal information.csv")
    rows = [
        "category,item,value",
        f"Identifiers,name,{spec['name']}",
        *([f"Identifiers,email address,{spec['email']}"] if spec.get("email") else []),
        *([f"Identifiers,telephone number,{spec['phone']}"] if spec.get("phone") else []),
        *(
            [f'Identifiers,postal address,"{" ".join(spec["address"].split())}"']
            if spec.get("address")
            else []
        ),
        f"Request,received,{case.received_on.isoformat()}",
    ]
    services.letters.attach_enclosure(ref, name, ("\n".join(rows) + "\n").encode("utf-8"), "text/csv")


PROGRESS = [
    "received",
    "acknowledged",
    "awaiting_verification",
    "verified",
    "extended",
    "responded",
    "closed",
]


def _walk(
    services: Services, ref: str, consumer_id: int, spec: dict[str, Any], received: dt.date, today: dt.date
) -> None:
    progress = spec.get("progress", "received")
    wf = services.workflow

    def day(offset: int) -> dt.date:
        return min(today, received + dt.timedelta(days=offset))

    if progress == "withdrawn":
        wf.withdraw(ref, day(5), "The consumer withdrew the request.")
        return
    level = PROGRESS.index(progress)
    case = services.cases.show(ref)
    if level >= 1 and any(i.acknowledge_by for i in case.items):
        wf.acknowledge(ref, day(2), ACK_METHOD.get(spec["channel"], "letter"))
    agent = spec.get("agent")
    if agent and level >= 3:
        agents = {a.name: a for a in services.agents.list()}
        record = agents[agent["name"]]
        services.agents.authorize(
            AuthorizationInput(
                agent_id=record.id,
                consumer_id=consumer_id,
                signed_permission=True,
                signed_by=spec["name"],
                signed_on=received,
                scope=list(spec["types"]),
                consumer_confirmed_on=day(4),
                consumer_confirm_method="phone",
            ),
            case_reference=ref,
        )
    needs_verification = any(i.verification_level not in (None, "none") for i in case.items)
    if level == 2 and needs_verification:
        wf.request_verification(ref)
    if level >= 3 and needs_verification:
        verified = "unverifiable" not in spec.get("denial_reasons", [])
        wf.verify(
            ref,
            VerificationInput(
                data_points=[
                    DataPoint("full name", received=True, matched=True),
                    DataPoint("postal address", received=verified, matched=verified or None),
                    DataPoint("date of last quote", received=verified, matched=verified or None),
                ],
                declaration_received=verified,
                final=not verified,
            ),
        )
    wants_extension = (level >= 4 and progress == "extended") or spec.get("extension_reason")
    if wants_extension and any(i.extended_respond_by for i in case.items):
        wf.extend(
            ref,
            day(30),
            spec.get("extension_reason")
            or "The request covers several systems and archived records that take longer to search.",
        )
    if level >= 5:
        outcome = spec.get("outcome", "fulfilled")
        for item in services.cases.show(ref).items:
            if item.status in ("responded", "closed", "withdrawn"):
                continue
            if outcome == Outcome.REDIRECTED.value:
                org = services.organizations.show(spec["org"])
                clients = org.profile.get("service_provider_clients") or [{"name": "the business customer"}]
                wf.redirect_to_business(
                    ref, item.type, clients[0]["name"], day(6), clients[0].get("address", "")
                )
            elif outcome == Outcome.DENIED.value:
                wf.deny(
                    ref,
                    item.type,
                    day(20),
                    spec.get("denial_reasons", ["other"]),
                    spec.get("denial_explanation", "Explained in the letter."),
                )
            else:
                wf.respond(
                    ref,
                    item.type,
                    day(20),
                    outcome,
                    reasons=spec.get("denial_reasons", []),
                    explanation=spec.get("denial_explanation", ""),
                )
    if level >= 6:
        wf.close(ref, day(25))
