"""The engine writes in the design's language, from one catalogue.

Every message in the engine's code and data has a Spanish translation with
the same placeholders; the compiled catalogue is the one in the .po file; a
Spanish design of every example has no English left in what people read;
numbers are written the language's way.
"""

from __future__ import annotations

import gettext
import json
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from agents.engine import design, i18n, messages
from agents.engine.quantities import Q_
from agents.engine.report import design_to_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))

# Words that are English and not Spanish: any of them in a Spanish text means an
# untranslated message.
ENGLISH = re.compile(
    r"\b(the|of|and|with|for|from|is|are|each|per|to|at|by|which|that|when|than|this|be|not|or|on|must|should|"
    r"water|sludge|flow|pump|tank|blower|required|average|peak|treated|removal|design|cost|unit)\b"
)
# Fields that are not prose: identifiers, symbols, equations, units, keys — and the
# sources, whose publication titles stay as published (their words are checked by the
# catalogue test instead).
NOT_PROSE = frozenset({"equation", "symbol", "tag", "type", "unit", "id", "calculation", "key", "kind", "chemical",
                       "category", "source", "sources", "from", "to", "stream_kind", "currency", "train_types"})
# Publications are cited by their published (English) titles inside Spanish prose.
TITLES = (
    "Water Treatment: Principles and Design", "Reverse Osmosis and Nanofiltration", "Desalination of Seawater",
    "Innovations in wastewater treatment: the moving bed biofilm process",
    "Water and Wastewater: Treatment / Volume Reduction Manual", "Chemical Process Design and Integration",
    "Pollution Prevention and Abatement Handbook", "Design of Water Resource Recovery Facilities",
    "Guidelines for the Safe Use of Wastewater, Excreta and Greywater", "Recommended Standards for Wastewater Facilities",
    "Cost Estimating Manual for Water Treatment Facilities", "Wastewater Management in Dairy Processing",
    "'Textiles Industry'", "'Dairy Industry'", "'Breweries'",
)
CALCULATION_ID = re.compile(r"^[A-Z]+-\d+\.|^PLANT\.")


def _spanish(example: Path) -> dict:
    data = json.loads(example.read_text(encoding="utf-8"))
    data["language"] = "es"
    # The client's own words (project name, description) are not the engine's.
    data.pop("name", None)
    data.pop("description", None)
    return design_to_json(design(data, alternatives=True))


def _english_texts(node, path="", found=None) -> dict[str, str]:
    found = {} if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_PROSE:
                _english_texts(value, f"{path}.{key}", found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _english_texts(value, f"{path}[{i}]", found)
    elif isinstance(node, str) and " " in node and not CALCULATION_ID.match(node):
        prose = node
        for title in TITLES:
            prose = prose.replace(title, "")
        if ENGLISH.search(prose):
            found.setdefault(node, path)
    return found


def test_every_engine_message_has_a_spanish_translation_with_the_same_placeholders():
    problems = messages.problems("es")
    assert not problems, (
        f"{len(problems)} engine message(s) without a proper Spanish translation — run "
        "`python manage.py engine_messages`, translate agents/engine/locale/es/LC_MESSAGES/engine.po, run it again:\n  "
        + "\n  ".join(problems[:40])
    )


def test_no_text_is_built_outside_the_catalogue():
    found = messages.untranslatable()
    assert not found, "texts built with f-strings or appended as literals (use t(...)/note/warn):\n  " + "\n  ".join(found)


def test_the_extraction_finds_code_and_data_messages():
    # Guards the tests above against passing on an empty extraction.
    found = messages.extract()
    assert len(found) > 1500
    assert "Screenings produced" in found  # a unit's sizing (code)
    assert "Bar width" in found  # a criterion's description (data)


def test_the_compiled_catalogue_is_the_po_file():
    po = polib.pofile(str(messages.catalogue_path("es")))
    with messages.catalogue_path("es").with_suffix(".mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [e.msgid for e in po if e.translated() and not e.msgid_plural and mo.gettext(e.msgid) != e.msgstr]
    assert not stale, f"engine.mo is older than engine.po — run `python manage.py engine_messages`: {stale[:5]}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_spanish_design_has_no_english_left(example):
    left = _english_texts(_spanish(example))
    assert not left, f"{len(left)} English text(s) in the Spanish design:\n  " + "\n  ".join(
        f"{path}: {text[:160]}" for text, path in list(left.items())[:30]
    )


def test_a_spanish_design_reads_in_spanish():
    out = _spanish(ROOT / "examples" / "brewery_to_river.json")
    screen = next(u for u in out["units"] if u["type"] == "bar_screen")
    assert screen["sizing"]["headloss"]["description"].startswith("Pérdida de carga")
    assert any("relleno sanitario" in note for note in screen["notes"])
    # The same design in English is unchanged by the catalogue.
    english = design_to_json(design(ROOT / "examples" / "brewery_to_river.json", alternatives=True))
    screen_en = next(u for u in english["units"] if u["type"] == "bar_screen")
    assert screen_en["sizing"]["headloss"]["description"] == "Headloss at peak flow, clogged screen"


def test_every_bilingual_value_in_the_data_has_both_languages_whole():
    # An unquoted comma inside a YAML flow mapping ({en: Carbon dioxide (liquid, bulk), …}) splits
    # the value into a truncated name and a stray key.
    import yaml

    broken = []

    def walk(node, where):
        if isinstance(node, dict):
            if {"en", "es"} & set(node) and set(node) != {"en", "es"}:
                broken.append(f"{where}: {node}")
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    for path in [*(ROOT / "agents" / "engine" / "data").rglob("*.yaml"), *(ROOT / "conversations").rglob("*.yaml")]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    assert not broken, "\n".join(broken)


def test_numbers_are_written_the_languages_way():
    assert i18n.tr("en", "{x:,.1f} m3/d", x=12345.67) == "12,345.7 m3/d"
    assert i18n.tr("es", "{x:,.1f} m3/d", x=12345.67) == "12\u00a0345,7 m3/d"
    assert i18n.tr("es", "{n} trenes", n=3) == "3 trenes"
    assert i18n.tr("en", "{r:.0%} recovery", r=0.75) == "75% recovery"
    assert i18n.tr("es", "recuperación {r:.0%}", r=0.75) == "recuperación 75\u00a0%"
    assert i18n.tr("en", "Volume {v}", v=Q_(1234.0, "m**3")) == "Volume 1,230 m3"
    assert i18n.tr("es", "Volumen {v}", v=Q_(0.0425, "m**3/day")) == "Volumen 0,0425 m3/d"
    assert i18n.local_quantity(Q_(2160.0, "m**3/day"), "es") == "2\u00a0160 m3/d"


def test_a_translation_whose_placeholders_differ_falls_back_to_english(monkeypatch):
    class Broken(gettext.NullTranslations):
        def gettext(self, message):
            return "Caudal {caudal} m3/d"

    monkeypatch.setattr(i18n, "catalogue", lambda language: Broken())
    assert i18n.tr("es", "Flow {flow} m3/d", flow=5) == "Flow 5 m3/d"


def test_an_empty_message_stays_empty():
    # gettext("") is the catalogue's header: it must never leak into a design.
    assert i18n.tr("es", "") == ""


def test_the_engine_still_runs_without_django():
    code = (
        "import sys; from agents.engine import design; "
        "d = design('examples/dairy_to_sewer.json'); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
