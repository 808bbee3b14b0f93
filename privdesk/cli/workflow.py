"""Workflow commands: case ack/verify/extend/respond/deny/redirect/close/withdraw/note; agents."""

from __future__ import annotations

import argparse
from typing import Any

from privdesk.cli.core import EXIT_OK, case_json, case_text, emit, iso_date, record_id
from privdesk.domain.errors import ValidationError
from privdesk.services.agents import AuthorizationInput, PoaInput
from privdesk.services.dto import to_json
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput


def _today(services: Services, args: argparse.Namespace) -> Any:
    return args.on or services.ctx.today()


def _show(args: argparse.Namespace, case: Any) -> int:
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_ack(services: Services, args: argparse.Namespace) -> int:
    return _show(args, services.workflow.acknowledge(args.reference, _today(services, args), args.method))


def _data_point(text: str) -> DataPoint:
    """``name=matched`` | ``name=mismatch`` | ``name=missing`` | ``name`` (received, not compared)."""
    name, _, state = text.partition("=")
    state = state.strip().lower()
    if state in ("", "received"):
        return DataPoint(name.strip(), received=True, matched=None)
    if state in ("matched", "match", "yes"):
        return DataPoint(name.strip(), received=True, matched=True)
    if state in ("mismatch", "no", "unmatched"):
        return DataPoint(name.strip(), received=True, matched=False)
    if state in ("missing", "asked"):
        return DataPoint(name.strip(), received=False, matched=None)
    raise ValidationError(f"data point {text!r}: use NAME=matched, NAME=mismatch or NAME=missing")


def cmd_verify(services: Services, args: argparse.Namespace) -> int:
    data = VerificationInput(
        method=args.method,
        data_points=[_data_point(p) for p in args.point],
        declaration_received=args.declaration,
        account_reauthenticated=args.account,
        final=args.final,
    )
    return _show(args, services.workflow.verify(args.reference, data))


def cmd_extend(services: Services, args: argparse.Namespace) -> int:
    return _show(args, services.workflow.extend(args.reference, _today(services, args), args.reason))


def cmd_respond(services: Services, args: argparse.Namespace) -> int:
    return _show(
        args,
        services.workflow.respond(
            args.reference,
            args.item,
            _today(services, args),
            args.outcome,
            disclose_specific_pieces=args.specific_pieces,
            reasons=_reasons(args),
            explanation=args.explanation or "",
        ),
    )


def cmd_processed(services: Services, args: argparse.Namespace) -> int:
    return _show(
        args,
        services.workflow.record_processed(
            args.reference, args.item, _today(services, args), confirm=args.confirm
        ),
    )


def _reasons(args: argparse.Namespace) -> list[str]:
    return [r for r in (args.reason or "").split(",") if r.strip()]


def cmd_deny(services: Services, args: argparse.Namespace) -> int:
    return _show(
        args,
        services.workflow.deny(
            args.reference, args.item, _today(services, args), _reasons(args), args.explanation or ""
        ),
    )


def cmd_redirect(services: Services, args: argparse.Namespace) -> int:
    return _show(
        args,
        services.workflow.redirect_to_business(
            args.reference, args.item, args.business, _today(services, args), args.business_address or ""
        ),
    )


def cmd_close(services: Services, args: argparse.Namespace) -> int:
    return _show(args, services.workflow.close(args.reference, _today(services, args)))


def cmd_withdraw(services: Services, args: argparse.Namespace) -> int:
    return _show(args, services.workflow.withdraw(args.reference, _today(services, args), args.note or ""))


def cmd_recompute(services: Services, args: argparse.Namespace) -> int:
    return _show(args, services.workflow.recompute_deadlines(args.reference))


def cmd_note(services: Services, args: argparse.Namespace) -> int:
    services.workflow.add_note(args.reference, args.text)
    emit(args, {"reference": args.reference, "noted": True}, "note added")
    return EXIT_OK


def cmd_agent_add(services: Services, args: argparse.Namespace) -> int:
    agent = services.agents.add(args.name, args.kind, args.sos, args.email, args.phone, args.address or "")
    emit(
        args,
        to_json(agent),
        f"agent {agent.id}: {agent.name}" + "".join(f"\n  warning: {w}" for w in agent.warnings),
    )
    return EXIT_OK


def cmd_agent_list(services: Services, args: argparse.Namespace) -> int:
    agents = services.agents.list()
    emit(
        args,
        [to_json(a) for a in agents],
        "\n".join(f"{a.id:>4}  {a.kind:<8} {a.name}  ({a.case_count} cases)" for a in agents) or "no agents",
    )
    return EXIT_OK


