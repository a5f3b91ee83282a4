from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from projects.models import PhaseRun

from .factories import DocumentFactory, InvitationFactory, PhaseRunFactory, ProjectFactory, ProjectMemberFactory


def _project(user, role="owner", **kwargs):
    project = ProjectFactory(owner=user, **kwargs)
    ProjectMemberFactory(project=project, user=user, role=role)
    return project


def test_it_lists_only_my_projects(client, owner, outsider):
    mine = _project(owner, name="Mine")
    _project(outsider, name="Not mine")
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    assert [p.pk for p in response.context["page"]] == [mine.pk]


def test_it_counts_projects_by_phase_and_sums_the_pipeline_capex(client, owner):
    _project(owner, status="proposal", technical_context={"capex_usd": 1_000_000})
    _project(owner, status="engineering", technical_context={"capex_usd": 500_000.5})
    _project(owner, status="completed", technical_context={"capex_usd": 9_999_999})
    _project(owner, status="proposal", archived=True, technical_context={"capex_usd": 7_000_000})
    _project(owner, status="proposal")
    client.force_login(owner)
    dashboard = client.get(reverse("dashboard")).context["dashboard"]
    assert dashboard.counts == {
        "proposal": 2, "engineering": 1, "procurement": 0, "completed": 1, "archived": 1
    }
    assert dashboard.pipeline_capex_usd == 1_500_000.5


def test_it_searches_by_name_and_client(client, owner):
    _project(owner, name="PTAR Lácteos", client="Lala")
    _project(owner, name="Riego", client="Cooperativa Norte")
    client.force_login(owner)
    by_name = client.get(reverse("dashboard"), {"q": "lácteos"}).context["page"]
    by_client = client.get(reverse("dashboard"), {"q": "norte"}).context["page"]
    assert [p.name for p in by_name] == ["PTAR Lácteos"]
    assert [p.name for p in by_client] == ["Riego"]


def test_it_filters_by_phase_and_hides_archived_projects(client, owner):
    _project(owner, name="A", status="proposal")
    _project(owner, name="B", status="engineering")
    _project(owner, name="C", status="engineering", archived=True)
    client.force_login(owner)
    names = lambda **q: sorted(p.name for p in client.get(reverse("dashboard"), q).context["page"])  # noqa: E731
    assert names() == ["A", "B"]
    assert names(phase="engineering") == ["B"]
    assert names(phase="archived") == ["C"]


def test_it_paginates(client, owner):
    for i in range(30):
        _project(owner, name=f"P{i:02}")
    client.force_login(owner)
    first = client.get(reverse("dashboard"))
    second = client.get(reverse("dashboard"), {"page": 2})
    assert len(first.context["page"]) == 24
    assert len(second.context["page"]) == 6
    assert "Page 1 of 2" in first.content.decode() or "Página 1 de 2" in first.content.decode()


def test_an_htmx_search_gets_only_the_project_list(client, owner):
    _project(owner, name="Solo")
    client.force_login(owner)
    response = client.get(reverse("dashboard"), {"q": "solo"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-list")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="project-list">')
    assert "<html" not in html


def test_a_card_shows_the_latest_phase_run_progress(client, owner):
    project = _project(owner)
    PhaseRunFactory(project=project, phase="proposal", status="succeeded", progress=100,
                    queued_at=timezone.now() - timezone.timedelta(hours=1))
    PhaseRunFactory(project=project, phase="engineering", status="running", progress=42)
    client.force_login(owner)
    card = client.get(reverse("dashboard")).context["page"][0]
    assert (card.run_phase, card.run_status, card.run_progress) == ("engineering", "running", 42)
    assert card.my_role == "owner"


def test_actions_required_lists_failed_phases_documents_under_review_and_invitations(client, owner, outsider):
    failed = _project(owner, name="Failed one")
    PhaseRunFactory(project=failed, phase="proposal", status=PhaseRun.Status.FAILED)
    retried = _project(owner, name="Retried one")
    PhaseRunFactory(project=retried, phase="proposal", status=PhaseRun.Status.FAILED,
                    queued_at=timezone.now() - timezone.timedelta(hours=1))
    PhaseRunFactory(project=retried, phase="proposal", status=PhaseRun.Status.SUCCEEDED)
    reviewed = _project(owner, name="With documents")
    DocumentFactory(project=reviewed)
    DocumentFactory(project=reviewed)
    DocumentFactory(project=reviewed, review_state=Document.ReviewState.APPROVED)
    elsewhere = _project(outsider, name="Elsewhere")
    InvitationFactory(project=elsewhere, email=owner.email, role="viewer")

    client.force_login(owner)
    actions = client.get(reverse("dashboard")).context["dashboard"].actions
    kinds = sorted((a.kind, a.project_name) for a in actions)
    assert kinds == [
        ("documents_review", "With documents"),
        ("invitation", "Elsewhere"),
        ("phase_failed", "Failed one"),
    ]
    documents = next(a for a in actions if a.kind == "documents_review")
    assert "2" in str(documents.text)


def test_archived_projects_need_no_action(client, owner):
    project = _project(owner, archived=True)
    PhaseRunFactory(project=project, status=PhaseRun.Status.FAILED)
    client.force_login(owner)
    assert client.get(reverse("dashboard")).context["dashboard"].actions == []
