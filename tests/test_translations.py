"""Both catalogues are complete and compiled.

"Complete" is checked against the sources, not just the .po files: the
strings are extracted afresh (`makemessages` in a throw-away copy of the
project) and every one must have a non-empty, non-fuzzy translation in
locale/es and locale/en. A string added to a template or to Python code
without a translation fails here.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
LANGUAGES = ["es", "en"]
# Not product strings: the test suite (its test phase) and what is not ours.
NOT_EXTRACTED = [
    ".git", ".venv", "tests", "media", "var", "node_modules", "__pycache__", "*.pyc",
    "db.sqlite3*", ".pytest_cache", ".hypothesis", "test-results",
]  # fmt: skip

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("xgettext") is None, reason="GNU gettext is not installed"
)


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    """The catalogues as `makemessages` leaves them after reading today's
    sources: new strings come in untranslated, changed ones fuzzy."""
    copy = tmp_path_factory.mktemp("makemessages") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_EXTRACTED), symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0", *(f"-l{lang}" for lang in LANGUAGES)],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {lang: polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po")) for lang in LANGUAGES}


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_sources_has_a_translation(extracted, language):
    missing = [
        f"{entry.msgid!r} ({', '.join(f'{path}:{line}' for path, line in entry.occurrences[:2])})"
        + (" [fuzzy]" if entry.fuzzy else "")
        for entry in extracted[language]
        if entry.fuzzy or not _is_translated(entry)
    ]
    assert not missing, (
        f"{len(missing)} string(s) without a {language} translation — run "
        f"`python manage.py makemessages -l es -l en --ignore=tests`, translate, then "
        f"`python manage.py compilemessages`:\n  " + "\n  ".join(missing)
    )


@needs_gettext
def test_the_extraction_found_the_product_strings(extracted):
    # Guards the test above against passing on an empty extraction.
    msgids = {entry.msgid for entry in extracted["es"]}
    assert {"Proposal", "Engineering", "Procurement"} <= msgids
    assert len(msgids) > 100


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_sources(language, tmp_path):
    directory = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(directory / "django.po")], check=True)
    with open(directory / "django.mo", "rb") as committed, open(fresh, "rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            "run `python manage.py compilemessages`"
        )
