"""`python manage.py demo`: a demo user and a handful of projects.

The projects cover every phase (proposal, engineering, procurement,
completed, one archived), every role of the demo user (owner, engineer,
viewer), phase runs in every state, an activity timeline and documents with
real files (a PDF and an XLSX). Idempotent: a project that already exists
(same owner and name) is left as it is, so running it again changes nothing.

The queued and running runs have no worker behind them. Once they are older
than H2O_PHASE_STALE_AFTER the reaper treats them like runs whose worker
died: queued again, then run for real if the phase is registered, or failed
("This phase is not available.") if it is not.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from documents.models import Document
from projects.models import (
    ActivityEvent,
    Phase,
    PhaseRun,
    Project,
    ProjectMember,
    ProjectStatus,
    Role,
    Sector,
    Subsector,
)
from projects.phases.errors import UNEXPECTED_ERROR
from projects.services import activity_record, project_create

DEMO_EMAIL = "demo@h2o.example"
DEMO_PASSWORD = "h2o-demo-2025"

# Teammates share the demo password so a newcomer can see the site through
# each role.
TEAM: dict[str, tuple[str, str]] = {
    DEMO_EMAIL: ("Daniela", "Demo"),
    "ana@h2o.example": ("Ana", "Ríos"),
    "luis@h2o.example": ("Luis", "Paredes"),
    "marta@h2o.example": ("Marta", "Quispe"),
}

Status = PhaseRun.Status


@dataclass
class DemoRun:
    phase: str
    status: str
    progress: int
    step: str = ""
    error: str = ""
    days_ago: float = 0


@dataclass
class DemoDocument:
    phase: str
    kind: str
    title: str
    review_state: str = Document.ReviewState.PENDING


@dataclass
class DemoProject:
    name: str
    owner: str
    client: str
    sector: str
    subsector: str
    country: str
    city: str
    status: str
    technical_context: dict[str, Any]
    members: dict[str, str] = field(default_factory=dict)
    runs: list[DemoRun] = field(default_factory=list)
    documents: list[DemoDocument] = field(default_factory=list)
    archived: bool = False
    days_ago: float = 1


DEMO_PROJECTS: list[DemoProject] = [
    DemoProject(
        name="PTAR Lácteos del Norte",
        owner=DEMO_EMAIL,
        client="Lácteos del Norte S.A.",
        sector=Sector.INDUSTRIAL,
        subsector=Subsector.DAIRY,
        country="MX",
        city="Monterrey",
        status=ProjectStatus.PROPOSAL,
        technical_context={
            "flow_m3_d": 800,
            "peak_flow_m3_d": 1400,
            "water_type": "dairy wastewater",
            "destination": "sewer",
            "influent": {"BOD": "2500 mg/L", "COD": "4200 mg/L", "TSS": "900 mg/L", "FOG": "350 mg/L"},
            "target": {"BOD": "300 mg/L", "FOG": "100 mg/L"},
            "capex_usd": 1_450_000,
        },
        members={"ana@h2o.example": Role.ENGINEER, "luis@h2o.example": Role.VIEWER},
        runs=[DemoRun(Phase.PROPOSAL, Status.RUNNING, 60, "Sizing the treatment units")],
        days_ago=0.05,
    ),
    DemoProject(
        name="Cervecería Altiplano — reúso",
        owner=DEMO_EMAIL,
        client="Cervecería Altiplano",
        sector=Sector.INDUSTRIAL,
        subsector=Subsector.BREWERY,
        country="PE",
        city="Arequipa",
        status=ProjectStatus.ENGINEERING,
        technical_context={
            "flow_m3_d": 1200,
            "water_type": "brewery wastewater",
            "destination": "reuse",
            "influent": {"BOD": "1800 mg/L", "COD": "3000 mg/L", "TSS": "600 mg/L"},
            "capex_usd": 2_300_000,
            "opex_usd_per_year": 185_000,
        },
        members={"ana@h2o.example": Role.ENGINEER, "marta@h2o.example": Role.VIEWER},
        runs=[
            DemoRun(Phase.PROPOSAL, Status.SUCCEEDED, 100, days_ago=6),
            DemoRun(Phase.ENGINEERING, Status.QUEUED, 0, "Waiting for a worker"),
        ],
        documents=[DemoDocument(Phase.PROPOSAL, Document.Kind.PROPOSAL, "Propuesta técnica", Document.ReviewState.APPROVED)],
        days_ago=0.2,
    ),
    DemoProject(
        name="Potabilizadora San Martín",
        owner=DEMO_EMAIL,
        client="Municipio de San Martín",
        sector=Sector.MUNICIPAL,
        subsector=Subsector.DRINKING_WATER,
        country="AR",
        city="San Martín",
        status=ProjectStatus.PROCUREMENT,
        technical_context={
            "flow_m3_d": 15000,
            "water_type": "surface water",
            "destination": "drinking",
            "influent": {"turbidity": "45 NTU", "TSS": "60 mg/L"},
            "capex_usd": 6_800_000,
            "opex_usd_per_year": 420_000,
        },
        members={
            "marta@h2o.example": Role.OWNER,
            "ana@h2o.example": Role.ENGINEER,
            "luis@h2o.example": Role.VIEWER,
        },
        runs=[
            DemoRun(Phase.PROPOSAL, Status.SUCCEEDED, 100, days_ago=30),
            DemoRun(Phase.ENGINEERING, Status.SUCCEEDED, 100, days_ago=21),
            DemoRun(Phase.PROCUREMENT, Status.RUNNING, 35, "Requesting quotes from suppliers"),
        ],
        documents=[
            DemoDocument(Phase.PROPOSAL, Document.Kind.PROPOSAL, "Propuesta técnica", Document.ReviewState.APPROVED),
            DemoDocument(Phase.ENGINEERING, Document.Kind.EQUIPMENT_LIST, "Lista de equipos"),
        ],
        days_ago=1,
    ),
    DemoProject(
        name="Riego tecnificado Valle Verde",
        owner=DEMO_EMAIL,
        client="Cooperativa Valle Verde",
        sector=Sector.AGRICULTURAL,
        subsector=Subsector.IRRIGATION,
        country="CL",
        city="Rancagua",
        status=ProjectStatus.COMPLETED,
        technical_context={"flow_m3_d": 3000, "water_type": "well water", "destination": "irrigation", "capex_usd": 950_000},
        members={"luis@h2o.example": Role.VIEWER},
        runs=[
            DemoRun(Phase.PROPOSAL, Status.SUCCEEDED, 100, days_ago=80),
            DemoRun(Phase.ENGINEERING, Status.SUCCEEDED, 100, days_ago=70),
            DemoRun(Phase.PROCUREMENT, Status.SUCCEEDED, 100, days_ago=55),
        ],
        documents=[
            DemoDocument(Phase.PROPOSAL, Document.Kind.PROPOSAL, "Propuesta técnica", Document.ReviewState.APPROVED),
            DemoDocument(
                Phase.ENGINEERING, Document.Kind.EQUIPMENT_LIST, "Lista de equipos", Document.ReviewState.APPROVED
            ),
        ],
        days_ago=50,
    ),
    DemoProject(
        name="Textiles Río Bravo — efluente",
        owner=DEMO_EMAIL,
        client="Textiles Río Bravo",
        sector=Sector.INDUSTRIAL,
        subsector=Subsector.TEXTILE,
        country="CO",
        city="Medellín",
        status=ProjectStatus.PROPOSAL,
        technical_context={"flow_m3_d": 450, "water_type": "textile dyeing wastewater", "destination": "river"},
        members={"ana@h2o.example": Role.ENGINEER},
        runs=[
            DemoRun(
                Phase.PROPOSAL,
                Status.FAILED,
                40,
                "Selecting the treatment train",
                # Stored as the runner stores it: an English msgid, translated when shown.
                error=UNEXPECTED_ERROR,
                days_ago=2,
            )
        ],
        days_ago=2,
    ),
    DemoProject(
        name="Minera Los Andes — agua de proceso",
        owner="marta@h2o.example",
        client="Minera Los Andes",
        sector=Sector.INDUSTRIAL,
        subsector=Subsector.MINING,
        country="CL",
        city="Antofagasta",
        status=ProjectStatus.ENGINEERING,
        technical_context={"flow_m3_d": 5000, "water_type": "mine water", "destination": "process water", "capex_usd": 3_900_000},
        members={DEMO_EMAIL: Role.ENGINEER},
        runs=[
            DemoRun(Phase.PROPOSAL, Status.SUCCEEDED, 100, days_ago=12),
            DemoRun(Phase.ENGINEERING, Status.SUCCEEDED, 100, days_ago=3),
        ],
        documents=[DemoDocument(Phase.PROPOSAL, Document.Kind.PROPOSAL, "Propuesta técnica")],
        days_ago=3,
    ),
    DemoProject(
        name="PTAR Costa Azul",
        owner="marta@h2o.example",
        client="Municipio de Costa Azul",
        sector=Sector.MUNICIPAL,
        subsector=Subsector.WASTEWATER,
        country="EC",
        city="Manta",
        status=ProjectStatus.PROPOSAL,
        technical_context={"flow_m3_d": 9000, "water_type": "municipal wastewater", "destination": "sea", "capex_usd": 5_200_000},
        members={DEMO_EMAIL: Role.VIEWER},
        runs=[DemoRun(Phase.PROPOSAL, Status.SUCCEEDED, 100, days_ago=4)],
        days_ago=4,
    ),
    DemoProject(
        name="Piloto granja porcina (2024)",
        owner=DEMO_EMAIL,
        client="Granja San José",
        sector=Sector.AGRICULTURAL,
        subsector=Subsector.LIVESTOCK,
        country="MX",
        city="Guadalajara",
        status=ProjectStatus.PROPOSAL,
        technical_context={"flow_m3_d": 120, "water_type": "swine wastewater", "capex_usd": 210_000},
        archived=True,
        days_ago=200,
    ),
]


class Command(BaseCommand):
    help = "Create the demo user, teammates and a handful of projects in every phase (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = {email: self._user(email, first, last) for email, (first, last) in TEAM.items()}
            created = [spec.name for spec in DEMO_PROJECTS if self._project(spec, users)]
        if created:
            self.stdout.write(f"Created {len(created)} demo project(s): {', '.join(created)}")
        else:
            self.stdout.write("Demo projects already present; nothing to do.")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}"))
        teammates = ", ".join(email for email in TEAM if email != DEMO_EMAIL)
        self.stdout.write(f"Teammates (same password): {teammates}")

    def _user(self, email: str, first_name: str, last_name: str) -> AbstractBaseUser:
        user, created = get_user_model().objects.get_or_create(
            email=email, defaults={"username": email, "first_name": first_name, "last_name": last_name}
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def _project(self, spec: DemoProject, users: dict[str, AbstractBaseUser]) -> bool:
        owner = users[spec.owner]
        if Project.objects.filter(owner=owner, name=spec.name).exists():
            return False
        now = timezone.now()
        started = now - timedelta(days=spec.days_ago + 14)
        project = project_create(
            owner=owner,
            name=spec.name,
            client=spec.client,
            sector=spec.sector,
            subsector=spec.subsector,
            country=spec.country,
            city=spec.city,
            technical_context=spec.technical_context,
        )
        for email, role in spec.members.items():
            ProjectMember.objects.update_or_create(project=project, user=users[email], defaults={"role": role})
            activity_record(project=project, actor=users[email], verb="member.joined", data={"role": role})
        for run in spec.runs:
            self._run(project, run, now)
        for document in spec.documents:
            self._document(project, document, owner, now - timedelta(days=spec.days_ago))
        if spec.archived:
            activity_record(project=project, actor=owner, verb="project.archived")

        # Spread the timeline over the project's life: created two weeks
        # before its last change, one event a day.
        events = list(ActivityEvent.objects.filter(project=project).order_by("pk"))
        for index, event in enumerate(events):
            when = min(started + timedelta(days=index), now - timedelta(days=spec.days_ago))
            ActivityEvent.objects.filter(pk=event.pk).update(created=when)
        Project.objects.filter(pk=project.pk).update(
            status=spec.status,
            archived=spec.archived,
            created=started,
            updated=now - timedelta(days=spec.days_ago),
        )
        return True

    def _run(self, project: Project, spec: DemoRun, now) -> PhaseRun:
        queued = now - timedelta(days=spec.days_ago, minutes=3)
        finished = spec.status in (Status.SUCCEEDED, Status.FAILED)
        run = PhaseRun.objects.create(
            project=project,
            phase=spec.phase,
            status=spec.status,
            progress=spec.progress,
            current_step=spec.step,
            attempt=0 if spec.status == Status.QUEUED else 1,
            error=spec.error,
            heartbeat_at=None if spec.status == Status.QUEUED else now - timedelta(days=spec.days_ago),
            started_at=None if spec.status == Status.QUEUED else queued + timedelta(seconds=2),
            finished_at=now - timedelta(days=spec.days_ago) if finished else None,
        )
        PhaseRun.objects.filter(pk=run.pk).update(queued_at=queued)
        return run

    def _document(self, project: Project, spec: DemoDocument, author: AbstractBaseUser, when) -> Document:
        if spec.kind == Document.Kind.EQUIPMENT_LIST:
            data, extension, mime = _equipment_list_xlsx(project), "xlsx", XLSX_MIME
        else:
            data, extension, mime = _proposal_pdf(project), "pdf", "application/pdf"
        reviewed = spec.review_state != Document.ReviewState.PENDING
        document = Document.objects.create(
            project=project,
            phase=spec.phase,
            kind=spec.kind,
            title=spec.title,
            file=ContentFile(data, name=f"{spec.kind}-v1.{extension}"),
            size=len(data),
            mime_type=mime,
            sha256=hashlib.sha256(data).hexdigest(),
            review_state=spec.review_state,
            reviewed_at=when if reviewed else None,
            created_by=author,
        )
        Document.objects.filter(pk=document.pk).update(created=when)
        return document


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EQUIPMENT = [
    ("SC-101", "Rejilla mecánica autolimpiante", 1, "6 mm", 38_000),
    ("P-201A/B", "Bomba centrífuga de agua cruda", 2, "180 m³/h @ 25 m", 24_500),
    ("FL-301", "Floculador hidráulico", 1, "720 m³", 145_000),
    ("CL-401", "Sedimentador de alta tasa", 2, "12 m × 6 m", 210_000),
    ("F-501A/D", "Filtro rápido de arena", 4, "30 m²", 96_000),
    ("UV-601", "Desinfección UV", 1, "625 m³/h", 88_000),
]


def _equipment_list_xlsx(project: Project) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Equipos"
    sheet.append([project.name])
    sheet.append(["Tag", "Descripción", "Cantidad", "Capacidad", "Costo unitario (USD)", "Total (USD)"])
    for tag, description, quantity, capacity, unit_cost in EQUIPMENT:
        sheet.append([tag, description, quantity, capacity, unit_cost, quantity * unit_cost])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _proposal_pdf(project: Project) -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    context = project.technical_context
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in [
            ("Cliente", project.client),
            ("Ubicación", project.location),
            ("Caudal medio", f"{context.get('flow_m3_d', '—')} m³/d"),
            ("Tipo de agua", context.get("water_type", "—")),
            ("CAPEX estimado", f"{context.get('capex_usd', 0):,.0f} USD"),
        ]
    )
    html = f"""<html><head><style>
        body {{ font-family: sans-serif; margin: 2cm; color: #0b2540; }}
        h1 {{ color: #0d6e8a; }} th {{ text-align: left; padding-right: 1em; }}
        </style></head><body>
        <h1>Propuesta técnica</h1><h2>{escape(project.name)}</h2>
        <table>{rows}</table>
        <p>Documento de demostración generado por <code>manage.py demo</code>.</p>
        </body></html>"""
    return HTML(string=html).write_pdf()
