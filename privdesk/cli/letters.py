"""Letter commands: the morning print batch, the outbox list, rendering one letter, marking mail sent."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from privdesk.cli.core import EXIT_OK, emit, iso_date, output_file, record_id
from privdesk.domain.errors import ValidationError
from privdesk.services.dto import to_json
from privdesk.services.hub import Services
from privdesk.services.letters import (
    SEND_METHODS,
    HeldLetter,
    LetterCheckDTO,
    OutboxLetterDTO,
    write_file,
)


def _letter_text(letter: OutboxLetterDTO) -> str:
    mailed = f" {letter.method} {letter.sent_on.isoformat()}" if letter.sent_on and letter.method else ""
    return (
        f"{letter.id:>5}  {letter.status:<9} {letter.case_reference}  {letter.kind:<28} "
        f"{letter.recipient_name}{mailed}"
    )


def _held_json(h: HeldLetter) -> dict[str, Any]:
    return {
        "letter_id": h.letter_id,
        "reference": h.reference,
        "kind": h.kind,
        "field": h.field,
        "reason": h.reason,
        **({"email": h.email} if h.email else {}),
    }


def cmd_letters_batch(services: Services, args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> None:
        if not args.json:
            print(f"\rchecking and laying out {done}/{total}", end="", file=sys.stderr, flush=True)

    summary = services.letters.batch(args.date or services.ctx.today(), Path(args.out), progress=progress)
    if not args.json:
        print(file=sys.stderr)
    payload: dict[str, Any] = {
        "date": summary.on.isoformat(),
        "count": summary.count,
        "envelopes": summary.envelopes,
        "letter_ids": summary.letter_ids,
        "combined_pdf": str(summary.combined_pdf) if summary.combined_pdf else None,
        "address_sheet": str(summary.address_sheet) if summary.address_sheet else None,
        "labels": str(summary.labels) if summary.labels else None,
        "letter_files": [str(p) for p in summary.letter_files],
        "held_back": [_held_json(h) for h in summary.held_back],
        "no_address": [_held_json(h) for h in summary.no_address],
        "checks": [_held_json(h) for h in summary.checks],
    }
    lines = []
    if summary.count:
        lines.append(
            f"{summary.count} letters in {summary.envelopes} envelopes: {summary.combined_pdf} "
            f"(print it, then: privdesk letters confirm-printed --date {summary.on.isoformat()})"
        )
    else:
        lines.append(_nothing_printed(services))
    if summary.checks:
        lines.append("check before sealing:")
        lines.extend(f"  {h}" for h in summary.checks)
    if summary.held_back:
        lines.append(f"held back ({len(summary.held_back)}):")
        lines.extend(f"  {h}" for h in summary.held_back)
    if summary.no_address:
        lines.append(f"no postal address: email or find an address ({len(summary.no_address)}):")
        lines.extend(f"  {h}" + (f" <{h.email}>" if h.email else "") for h in summary.no_address)
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


def cmd_letters_confirm_printed(services: Services, args: argparse.Namespace) -> int:
    letters = services.letters.confirm_printed(args.date or services.ctx.today())
    emit(args, [to_json(x) for x in letters], f"{len(letters)} letters recorded as printed")
    return EXIT_OK


def _nothing_printed(services: Services) -> str:
    """Why a batch found nothing: letters held by another (or an interrupted) print run are named."""
    from privdesk.services.claims import claim_holders

    held = claim_holders(services.db)
    if not held:
        return "no letters waiting to print"
    lines = []
    for holder in held:
        state = {False: "no longer running", True: "still running", None: "on another computer"}[holder.alive]
        until = holder.until.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(
            f"{holder.count} letters claimed by {holder.worker} ({state}) until {until}; "
            "`privdesk letters release` frees them"
        )
    return "\n".join(lines)


def cmd_letters_release(services: Services, args: argparse.Namespace) -> int:
    from privdesk.services.claims import release_stale

    count = release_stale(services.ctx, everything=args.all)
    emit(args, {"released": count}, f"released {count} letters" if count else "no stale claims to release")
    return EXIT_OK


def cmd_letters_list(services: Services, args: argparse.Namespace) -> int:
    letters = services.letters.outbox(status=args.status, date=args.date)
    emit(args, [to_json(x) for x in letters], "\n".join(_letter_text(x) for x in letters) or "no letters")
    return EXIT_OK


def _check_json(check: LetterCheckDTO) -> dict[str, Any]:
    return {
        "letter_id": check.letter_id,
        "reference": check.reference,
        "kind": check.kind,
        "printable": check.printable,
        "no_address": check.no_address,
        "problems": check.problems,
        "warnings": check.warnings,
    }


def cmd_letter_render(services: Services, args: argparse.Namespace) -> int:
    """One letter, checked as the batch checks it: a letter the pre-flight refuses writes no file."""
    check: LetterCheckDTO | None = None
    if args.id is not None:
        pdf = services.letters.render(args.id)
        letter = services.letters.show(args.id)
        reference, kind = letter.case_reference, letter.kind
        check = services.letters.check(args.id)
    elif args.reference and args.kind:
        pdf = services.letters.render_case_letter(args.reference, args.kind)
        reference, kind = args.reference.upper(), args.kind
    else:
        raise ValidationError("give a letter id (--id N), or a case reference with --kind")
    target = Path(args.out)
    write_file(target, pdf)
    notes = []
    if check is not None and check.no_address:
        notes.append("no postal address: email the letter or find an address")
    if check is not None and check.warnings:
        notes.append("check before sealing: " + "; ".join(check.warnings))
    emit(
        args,
        {
            "reference": reference,
            "kind": kind,
            "out": str(target),
            "size": len(pdf),
            **({"check": _check_json(check)} if check is not None else {}),
        },
        "\n".join([f"wrote {target} ({len(pdf)} bytes)", *notes]),
    )
    return EXIT_OK


def cmd_letter_check(services: Services, args: argparse.Namespace) -> int:
    check = services.letters.check(args.id)
    emit(args, _check_json(check), check.summary)
    return EXIT_OK


def cmd_letter_void(services: Services, args: argparse.Namespace) -> int:
    letter = services.letters.void(args.id, args.reason)
    emit(args, to_json(letter), _letter_text(letter))
    return EXIT_OK


def cmd_letter_address(services: Services, args: argparse.Namespace) -> int:
    address = args.address.replace("\\n", "\n").replace("|", "\n")
    problems = services.letters.edit_consumer_address(args.reference, address)
    text = "address saved" + (
        "; but: " + "; ".join(problems) if problems else "; it fits the envelope window"
    )
    emit(args, {"reference": args.reference.upper(), "problems": problems}, text)
    return EXIT_OK


def cmd_letter_enclose(services: Services, args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    name = args.name or path.name
    document_id = services.letters.attach_enclosure(args.reference, name, data)
    emit(
        args,
        {"reference": args.reference.upper(), "document_id": document_id, "filename": name},
        f"{name} attached to {args.reference.upper()}; its answer lists it under Enclosures",
    )
    return EXIT_OK


def cmd_letter_mark_sent(services: Services, args: argparse.Namespace) -> int:
    letter = services.letters.mark_sent(
        args.id,
        args.on or services.ctx.today(),
        args.method,
        tracking_number=args.tracking,
        message_id=args.message_id,
    )
    emit(args, to_json(letter), _letter_text(letter))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    letters = sub.add_parser("letters", help="the outbox and the print batch").add_subparsers(
        dest="letters_command", required=True
    )
    p = letters.add_parser("batch", parents=[common], help="render the day's letters for printing")
    p.add_argument(
        "--date",
        type=iso_date,
        help="the mailing day: letters are dated it, files named by it (default: today)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the PDFs")
    p.set_defaults(handler=cmd_letters_batch)
    p = letters.add_parser(
        "confirm-printed", parents=[common], help="record that a run's pages came out of the printer"
    )
    p.add_argument("--date", type=iso_date, help="the run's day (default: today)")
    p.set_defaults(handler=cmd_letters_confirm_printed)
    p = letters.add_parser(
        "release",
        parents=[common],
        help="free letters claimed by print runs that stopped (interrupted or killed)",
    )
    p.add_argument("--all", action="store_true", help="free every claim, even of a run that seems alive")
    p.set_defaults(handler=cmd_letters_release)
    p = letters.add_parser("list", parents=[common], help="list letters in the outbox")
    p.add_argument("--status", help="queued, generated, printed, sent, returned or void")
    p.add_argument("--date", type=iso_date, help="letters created, printed or sent that day")
    p.set_defaults(handler=cmd_letters_list)

    letter = sub.add_parser("letter", help="one letter").add_subparsers(dest="letter_command", required=True)
    p = letter.add_parser("render", parents=[common], help="write a letter (by id, or a case's) as a PDF")
    p.add_argument("reference", nargs="?")
    p.add_argument("--id", type=record_id, help="the letter's id (as letters list shows it)")
    p.add_argument("--kind")
    p.add_argument("--out", required=True, metavar="FILE", type=output_file)
    p.set_defaults(handler=cmd_letter_render)
    p = letter.add_parser(
        "check", parents=[common], help="the batch's pre-flight for one letter: can it print, and why not"
    )
    p.add_argument("id", type=record_id)
    p.set_defaults(handler=cmd_letter_check)
    p = letter.add_parser("mark-sent", parents=[common], help="record that a letter was mailed or emailed")
    p.add_argument("id", type=record_id)
    p.add_argument("--method", required=True, choices=SEND_METHODS)
    p.add_argument("--tracking", help="tracking number (certified mail)")
    p.add_argument(
        "--message-id",
        help="Message-ID of the email it went out in (email): a reply naming it finds the case",
    )
    p.add_argument("--on", type=iso_date, help="day it was mailed (default: today)")
    p.set_defaults(handler=cmd_letter_mark_sent)
    p = letter.add_parser("void", parents=[common], help="void a letter that was not sent")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_letter_void)
    p = letter.add_parser(
        "enclose", parents=[common], help="attach a file to go out with the case's answer (an enclosure)"
    )
    p.add_argument("reference")
    p.add_argument("--file", required=True, metavar="FILE")
    p.add_argument("--name", help="the name the letter lists (default: the file's name)")
    p.set_defaults(handler=cmd_letter_enclose)
    p = letter.add_parser("address", parents=[common], help="correct the postal address of a case's consumer")
    p.add_argument("reference")
    p.add_argument("--address", required=True, help='the lines under the name, separated by "|" or newlines')
    p.set_defaults(handler=cmd_letter_address)
