from django.urls import reverse

from .factories import DocumentFactory


def test_a_member_downloads_a_document_as_an_attachment(client, project, viewer):
    document = DocumentFactory(project=project)
    client.force_login(viewer)
    response = client.get(reverse("document_download", args=[project.id, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf"


def test_a_missing_file_is_not_found_rather_than_an_error(client, project, viewer):
    document = DocumentFactory(project=project)
    document.file.storage.delete(document.file.name)
    client.force_login(viewer)
    assert client.get(reverse("document_download", args=[project.id, document.pk])).status_code == 404


def test_an_unknown_document_is_not_found(client, project, viewer):
    client.force_login(viewer)
    assert client.get(reverse("document_download", args=[project.id, 999999])).status_code == 404
