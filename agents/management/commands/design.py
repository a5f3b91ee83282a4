"""``python manage.py design FILE.json`` — design a plant and print it as JSON or as a report."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Design a treatment plant from a requirements JSON file and print the design "
        "(JSON as documented in docs/engine-design-json.md, or a readable report)."
    )
    # The engine is pure Python; no model or migration is needed to run it.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="requirements JSON file (see examples/)")
        parser.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
        parser.add_argument("--currency", default=None,
                            help="ISO 4217 code to report costs in (default: the requirements' currency)")
        parser.add_argument("--alternatives", action="store_true",
                            help="design every train that meets the targets and compare them by LCOW")

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here so that `manage.py help` does not load the engine's data.
        from agents.engine.costing import CurrencyError
        from agents.engine.design import DesignError, design
        from agents.engine.report import design_to_json, design_to_text
        from agents.engine.requirements import RequirementsError, load_requirements

        try:
            requirements = load_requirements(options["file"])
            result = design(requirements, alternatives=options["alternatives"])
            if options["format"] == "text":
                output = design_to_text(result, currency=options["currency"])
            else:
                output = json.dumps(design_to_json(result, currency=options["currency"]), indent=2, ensure_ascii=False)
        except (RequirementsError, CurrencyError, DesignError) as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(output.rstrip("\n"))
