from django.core.management.base import BaseCommand

from projects.phases.runner import reap_stale_runs, stale_after


class Command(BaseCommand):
    help = (
        "Find phase runs whose worker died (no heartbeat for H2O_PHASE_STALE_AFTER seconds): queue them again "
        "while attempts remain, fail them otherwise. Safe to run at any time, e.g. from cron."
    )

    def handle(self, *args, **options) -> None:
        runs = reap_stale_runs()
        for run in runs:
            self.stdout.write(f"{run.pk}\t{run.project_id}\t{run.phase}\t{run.status}\tattempt {run.attempt}/{run.max_attempts}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(runs)} stale phase run(s) handled (stale after {int(stale_after().total_seconds())} s).")
        )
