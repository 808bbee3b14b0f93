"""Search over 100,000 cases on SQLite (FTS5) and PostgreSQL (pg_trgm), through CaseService (a measurement,
not a test; data is generated).

python -m tests.postgres.bench_search [--cases N] [--pg postgresql+psycopg://postgres@127.0.0.1:55432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from privdesk.paths import resource
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.services.search import reindex_all
from privdesk.store.models import Case, Consumer, Note, Organization, RequestItem
from tests.conftest import fixed_now

FIRST = ["Dana", "Alex", "Maria", "Chen", "Priya", "Omar", "Lucia", "Kwame", "Sofia", "Ivan", "Aiko", "Noah"]
LAST = ["Whitcomb", "Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Haddad", "Kowalski", "Tanaka", "Silva"]
BATCH = 5000


def populate(svc: Services, count: int) -> None:
    svc.organizations.import_profile_file(resource("demo", "mstis.toml"))
    rng = random.Random(7)
    with svc.db.write() as s:
        org_id = s.query(Organization.id).scalar()
    now = fixed_now()
    for start in range(0, count, BATCH):
        ids = range(start + 1, min(start + BATCH, count) + 1)
        consumers, cases, items, notes = [], [], [], []
        for i in ids:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}"
            email = f"person{i}@example.com"
            consumers.append(dict(id=i, full_name=name, name_key=name.lower(), email=email, email_key=email))
            received = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
            cases.append(
                dict(
                    id=i,
                    reference=f"PD-2026-{i:06d}",
                    organization_id=org_id,
                    consumer_id=i,
                    jurisdiction="US-CA",
                    channel="email",
                    received_at=now,
                    received_on=received,
                    logged_by="bench",
                    status=rng.choice(["received", "acknowledged", "closed"]),
                    subject=f"Request number {i}",
                    summary="Please delete my data",
                    next_due_on=received + dt.timedelta(days=45),
                    warnings=[],
                )
            )
            items.append(
                dict(case_id=i, request_type="delete", status="received", basis={}, denial_reasons=[])
            )
            if i % 5 == 0:
                notes.append(
                    dict(case_id=i, author="bench", body=f"Called back about parcel {i * 7}", created_at=now)
                )
        with svc.db.write() as s:
            s.execute(insert(Consumer), consumers)
            s.execute(insert(Case), cases)
            s.execute(insert(RequestItem), items)
            s.execute(insert(Note), notes)
    # Core inserts pass by the session events: write the search text (and queue name) once at the end.
    with svc.db.write() as s:
        reindex_all(s.connection())


def measure(svc: Services, label: str) -> None:
    for term in ["whitcomb-4242", "garc", "person99999@", "PD-2026-012345", "parcel 7000", "zzz-nothing"]:
        times, counts = [], 0
        for _ in range(3):
            t0 = time.perf_counter()
            rows = svc.cases.list(CaseFilter(search=term, limit=100))
            times.append(time.perf_counter() - t0)
            counts = len(rows)
        t0 = time.perf_counter()
        total = svc.cases.count(CaseFilter(search=term))
        count_time = time.perf_counter() - t0
        print(
            f"{label:<10} {term!r:<20} list(limit 100): {statistics.median(times) * 1000:7.1f} ms "
            f"({counts} rows)"
            f"  count: {count_time * 1000:7.1f} ms ({total})"
        )
    t0 = time.perf_counter()
    svc.cases.list(CaseFilter(limit=100))
    print(f"{label:<10} no search, first page: {(time.perf_counter() - t0) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--pg")
    parser.add_argument("--keep", help="keep the SQLite file here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or str(Path(tmp) / "bench.db")
        targets = [("sqlite", path)]
        if args.pg:
            from tests.pg import fresh_database

            targets.append(("postgresql", fresh_database(args.pg)))
        try:
            for label, target in targets:
                svc = Services.open(target, actor="bench", now=fixed_now)
                t0 = time.perf_counter()
                populate(svc, args.cases)
                print(f"{label}: inserted {args.cases} cases in {time.perf_counter() - t0:.1f} s")
                if label == "postgresql":
                    with svc.db.write() as s:
                        s.connection().exec_driver_sql("ANALYZE")
                measure(svc, label)
                svc.close()
        finally:
            if args.pg:
                from tests.pg import drop_run_databases

                drop_run_databases()  # the server is left as it was found


if __name__ == "__main__":
    main()
