"""Administration of a shared server: keep its password in the keyring, move a database onto it."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from privdesk.cli.core import EXIT_ERROR, EXIT_OK, emit
from privdesk.domain.errors import ValidationError
from privdesk.paths import DB_ENV
from privdesk.services.dbcopy import CopyReport, copy_database
from privdesk.services.dburl import check_connection, forget_password, server_password_key, store_password
from privdesk.services.dto import to_json
from privdesk.services.hub import Services


def _server_url(args: argparse.Namespace) -> str:
    url = getattr(args, "db", None) or os.environ.get(DB_ENV)
    if not url:
        raise ValidationError(
            "name the server with --db postgresql+psycopg://USER@HOST/DATABASE (or PRIVDESK_DB)"
        )
    return str(url)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Database password: ")
    if not password:
        raise ValidationError("no password given")
    return password


def cmd_db_password(args: argparse.Namespace) -> int:
    url = _server_url(args)
    server_password_key(url)  # refuse a file or a URL without a user before asking for anything
    if args.forget:
        removed = forget_password(url)
        emit(
            args,
            {"forgotten": removed},
            "password removed from the keyring" if removed else "no password was stored",
        )
        return EXIT_OK
    key = store_password(url, _read_password(args))
    if args.check:
        check_connection(url)
    emit(
        args,
        {"stored": True, "keyring_service": "privdesk", "keyring_key": key, "checked": bool(args.check)},
        f"password kept in the keyring (privdesk / {key})"
        + ("; the server accepted it" if args.check else ""),
    )
    return EXIT_OK


def report_json(report: CopyReport) -> dict[str, Any]:
    data: dict[str, Any] = to_json(report)
    data["ok"] = report.ok
    data["rows"] = report.rows
    return data


def report_text(report: CopyReport) -> str:
    lines = [f"copied {report.source} -> {report.target} in {report.seconds:.1f} s"]
    lines += [
        f"  {t.table:<22} {t.target:>8}" + ("" if t.equal else f"  (source has {t.source})")
        for t in report.tables
    ]
    lines.append(
        f"  {report.rows} rows, {report.documents_checked} document contents checked against their SHA-256"
    )
    lines.append(
        f"  audit trail intact on the target: {report.audit_checked} events"
        if report.audit_ok
        else f"  audit trail BROKEN on the target: {report.audit_reason}"
    )
    lines += [f"  problem: {p}" for p in report.problems]
    lines.append(
        "verified: the target is ready" if report.ok else "NOT verified: do not switch to the target"
    )
    return "\n".join(lines)


def cmd_migrate_db(args: argparse.Namespace) -> int:
    from privdesk.cli.security import _credentials

    report = copy_database(args.source, args.target, credentials=_credentials(args))
    emit(args, report_json(report), report_text(report))
    return EXIT_OK if report.ok else EXIT_ERROR


def cmd_saturdays(services: Services, args: argparse.Namespace) -> int:
    if args.state is not None:
        services.calendar.set_count_saturdays(args.state == "on")
    value = services.calendar.count_saturdays()
    emit(
        args,
        {"count_saturdays": value},
        f"Saturdays {'count' if value else 'do not count'} as business days for every workstation "
        "(new deadlines follow this; existing cases keep theirs)",
    )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    p = sub.add_parser(
        "saturdays",
        parents=[common],
        help="show or set (administrator, audited) whether Saturdays count as business days, firm-wide",
    )
    p.add_argument("state", nargs="?", choices=["on", "off"])
    p.set_defaults(handler=cmd_saturdays)

    p = sub.add_parser(
        "migrate-db",
        parents=[common],
        help="copy a database (e.g. the SQLite file) into a new, empty server database and verify it",
    )
    p.add_argument("--from", dest="source", required=True, metavar="SQLITE_FILE", help="the database to copy")
    p.add_argument("--to", dest="target", required=True, metavar="POSTGRES_URL", help="an empty database")
    p.set_defaults(no_db=cmd_migrate_db)

    p = sub.add_parser(
        "db-password", parents=[common], help="keep the shared server's password in the system keyring"
    )
    p.add_argument(
        "--db", default=argparse.SUPPRESS, metavar="URL", help="postgresql+psycopg://USER@HOST/DATABASE"
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--check", action="store_true", help="connect once to check the password")
    p.add_argument("--forget", action="store_true", help="remove the stored password")
    p.set_defaults(no_db=cmd_db_password)
