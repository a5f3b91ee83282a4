"""Personas shared by every test: a project with an owner, an engineer and a
viewer, and an outsider who belongs to none of it."""

import uuid

import pytest

from projects.models import Role

from .factories import TEST_PASSWORD, ProjectFactory, ProjectMemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Documents written by tests land in a throw-away directory, never media/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # PBKDF2's deliberate slowness would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # With REDIS_URL the cache is Redis, shared by the xdist workers and kept
    # from earlier runs: allauth's rate limits and confirmation-email cooldowns
    # would leak from one test (or run) into another. Each test gets its own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def chat_unthrottled(settings):
    """Chat tests post many answers in a row; the per-user rate limit is tested on its own."""
    settings.H2O_CHAT_RATE_LIMIT = "1000/m"


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def owner(db):
    return UserFactory(email="alice@example.com")


@pytest.fixture
def engineer(db):
    return UserFactory(email="bob@example.com")


@pytest.fixture
def viewer(db):
    return UserFactory(email="victor@example.com")


@pytest.fixture
def outsider(db):
    return UserFactory(email="charlie@example.com")


@pytest.fixture
def project(owner, engineer, viewer):
    project = ProjectFactory(owner=owner, name="Planta Lácteos", client="Lácteos del Norte")
    ProjectMemberFactory(project=project, user=owner, role=Role.OWNER)
    ProjectMemberFactory(project=project, user=engineer, role=Role.ENGINEER)
    ProjectMemberFactory(project=project, user=viewer, role=Role.VIEWER)
    return project


@pytest.fixture
def personas(owner, engineer, viewer, outsider):
    return {"owner": owner, "engineer": engineer, "viewer": viewer, "outsider": outsider}
