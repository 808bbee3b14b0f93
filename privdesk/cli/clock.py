"""Clock commands: when the UK "relevant time" came, and the pauses the law grants (UK clarification,
Iowa authentication, GDPR identity information).

privdesk case clock-start REF --item know_specific --on DATE   # identity information or fee received
privdesk case pause REF --item know_specific --on DATE [--reason clarification|authentication|identity]
privdesk case resume REF --item know_specific --on DATE        # the clarification arrived
"""

from __future__ import annotations

import argparse
from typing import Any

from privdesk.cli.core import EXIT_OK, case_json, case_text, emit, iso_date
from privdesk.services.hub import Services


def _on(services: Services, args: argparse.Namespace) -> Any:
    return args.on or services.ctx.today()


def cmd_clock_start(services: Services, args: argparse.Namespace) -> int:
    case = services.clock.set_relevant_time(args.reference, args.item, _on(services, args))
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_pause(services: Services, args: argparse.Namespace) -> int:
    case = services.clock.pause(args.reference, args.item, _on(services, args), reason=args.reason)
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_resume(services: Services, args: argparse.Namespace) -> int:
    case = services.clock.resume(args.reference, args.item, _on(services, args))
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    case = groups["case"]
    for name, help_text, handler in (
        ("clock-start", "the clock runs from this day (identity data or fee received)", cmd_clock_start),
        ("pause", "stop the clock while what the law allows is awaited", cmd_pause),
        ("resume", "restart a stopped clock (what was awaited arrived)", cmd_resume),
    ):
        p = case.add_parser(name, parents=[common], help=help_text)
        p.add_argument("reference")
        p.add_argument("--item", required=True, help="request type of the item")
        p.add_argument("--on", type=iso_date, help="the day (default: today)")
        if name == "pause":
            p.add_argument(
                "--reason",
                help="the pause the rule file names (clarification, authentication, identity); "
                "default: the law's only one",
            )
        p.set_defaults(handler=handler)
