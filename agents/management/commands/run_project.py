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

from projects.selectors import PHASE_ORDER


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
        project = self._project(owner, data, requirements, name=options["name"] or Path(options["file"]).stem, client=options["client"])
        self._fill_conversation(project, owner, data, Path(options["file"]).name)

        phases = PHASE_ORDER[: PHASE_ORDER.index(options["through"]) + 1]
        results = []
        failed = None
        # Inline, in this process: no worker needed, and the command returns when the phases are done.
        with override_settings(H2O_PHASE_BACKEND="sync"):
            for phase in phases:
                result = self._run(project, phase, owner)
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

    def _project(self, owner, data: dict[str, Any], requirements, *, name: str, client: str):
        from projects.models import SUBSECTORS_BY_SECTOR
        from projects.services import ServiceError, project_create

        resolved = requirements.resolved()
        subsector = resolved.subsector if resolved.subsector in SUBSECTORS_BY_SECTOR.get(resolved.sector, []) else ""
        try:
            return project_create(
                owner=owner,
                name=(data.get("name") or name)[:200],
                client=client,
                sector=resolved.sector,
                subsector=subsector,
                country=resolved.country or "",
                city=resolved.city or "",
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from None

    def _fill_conversation(self, project, owner, data: dict[str, Any], filename: str) -> None:
        from conversations.models import Conversation, Message
        from projects.models import Phase

        conversation, _created = Conversation.objects.get_or_create(
            project=project, phase=Phase.PROPOSAL, defaults={"owner": owner, "metadata": {}}
        )
        metadata = dict(conversation.metadata or {})
        metadata.update({"requirements": data, "language": data.get("language") or "es", "source": {"file": filename}})
        conversation.metadata = metadata
        conversation.save(update_fields=["metadata", "updated"])
        Message.objects.create(
            conversation=conversation,
            role=Message.Role.SYSTEM,
            content=f"Requirements read from {filename} (manage.py run_project).",
            metadata={"kind": "requirements_file", "file": filename},
        )

    def _run(self, project, phase: str, owner) -> dict[str, Any]:
        from projects.models import PhaseRun
        from projects.phases import execute_run, find_phase, start_phase
        from projects.services import ServiceError

        if find_phase(phase) is None:
            return {"phase": phase, "status": "unavailable", "error": "this phase is not available yet"}
        try:
            run = start_phase(project=project, phase=phase, user=owner)
        except ServiceError as exc:
            return {"phase": phase, "status": "refused", "error": str(exc)}
        # With the sync backend the run executed when start_phase committed; inside an outer
        # transaction (a script, a test) that commit is deferred: run it now. Idempotent.
        execute_run(run.pk)
        run = PhaseRun.objects.get(pk=run.pk)
        duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
        return {
            "phase": phase,
            "run": run.pk,
            "status": run.status,
            "attempts": run.attempt,
            "duration_s": round(duration, 3) if duration is not None else None,
            "error": run.error,
            "timings": (run.result or {}).get("timings", {}),
            "model": (run.result or {}).get("model"),
            "fallback_reason": (run.result or {}).get("fallback_reason", ""),
        }

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
