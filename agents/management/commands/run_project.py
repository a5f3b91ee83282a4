"""``python manage.py run_project FILE.json --owner EMAIL [--through proposal]``

Creates a project from a requirements file (the engine's format, see
examples/), puts the requirements in its proposal conversation, runs the
phases up to the one named, synchronously, with the configured or the
offline model, and prints a JSON summary: the project, each phase's status
and duration, and each document (kind, storage path, size, sha256).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from agents.services import conversation_set_requirements, phase_run_inline, project_from_requirements
from projects.selectors import PHASE_ORDER
from projects.services import ServiceError


class Command(BaseCommand):
    help = "Create a project from a requirements JSON file and run its phases up to --through; print a JSON summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="requirements JSON file (the engine's format, see examples/)")
        parser.add_argument("--owner", required=True, help="email of the user who owns the project")
        parser.add_argument("--through", default="proposal", choices=PHASE_ORDER, help="last phase to run (default: proposal)")
        parser.add_argument("--name", default="", help="project name (default: the file's name field)")
        parser.add_argument("--client", default="", help="client name")
        parser.add_argument("--language", choices=("es", "en"), default=None, help="language of the documents (default: the file's)")

    def handle(self, *args: Any, **options: Any) -> None:
        from agents.engine import RequirementsError, load_requirements

        data = self._read(options["file"])
        if options["language"]:
            data["language"] = options["language"]
        try:
            requirements = load_requirements(data)
        except RequirementsError as exc:
            raise CommandError(str(exc)) from None
        owner = self._owner(options["owner"])
        try:
            project = project_from_requirements(owner=owner, data=data, requirements=requirements,
                                                name=options["name"] or Path(options["file"]).stem,
                                                client=options["client"])
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        conversation_set_requirements(project=project, owner=owner, data=data, filename=Path(options["file"]).name)

        phases = PHASE_ORDER[: PHASE_ORDER.index(options["through"]) + 1]
        results = []
        failed = None
        # Inline, in this process: no worker needed, and the command returns when the phases are done.
        with override_settings(H2O_PHASE_BACKEND="sync"):
            for phase in phases:
                result = phase_run_inline(project=project, phase=phase, user=owner)
                results.append(result)
                if result["status"] != "succeeded":
                    failed = result
                    break
        self.stdout.write(json.dumps(self._summary(project, results), indent=2, ensure_ascii=False))
        if failed is not None:
            raise CommandError(f"The {failed['phase']} phase {failed['status']}: {failed.get('error') or ''}".strip())

    # --- steps ----------------------------------------------------------------------------

    def _read(self, path: str) -> dict[str, Any]:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not a readable JSON file: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} must hold a JSON object (the requirements), not {type(data).__name__}")
        return data

    def _owner(self, email: str):
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(email__iexact=email.strip()).select_related("user").first()
        user = address.user if address else get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}: sign up first (or create one with createsuperuser).")
        return user

    def _summary(self, project, results: list[dict[str, Any]]) -> dict[str, Any]:
        from documents.models import Document

        project.refresh_from_db()
        documents = Document.objects.filter(project=project).order_by("phase", "kind", "version")
        context = project.technical_context or {}
        return {
            "project": str(project.pk),
            "name": project.name,
            "phases": results,
            "documents": [
                {
                    "kind": d.kind,
                    "phase": d.phase,
                    "title": d.title,
                    "version": d.version,
                    "path": d.file.name,
                    "size": d.size,
                    "sha256": d.sha256,
                    "mime_type": d.mime_type,
                }
                for d in documents
            ],
            "figures": {k: context.get(k) for k in ("capex", "capex_usd", "opex_per_year", "lcow", "currency") if k in context},
        }
