"""The workspace's documents list: download link, kind, phase, size, date and
review state, readable as a table on desktops and as labelled rows on phones."""

import pytest
from django.urls import reverse

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _documents(html: str) -> str:
    start = html.index('<section id="documents"')
    return html[start : html.index("</section>", start)]


def test_each_document_shows_its_download_kind_phase_size_date_and_review_state(en, project, viewer):
    document = DocumentFactory(project=project, title="Conceptual proposal", size=10_547)
    en.force_login(viewer)
    html = _documents(en.get(reverse("project_workspace", args=[project.id])).content.decode())
    assert f'href="{reverse("document_download", args=[project.id, document.pk])}" download' in html
    assert "Conceptual proposal" in html and "Proposal · v1" in html
    assert "10.3\xa0KB" in html
    assert document.created.strftime("%Y-%m-%d") in html  # the <time datetime>
    assert "Pending review" in html or "Pending" in html


def test_every_cell_carries_its_column_name_for_phones(en, project, viewer):
    DocumentFactory(project=project)
    en.force_login(viewer)
    html = _documents(en.get(reverse("project_workspace", args=[project.id])).content.decode())
    assert 'class="table table--stack"' in html
    for label in ("Phase", "Size", "Date", "Review"):
        assert f'data-label="{label}"' in html


def test_no_documents_says_where_they_will_come_from(en, project, viewer):
    en.force_login(viewer)
    html = _documents(en.get(reverse("project_workspace", args=[project.id])).content.decode())
    assert "No documents yet." in html
