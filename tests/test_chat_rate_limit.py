"""Chat writes are rate-limited per user (django-ratelimit): past the limit
the user gets a 429 with a clear message — a chat bubble for htmx — and
nothing is stored; other users are not affected."""

import uuid

import pytest
from django.urls import reverse

from conversations.models import Message


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.CACHES = {
        **settings.CACHES,
        "chat-tests": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.RATELIMIT_USE_CACHE = "chat-tests"
    settings.H2O_CHAT_RATE_LIMIT = "3/m"
    settings.H2O_AI_MODEL = ""


def _say(client, project, text="DQO 3000 mg/L", htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("chat_message", args=[project.id]), {"text": text}, **headers)


@pytest.fixture
def en(client, engineer):
    client.cookies["django_language"] = "en"
    client.force_login(engineer)
    return client


def test_past_the_limit_an_htmx_request_gets_a_429_bubble_appended_to_the_chat(en, project):
    assert [_say(en, project).status_code for _ in range(3)] == [200, 200, 200]
    stored = Message.objects.count()
    response = _say(en, project, "pH 7")
    assert response.status_code == 429
    assert response["HX-Retarget"] == "#chat-messages"
    assert response["HX-Reswap"] == "beforeend"
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="bubble bubble--assistant bubble--error" data-kind="rate_limited"')
    assert "You are sending messages faster than I can take them" in html
    assert Message.objects.count() == stored


def test_past_the_limit_a_plain_request_gets_the_chat_page_with_the_message(en, project):
    for _ in range(3):
        _say(en, project, htmx=False)
    response = _say(en, project, htmx=False)
    assert response.status_code == 429
    html = response.content.decode()
    assert "<!doctype html>" in html.lower() and "You are sending messages faster than I can take them" in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("chat_answer", {"key": "flow_average", "value": "500 m3/d"}),
        ("chat_skip", {"key": "flow_peak"}),
        ("chat_use_defaults", {}),
        ("chat_upload", {}),
    ],
)
def test_every_chat_write_counts_against_the_same_limit(en, project, name, data):
    for _ in range(3):
        _say(en, project)
    assert en.post(reverse(name, args=[project.id]), data, HTTP_HX_REQUEST="true").status_code == 429


def test_the_limit_is_per_user(en, client, project, owner):
    for _ in range(4):
        _say(en, project)
    client.force_login(owner)
    assert _say(client, project).status_code == 200


def test_reading_the_chat_is_not_limited(en, project):
    for _ in range(4):
        _say(en, project)
    assert en.get(reverse("chat", args=[project.id])).status_code == 200
