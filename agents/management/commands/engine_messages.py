"""Keep the engine's catalogue in step with its code and data.

    python manage.py engine_messages            # merge new messages into engine.po, drop vanished ones, compile .mo
    python manage.py engine_messages --check    # list what is untranslated or built outside the catalogue; exit 1

``--paths`` limits both to some files (then nothing is dropped), ``--catalog``
works on another .po file (a translator's copy).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agents.engine import messages
from agents.engine.i18n import LANGUAGES, SOURCE_LANGUAGE


class Command(BaseCommand):
    help = "Extract the engine's messages into its gettext catalogue (agents/engine/locale) and compile it."

    def add_arguments(self, parser):
        parser.add_argument("--language", "-l", action="append", choices=[x for x in LANGUAGES if x != SOURCE_LANGUAGE],
                            help="catalogue language (default: every translated language)")
        parser.add_argument("--paths", nargs="+", type=Path, help="only these engine files (.py or .yaml)")
        parser.add_argument("--catalog", type=Path, help="the .po file to update or check (default: the engine's)")
        parser.add_argument("--check", action="store_true", help="report problems instead of updating; exit 1 if any")

    def handle(self, *args, language=None, paths=None, catalog=None, check=False, **options):
        languages = language or [x for x in LANGUAGES if x != SOURCE_LANGUAGE]
        for path in paths or []:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
        if check:
            found = list(messages.untranslatable(paths))
            for lang in languages:
                found += [f"[{lang}] {p}" for p in messages.problems(lang, paths, catalog)]
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} problem(s) in the engine's messages")
            self.stdout.write(f"{len(messages.extract(paths))} messages, all translated")
            return
        for lang in languages:
            po = messages.update(lang, paths, catalog, prune=paths is None)
            done = len([e for e in po if e.translated()])
            self.stdout.write(f"{lang}: {len(po)} messages, {done} translated ({catalog or messages.catalogue_path(lang)})")
