"""PDF documents rendered by WeasyPrint from Django templates.

`render_proposal_pdf(proposal, …)` prints a proposal (agents.proposal.Proposal)
with templates/documents/proposal.html in the proposal's language: cover,
executive summary, design basis, process flow diagram (the engine's SVG, as a
vector image on a landscape page), unit by unit, equipment list, compliance,
costs with charts, alternatives, assumptions and exclusions, schedule,
disclaimers; page numbers, project and revision in the footer.
"""

from __future__ import annotations

import base64
import datetime
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .charts import bar_chart_svg

if TYPE_CHECKING:
    from agents.proposal import Proposal

PROPOSAL_TEMPLATE = "documents/proposal.html"


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def css_string(text: str) -> SafeString:
    """`text` as a CSS string literal, safe inside a <style> element (which HTML does not unescape)."""
    cleaned = " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return mark_safe(f'"{cleaned}"')


def proposal_context(
    proposal: Proposal,
    *,
    project_name: str,
    client: str = "",
    revision: int = 1,
    date: datetime.date | None = None,
) -> dict[str, Any]:
    """The template context (call with the proposal's language active)."""
    from agents.proposal.format import lcow_text, money_text, number_text, percent_text, quantity_text

    facts, output = proposal.facts, proposal.output
    f = facts.figures
    currency = f.currency
    date = date or datetime.date.today()
    location = ", ".join(p for p in (facts.location.get("city"), facts.location.get("country_name")) if p)

    def money(value: float | None) -> str:
        return money_text(value, currency)

    units = []
    for unit in facts.units:
        units.append({**unit, "description": proposal.unit_description(unit["tag"]),
                      "power_text": quantity_text(unit["installed_power"], "kW") if unit["installed_power"] else "",
                      "capex_text": money(unit["capex"]) if unit["capex"] else "",
                      "opex_text": money(unit["opex"]) if unit["opex"] else ""})  # fmt: skip
    names = {u["tag"]: u["name"] for u in facts.units}
    capex_rows = [{**row, "text": money(row["value"])} for row in facts.capex_by_unit]
    capex_categories = [{**row, "text": money(row["value"])} for row in facts.capex_by_category]
    opex_categories = [{**row, "text": money(row["value"])} for row in facts.opex_by_category]
    economics = facts.economics
    annual_volume = (economics.get("annual_volume") or {}).get("value")
    crf = (economics.get("capital_recovery_factor") or {}).get("value")
    discount = (economics.get("discount_rate") or {}).get("value")
    life = (economics.get("plant_life") or {}).get("value")
    annualized = (economics.get("annualized_capex") or {}).get("value")
    # Each default's source once, numbered, under the table (many rows share one source).
    sources: list[str] = []
    basis = []
    for row in facts.basis:
        note = 0
        if row.source:
            if row.source not in sources:
                sources.append(row.source)
            note = sources.index(row.source) + 1
        basis.append({"row": row, "note": note})
    title = _("Conceptual proposal")
    footer = _("%(project)s · %(title)s · Rev. %(revision)d · %(date)s") % {
        "project": project_name,
        "title": title,
        "revision": revision,
        "date": formats.date_format(date, "SHORT_DATE_FORMAT"),
    }
    return {
        "language": proposal.language,
        "title": title,
        "project_name": project_name,
        "client": client,
        "location": location,
        "date": date,
        "revision": revision,
        "footer": css_string(footer),
        "page_label": css_string(_("Page")),
        "of_label": css_string(_("of")),
        "proposal": proposal,
        "output": output,
        "facts": facts,
        "figures": {
            "capex": money(f.capex),
            "capex_low": money(f.capex_low),
            "capex_high": money(f.capex_high),
            "opex": money(f.opex_per_year),
            "lcow": lcow_text(f.lcow, currency),
            "estimate_class": f.estimate_class,
            "accuracy_low": percent_text(f.accuracy_low_percent),
            "accuracy_high": percent_text(f.accuracy_high_percent),
            "accuracy_basis": f.accuracy_basis,
            "cost_year": f.cost_year,
            "currency": currency,
            "capex_usd": money_text(f.capex_usd, "USD"),
        },
        "flow": {key: quantity_text(value, "m3/d") for key, value in facts.flow.items()},
        "train_names": [u["name"] for u in facts.train],
        "sludge_names": [u["name"] for u in facts.units if u["line"] == "sludge"],
        "basis": basis,
        "basis_sources": sources,
        "pfd_src": svg_data_uri(facts.pfd_svg),
        "units": units,
        "equipment": [{**item, "unit_name": names.get(item["unit"], item["unit"])} for item in facts.equipment],
        "compliance": facts.compliance,
        "capex_by_unit": capex_rows,
        "capex_by_category": capex_categories,
        "opex_by_category": opex_categories,
        "capex_chart": svg_data_uri(bar_chart_svg([(f"{r['tag']} {r['name']}", r["value"]) for r in capex_rows], value_text=money)),
        "opex_chart": svg_data_uri(bar_chart_svg([(r["label"], r["value"]) for r in opex_categories], value_text=money)),
        "economics": {
            "discount_rate": quantity_text(discount * 100, "%") if discount is not None else "—",
            "plant_life": (ngettext("%(years)s year", "%(years)s years", int(life)) % {"years": number_text(life)})
            if life is not None else "—",
            "crf": quantity_text(crf, "1/year", 4) if crf is not None else "—",
            "annual_volume": quantity_text(annual_volume, "m3/year", 4) if annual_volume is not None else "—",
            "annualized_capex": money(annualized) if annualized is not None else "—",
            "energy": quantity_text((facts.energy.get("specific") or {}).get("value"), "kWh/m3"),
        },
        "alternatives": [
            {**a, "capex_text": money(a["capex"]), "opex_text": money(a["opex_per_year"]),
             "lcow_text": lcow_text(a["lcow"], currency)}
            for a in facts.alternatives
        ],  # fmt: skip
        "cross_checks": [
            {**c, "curve_text": money(c["curve"]), "historical_text": money(c["historical"])}
            for c in facts.cross_checks
        ],
        "disclaimers": proposal.disclaimers,
        "warnings": facts.warnings,
        "written_offline": proposal.model == "offline",
    }


def render_proposal_pdf(
    proposal: Proposal,
    *,
    project_name: str,
    client: str = "",
    revision: int = 1,
    date: datetime.date | None = None,
) -> bytes:
    import weasyprint

    with translation.override(proposal.language):
        context = proposal_context(proposal, project_name=project_name, client=client, revision=revision, date=date)
        html = render_to_string(PROPOSAL_TEMPLATE, context)
    # Documents embed their images as data: URIs; nothing else is fetched (no files, no network).
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
