"""The proposal PDF: the text extracted from it holds the CAPEX, the LCOW,
every unit's name and the disclaimers; it has the process flow diagram (the
engine's SVG, drawn as vectors on a landscape page) and the cost charts; its
footer names the project and the revision; it is in the project's language."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from agents.proposal import OFFLINE, write_proposal
from agents.proposal.format import lcow_text, money_text
from documents.pdf import css_string, render_proposal_pdf

from .proposal_helpers import deps_for, normalise, pdf_text

PROJECT = "Planta Lácteos \"Norte\" <2>"


@pytest.fixture(scope="module")
def spanish():
    proposal = write_proposal(deps_for("dairy_to_sewer", "es"), model=OFFLINE)
    content = render_proposal_pdf(proposal, project_name=PROJECT, client="Lácteos del Norte", revision=3)
    return proposal, content, pdf_text(content)


@pytest.fixture(scope="module")
def english():
    # Alternatives, a sludge line and many units.
    proposal = write_proposal(deps_for("municipal_20000", "en"), model=OFFLINE)
    content = render_proposal_pdf(proposal, project_name="Town WWTP", revision=1)
    return proposal, content, pdf_text(content)


def _in(language, function, *args):
    with translation.override(language):
        return normalise(function(*args))


def test_it_is_a_pdf_with_several_pages(spanish):
    from pypdf import PdfReader

    _proposal, content, _text = spanish
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(content)).pages) >= 6


@pytest.mark.parametrize("fixture", ["spanish", "english"])
def test_the_text_holds_the_capex_its_range_the_opex_and_the_lcow(fixture, request):
    proposal, _content, text = request.getfixturevalue(fixture)
    f = proposal.facts.figures
    for value in (f.capex, f.capex_low, f.capex_high, f.opex_per_year):
        assert _in(proposal.language, money_text, value, f.currency) in text
    assert _in(proposal.language, lcow_text, f.lcow, f.currency) in text


@pytest.mark.parametrize("fixture", ["spanish", "english"])
def test_the_text_names_every_unit_and_every_equipment_tag(fixture, request):
    proposal, _content, text = request.getfixturevalue(fixture)
    for unit in proposal.facts.units:
        assert normalise(unit["name"]) in text
        assert unit["tag"] in text
    for item in proposal.facts.equipment:
        assert item["tag"] in text


def test_the_disclaimers_are_printed_in_the_projects_language(spanish, english):
    assert "No es una cotización ni una oferta de suministro" in spanish[2]
    assert "It is not a quotation or an offer to supply" in english[2]
    for proposal, _content, text in (spanish, english):
        for disclaimer in proposal.disclaimers:
            assert normalise(disclaimer) in text


def test_it_has_the_process_flow_diagram_as_a_vector_drawing_on_a_landscape_page(spanish):
    from pypdf import PdfReader

    proposal, content, _text = spanish
    reader = PdfReader(io.BytesIO(content))
    landscape = [page for page in reader.pages if float(page.mediabox.width) > float(page.mediabox.height)]
    assert len(landscape) == 1
    page = landscape[0]
    forms = page["/Resources"]["/XObject"].get_object()
    assert any(x.get_object().get("/Subtype") == "/Form" for x in forms.values())
    drawn = normalise(page.extract_text())
    # The engine's drawing: its title, each unit's tag and the stream numbers, as text in the vectors.
    assert "Diagrama de flujo de proceso" in drawn
    for tag in proposal.facts.unit_tags:
        assert tag in drawn
    assert "S1" in drawn and "S2" in drawn


def test_the_cost_charts_are_drawn(english):
    proposal, _content, text = english
    # The CAPEX-by-unit chart labels each bar with the unit's tag and name.
    largest = max(proposal.facts.capex_by_unit, key=lambda r: r["value"])
    assert f"{largest['tag']} {largest['name'][:20]}" in text
    assert "CAPEX by unit" in text and "OPEX by category" in text


def test_the_footer_names_the_project_the_revision_and_the_page(spanish, english):
    assert f"{PROJECT} · Propuesta conceptual · Rev. 3" in spanish[2]
    assert "Página 2 de" in spanish[2]
    assert "Town WWTP · Conceptual proposal · Rev. 1" in english[2] and "Page 2 of" in english[2]


def test_the_design_basis_says_what_came_from_the_client_and_what_is_a_default(spanish):
    text = spanish[2]
    assert "Bases de diseño" in text
    assert "Cliente" in text and "Valor típico" in text
    # The dairy example gives the BOD; the TDS is the sector's default.
    basis = {row.key: row for row in spanish[0].facts.basis}
    assert basis["influent.bod"].client and not basis["influent.tds"].client


def test_the_engines_words_are_in_the_projects_language_too(spanish):
    # Key sizes, equipment, notes and the default values' sources come from the engine's own
    # catalogue: a Spanish proposal carries no English sentence of the engine.
    import re

    proposal, _content, text = spanish
    units = proposal.facts.summary()["units"]
    texts = [e["description"] for u in units for e in u["equipment"]] + [n for u in units for n in u["notes"]]
    texts += [s["label"] for u in units for s in u["key_sizes"]]
    english = [t for t in texts if re.search(r"\b(the|of|with|and|per|each|to|is)\b", t)]
    assert texts and not english, english
    assert normalise(units[0]["equipment"][0]["description"])[:30] in normalise(text)
    assert "valor por defecto del sector" in text
    prose = normalise(text).replace("Wastewater Management in Dairy Processing", "")
    assert not re.search(r"\b(the|with|from|per|must)\b", prose), re.findall(r".{40}\b(?:the|with|from|per|must)\b.{20}", prose)


def test_the_alternatives_are_compared(english):
    proposal, _content, text = english
    assert len(proposal.facts.alternatives) > 1
    for alternative in proposal.facts.alternatives:
        assert _in("en", lcow_text, alternative["lcow"], proposal.facts.currency) in text


def test_text_from_the_project_cannot_break_out_of_the_footer():
    assert css_string('a "quoted" \\ name </style>') == '"a \\"quoted\\" \\\\ name \\3C /style>"'
