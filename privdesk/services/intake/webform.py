"""Requests received through a web form, exported as CSV: each row becomes an intake item (channel web),
its row kept as the item's original document. The officer maps the file's columns once; the mapping is
remembered in the database for files with the same columns, so the next export of the same form (from
the desktop or the command line, on any workstation) imports without asking again."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import Channel
from privdesk.intake import detect
from privdesk.services import audit
from privdesk.services.intake.common import IntakeBase, _add_document, _addressing, _zone
from privdesk.services.intake.dto import PENDING, detection_json, for_organization
from privdesk.services.organizations import get_organization
from privdesk.store.models import IntakeItem, Setting

# What a row can tell, in the order the mapping dialog asks for it.
FIELDS: dict[str, str] = {
    "received": "Date received",
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "address": "Postal address",
    "request": "What they asked",
    "types": "Request types chosen on the form",
}
REQUIRED = ("received", "name", "request")
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%m/%d/%Y %H:%M", "%d.%m.%Y")
MAX_ROWS = 5000


@dataclass(frozen=True)
class WebFormImport:
    imported: list[int] = field(default_factory=list)  # intake item ids
    problems: list[str] = field(default_factory=list)  # "row 7: no date received"
    rows: int = 0


def csv_columns(text: str) -> list[str]:
    """The header of a CSV file: what the mapping dialog offers."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return [h.strip() for h in header]


def mapping_key(columns: list[str]) -> str:
    """Where the mapping of a file with these columns is kept (the same columns in any order)."""
    digest = hashlib.sha256("\x1f".join(sorted(columns)).encode("utf-8")).hexdigest()[:24]
    return f"intake/web_form_mapping/{digest}"


def parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """A first mapping from the column names ("Submitted on" -> received, "E-mail" -> email)."""
    hints = {
        "received": ("received", "submitted", "date", "created", "time"),
        "name": ("name",),
        "email": ("email", "e-mail", "mail"),
        "phone": ("phone", "telephone", "mobile"),
        "address": ("address", "street", "postal"),
        "request": ("request", "message", "details", "comment", "description"),
        "types": ("type", "right", "choice", "kind"),
    }
    mapping: dict[str, str] = {}
    for key, words in hints.items():
        for column in columns:
            if column not in mapping.values() and any(word in column.lower() for word in words):
                mapping[key] = column
                break
    return mapping


class WebFormEntries(IntakeBase):
    def web_form_mapping(self, columns: list[str]) -> tuple[dict[str, str], bool]:
        """The mapping for a file with ``columns``: the one remembered (True), else a guess from the
        column names (False) for the officer to confirm."""
        with self.ctx.db.read() as s:
            row = s.get(Setting, mapping_key(columns))
            stored = row.value.get("mapping") if row is not None else None
        if isinstance(stored, dict):
            known = {k: v for k, v in stored.items() if k in FIELDS and v in columns}
            if all(known.get(k) for k in REQUIRED):
                return known, True
        return guess_mapping(columns), False

    def remember_web_form_mapping(self, columns: list[str], mapping: dict[str, str]) -> None:
        """Keep ``mapping`` for files with these columns (audited: it decides what becomes a request)."""
        chosen = {k: v for k, v in mapping.items() if k in FIELDS and v in columns}
        key = mapping_key(columns)
        with self.ctx.db.write() as s:
            row = s.get(Setting, key)
            before = row.value.get("mapping") if row is not None else None
            if before == chosen:
                return
            if row is None:
                s.add(Setting(key=key, value={"mapping": chosen}))
            else:
                row.value = {"mapping": chosen}
            # The audit names the mapping by its digest: the full setting key is longer than an entity id.
            audit.record(
                s,
                self.ctx,
                "intake.web_form_mapping",
                "web_form_mapping",
                key.rsplit("/", 1)[1],
                before=before,
                after=chosen,
            )

    def import_web_form(self, organization: str, text: str, mapping: dict[str, str]) -> WebFormImport:
        """Each row with a date, a name and a request becomes an intake item; a row lacking one is named
        in ``problems`` and nothing of it is stored. One transaction per row: a bad row loses nothing."""
        missing = [FIELDS[k] for k in REQUIRED if not mapping.get(k)]
        if missing:
            raise ValidationError("choose the columns for: " + ", ".join(missing))
        reader = csv.DictReader(io.StringIO(text))
        columns = [c.strip() for c in reader.fieldnames or []]
        unknown = [c for c in mapping.values() if c and c not in columns]
        if unknown:
            raise ValidationError(f"the file has no column named {unknown[0]!r}")
        imported: list[int] = []
        problems: list[str] = []
        count = 0
        for number, raw in enumerate(reader, start=2):  # row 1 is the header
            count += 1
            if count > MAX_ROWS:
                problems.append(f"rows after {MAX_ROWS} were not read: split the file")
                break
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}

            def cell(key: str, row: dict[str, str] = row) -> str:
                column = mapping.get(key)
                return row.get(column, "") if column else ""

            received = parse_date(cell("received"))
            if received is None:
                problems.append(f"row {number}: no date received that could be read ({cell('received')!r})")
                continue
            if received > self.ctx.today():
                problems.append(f"row {number}: the date {received.isoformat()} is in the future")
                continue
            if not cell("name") or not cell("request"):
                problems.append(f"row {number}: a name and what they asked are needed")
                continue
            imported.append(self._add_row(organization, number, received, cell, raw))
        if imported:  # the mapping did its work: the next file with these columns needs no asking
            self.remember_web_form_mapping(columns, mapping)
        return WebFormImport(imported, problems, count)

    def _add_row(
        self,
        organization: str,
        number: int,
        received: dt.date,
        cell: Callable[[str], str],
        raw: dict[str, str | None],
    ) -> int:
        asked = cell("request")
        chosen = cell("types")
        body = asked + (f"\n\nRequest types chosen on the form: {chosen}" if chosen else "")
        with self.ctx.db.write() as s:
            org = get_organization(s, organization)
            zone = _zone(org.timezone)
            found = detect(body, [_addressing(org)])
            detection = detection_json(found)
            detection = for_organization(detection, org.slug)
            item = IntakeItem(
                organization_id=org.id,
                channel=Channel.WEB.value,
                received_at=dt.datetime.combine(received, dt.time(9, 0), tzinfo=zone),
                received_on=received,
                sender_name=cell("name")[:300],
                sender_address=cell("email")[:300],
                subject=f"Web form: {asked[:80]}",
                body_text=body,
                detection=detection,
                details={"phone": cell("phone"), "postal_address": cell("address"), "form_row": number},
                warnings=list(detection["warnings"]),
                status=PENDING,
            )
            s.add(item)
            s.flush()
            original = io.StringIO()
            writer = csv.writer(original)
            writer.writerow([k for k in raw if k is not None])
            writer.writerow([raw[k] or "" for k in raw if k is not None])
            data = original.getvalue().encode("utf-8")
            _add_document(s, item, "web_form", f"web-form-row-{number}.csv", "text/csv; charset=utf-8", data)
            audit.record(
                s,
                self.ctx,
                "intake.web_form",
                "intake_item",
                item.id,
                after={"organization": org.slug, "received_on": received, "row": number},
            )
            return item.id
