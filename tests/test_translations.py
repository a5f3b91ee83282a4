"""Both catalogues are complete and compiled."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["es", "en"]

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")


@needs_msgfmt
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True, text=True, env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@needs_msgfmt
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_sources(language, tmp_path):
    directory = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(directory / "django.po")], check=True)
    with open(directory / "django.mo", "rb") as committed, open(fresh, "rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            "run `python manage.py compilemessages`"
        )
