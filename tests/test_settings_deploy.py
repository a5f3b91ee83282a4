"""Production settings: `check --deploy` is clean, and every variable that
h2o/settings.py reads is documented in the README."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "h2o.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://h2o.example.com",
    "SITE_URL": "https://h2o.example.com",
}


def _environment(**overrides: str) -> dict[str, str]:
    # The variables of the developer's shell (or CI's) must not decide the
    # outcome: start from PATH and HOME only.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(overrides)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _check_deploy(_environment(**PRODUCTION_ENV))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_flags_the_embedded_secret_key():
    env = _environment(**{**PRODUCTION_ENV, "SECRET_KEY": ""})
    del env["SECRET_KEY"]
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_flags_a_disabled_ssl_redirect():
    # Proves the settings really come from the environment.
    result = _check_deploy(_environment(**PRODUCTION_ENV, SECURE_SSL_REDIRECT="false"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


# `env("X")`, `env.str("X", ...)`, `env.db_url("X")`, `env.bool(\n "X"` ...
ENV_READ = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")


def settings_variables() -> set[str]:
    return set(ENV_READ.findall((ROOT / "h2o" / "settings.py").read_text()))


def test_the_settings_read_the_variables_we_expect():
    # Guards the regular expression above: if it stopped matching, the next
    # test would pass vacuously.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"} <= settings_variables()


@pytest.mark.parametrize("name", sorted(settings_variables()))
def test_every_setting_variable_is_in_the_readme_table(name):
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"^\| `{name}` \|", readme, re.MULTILINE), (
        f"{name} is read by h2o/settings.py but missing from the configuration table in README.md"
    )
