"""The command line (DESIGN.md §7): scripting, scheduled jobs and support, always through services.

With ``--json`` a command prints JSON on stdout. Bad input gives a one-line reason on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from privdesk.domain.display import display_safe, is_unsafe
from privdesk.domain.errors import DomainError, ValidationError
from privdesk.logsafe import log_exception
from privdesk.services.dto import CaseDTO, CaseFilter, to_json
from privdesk.services.hub import Services

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date (use YYYY-MM-DD)") from None


MAX_RECORD_ID = 2**63 - 1  # the largest id either database stores


def record_id(text: str) -> int:
    """An id given on the command line: a whole number the database can hold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{safe(text)!r} is not an id (a whole number)") from None
    if not 1 <= value <= MAX_RECORD_ID:
        shown = text if len(text) <= 30 else text[:27] + "…"
        raise argparse.ArgumentTypeError(f"there is no id {shown} (ids run from 1 to {MAX_RECORD_ID})")
    return value


def output_file(text: str) -> str:
    """A file to write: not an existing folder, and in a folder that exists."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{safe(text)} is a folder: name the file to write inside it")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {safe(str(path.parent))} does not exist")
    return text


def safe(text: str) -> str:
    """Text for the terminal: control and bidirectional characters as visible ⟨U+XXXX⟩ markers, as
    the desktop shows them (the stored text is unchanged)."""
    return display_safe(text, keep_newlines=True, limit=max(len(text), 1))


def _json_safe(text: str) -> str:
    """JSON with every control, bidirectional or invisible character written as a ``\\u`` escape: the
    same data for a program, nothing a terminal would act on."""
    out: list[str] = []
    for char in text:
        if char not in "\n" and is_unsafe(char):
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if args.json:
        print(_json_safe(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False)))
    else:
        print(safe(text))


# -- case commands ----------------------------------------------------------------------------


def case_json(case: CaseDTO) -> dict[str, Any]:
    data: dict[str, Any] = to_json(case)
    return data


def case_text(case: CaseDTO) -> str:
    lines = [
        f"{case.reference}  {case.status}  {case.organization_name}  {case.jurisdiction}  via {case.channel}",
        f"  consumer: {case.consumer_name}" + (f" (agent: {case.agent_name})" if case.agent_name else ""),
        f"  received: {case.received_on.isoformat()}",
    ]
    for item in case.items:
        parts = [f"  - {item.type}: {item.status}"]
        if item.acknowledge_by:
            parts.append(f"acknowledge by {item.acknowledge_by.isoformat()}")
        if item.respond_by:
            parts.append(f"respond by {item.respond_by.isoformat()}")
        if item.extended_respond_by:
            parts.append(f"extended {item.extended_respond_by.isoformat()}")
        if item.clock_started_on:
            parts.append(f"clock from {item.clock_started_on.isoformat()}")
        if item.paused_since:
            parts.append(f"clock PAUSED since {item.paused_since.isoformat()}")
        if item.know_since:
            parts.append(f"covers data since {item.know_since.isoformat()}")
        if item.processed_on:
            parts.append(f"processed {item.processed_on.isoformat()}")
        lines.append(", ".join(parts))
    if case.next_action:
        due = f" by {case.next_action.due.isoformat()}" if case.next_action.due else ""
        flag = " (OVERDUE)" if case.next_action.overdue else ""
        lines.append(f"  next: {case.next_action.label}{due}{flag}")
    for w in case.warnings:
        lines.append(f"  warning [{w.code}]: {w.message}")
    return "\n".join(lines)


def cmd_case_new(services: Services, args: argparse.Namespace) -> int:
    from privdesk.services.cases import NewCase

    case = services.cases.create(
        NewCase(
            organization=args.org,
            jurisdiction=args.jurisdiction,
            types=[t for t in args.type.split(",") if t.strip()],
            channel=args.channel,
            received=args.received,
            name=args.name,
            email=args.email,
            phone=args.phone,
            address=args.address or "",
            agent_name=args.agent_name,
            subject=args.subject or "",
            summary=args.summary or "",
            ca_residency_attested=args.ca_resident,
            designated_channel=not args.not_designated,
            know_since=None if args.know_since in (None, "all") else iso_date(args.know_since),
            know_everything=args.know_since == "all",
        )
    )
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_case_show(services: Services, args: argparse.Namespace) -> int:
    case = services.cases.show(args.reference)
    emit(args, case_json(case), case_text(case))
    return EXIT_OK


def cmd_case_list(services: Services, args: argparse.Namespace) -> int:
    rows = services.cases.list(
        CaseFilter(
            status=args.status,
            organization=args.org,
            request_type=args.type,
            due_before=args.due_before,
            overdue=args.overdue,
            search=args.search,
            open_only=args.open,
        )
    )
    text = (
        "\n".join(
            f"{r.reference}  {r.status:<22} {r.organization:<12} {r.jurisdiction:<6} "
            f"{(r.next_due_on.isoformat() if r.next_due_on else '-'):<10} {'OVERDUE ' if r.overdue else ''}"
            f"{r.consumer_name}  [{', '.join(r.types)}]"
            for r in rows
        )
        or "no cases"
    )
    emit(args, [to_json(r) for r in rows], text)
    return EXIT_OK


def cmd_calendar(services: Services, args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    text = services.cases.deadlines_calendar(args.org)
    target = Path(args.out)
    temporary = target.with_name(f".{target.name}.part")
    temporary.write_text(text, encoding="utf-8", newline="")
    os.replace(temporary, target)  # a subscribed calendar never reads half a file
    count = text.count("BEGIN:VEVENT")
    emit(args, {"out": str(target), "events": count}, f"{count} deadline(s) written to {target}")
    return EXIT_OK


def cmd_seed_demo(services: Services, args: argparse.Namespace) -> int:
    from privdesk.services.demo import seed_demo

    summary = seed_demo(services)
    emit(args, summary, f"loaded {summary['organizations']} organizations and {summary['cases']} cases")
    return EXIT_OK


def cmd_org_list(services: Services, args: argparse.Namespace) -> int:
    orgs = services.organizations.list()
    emit(args, [to_json(o) for o in orgs], "\n".join(f"{o.slug:<12} {o.legal_name}" for o in orgs) or "none")
    return EXIT_OK


def cmd_org_show(services: Services, args: argparse.Namespace) -> int:
    org = services.organizations.show(args.slug)
    emit(args, to_json(org), f"{org.slug}: {org.legal_name} ({org.role})\n{org.postal_address}")
    return EXIT_OK


def cmd_org_import(services: Services, args: argparse.Namespace) -> int:
    from pathlib import Path

    org = services.organizations.import_profile_file(Path(args.file))
    emit(args, to_json(org), f"imported {org.slug}: {org.legal_name}")
    return EXIT_OK


def cmd_audit_verify(services: Services, args: argparse.Namespace) -> int:
    report = services.audit.verify()
    payload = to_json(report)
    text = (
        f"audit trail intact: {report.checked} events checked"
        if report.ok
        else f"audit trail BROKEN at event {report.first_broken_id}: {report.reason}"
    )
    emit(args, payload, text)
    return EXIT_OK if report.ok else EXIT_ERROR


# -- commands that need no database -----------------------------------------------------------


def cmd_deadlines(args: argparse.Namespace) -> int:
    """Statutory dates for a receipt date; a date after today is answered as a projection, for
    planning ("if the letter arrives on Monday"). Case creation still refuses future dates."""
    from privdesk.domain.rules import load_rulebook

    rulebook = load_rulebook(count_saturdays=args.count_saturdays)
    result = rulebook.deadlines(
        args.jurisdiction,
        args.type,
        args.received,
        designated_channel=not args.not_designated,
        allow_future=True,
    )
    payload = result.to_json()
    lines = []
    if result.projection:
        lines.append(f"PROJECTION: received {args.received.isoformat()} is in the future")
    if not result.in_force:
        lines.append(f"no statutory dates: {result.note}")
    shown = ("basis", "in_force", "note", "projection", "unconfirmed")
    lines += [f"{k}: {v if v is not None else '-'}" for k, v in payload.items() if k not in shown]
    lines += [f"  {k}: {v}" for k, v in payload.get("basis", {}).items()]
    if result.unconfirmed:
        lines.append("unconfirmed [U]: " + "; ".join(k.split(":")[0] for k in result.unconfirmed))
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


def cmd_appeal_info(args: argparse.Namespace) -> int:
    """The appeal process of a jurisdiction and, given the appeal's receipt date, its decision dates."""
    from privdesk.domain.rules import load_rulebook

    info = load_rulebook().appeal_info(args.jurisdiction, args.received)
    payload = info.to_json()
    lines = [f"{k}: {v if v is not None else '-'}" for k, v in payload.items() if k != "basis"]
    lines += [f"  {k}: {v}" for k, v in payload["basis"].items()]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------

