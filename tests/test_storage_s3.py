"""Documents on S3 (django-storages), against moto's S3 server on loopback.

The storage is configured the way h2o/settings.py configures it when
AWS_STORAGE_BUCKET_NAME is set: `S3Storage` with the bucket name, everything
else from the AWS_* settings.
"""

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from documents.models import Document

from .factories import DocumentFactory

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "h2o-documents-test"
REGION = "us-east-1"
PDF = b"%PDF-1.4\n% H2O Allegiant test proposal\n" + bytes(range(256)) * 64


@pytest.fixture(scope="module")
def s3_endpoint():
    # Port 0: the OS picks a free port, so parallel workers never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_QUERYSTRING_EXPIRE = 300
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    # Changing STORAGES resets django's default_storage (setting_changed), so
    # Document.file writes to S3 from here on.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": BUCKET}},
    }
    return client


def _save_document(project, data: bytes = PDF) -> Document:
    return DocumentFactory(
        project=project,
        file=ContentFile(data, name="propuesta.pdf"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        mime_type="application/pdf",
    )


def test_a_document_file_is_stored_in_the_bucket(s3_storage, project):
    document = _save_document(project)

    assert document.file.name.startswith(f"projects/{project.id}/proposal/")
    head = s3_storage.head_object(Bucket=BUCKET, Key=document.file.name)
    assert head["ContentLength"] == len(PDF)
    assert head["ContentType"] == "application/pdf"


def test_a_stored_document_reads_back_with_the_same_size_and_sha256(s3_storage, project):
    document = _save_document(project)

    fresh = Document.objects.get(pk=document.pk)
    with fresh.file.open("rb") as handle:
        data = handle.read()
    assert len(data) == fresh.size == fresh.file.size
    assert hashlib.sha256(data).hexdigest() == fresh.sha256


def test_a_second_file_with_the_same_name_does_not_overwrite_the_first(s3_storage, project):
    first = _save_document(project, b"%PDF-1.4 first")
    second = _save_document(project, b"%PDF-1.4 second")

    assert first.file.name != second.file.name
    assert s3_storage.get_object(Bucket=BUCKET, Key=first.file.name)["Body"].read() == b"%PDF-1.4 first"


def test_the_file_url_is_a_short_lived_signed_url(s3_storage, project, s3_endpoint):
    document = _save_document(project)

    url = document.file.url
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(s3_endpoint[0])
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback moto
        assert response.read() == PDF


def test_the_download_view_redirects_a_member_to_a_signed_url(s3_storage, project, viewer, client):
    document = _save_document(project)
    client.force_login(viewer)

    response = client.get(reverse("document_download", args=[project.id, document.pk]))

    assert response.status_code == 302
    url = response["Location"]
    query = parse_qs(urlsplit(url).query)
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="propuesta.pdf"']
    with urllib.request.urlopen(url, timeout=10) as signed:  # noqa: S310 — loopback moto
        assert signed.read() == PDF
        assert signed.headers["Content-Disposition"] == 'attachment; filename="propuesta.pdf"'


def test_the_download_view_gives_an_outsider_404_and_no_url(s3_storage, project, outsider, client):
    document = _save_document(project)
    client.force_login(outsider)

    response = client.get(reverse("document_download", args=[project.id, document.pk]))

    assert response.status_code == 404
    assert "Location" not in response


def test_the_settings_choose_s3_when_a_bucket_is_configured():
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    env.update(AWS_STORAGE_BUCKET_NAME="h2o-prod", AWS_S3_REGION_NAME="eu-west-1", AWS_QUERYSTRING_EXPIRE="120")
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.AWS_S3_REGION_NAME, s.AWS_QUERYSTRING_AUTH, "
        "s.AWS_QUERYSTRING_EXPIRE, s.AWS_DEFAULT_ACL, s.AWS_S3_SIGNATURE_VERSION]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "h2o.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    storage, region, signed, expire, acl, signature = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "h2o-prod"}}
    assert (region, signed, expire, acl, signature) == ("eu-west-1", True, 120, None, "s3v4")
