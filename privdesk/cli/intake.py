"""Intake commands: import email files, the inbox, call notes, and fetching a mailbox.

``privdesk inbox import-csv FILE --org SLUG --map FIELD=COLUMN...`` imports a web form's CSV export; the
mapping is remembered for files with the same columns, so later exports need only ``--org``.

``privdesk import FILE... --json`` prints a list with one object per file: the intake item
(``intake_id``, ``file``, ``sender``, ``subject``, ``received``, ``types``, ``jurisdiction``, ``agent``,
``is_request``, ``organization``, ``warnings``, ``duplicate_of``) or ``file`` and ``error``. A duplicate
names the item already in the inbox in both ``intake_id`` and ``duplicate_of``. The exit code is 0 when
at least one file was imported or recognised as a duplicate, 1 when every file failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import getpass
import sys
from typing import Any

from privdesk.cli.core import EXIT_ERROR, EXIT_OK, case_json, case_text, emit, iso_date, record_id
from privdesk.domain.errors import ValidationError
from privdesk.intake.model import MB
from privdesk.services.dto import to_json
from privdesk.services.hub import Services
from privdesk.services.intake import (
    CallNote,
    ImportFailureDTO,
    IntakeItemDTO,
    NewCaseFromIntake,
    result_json,
)


def _verdict(is_request: bool | None, types: list[str], possible: bool) -> str:
    if is_request is False:
        return "possible request — check" if possible else "not a request"
    return ", ".join(types) or "?"


def _result_line(payload: dict[str, Any]) -> str:
    if "error" in payload:
        return f"{payload['file']}: ERROR {payload['error']}"
    what = _verdict(payload["is_request"], payload["types"], bool(payload.get("possible_request")))
    dup = f" (duplicate of #{payload['duplicate_of']})" if payload["duplicate_of"] else ""
    return (
        f"#{payload['intake_id']}{dup} {payload['file']}: {payload['received']} "
        f"{payload['organization'] or '-'} {payload['jurisdiction'] or '-'} [{what}]"
        + (" agent" if payload["agent"] else "")
        + f"  {payload['subject']}"
    )


def cmd_import(services: Services, args: argparse.Namespace) -> int:
    outcomes = services.intake.import_files(args.files, organization=args.org)
    payload = [result_json(o) for o in outcomes]
    emit(args, payload, "\n".join(_result_line(p) for p in payload) or "no files")
    if outcomes and all(isinstance(o, ImportFailureDTO) for o in outcomes):
        return EXIT_ERROR
    return EXIT_OK


def _item_json(item: IntakeItemDTO) -> dict[str, Any]:
    data: dict[str, Any] = to_json(item)
    return data


def cmd_inbox_list(services: Services, args: argparse.Namespace) -> int:
    rows = services.intake.pending()
    text = "\n".join(
        f"#{r.id:<5} {r.channel:<6} {r.received_on.isoformat()} {r.organization or '-':<12} "
        f"[{_verdict(r.is_request, r.types, r.possible)}] "
        f"{r.sender_name or r.sender_address}: {r.subject}"
        for r in rows
    )
    emit(args, [to_json(r) for r in rows], text or "the inbox is empty")
    return EXIT_OK


def cmd_inbox_limits(services: Services, args: argparse.Namespace) -> int:
    limits = services.intake.limits
    changes = {
        "max_file_bytes": args.max_file_mb * MB if args.max_file_mb is not None else None,
        "max_attachment_bytes": args.max_attachment_mb * MB if args.max_attachment_mb is not None else None,
        "max_attachments": args.max_attachments,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if given:
        limits = services.intake.set_limits(dataclasses.replace(limits, **given))
    emit(
        args,
        dataclasses.asdict(limits),
        f"largest file {limits.max_file_bytes // MB} MB, largest attachment "
        f"{limits.max_attachment_bytes // MB} MB, at most {limits.max_attachments} attachments",
    )
    return EXIT_OK


def cmd_inbox_show(services: Services, args: argparse.Namespace) -> int:
    item = services.intake.show(args.id)
    evidence = item.detection.get("evidence", {})
    lines = [
        f"#{item.id} {item.status} {item.channel} received {item.received_on.isoformat()}",
        f"  from: {item.sender_name} <{item.sender_address}>",
        f"  subject: {item.subject}",
        *(f"  {key}: {'; '.join(phrases)}" for key, phrases in evidence.items()),
        *(f"  warning: {w}" for w in item.warnings),
        *(
            f"  document #{d.id} {d.kind} {d.filename} ({d.size} bytes, sha256 {d.sha256})"
            for d in item.documents
        ),
    ]
    emit(args, _item_json(item), "\n".join(lines))
    return EXIT_OK


def cmd_inbox_set_aside(services: Services, args: argparse.Namespace) -> int:
    item = services.intake.set_aside(args.id, args.reason)
    emit(args, _item_json(item), f"#{item.id} set aside")
    return EXIT_OK


def cmd_inbox_correct_date(services: Services, args: argparse.Namespace) -> int:
    item = services.intake.correct_received_date(args.id, args.received, args.reason)
    emit(args, _item_json(item), f"#{item.id} received {item.received_on.isoformat()}")
    return EXIT_OK


def cmd_inbox_attach(services: Services, args: argparse.Namespace) -> int:
    item = services.intake.attach_to_case(args.id, args.reference)
    emit(args, _item_json(item), f"#{item.id} attached to {item.case_reference}")
    return EXIT_OK


def _csv(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def cmd_inbox_make_case(services: Services, args: argparse.Namespace) -> int:
    """The officer's confirmation: options given override the suggestion from detection."""
    suggested = services.intake.suggest_case(args.id)
    confirmed = NewCaseFromIntake(
        types=_csv(args.type) or list(suggested.types),
        jurisdiction=args.jurisdiction or suggested.jurisdiction,
        organization=args.org or suggested.organization,
        name=args.name or suggested.name,
        email=args.email if args.email is not None else suggested.email,
        phone=args.phone if args.phone is not None else suggested.phone,
        address=args.address if args.address is not None else suggested.address,
        agent_name=args.agent_name if args.agent_name is not None else suggested.agent_name,
        received=args.received or None,
        subject=suggested.subject,
        summary=suggested.summary,
        ca_residency_attested=args.ca_resident or suggested.ca_residency_attested,
        requester_relation=suggested.requester_relation,
    )
    if not confirmed.types:
        raise ValidationError("no request type was detected: give --type")
    if not confirmed.jurisdiction:
        raise ValidationError("no jurisdiction was detected: give --jurisdiction")
    if not confirmed.organization:
        raise ValidationError("no organization was recognised: give --org")
    case = services.intake.make_case(args.id, confirmed)
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_call_note(services: Services, args: argparse.Namespace) -> int:
    at = args.at or services.ctx.now()
    result = services.intake.add_call_note(
        CallNote(
            organization=args.org,
            received_at=at,
            caller_number=args.caller or "",
            caller_name=args.name or "",
            what_they_asked=args.asked,
            data_points_given=args.data_point or [],
            line_called=args.number or "",
        )
    )
    payload = result_json(result)
    emit(args, payload, _result_line(payload))
    return EXIT_OK


