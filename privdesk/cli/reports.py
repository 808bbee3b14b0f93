"""Report and retention commands: report log/metrics/workload, case export/hold, retention preview/purge."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from privdesk.cli.core import EXIT_OK, emit, iso_date, output_file
from privdesk.domain import reports as rep
from privdesk.domain.errors import ValidationError
from privdesk.services.dto import to_json
from privdesk.services.hub import Services
from privdesk.services.reports import LOG_FORMATS, METRICS_FORMATS, ReportService, write_atomic


def _reports(services: Services) -> ReportService:
    found = getattr(services, "reports", None)
    return found if isinstance(found, ReportService) else ReportService(services.ctx)


def cmd_log(services: Services, args: argparse.Namespace) -> int:
    reports = _reports(services)
    log = reports.request_log(args.date_from, args.date_to, args.org)
    write_atomic(Path(args.out), reports.render_log(log, args.format))
    emit(
        args,
        {"out": args.out, "format": args.format, "rows": len(log.rows)},
        f"wrote {len(log.rows)} request(s) to {args.out}",
    )
    return EXIT_OK


def cmd_metrics(services: Services, args: argparse.Namespace) -> int:
    reports = _reports(services)
    metrics = reports.metrics(args.year, args.org, args.jurisdiction)
    if args.out:
        fmt = args.format or Path(args.out).suffix.lstrip(".").lower() or "json"
        write_atomic(Path(args.out), reports.render_metrics(metrics, fmt))
        emit(
            args, {"out": args.out, "format": fmt, **rep.metrics_json(metrics)}, f"wrote {fmt} to {args.out}"
        )
        return EXIT_OK
    if args.format and args.format != "json":
        raise ValidationError("give --out FILE to write the metrics as csv, pdf or html")
    lines = [
        rep.metrics_paragraph(metrics),
        "",
        f"{'':<58} {'received':>9} {'complied':>9} {'denied':>7} {'median':>7} {'mean':>7}",
    ]
    for r in metrics.rows:
        median = "-" if r.median_days is None else f"{r.median_days:g}"
        mean = "-" if r.mean_days is None else f"{r.mean_days:g}"
        lines.append(f"{r.label:<58} {r.received:>9} {r.complied:>9} {r.denied:>7} {median:>7} {mean:>7}")
    text = "\n".join(lines)
    emit(args, rep.metrics_json(metrics), text)
    return EXIT_OK


def cmd_workload(services: Services, args: argparse.Namespace) -> int:
    report = _reports(services).workload(args.org)
    emit(args, rep.workload_json(report), rep.workload_text(report))
    return EXIT_OK


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    summary = _reports(services).export_case(args.reference, Path(args.out))
    emit(args, to_json(summary), f"exported {summary.reference}: {len(summary.files)} files to {summary.out}")
    return EXIT_OK


def cmd_hold(services: Services, args: argparse.Namespace) -> int:
    if args.on == args.off:
        raise ValidationError("give either --on or --off")
    case = _reports(services).retention.set_legal_hold(args.reference, bool(args.on), args.reason)
    emit(
        args,
        {"reference": case.reference, "legal_hold": case.legal_hold},
        f"{case.reference}: legal hold {'on' if case.legal_hold else 'off'}",
    )
    return EXIT_OK


def cmd_preview(services: Services, args: argparse.Namespace) -> int:
    retention = _reports(services).retention
    due = retention.preview(args.today)
    held = retention.held(args.today)
    lines = [f"{c.reference}  {c.organization:<12} {c.why}" for c in due] or ["nothing to purge"]
    lines += [f"{c.reference}  {c.organization:<12} {c.why}" for c in held]
    emit(args, {"purge": [to_json(c) for c in due], "held": [to_json(c) for c in held]}, "\n".join(lines))
    return EXIT_OK


def cmd_purge(services: Services, args: argparse.Namespace) -> int:
    if not args.yes:
        raise ValidationError("a purge removes personal data for good: add --yes (see 'retention preview')")
    result = _reports(services).retention.purge(args.today, confirm=True)
    if args.record:
        write_atomic(Path(args.record), result.pdf)
    totals = result.record.totals
    emit(
        args,
        {
            "totals": totals,
            "cases": [c.reference for c in result.record.cases],
            "on_hold": list(result.record.skipped_on_hold),
            "record": args.record,
        },
        f"purged {totals['cases']} case(s), {totals['consumers']} consumer(s), "
        f"{totals['documents']} document(s)" + (f"; record written to {args.record}" if args.record else ""),
    )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser, groups: dict[str, Any]) -> None:
    report = sub.add_parser("report", help="records and reports").add_subparsers(
        dest="report_command", required=True
    )
    p = report.add_parser("log", parents=[common], help="the request log (11 CCR §7101)")
    p.add_argument("--from", dest="date_from", type=iso_date, required=True)
    p.add_argument("--to", dest="date_to", type=iso_date, required=True)
    p.add_argument("--org")
    p.add_argument("--format", choices=LOG_FORMATS, default="csv")
    p.add_argument("--out", required=True, type=output_file)
    p.set_defaults(handler=cmd_log)
    p = report.add_parser("metrics", parents=[common], help="yearly metrics (11 CCR §7102)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--org")
    p.add_argument("--jurisdiction", help="count only requests handled under this jurisdiction (e.g. US-CA)")
    p.add_argument("--format", choices=METRICS_FORMATS)
    p.add_argument(
        "--out",
        type=output_file,
        help="write the metrics to a file (format from --format or the file's suffix)",
    )
    p.set_defaults(handler=cmd_metrics)
    p = report.add_parser("workload", parents=[common], help="on-time rate, cases per officer, overdue list")
    p.add_argument("--org")
    p.set_defaults(handler=cmd_workload)

    case = groups["case"]
    p = case.add_parser("export", parents=[common], help="case file ZIP for counsel or a regulator")
    p.add_argument("reference")
    p.add_argument("--out", required=True, type=output_file)
    p.set_defaults(handler=cmd_export)
    p = case.add_parser("hold", parents=[common], help="set or lift a legal hold (stops purge)")
    p.add_argument("reference")
    p.add_argument("--on", action="store_true")
    p.add_argument("--off", action="store_true")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_hold)

    retention = sub.add_parser("retention", help="retention and purge").add_subparsers(
        dest="retention_command", required=True
    )
    p = retention.add_parser("preview", parents=[common], help="closed cases past their retention period")
    p.add_argument("--today", type=iso_date, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_preview)
    p = retention.add_parser(
        "purge", parents=[common], help="purge personal data of closed cases past retention"
    )
    p.add_argument("--yes", action="store_true", help="confirm: the data is removed for good")
    p.add_argument("--record", help="write the purge record PDF here")
    p.add_argument("--today", type=iso_date, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_purge)
