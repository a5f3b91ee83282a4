#!/usr/bin/env python
"""Dashboard and workspace latency and query counts with 1,000 projects.

    .venv/bin/python bench/dashboard.py [--projects 1000] [--requests 200]

Builds a fresh database (test_<name> on PostgreSQL when DATABASE_URL is set,
an in-memory SQLite otherwise; dropped at the end), gives one user 1,000
projects with a team, phase runs, activity and documents, and another user
the same for 10 projects, then requests the dashboard and a workspace page
with Django's test client: median and p95 latency over N requests each, and
the number of SQL queries per page for 10 and for 1,000 projects.

Targets (issue 3): the query count is the same for 10 and 1,000 projects and
at most 15; the dashboard's p95 is under 150 ms on PostgreSQL. Exits with
status 1 when the query-count target is missed (it is deterministic); the
latencies are only reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "h2o.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

MAX_QUERIES = 15
DASHBOARD_P95_TARGET_MS = 150
STATUSES = ["proposal", "engineering", "procurement", "completed"]
SUBSECTORS = ["dairy", "brewery", "textile", "mining", "chemical", "food_beverage"]


def populate(owner, count: int, teammates: list) -> list:
    """`count` projects for `owner`: two teammates each, 1–3 phase runs,
    six activity events, a document on every other project."""
    from documents.models import Document
    from projects.models import ActivityEvent, PhaseRun, Project, ProjectMember

    projects = Project.objects.bulk_create(
        Project(
            owner=owner,
            name=f"Planta {i:04d} — {SUBSECTORS[i % len(SUBSECTORS)]}",
            client=f"Cliente {i:04d} S.A.",
            sector="industrial",
            subsector=SUBSECTORS[i % len(SUBSECTORS)],
            country="MX",
            city="Monterrey",
            status=STATUSES[i % 4],
            archived=i % 50 == 49,
            technical_context={"flow_m3_d": 100 + i, "capex_usd": 250_000 + 1_000 * i},
        )
        for i in range(count)
    )
    ProjectMember.objects.bulk_create(
        [ProjectMember(project=p, user=owner, role="owner") for p in projects]
        + [ProjectMember(project=p, user=teammates[0], role="engineer") for p in projects]
        + [ProjectMember(project=p, user=teammates[1], role="viewer") for p in projects]
    )
    runs = []
    for i, project in enumerate(projects):
        phases = ["proposal", "engineering", "procurement"][: STATUSES.index(project.status) + 1]
        for n, phase in enumerate(phases):
            latest = n == len(phases) - 1 and project.status != "completed"
            status = ["running", "failed", "queued", "succeeded"][i % 4] if latest else "succeeded"
            progress = {"running": 55, "failed": 40, "queued": 0, "succeeded": 100}[status]
            runs.append(PhaseRun(project=project, phase=phase, status=status, progress=progress, attempt=1))
    PhaseRun.objects.bulk_create(runs)
    verbs = [
        ("project.created", {"name": "x"}),
        ("member.joined", {"role": "engineer"}),
        ("member.joined", {"role": "viewer"}),
        ("project.renamed", {"old": "a", "new": "b"}),
        ("project.context_updated", {"field": "technical_context"}),
        ("member.invited", {"email": "someone@example.com", "role": "viewer"}),
    ]
    ActivityEvent.objects.bulk_create(
        ActivityEvent(project=p, actor=owner, verb=verb, data=data) for p in projects for verb, data in verbs
    )
    Document.objects.bulk_create(
        Document(
            project=p,
            phase="proposal",
            kind="proposal",
            title="Propuesta técnica",
            file=f"projects/{p.pk}/proposal/proposal-v1.pdf",
            size=48_213,
            mime_type="application/pdf",
            review_state=["pending", "approved"][i % 2],
        )
        for i, p in enumerate(projects[::2])
    )
    return projects


def timed(client: Client, url: str, requests: int) -> list[float]:
    for _ in range(10):  # warm-up: template loading, connection, caches
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    db = settings.DATABASES["default"]
    if connection.vendor != "sqlite":
        # Never the database of a test run going on at the same time.
        db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    started = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args, setup_seconds=time.perf_counter() - started)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def run(args: argparse.Namespace, setup_seconds: float) -> int:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = {
        email: User.objects.create_user(username=email, email=email, password="bench")
        for email in ("many@bench.example", "few@bench.example", "ana@bench.example", "luis@bench.example")
    }
    teammates = [users["ana@bench.example"], users["luis@bench.example"]]
    started = time.perf_counter()
    many = populate(users["many@bench.example"], args.projects, teammates)
    few = populate(users["few@bench.example"], 10, teammates)
    data_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def client_for(email: str) -> Client:
        client = Client()
        client.force_login(users[email])
        return client

    big, small = client_for("many@bench.example"), client_for("few@bench.example")
    pages: list[tuple[str, Client, Client, Callable[[list], str]]] = [
        ("dashboard", big, small, lambda projects: reverse("dashboard")),
        ("dashboard, search + filter", big, small, lambda projects: reverse("dashboard") + "?q=Planta+000&phase=engineering"),
        ("dashboard, page 3", big, small, lambda projects: reverse("dashboard") + "?page=3"),
        ("workspace", big, small, lambda projects: reverse("project_workspace", args=[projects[2].pk])),
    ]

    db = connection.settings_dict
    print(f"H2O Allegiant dashboard benchmark — {connection.vendor} ({db['NAME']}), Django {django.get_version()}")
    print(f"  data: {args.projects} + 10 projects (2 teammates, 1–3 phase runs, 6 events each, a document on every other)")
    print(f"  setup: database {setup_seconds:.1f} s, data {data_seconds:.1f} s; {args.requests} requests per page")
    print()
    print(f"  {'page':<28} {'queries (10)':>12} {'queries (' + str(args.projects) + ')':>15} {'median ms':>10} {'p95 ms':>8}")
    failures = []
    figures = {}
    for name, big_client, small_client, url_for in pages:
        q_small = query_count(small_client, url_for(few))
        q_big = query_count(big_client, url_for(many))
        samples = timed(big_client, url_for(many), args.requests)
        figures[name] = (statistics.median(samples), p95(samples))
        print(f"  {name:<28} {q_small:>12} {q_big:>15} {figures[name][0]:>10.1f} {figures[name][1]:>8.1f}")
        if q_small != q_big or q_big > MAX_QUERIES:
            failures.append(f"{name}: {q_small} queries with 10 projects, {q_big} with {args.projects} (target: equal, ≤ {MAX_QUERIES})")

    print()
    dashboard_p95 = figures["dashboard"][1]
    verdict = "met" if dashboard_p95 < DASHBOARD_P95_TARGET_MS else "MISSED"
    print(f"  dashboard p95 {dashboard_p95:.1f} ms: target < {DASHBOARD_P95_TARGET_MS} ms {verdict}")
    for failure in failures:
        print(f"  QUERY TARGET MISSED — {failure}")
    if not failures:
        print(f"  query counts: constant and ≤ {MAX_QUERIES} on every page")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