def _mapping_option(text: str) -> tuple[str, str]:
    from privdesk.services.intake.webform import FIELDS

    field, sep, column = text.partition("=")
    field = field.strip()
    if not sep or field not in FIELDS or not column.strip():
        raise argparse.ArgumentTypeError(
            f"expected FIELD=COLUMN with FIELD one of {', '.join(FIELDS)} (got {text!r})"
        )
    return field, column.strip()


def _mapping_words(mapping: dict[str, str]) -> str:
    return " ".join(f"--map {key}={column!r}" for key, column in mapping.items())


def cmd_inbox_import_csv(services: Services, args: argparse.Namespace) -> int:
    """A web form's CSV export: each row an intake item. The columns are mapped once (``--map``) and
    remembered for files with the same columns."""
    from privdesk.services.intake.webform import FIELDS, REQUIRED, csv_columns

    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:
            text = handle.read(20_000_000)
    except OSError as exc:
        raise ValidationError(f"{args.file} cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{args.file} is not UTF-8 text: export the form as CSV (UTF-8)") from exc
    columns = csv_columns(text)
    if not any(columns):
        raise ValidationError(f"{args.file} has no header row: nothing was imported")
    mapping, remembered = services.intake.web_form_mapping(columns)
    given = dict(args.map or [])
    unknown = [column for column in given.values() if column not in columns]
    if unknown:
        raise ValidationError(
            f"the file has no column named {unknown[0]!r}; its columns are: " + ", ".join(columns)
        )
    if not remembered and not given:
        # A new form: the officer says once which column holds what; a guess is only offered.
        raise ValidationError(
            "these columns have not been mapped yet: give the mapping once, e.g. "
            + (_mapping_words(mapping) or "--map received=COLUMN --map name=COLUMN --map request=COLUMN")
            + "; the file's columns are: "
            + ", ".join(columns)
        )
    mapping = {**mapping, **given} if remembered else given
    missing = [k for k in REQUIRED if not mapping.get(k)]
    if missing:
        raise ValidationError(
            "choose the columns for: " + ", ".join(f"{FIELDS[k]} (--map {k}=COLUMN)" for k in missing)
        )
    result = services.intake.import_web_form(args.org, text, mapping)
    payload = {
        "file": args.file,
        "rows": result.rows,
        "imported": result.imported,
        "problems": result.problems,
        "mapping": mapping,
        "mapping_remembered": remembered and not given,
    }
    lines = [f"Imported {len(result.imported)} of {result.rows} rows from {args.file} as inbox items."]
    lines += [f"  not imported: {problem}" for problem in result.problems]
    lines.append("Columns: " + ", ".join(f"{FIELDS[k]} <- {v!r}" for k, v in mapping.items()))
    emit(args, payload, "\n".join(lines))
    return EXIT_OK if result.imported or not result.rows else EXIT_ERROR


