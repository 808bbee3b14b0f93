"""Real cases through the services, with the files a case collects, for log, export and purge tests."""

from __future__ import annotations

import datetime as dt
import hashlib

from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.dto import CaseDTO
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput
from privdesk.store.models import Case, Document, DocumentContent, IntakeItem, Letter


def load_orgs(services: Services) -> None:
    for slug in ("mstis", "coverys"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))


def new_case(
    services: Services,
    name: str,
    email: str,
    *,
    types: tuple[str, ...] = ("delete",),
    received: dt.date = dt.date(2026, 9, 1),
    org: str = "mstis",
    channel: str = "email",
) -> CaseDTO:
    return services.cases.create(
        NewCase(
            organization=org,
            jurisdiction="US-CA",
            types=list(types),
            channel=channel,
            received=received,
            name=name,
            email=email,
            phone="+1 415 555 0134",
            address="77 Quarry Lane\nSan Mateo, CA 94401",
            subject=f"Privacy request from {name}",
            summary=f"{name} asks us to act",
            ca_residency_attested=True,
        )
    )


def verify(services: Services, reference: str) -> None:
    services.workflow.verify(
        reference,
        VerificationInput(
            data_points=[
                DataPoint("name", received=True, matched=True),
                DataPoint("email", received=True, matched=True),
                DataPoint("postal address", received=True, matched=True),
            ],
            declaration_received=True,
            final=True,
        ),
    )


def closed_delete_case(services: Services, name: str, email: str, *, deny: bool = False) -> CaseDTO:
    """A deletion request acknowledged, verified, answered and closed, with a note, an original
    document, an ID proof, a letter file and an intake message that all carry the person's details."""
    case = new_case(services, name, email)
    ref = case.reference
    services.workflow.acknowledge(ref, dt.date(2026, 9, 3), "letter")
    verify(services, ref)
    if deny:
        services.workflow.deny(
            ref,
            "delete",
            dt.date(2026, 10, 1),
            ["exemption_glba"],
            f"{name}'s loan records are kept under GLBA",
        )
    else:
        services.workflow.respond(ref, "delete", dt.date(2026, 10, 1), "fulfilled")
    services.workflow.add_note(ref, f"Called {name} at {email} to confirm")
    services.workflow.close(ref, dt.date(2026, 10, 2))
    attach_files(services, ref, name, email)
    return services.cases.show(ref)


def attach_files(services: Services, reference: str, name: str, email: str) -> dict[str, bytes]:
    files = {
        "request.eml": f"From: {name} <{email}>\r\nSubject: delete my data\r\n\r\nPlease.\r\n".encode(),
        "id-proof.txt": f"Driver licence of {name}".encode(),
        "letter.pdf": f"%PDF-1.4 letter to {name}".encode(),
    }
    with services.db.write() as s:
        case = s.query(Case).filter(Case.reference == reference).one()
        docs = {}
        for filename, data in files.items():
            sha = hashlib.sha256(data).hexdigest()
            if s.get(DocumentContent, sha) is None:
                s.add(DocumentContent(sha256=sha, data=data))
                s.flush()
            kind = {"request.eml": "original", "id-proof.txt": "id_proof", "letter.pdf": "letter"}[filename]
            doc = Document(
                case_id=case.id,
                kind=kind,
                filename=filename,
                size=len(data),
                sha256=sha,
                content_type="application/octet-stream",
            )
            s.add(doc)
            s.flush()
            docs[filename] = doc
        letter = s.query(Letter).filter(Letter.case_id == case.id).order_by(Letter.id).first()
        if letter is not None:
            letter.document_id = docs["letter.pdf"].id
            letter.recipient = f"{name}\n77 Quarry Lane\nSan Mateo, CA 94401"
            letter.sha256 = docs["letter.pdf"].sha256
        s.add(
            IntakeItem(
                channel="email",
                received_at=dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC),
                received_on=dt.date(2026, 9, 1),
                sender_name=name,
                sender_address=email,
                subject="delete my data",
                body_text=f"I am {name}, please delete",
                case_id=case.id,
                status="done",
            )
        )
    return files