def cmd_agent_authorize(services: Services, args: argparse.Namespace) -> int:
    consumer_id = args.consumer
    if consumer_id is None and args.case:
        consumer_id = services.cases.show(args.case).consumer_id
    if consumer_id is None:
        raise ValidationError("give --consumer ID or --case REF")
    poa = None
    if args.poa:
        poa = PoaInput(
            dated=args.poa_dated,
            signed_by_principal=args.poa_signed,
            notarized=args.poa_notarized,
            witness_count=args.poa_witnesses,
        )
    auth = services.agents.authorize(
        AuthorizationInput(
            agent_id=args.agent,
            consumer_id=consumer_id,
            signed_permission=args.signed_permission,
            signed_by=args.signed_by or "",
            signed_on=args.signed_on,
            scope=[s for s in (args.scope or "").split(",") if s.strip()],
            expires_on=args.expires,
            power_of_attorney=poa,
            consumer_confirmed_on=args.consumer_confirmed,
            consumer_confirm_method=args.confirm_method,
        ),
        case_reference=args.case,
    )
    payload = to_json(auth)
    text = f"authorization {auth.id}: agent {auth.agent_name} for {auth.consumer_name}"
    if args.case:
        case, problems, warnings = services.agents.check_case(args.case)
        payload["case"] = {
            "reference": case.reference,
            "status": case.status,
            "holds": not problems,
            "problems": problems,
            "warnings": warnings,
        }
        text += f"\n  {case.reference}: " + ("authorization holds" if not problems else "; ".join(problems))
    emit(args, payload, text)
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    case = groups["case"]

    def step(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = case.add_parser(name, parents=[common], help=help_text)
        p.add_argument("reference")
        p.add_argument("--on", type=iso_date, help="date of the step (default: today)")
        p.set_defaults(handler=handler)
        return p

    p = step("ack", "record the acknowledgement", cmd_ack)
    p.add_argument("--method", choices=["letter", "email", "oral"], default="letter")
    p = step("verify", "record identity verification", cmd_verify)
    p.add_argument("--point", action="append", default=[], metavar="NAME=matched|mismatch|missing")
    p.add_argument("--declaration", action="store_true", help="signed declaration under penalty of perjury")
    p.add_argument("--account", action="store_true", help="re-authenticated through the consumer's account")
    p.add_argument("--method", default="data_points", choices=["data_points", "account", "declaration"])
    p.add_argument("--final", action="store_true", help="nothing more will come: judge as it stands")
    p = step("extend", "extend the response period (once, with a reason)", cmd_extend)
    p.add_argument("--reason", required=True)
    p = step("respond", "record the response to one request item", cmd_respond)
    p.add_argument("--item", required=True, help="request type of the item")
    p.add_argument(
        "--outcome", required=True, choices=["fulfilled", "partly_fulfilled", "denied", "not_applicable"]
    )
    p.add_argument(
        "--specific-pieces", action="store_true", help="specific pieces of information are disclosed"
    )
    p.add_argument("--reason", help="denial reason codes, comma-separated")
    p.add_argument("--explanation")
    p = step(
        "processed",
        "record the day an opt-out or limit request was carried out (meets its deadline)",
        cmd_processed,
    )
    p.add_argument("--item", required=True, help="opt_out_sale_share, limit_sensitive or admt_opt_out")
    p.add_argument("--confirm", action="store_true", help="also record the confirmation and queue its letter")
    p = step("deny", "deny one request item with coded reasons", cmd_deny)
    p.add_argument("--item", required=True)
    p.add_argument("--reason", required=True, help="denial reason codes, comma-separated")
    p.add_argument("--explanation")
    p = step("redirect", "service provider: redirect to the business", cmd_redirect)
    p.add_argument("--item", required=True)
    p.add_argument("--business", required=True)
    p.add_argument("--business-address")
    step("close", "close a responded case", cmd_close)
    p = step("withdraw", "record that the consumer withdrew", cmd_withdraw)
    p.add_argument("--note")
    p = case.add_parser(
        "recompute", parents=[common], help="recompute open items' dates from the current rules"
    )
    p.add_argument("reference")
    p.set_defaults(handler=cmd_recompute)
    p = case.add_parser("note", parents=[common], help="add a note to a case")
    p.add_argument("reference")
    p.add_argument("text")
    p.set_defaults(handler=cmd_note)

    agent = sub.add_parser("agent", help="authorized agents").add_subparsers(
        dest="agent_command", required=True
    )
    p = agent.add_parser("add", parents=[common], help="add an agent to the registry")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", choices=["person", "business"], default="business")
    p.add_argument("--sos", help="Secretary of State registration number")
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.set_defaults(handler=cmd_agent_add)
    p = agent.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_agent_list)
    p = agent.add_parser(
        "authorize", parents=[common], help="record an authorization (and attach it to a case)"
    )
    p.add_argument("--agent", type=record_id, required=True)
    p.add_argument("--consumer", type=int)
    p.add_argument("--case")
    p.add_argument("--signed-permission", action="store_true")
    p.add_argument("--signed-by")
    p.add_argument("--signed-on", type=iso_date)
    p.add_argument("--scope", help="request types covered, comma-separated")
    p.add_argument("--expires", type=iso_date)
    p.add_argument("--consumer-confirmed", type=iso_date, help="date the consumer confirmed directly")
    p.add_argument("--confirm-method")
    p.add_argument("--poa", action="store_true", help="a power of attorney (Probate Code §§4121-4130)")
    p.add_argument("--poa-dated", action="store_true")
    p.add_argument("--poa-signed", action="store_true")
    p.add_argument("--poa-notarized", action="store_true")
    p.add_argument("--poa-witnesses", type=int, default=0)
    p.set_defaults(handler=cmd_agent_authorize)