Handler = Callable[[Services, argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON on stdout")

    parser = _Parser(prog="privdesk", description="Case management for consumer privacy requests.")
    parser.add_argument(
        "--db", metavar="PATH_OR_URL", help="database file or SQLAlchemy URL (or PRIVDESK_DB)"
    )
    parser.add_argument("--demo", action="store_true", help="use the demo database with sample data")
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"sign in as this account when the database has accounts (or {USER_ENV}); the password is "
        f"asked for, or read from {LOGIN_PASSWORD_ENV}",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="create a NEW database unencrypted (fictional or test data only; existing files are unchanged)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("seed-demo", parents=[common], help="load the sample organizations and cases")
    p.set_defaults(handler=cmd_seed_demo)

    p = sub.add_parser(
        "calendar",
        parents=[common],
        help="write the open cases' deadlines as an .ics file (case references only, no personal data)",
    )
    p.add_argument("--out", required=True, help="the .ics file; a calendar program may subscribe to it")
    p.add_argument("--org", help="only this organization's cases")
    p.set_defaults(handler=cmd_calendar)

    p = sub.add_parser("deadlines", parents=[common], help="statutory dates for a request")
    p.add_argument("--jurisdiction", required=True)
    p.add_argument("--type", required=True)
    p.add_argument("--received", required=True, type=iso_date)
    p.add_argument("--count-saturdays", action="store_true", help="count Saturdays as business days")
    p.add_argument(
        "--not-designated",
        action="store_true",
        help="Shine the Light request not sent to the designated address",
    )
    p.set_defaults(no_db=cmd_deadlines)

    p = sub.add_parser(
        "appeal-info", parents=[common], help="a jurisdiction's appeal process and complaint route"
    )
    p.add_argument("--jurisdiction", required=True)
    p.add_argument("--received", type=iso_date, help="the day the appeal was received")
    p.set_defaults(no_db=cmd_appeal_info)

    case = sub.add_parser("case", help="create, show and list cases").add_subparsers(
        dest="case_command", parser_class=_Parser, required=True
    )
    p = case.add_parser("new", parents=[common], help="record a new case")
    p.add_argument("--org", required=True)
    p.add_argument("--jurisdiction", required=True)
    p.add_argument("--type", required=True, help="request type codes, comma-separated")
    p.add_argument("--channel", required=True)
    p.add_argument("--received", required=True, type=iso_date)
    p.add_argument("--name", required=True)
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--agent-name")
    p.add_argument("--subject")
    p.add_argument("--summary")
    p.add_argument("--ca-resident", action="store_true", help="the consumer attests California residency")
    p.add_argument(
        "--know-since",
        metavar="DATE|all",
        help="a request to know reaching back past 12 months: the first day it covers, or all",
    )
    p.add_argument(
        "--not-designated",
        action="store_true",
        help="Shine the Light request not sent to the designated address",
    )
    p.set_defaults(handler=cmd_case_new)

    p = case.add_parser("show", parents=[common], help="show one case")
    p.add_argument("reference")
    p.set_defaults(handler=cmd_case_show)

    p = case.add_parser("list", parents=[common], help="list cases")
    p.add_argument("--status")
    p.add_argument("--org")
    p.add_argument("--type")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--open", action="store_true", help="only open cases")
    p.add_argument("--due-before", type=iso_date)
    p.add_argument("--search")
    p.set_defaults(handler=cmd_case_list)

    org = sub.add_parser("org", help="organizations").add_subparsers(
        dest="org_command", parser_class=_Parser, required=True
    )
    p = org.add_parser("list", parents=[common])
    p.set_defaults(handler=cmd_org_list)
    p = org.add_parser("show", parents=[common])
    p.add_argument("slug")
    p.set_defaults(handler=cmd_org_show)
    p = org.add_parser("import", parents=[common], help="import or update a profile from a TOML file")
    p.add_argument("file")
    p.set_defaults(handler=cmd_org_import)

    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", parser_class=_Parser, required=True
    )
    p = audit.add_parser(
        "verify", parents=[common], help="check the hash chain; report the first broken link"
    )
    p.set_defaults(handler=cmd_audit_verify)

    groups = {"case": case, "org": org, "audit": audit}
    for extend in _extensions():
        extend(sub, common, groups)
    return parser


def _extensions() -> list[Callable[[Any, argparse.ArgumentParser, dict[str, Any]], None]]:
    """Every module of this package with ``register(subparsers, common, groups)`` adds its commands;
    ``groups`` holds the existing command groups (``case``, ``org``, ``audit``) to add sub-commands to."""
    import importlib
    import pkgutil

    import privdesk.cli as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in ("core",):
            continue
        module = importlib.import_module(f"privdesk.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            found.append(register)
    return found


USER_ENV = "PRIVDESK_USER"
LOGIN_PASSWORD_ENV = "PRIVDESK_LOGIN_PASSWORD"


def ask_secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    """A password or passphrase: from ``env`` for scripts, else asked on the terminal (never echoed)."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise ValidationError(f"no terminal to ask for the {prompt.lower()}: set {env}")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} again: ") != first:
        raise ValidationError("the two entries differ")
    return first


def sign_in(services: Services, args: argparse.Namespace) -> None:
    """Once a database has accounts, every command acts as a signed-in user, as in the desktop app.

    Single-user mode signs its one account in by itself; before the first account exists there is
    nobody to sign in as.
    """
    users = services.users
    if users.needs_first_run() or users.automatic_user() is not None:
        return
    name = args.user or os.environ.get(USER_ENV) or getattr(args, "as_user", None)
    if not name:
        raise ValidationError(
            f"this database has user accounts: sign in with --user NAME (or set {USER_ENV}); "
            f"the password is asked for, or read from {LOGIN_PASSWORD_ENV}"
        )
    users.login(name, ask_secret(LOGIN_PASSWORD_ENV, f"Password for {name}"))


def open_services(target: str | None, *, demo: bool = False, plain: bool = False) -> Services:
    """Open the database as the command line does: a NEW file is encrypted (keyring key, or a passphrase
    from ``PRIVDESK_PASSPHRASE`` or the terminal) unless it is the demo or ``--plain`` says otherwise;
    with neither a keyring nor a passphrase, nothing is created."""
    from privdesk.services.secrets import KeyNeeded, crypto

    encrypt = not (demo or plain)
    try:
        return Services.open(target, encrypt=encrypt)
    except KeyNeeded as exc:
        if os.environ.get(crypto.PASSPHRASE_ENV) or not sys.stdin.isatty():
            raise
        print(f"privdesk: {exc}", file=sys.stderr)
        from pathlib import Path

        from privdesk.paths import resolve_database

        new = crypto.protection_of(Path(resolve_database(target)).expanduser()) is crypto.Protection.NONE
        phrase = ask_secret(crypto.PASSPHRASE_ENV, "Passphrase", confirm=new)
        return Services.open(target, encrypt=encrypt, passphrase=phrase)


def demo_database() -> str:
    from privdesk.paths import demo_database_path

    return str(demo_database_path())


def _argv_problem(argv: Sequence[str]) -> str | None:
    """An argument that is not valid UTF-8 (the shell passed raw bytes): name it and the byte."""
    for number, arg in enumerate(argv, start=1):
        bad = next((c for c in arg if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            shown = safe(arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            return (
                f"argument {number} ({shown}) is not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x}); "
                "give names and files in UTF-8"
            )
    return None


def _db_problem(target: str | None) -> str | None:
    if not target or "://" in target:
        return None
    path = Path(target).expanduser()
    if path.is_dir():
        example = safe(str(path / "privdesk.db"))
        return f"--db {safe(target)} is a folder: name the database file (e.g. {example})"
    return None


def _os_problem(exc: OSError) -> str:
    """One line for a file that could not be used, naming it."""
    name = exc.filename2 if isinstance(exc, IsADirectoryError) and exc.filename2 else exc.filename
    where = safe(str(name)) if name else "a file"
    if isinstance(exc, IsADirectoryError):
        return f"{where} is a folder, not a file"
    if isinstance(exc, NotADirectoryError):
        return f"{where}: part of the path is a file, not a folder"
    if isinstance(exc, FileNotFoundError):
        return f"{where} does not exist"
    if isinstance(exc, PermissionError):
        return f"{where}: permission denied"
    return f"{where}: {safe(exc.strerror or type(exc).__name__)}"


def _quiet_stdout() -> None:
    """After the reader of our output went away (``| head``): stop writing there."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def run(argv: Sequence[str]) -> int:
    problem = _argv_problem(argv)
    if problem is not None:
        print(f"privdesk: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        parser = build_parser()
        args = parser.parse_args(list(argv))
    except UsageError as exc:
        print(f"privdesk: {safe(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    if args.version:
        from privdesk import __version__

        print(__version__)
        return EXIT_OK
    services: Services | None = None
    try:
        problem = _db_problem(getattr(args, "db", None))
        if problem is not None:
            raise ValidationError(problem)
        if getattr(args, "no_db", None) is not None:
            code = int(args.no_db(args))
        elif not getattr(args, "handler", None):
            parser.print_help()
            return EXIT_USAGE
        else:
            target = demo_database() if args.demo else args.db
            services = open_services(target, demo=args.demo, plain=args.plain)
            sign_in(services, args)
            code = int(args.handler(services, args))
        sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at exit
        return code
    except DomainError as exc:
        print(f"privdesk: {safe(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("privdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        print("privdesk: the output was closed before all of it was written (broken pipe)", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"privdesk: {_os_problem(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except OverflowError:
        print("privdesk: a number given is too large", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the last guard: a reason, never a traceback
        log_exception(log, f"unexpected error in command {getattr(args, 'command', '?')}", exc)
        print(
            f"privdesk: unexpected error ({type(exc).__name__}); see the log file for details",
            file=sys.stderr,
        )
        return EXIT_ERROR
    finally:
        if services is not None:
            services.close()


__all__ = ["ValidationError", "build_parser", "run"]
