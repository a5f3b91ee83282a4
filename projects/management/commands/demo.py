"""`python manage.py demo`: the demo user, teammates and real projects.

Every project is made the way the product makes it:

* the projects with a proposal come from the engine's requirement files in
  examples/ and go through what `manage.py run_project` does (the same
  helpers: the project from the file, the requirements in the proposal
  conversation, the proposal phase run synchronously with the offline
  model), so each has a succeeded proposal run, the proposal PDF and its
  flow diagram as documents and the design's figures in technical_context;
* one project has its questionnaire half answered through the chat
  services (the chat shows its progress) and no run yet;
* one of the proposal projects is archived (project_set_archived);
* teammates join through invitations (member_invite, invitation_accept).

So the activity timeline is the one the services record. Only the phases
that are registered are run (today: the proposal), so there are no queued,
running, failed or engineering/procurement runs. Idempotent: a project that
already exists (same owner and name) is left as it is; the projects of the
earlier demo (fake runs, stub documents) are deleted when found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from projects.models import Phase, PhaseRun, Project, Role, Sector, Subsector
from projects.services import (
    invitation_accept,
    member_invite,
    project_create,
    project_delete,
    project_set_archived,
)

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

EXAMPLES = Path(settings.BASE_DIR) / "examples"


@dataclass
class DemoProposal:
    """A project from a requirements file in examples/, with its proposal run."""

    example: str
    name: str
    client: str
    language: str
    owner: str = DEMO_EMAIL
    members: dict[str, str] = field(default_factory=dict)
    archived: bool = False


@dataclass
class DemoQuestionnaire:
    """A project whose questionnaire is partly answered in the chat; no run yet."""

    name: str
    client: str
    sector: str
    subsector: str
    country: str
    city: str
    answers: list[tuple[str, Any, str | None]]
    owner: str = DEMO_EMAIL
    members: dict[str, str] = field(default_factory=dict)


DEMO_PROPOSALS: list[DemoProposal] = [
    DemoProposal(
        example="dairy_to_sewer.json",
        name="Lugo dairy — pretreatment before the sewer",
        client="Cooperativa Láctea Gallega",
        language="en",
        members={"ana@h2o.example": Role.ENGINEER, "luis@h2o.example": Role.VIEWER},
    ),
    DemoProposal(
        example="brewery_to_river.json",
        name="Cervecería del Altiplano — PTAR y vertimiento al río",
        client="Cervecería del Altiplano S.A.S.",
        language="es",
        members={"ana@h2o.example": Role.ENGINEER, "marta@h2o.example": Role.VIEWER},
    ),
    DemoProposal(
        example="municipal_20000.json",
        name="EDAR Talavera de la Reina — ampliación",
        client="Ayuntamiento de Talavera de la Reina",
        language="es",
        owner="marta@h2o.example",
        members={DEMO_EMAIL: Role.ENGINEER, "ana@h2o.example": Role.ENGINEER, "luis@h2o.example": Role.VIEWER},
    ),
    DemoProposal(
        example="brackish_to_drinking.json",
        name="El Paso brackish groundwater desalter",
        client="Franklin Mountains Water District",
        language="en",
        members={"luis@h2o.example": Role.VIEWER},
    ),
    DemoProposal(
        example="seawater_ro_10000.json",
        name="Yanbu seawater RO — 10,000 m³/d",
        client="Red Sea Coast Water Company",
        language="en",
        owner="marta@h2o.example",
        members={DEMO_EMAIL: Role.VIEWER},
    ),
    DemoProposal(
        example="textile_reuse.json",
        name="Tintorería Tiruppur — reúso del efluente",
        client="Noyyal Knit Processors Pvt. Ltd.",
        language="es",
        members={"ana@h2o.example": Role.ENGINEER},
        archived=True,
    ),
]

DEMO_QUESTIONNAIRES: list[DemoQuestionnaire] = [
    DemoQuestionnaire(
        name="PTAR Costa Azul",
        client="GAD Municipal de Manta",
        sector=Sector.MUNICIPAL,
        subsector=Subsector.WASTEWATER,
        country="EC",
        city="Manta",
        # Enough to show progress in the chat; the quality questions are still open.
        answers=[
            ("population_served", "60000", None),
            ("flow_average", "9000", "m3/d"),
            ("combined_sewer", "no", None),
            ("destination", "surface_water", None),
            ("bod", "240", "mg/L"),
        ],
        members={"marta@h2o.example": Role.ENGINEER, "luis@h2o.example": Role.VIEWER},
    ),
]


# (owner, name) of the projects the earlier demo made with fake runs and documents: removed
# when found, so a database seeded by it shows the real demo only.
LEGACY_PROJECTS: list[tuple[str, str]] = [
    (DEMO_EMAIL, "PTAR Lácteos del Norte"),
    (DEMO_EMAIL, "Cervecería Altiplano — reúso"),
    (DEMO_EMAIL, "Potabilizadora San Martín"),
    (DEMO_EMAIL, "Riego tecnificado Valle Verde"),
    (DEMO_EMAIL, "Textiles Río Bravo — efluente"),
    ("marta@h2o.example", "Minera Los Andes — agua de proceso"),
    ("marta@h2o.example", "PTAR Costa Azul"),
    (DEMO_EMAIL, "Piloto granja porcina (2024)"),
]


def demo_project_names() -> list[str]:
    return [spec.name for spec in DEMO_PROPOSALS] + [spec.name for spec in DEMO_QUESTIONNAIRES]


class Command(BaseCommand):
    help = "Create the demo user, teammates and real demo projects (proposals run with the offline model; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = {email: self._user(email, first, last) for email, (first, last) in TEAM.items()}
            removed = self._remove_legacy(users)
        if removed:
            self.stdout.write(f"Removed {len(removed)} project(s) of the earlier demo: {', '.join(removed)}")
        created: list[str] = []
        # The offline model and an inline run, whatever the environment configures: the demo
        # needs no API key and no worker.
        with override_settings(H2O_AI_MODEL="", H2O_PHASE_BACKEND="sync"):
            for spec in DEMO_PROPOSALS:
                if self._proposal(spec, users):
                    created.append(spec.name)
            for questionnaire in DEMO_QUESTIONNAIRES:
                if self._questionnaire(questionnaire, users):
                    created.append(questionnaire.name)
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

    def _remove_legacy(self, users: dict[str, AbstractBaseUser]) -> list[str]:
        removed = []
        for email, name in LEGACY_PROJECTS:
            for project in Project.objects.filter(owner=users[email], name=name):
                project_delete(project=project, actor=users[email])
                removed.append(name)
        return removed

    def _proposal(self, spec: DemoProposal, users: dict[str, AbstractBaseUser]) -> bool:
        """What `manage.py run_project FILE --through proposal` does, with the demo's name,
        client and language, then the team and (for one) the archive."""
        from agents.engine import RequirementsError, load_requirements
        from agents.services import conversation_set_requirements, phase_run_inline, project_from_requirements

        owner = users[spec.owner]
        if Project.objects.filter(owner=owner, name=spec.name).exists():
            return False
        path = EXAMPLES / spec.example
        data = json.loads(path.read_text(encoding="utf-8"))
        data.update(name=spec.name, language=spec.language)
        try:
            requirements = load_requirements(data)
        except RequirementsError as exc:
            raise CommandError(f"{spec.example}: {exc}") from None
        # One project at a time: one that fails leaves nothing behind, and the next run retries it.
        with transaction.atomic():
            project = project_from_requirements(owner=owner, data=data, requirements=requirements,
                                                name=spec.name, client=spec.client)
            conversation_set_requirements(project=project, owner=owner, data=data, filename=path.name)
            result = phase_run_inline(project=project, phase=Phase.PROPOSAL, user=owner)
            if result["status"] != PhaseRun.Status.SUCCEEDED:
                raise CommandError(f"{spec.name}: the proposal phase {result['status']}: {result.get('error') or ''}")
            self._team(project, owner, spec.members, users)
            if spec.archived:
                project_set_archived(project=project, actor=owner, archived=True)
        return True

    def _questionnaire(self, spec: DemoQuestionnaire, users: dict[str, AbstractBaseUser]) -> bool:
        from conversations.chat import chat_answer

        owner = users[spec.owner]
        if Project.objects.filter(owner=owner, name=spec.name).exists():
            return False
        with transaction.atomic():
            project = project_create(
                owner=owner,
                name=spec.name,
                client=spec.client,
                sector=spec.sector,
                subsector=spec.subsector,
                country=spec.country,
                city=spec.city,
            )
            self._team(project, owner, spec.members, users)
            for key, raw, unit in spec.answers:
                result = chat_answer(project=project, actor=owner, key=key, raw=raw, unit=unit)
                if result.rejected:
                    raise CommandError(f"{spec.name}: the answer to {key} was rejected: {result.rejected[key]}")
        return True

    def _team(
        self, project: Project, owner: AbstractBaseUser, members: dict[str, str], users: dict[str, AbstractBaseUser]
    ) -> None:
        for email, role in members.items():
            invitation = member_invite(project=project, actor=owner, email=email, role=role)
            invitation_accept(invitation=invitation, user=users[email])
