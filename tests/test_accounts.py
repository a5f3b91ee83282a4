"""Accounts (django-allauth): sign up, confirm, log in and out, reset a
password, and two-factor authentication with an authenticator app."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail

from .factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Trepid-Falcon-2291"


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _link(pattern: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(" + pattern + r")", body)
    assert match, body
    return match.group(1)


def _log_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_signing_up_sends_a_confirmation_and_confirming_logs_in(en):
    response = en.post(
        "/accounts/signup/", {"email": "nora@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert mail.outbox[-1].to == ["nora@example.com"]
    confirm = _link(r"/accounts/confirm-email/[^\s]+/")
    assert en.get(confirm).status_code == 200  # confirming takes a POST
    response = en.post(confirm)
    assert response.status_code == 302 and response["Location"] == "/"
    assert en.get("/").status_code == 200


def test_an_unconfirmed_address_cannot_log_in(en):
    UserFactory(email="nora@example.com", verified=False)
    response = _log_in(en, "nora@example.com", "correct-horse-battery-staple")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert en.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(en, owner):
    response = _log_in(en, owner.email, "not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_logging_out_takes_a_post_and_ends_the_session(en, owner, password):
    assert _log_in(en, owner.email, password)["Location"] == "/"
    response = en.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert en.get("/").status_code == 302


def test_a_password_is_reset_from_the_emailed_link(en, owner):
    response = en.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    key_url = _link(r"/accounts/password/reset/key/[^\s]+/")
    response = en.get(key_url)  # allauth moves the key into the session
    form_url = response["Location"] if response.status_code == 302 else key_url
    response = en.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert _log_in(en, owner.email, NEW_PASSWORD)["Location"] == "/"


def test_a_reset_for_an_unknown_address_reveals_nothing(en):
    response = en.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"


def test_an_authenticator_app_is_activated_and_then_asked_for_at_login(en, owner, password):
    assert _log_in(en, owner.email, password)["Location"] == "/"
    # Adding an authenticator asks for the password again (allauth's reauthentication).
    response = en.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert en.post(response["Location"], {"password": password}).status_code == 302
    page = en.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = en.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for manual entry next to the QR code

    wrong = "000000" if _current_code(secret) != "000000" else "111111"
    assert en.post("/accounts/2fa/totp/activate/", {"code": wrong}).status_code == 200
    assert not Authenticator.objects.filter(user=owner).exists()
    response = en.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()

    en.post("/accounts/logout/")
    response = _log_in(en, owner.email, password)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert en.get("/").status_code == 302  # not logged in before the code
    response = en.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert en.get("/").status_code == 200


def test_the_two_factor_page_is_in_the_account_settings(en, owner, password):
    _log_in(en, owner.email, password)
    html = en.get("/accounts/2fa/").content.decode()
    assert "Two-factor authentication" in html and 'href="/accounts/2fa/totp/activate/"' in html


def test_signing_up_twice_with_one_address_is_refused_gently(en):
    get_user_model().objects.create_user(username="nora", email="nora@example.com", password=NEW_PASSWORD)
    response = en.post(
        "/accounts/signup/", {"email": "nora@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    # allauth does not reveal whether the address exists (ACCOUNT_PREVENT_ENUMERATION):
    # it answers as for a new sign-up and emails the owner of the address.
    assert response.status_code in (200, 302)
    assert get_user_model().objects.filter(email__iexact="nora@example.com").count() == 1
