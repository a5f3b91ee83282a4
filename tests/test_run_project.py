"""`manage.py run_project FILE.json --owner EMAIL [--through proposal]`:
a project from a requirements file, its phases run inline, a JSON summary
with each phase's status and duration and each document's storage path,
size and sha256."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from conversations.models import Conversation
from documents.models import Document
from projects.models import Project, ProjectMember, Role

from .proposal_helpers import EXAMPLES


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.H2O_AI_MODEL = ""


def _run(*args, **options) -> dict:
    out = io.StringIO()
    call_command("run_project", *args, stdout=out, **options)
    return json.loads(out.getvalue())


def test_it_runs_the_proposal_and_prints_the_summary(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = _run(str(EXAMPLES / "dairy_to_sewer.json"), owner=owner.email)

    project = Project.objects.get(pk=summary["project"])
    assert ProjectMember.objects.get(project=project, user=owner).role == Role.OWNER
    assert (project.sector, project.subsector, project.country, project.city) == ("industrial", "dairy", "ES", "Lugo")
    conversation = Conversation.objects.get(project=project, phase="proposal")
    assert conversation.metadata["requirements"]["flow"]["average"] == "500 m3/d"

    [phase] = summary["phases"]
    assert phase["phase"] == "proposal" and phase["status"] == "succeeded" and phase["duration_s"] > 0
    assert phase["model"] == "offline"
    kinds = {d["kind"]: d for d in summary["documents"]}
    assert set(kinds) == {"proposal", "pfd"}
    for item in summary["documents"]:
        content = default_storage.open(item["path"]).read()
        assert item["size"] == len(content) and item["sha256"] == hashlib.sha256(content).hexdigest()
    assert Document.objects.get(pk__isnull=False, kind="proposal").file.name == kinds["proposal"]["path"]
    assert summary["figures"]["currency"] == "EUR" and summary["figures"]["capex"] > 0


def test_the_file_language_or_the_option_sets_the_documents_language(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = _run(str(EXAMPLES / "dairy_to_sewer.json"), owner=owner.email, language="en", name="Dairy")
    assert Document.objects.get(project_id=summary["project"], kind="proposal").title == "Conceptual proposal"


def test_a_phase_that_is_not_available_yet_is_reported_and_fails_the_command(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError, match="engineering phase unavailable"):
        _run(str(EXAMPLES / "dairy_to_sewer.json"), owner=owner.email, through="engineering")


def test_an_unknown_owner_is_refused(db):
    with pytest.raises(CommandError, match="No user with the email"):
        _run(str(EXAMPLES / "dairy_to_sewer.json"), owner="nobody@example.com")
    assert not Project.objects.exists()


def test_a_missing_or_broken_file_is_refused(owner, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _run(str(tmp_path / "nope.json"), owner=owner.email)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not a readable JSON file"):
        _run(str(broken), owner=owner.email)


def test_requirements_the_engine_refuses_are_listed(owner, tmp_path):
    bad = json.loads((EXAMPLES / "dairy_to_sewer.json").read_text())
    bad["flow"] = {"average": "abc m3/d"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError, match="flow"):
        _run(str(path), owner=owner.email)
    assert not Project.objects.exists()


def test_the_chat_does_not_ask_again_what_the_file_gave_the_project(owner, django_capture_on_commit_callbacks):
    from conversations.selectors import chat_state
    from projects.access import get_project_for

    with django_capture_on_commit_callbacks(execute=True):
        summary = _run(str(EXAMPLES / "dairy_to_sewer.json"), owner=owner.email)
    state = chat_state(get_project_for(owner, summary["project"]))
    assert state.answers["subsector"]["value"] == "dairy"
    assert state.current is None or state.current.key not in ("subsector", "country")