def cmd_mailbox_fetch(services: Services, args: argparse.Namespace) -> int:
    report = services.intake.fetch_mailbox(args.id, limit=args.limit)
    failed = [result_json(f) for f in report.failed]
    set_aside = [result_json(f) for f in services.intake.set_aside_messages(args.id)]
    payload = {
        "account_id": report.account_id,
        "imported": [result_json(r) for r in report.imported],
        "failed": failed,
        "set_aside": set_aside,
        "cancelled": report.cancelled,
    }
    text = f"{len(report.imported)} imported, {len(report.failed)} could not be read"
    if set_aside:
        text += f"; {len(set_aside)} set aside after repeated failures (left on the server)"
    emit(args, payload, "\n".join([text, *(_result_line(p) for p in failed)]))
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str | None:
    """From stdin with --password-stdin, else asked without echo; empty keeps the one already kept."""
    if args.password_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        text = getpass.getpass("Mailbox password (empty keeps the one already kept): ")
    else:
        text = ""
    return text or None


def cmd_mailbox_configure(services: Services, args: argparse.Namespace) -> int:
    tls = args.tls or "ssl"
    after = "move" if args.move_to else ("leave" if args.leave else "mark_seen")
    port = args.port or (993 if tls == "ssl" else 143)
    box = services.intake.configure_mailbox(
        args.org,
        args.host,
        port,
        tls,
        args.user,
        _read_password(args),
        folder=args.folder,
        after_import=after,
        move_to=args.move_to,
        interval_minutes=args.every,
    )
    every = f"every {box.interval_minutes} min" if box.interval_minutes else "on demand"
    kept = "password kept in the keyring" if box.password_kept else "NO password kept"
    text = (
        f"#{box.id} {box.organization}: {box.username}@{box.host}:{box.port}/{box.folder} ({every}; {kept})"
    )
    emit(args, to_json(box), text)
    return EXIT_OK


def cmd_mailbox_list(services: Services, args: argparse.Namespace) -> int:
    boxes = services.intake.mailboxes()
    text = "\n".join(f"#{b.id} {b.organization}: {b.username}@{b.host}:{b.port}/{b.folder}" for b in boxes)
    emit(args, [to_json(b) for b in boxes], text or "no mailboxes")
    return EXIT_OK


