"""`python manage.py migrate_conversations_to_projects [--dry-run]`

Conversations of the earlier system that hold a finished proposal
(`metadata.has_proposal`) and belong to no project become projects in the
proposal phase. One transaction per conversation; running it again migrates
only what is left. Prints one line per conversation and the counts; exits
with status 1 when a conversation could not be migrated.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.services import MigrationResult, Outcome, conversation_migrate_to_project, conversations_to_migrate


class Command(BaseCommand):
    help = "Turn conversations with a finished proposal and no project into projects in the proposal phase."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created, write nothing.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        ids = list(conversations_to_migrate().values_list("pk", flat=True))
        prefix = "[dry run] " if dry_run else ""
        if not ids:
            self.stdout.write(f"{prefix}No conversation to migrate: every conversation with a proposal has a project.")
            return
        self.stdout.write(f"{prefix}{len(ids)} conversation(s) with a proposal and no project.")

        outcomes: Counter[str] = Counter()
        with_warnings = 0
        for conversation_id in ids:
            result = conversation_migrate_to_project(conversation_id=conversation_id, dry_run=dry_run)
            outcomes[result.outcome] += 1
            with_warnings += bool(result.extracted and result.extracted.warnings)
            self.stdout.write(self._line(result))

        order = (Outcome.CREATED, Outcome.WOULD_CREATE, Outcome.SKIPPED, Outcome.FAILED)
        summary = ", ".join(f"{outcomes[o]} {o}" for o in order if outcomes[o])
        self.stdout.write(f"{prefix}Done: {summary}; {with_warnings} with warnings.")
        if outcomes[Outcome.FAILED]:
            raise CommandError(f"{outcomes[Outcome.FAILED]} conversation(s) could not be migrated (see above).")

    def _line(self, result: MigrationResult) -> str:
        head = f"conversation #{result.conversation_id}: {result.outcome}"
        extracted = result.extracted
        if result.outcome in (Outcome.CREATED, Outcome.WOULD_CREATE) and extracted is not None:
            context = extracted.technical_context
            facts = [
                extracted.sector,
                f"{context['flow_m3_d']:g} m3/d" if "flow_m3_d" in context else "",
                context.get("water_type", ""),
                context.get("location", ""),
                f"CAPEX {context['capex_usd']:,.0f} USD" if "capex_usd" in context else "",
            ]
            head += f" project “{extracted.name}”"
            if result.outcome == Outcome.CREATED and result.project is not None:
                head += f" ({result.project.pk})"
            head += " — " + "; ".join(fact for fact in facts if fact)
        elif result.reason:
            head += f" — {result.reason}"
        if extracted is not None and extracted.warnings:
            head += " [warnings: " + "; ".join(extracted.warnings) + "]"
        style = {Outcome.FAILED: self.style.ERROR, Outcome.SKIPPED: self.style.WARNING}.get(result.outcome)
        return style(head) if style else head
