"""`python manage.py demo`: a demo user and a handful of projects.

Idempotent: running it again leaves one demo user and the same projects.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import Project, ProjectMember, ProjectStatus, Role, Sector, Subsector

DEMO_EMAIL = "demo@h2o.example"
DEMO_PASSWORD = "h2o-demo-2025"

DEMO_PROJECTS: list[dict[str, Any]] = [
    {
        "name": "PTAR Lácteos del Norte",
        "client": "Lácteos del Norte S.A.",
        "sector": Sector.INDUSTRIAL,
        "subsector": Subsector.DAIRY,
        "country": "MX",
        "city": "Monterrey",
        "status": ProjectStatus.PROPOSAL,
        "technical_context": {"flow_m3_d": 800, "water_type": "dairy wastewater", "capex_usd": 1_450_000},
    },
    {
        "name": "Cervecería Altiplano — reúso",
        "client": "Cervecería Altiplano",
        "sector": Sector.INDUSTRIAL,
        "subsector": Subsector.BREWERY,
        "country": "PE",
        "city": "Arequipa",
        "status": ProjectStatus.ENGINEERING,
        "technical_context": {"flow_m3_d": 1200, "water_type": "brewery wastewater", "capex_usd": 2_300_000},
    },
    {
        "name": "Potabilizadora San Martín",
        "client": "Municipio de San Martín",
        "sector": Sector.MUNICIPAL,
        "subsector": Subsector.DRINKING_WATER,
        "country": "AR",
        "city": "San Martín",
        "status": ProjectStatus.PROCUREMENT,
        "technical_context": {"flow_m3_d": 15000, "water_type": "surface water", "capex_usd": 6_800_000},
    },
    {
        "name": "Riego tecnificado Valle Verde",
        "client": "Cooperativa Valle Verde",
        "sector": Sector.AGRICULTURAL,
        "subsector": Subsector.IRRIGATION,
        "country": "CL",
        "city": "Rancagua",
        "status": ProjectStatus.COMPLETED,
        "technical_context": {"flow_m3_d": 3000, "water_type": "well water", "capex_usd": 950_000},
    },
]


class Command(BaseCommand):
    help = "Create the demo user and a few demo projects."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            email=DEMO_EMAIL, defaults={"username": DEMO_EMAIL}
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        for data in DEMO_PROJECTS:
            project, _ = Project.objects.get_or_create(owner=user, name=data["name"], defaults=data)
            ProjectMember.objects.get_or_create(project=project, user=user, defaults={"role": Role.OWNER})
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
        )