def _local_datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time (use YYYY-MM-DDTHH:MM)") from None


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    p = sub.add_parser("import", parents=[common], help="import .eml/.msg files into the inbox")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--org", help="the organization the messages were sent to (otherwise detected)")
    p.set_defaults(handler=cmd_import)

    inbox = sub.add_parser("inbox", help="intake items waiting for a decision").add_subparsers(
        dest="inbox_command", required=True
    )
    p = inbox.add_parser("list", parents=[common], help="pending intake items")
    p.set_defaults(handler=cmd_inbox_list)
    p = inbox.add_parser(
        "limits", parents=[common], help="show or change the import limits (administrators change them)"
    )
    p.add_argument("--max-file-mb", type=int, metavar="MB")
    p.add_argument("--max-attachment-mb", type=int, metavar="MB")
    p.add_argument("--max-attachments", type=int, metavar="N")
    p.set_defaults(handler=cmd_inbox_limits)
    p = inbox.add_parser("show", parents=[common], help="one item with its detection evidence")
    p.add_argument("id", type=record_id)
    p.set_defaults(handler=cmd_inbox_show)
    p = inbox.add_parser("set-aside", parents=[common], help="not a request: set aside with a reason")
    p.add_argument("id", type=record_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_inbox_set_aside)
    p = inbox.add_parser("correct-date", parents=[common], help="correct the received date (audited)")
    p.add_argument("id", type=record_id)
    p.add_argument("--received", required=True, type=iso_date)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_inbox_correct_date)
    p = inbox.add_parser("attach", parents=[common], help="attach the item to an existing case")
    p.add_argument("id", type=record_id)
    p.add_argument("reference")
    p.set_defaults(handler=cmd_inbox_attach)
    p = inbox.add_parser(
        "make-case",
        parents=[common],
        help="confirm the item as a new case (detection fills what is not given)",
    )
    p.add_argument("id", type=record_id)
    p.add_argument("--type", help="request type codes, comma-separated")
    p.add_argument("--jurisdiction")
    p.add_argument("--org")
    p.add_argument("--name")
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--agent-name")
    p.add_argument("--received", type=iso_date)
    p.add_argument("--ca-resident", action="store_true")
    p.set_defaults(handler=cmd_inbox_make_case)
    p = inbox.add_parser(
        "import-csv",
        parents=[common],
        help="requests from a web form's CSV export, each row an inbox item (columns mapped once)",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--org", required=True, help="the organization the form belongs to")
    p.add_argument(
        "--map",
        action="append",
        type=_mapping_option,
        metavar="FIELD=COLUMN",
        help="which column holds a field (received, name, email, phone, address, request, types); "
        "given once, remembered for files with the same columns",
    )
    p.set_defaults(handler=cmd_inbox_import_csv)

    p = sub.add_parser("call-note", parents=[common], help="record a phone call as an intake item")
    p.add_argument("--org", required=True)
    p.add_argument("--caller", help="the caller's phone number")
    p.add_argument("--name", help="the caller's name")
    p.add_argument("--asked", required=True, help="what they asked, in their words")
    p.add_argument("--number", help="the line (toll-free number) they called")
    p.add_argument("--data-point", action="append", help="a data point given for verification (repeat)")
    p.add_argument("--at", type=_local_datetime, help="date and time of the call (default: now)")
    p.set_defaults(handler=cmd_call_note)

    mailbox = sub.add_parser("mailbox", help="IMAP mailboxes").add_subparsers(
        dest="mailbox_command", required=True
    )
    p = mailbox.add_parser("fetch", parents=[common], help="import new messages from a mailbox")
    p.add_argument("id", type=record_id)
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(handler=cmd_mailbox_fetch)
    p = mailbox.add_parser(
        "configure", parents=[common], help="set an organization's IMAP mailbox (password to the keyring)"
    )
    p.add_argument("org", metavar="ORG")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, help="default 993 with TLS, 143 otherwise")
    p.add_argument("--user", required=True)
    security = p.add_mutually_exclusive_group()
    security.add_argument("--tls", dest="tls", action="store_const", const="ssl", help="TLS (default)")
    security.add_argument("--starttls", dest="tls", action="store_const", const="starttls")
    security.add_argument(
        "--no-tls", dest="tls", action="store_const", const="none", help="plain (a local server only)"
    )
    p.add_argument("--folder", default="INBOX")
    after = p.add_mutually_exclusive_group()
    after.add_argument(
        "--move-to", metavar="FOLDER", help="move imported messages there (default: mark read)"
    )
    after.add_argument("--leave", action="store_true", help="leave imported messages as they are")
    p.add_argument(
        "--every", type=int, default=0, metavar="MIN", help="fetch every MIN minutes (0: on demand)"
    )
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first stdin line"
    )
    p.set_defaults(handler=cmd_mailbox_configure)
    p = mailbox.add_parser("list", parents=[common], help="configured mailboxes")
    p.set_defaults(handler=cmd_mailbox_list)
