"""The proposal's prose from templates: what the offline model writes.

`offline_output(summary, alternatives, prices)` turns what the agent's tools
returned into the arguments of a `ProposalOutput`, in the active language
(gettext: locale/*/LC_MESSAGES/django.po). Every number it writes is
formatted from the tools' results, so it passes the same number check as a
model's answer would.

Also the texts every proposal carries whoever writes it: the standard
disclaimers and the schedule to the next phase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .facts import COST_CATEGORIES, DESTINATIONS, WATER_KINDS
from .format import lcow_text, money_text, percent_text, quantity_text

UNIT_PURPOSES: dict[str, Any] = {
    "bar_screen": gettext_lazy("removes rags, plastics and coarse solids that would clog the pumps, pipes and units downstream"),
    "grit_chamber": gettext_lazy("removes sand and grit that would wear the pumps and settle in the tanks"),
    "equalization": gettext_lazy("evens out the flow and the load over the day, so that the units downstream work at a steady rate"),
    "oil_water_separator": gettext_lazy("separates free oil and settleable solids by gravity"),
    "daf": gettext_lazy("floats fats, oils, grease and suspended solids to the surface with micro-bubbles of dissolved air"),
    "coagulation_flocculation": gettext_lazy("destabilises colloids and precipitates phosphorus with a coagulant, then grows flocs that settle or float with a polymer"),
    "primary_clarifier": gettext_lazy("settles suspended solids and part of the organic load before the biological stage"),
    "lamella_clarifier": gettext_lazy("settles the flocs on inclined plates in a small footprint"),
    "activated_sludge": gettext_lazy("removes the dissolved organic load, and nitrogen where required, with suspended biomass in aerated basins"),
    "mbbr": gettext_lazy("removes the organic load with biofilm grown on moving plastic carriers"),
    "mbr": gettext_lazy("combines biological treatment with membrane separation and gives an effluent free of suspended solids"),
    "secondary_clarifier": gettext_lazy("separates the biomass from the treated water and returns it to the biological stage"),
    "media_filtration": gettext_lazy("polishes the water through a bed of granular media that retains fine suspended solids"),
    "cartridge_filtration": gettext_lazy("protects the membranes downstream from fine particles"),
    "ultrafiltration": gettext_lazy("removes suspended solids, colloids, bacteria and most viruses with membranes"),
    "reverse_osmosis": gettext_lazy("removes dissolved salts with semi-permeable membranes under pressure"),
    "uv": gettext_lazy("disinfects the water with ultraviolet light, without chemicals or by-products"),
    "chlorination": gettext_lazy("disinfects the water with hypochlorite in a contact tank and leaves a protective residual"),
    "sludge_thickening": gettext_lazy("thickens the sludge to reduce the volume sent to dewatering"),
    "sludge_dewatering": gettext_lazy("dewaters the sludge into a cake that can be hauled to disposal"),
}
DEFAULT_PURPOSE = gettext_lazy("treats the water as one stage of the train")


def standard_disclaimers(figures: Mapping[str, Any]) -> list[str]:
    """Printed in every proposal, whoever wrote its prose."""
    return [
        _(
            "This is a conceptual estimate (AACE class %(class)d): actual costs may differ from it by "
            "%(low)s to +%(high)s. It is not a quotation or an offer to supply."
        )
        % {
            "class": figures["estimate_class"],
            "low": percent_text(figures.get("accuracy_low_percent")),
            "high": percent_text(figures.get("accuracy_high_percent")),
        },
        _(
            "Sizes and costs were calculated by H2O Allegiant's design engine from published design criteria "
            "and cost data, and every figure can be traced to its calculation. They must be confirmed by "
            "detailed engineering before construction or purchase."
        ),
        _(
            "Values marked as typical are sector defaults, not measurements: the design is only as good as "
            "the water analysis behind it."
        ),
        _(
            "Meeting the discharge or reuse limits depends on operating the plant as designed and on the "
            "influent staying within the design basis; local regulations prevail over the limits assumed here."
        ),
    ]


def schedule() -> list[dict[str, str]]:
    """The steps from this proposal to the next phases (durations are the product's, not the engine's)."""
    return [
        {"activity": _("Review of this proposal and confirmation of the design basis by the client"),
         "duration": _("1–2 weeks")},
        {"activity": _("Sampling and laboratory analysis of the water to confirm the typical values"),
         "duration": _("2–4 weeks")},
        {"activity": _("Detailed engineering (phase 2): P&ID, equipment list, calculation report and preliminary layout"),
         "duration": _("minutes after the order, then 1–2 weeks of review")},
        {"activity": _("Procurement (phase 3): quotations from several suppliers, comparison and purchase orders"),
         "duration": _("2–6 weeks")},
    ]  # fmt: skip


def _join(items: Sequence[str]) -> str:
    items = [str(i) for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _unit_description(unit: Mapping[str, Any]) -> str:
    purpose = UNIT_PURPOSES.get(unit["type"], DEFAULT_PURPOSE)
    parts = [_("%(name)s (%(tag)s) %(purpose)s.") % {"name": unit["name"], "tag": unit["tag"], "purpose": purpose}]
    if unit.get("trains", 1) > 1:
        parts.append(
            ngettext("It is built as %(count)d train.", "It is built as %(count)d parallel trains.", unit["trains"])
            % {"count": unit["trains"]}
        )
    sizes = [f"{s['label'].lower()} {quantity_text(s['value'], s['unit'])}" for s in unit.get("key_sizes", [])[:4]]
    if sizes:
        parts.append(_("Key sizes: %(sizes)s.") % {"sizes": "; ".join(sizes)})
    if unit.get("installed_power_kw"):
        parts.append(_("Installed power: %(power)s.") % {"power": quantity_text(unit["installed_power_kw"], "kW")})
    return " ".join(parts)


def _alternative_label(alternative: Mapping[str, Any], chosen_train: Sequence[str]) -> str:
    different = [name for name in alternative["train"] if name not in chosen_train]
    if alternative.get("chosen"):
        return _("the chosen train")
    if not different:
        return alternative["name"]
    return _("the train with %(units)s") % {"units": _join(different)}


def offline_output(
    summary: Mapping[str, Any],
    alternatives: Sequence[Mapping[str, Any]],
    prices: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The arguments of a ProposalOutput, written from the tools' results in the active language."""
    costs = summary["costs"]
    currency = costs["currency"]
    project = summary.get("project") or {}
    client = project.get("client") or project.get("name") or _("The client")
    flow = summary["flow_m3_per_day"]
    train_names = [u["name"] for u in summary["train"]]
    sludge_names = [u["name"] for u in summary.get("sludge_line", [])]
    destination = str(DESTINATIONS.get(summary["destination"], summary["destination"]))
    water = str(WATER_KINDS.get(summary["water"], summary["water"]))
    location = summary.get("location") or {}
    place = ", ".join(p for p in (location.get("city"), location.get("country_name")) if p)
    capex, opex, lcow = costs["capex"], costs["opex_per_year"], costs["lcow_per_m3"]
    low, high = costs["capex_range"]

    missed = [c["parameter"] for c in summary.get("compliance", []) if not c["met"]]
    figures_sentence = _(
        "The estimated investment (CAPEX) is %(capex)s, an AACE class %(class)d estimate with a range of "
        "%(low)s to %(high)s; the operating cost (OPEX) is %(opex)s per year and the levelized cost of water "
        "%(lcow)s."
    ) % {
        "capex": money_text(capex, currency),
        "class": costs["estimate_class"],
        "low": money_text(low, currency),
        "high": money_text(high, currency),
        "opex": money_text(opex, currency),
        "lcow": lcow_text(lcow, currency),
    }
    if missed:
        compliance_sentence = _(
            "With this train the treated water does not meet every limit (%(missed)s): the design basis or "
            "the limits need a second look before detailed engineering."
        ) % {"missed": _join(missed)}
    else:
        compliance_sentence = _("With this train the treated water meets every limit that applies.")
    intro = _(
        "%(client)s needs to treat %(flow)s of %(water)s for %(destination)s%(place)s. H2O Allegiant proposes "
        "a treatment train in %(count)d stages: %(train)s."
    ) % {
        "client": client,
        "flow": quantity_text(flow["average"], "m3/d"),
        "water": water,
        "destination": destination,
        "place": (_(" in %(place)s") % {"place": place}) if place else "",
        "count": len(train_names),
        "train": " → ".join(train_names),
    }
    if sludge_names:
        intro += " " + _("The sludge is handled by %(units)s.") % {"units": _join(sludge_names).lower()}
    if len(alternatives) > 1:
        alternatives_sentence = ngettext(
            "%(count)d train was designed and compared by its levelized cost of water.",
            "%(count)d trains were designed and compared by their levelized cost of water.",
            len(alternatives),
        ) % {"count": len(alternatives)}
    else:
        alternatives_sentence = ""
    executive_summary = " ".join(
        s for s in (intro, figures_sentence, compliance_sentence, alternatives_sentence) if s
    )

    defaults = summary.get("defaults_used") or []
    design_basis = _(
        "The plant is designed for an average flow of %(flow)s and a peak flow of %(peak)s."
    ) % {"flow": quantity_text(flow["average"], "m3/d"), "peak": quantity_text(flow["peak"], "m3/d")}
    if defaults:
        design_basis += " " + _(
            "The client gave the values marked as such in the design basis table; for %(defaults)s the design "
            "uses typical values for the sector, with their source, which a water analysis should confirm."
        ) % {"defaults": _join(defaults[:12]) + ("…" if len(defaults) > 12 else "")}
    else:
        design_basis += " " + _("Every value of the design basis was given by the client.")

    stages = "; ".join(
        f"{u['name']}: {UNIT_PURPOSES.get(u['type'], DEFAULT_PURPOSE)}" for u in summary["train"]
    )
    train_justification = _(
        "The train follows from the water to treat and the quality required, stage by stage: %(stages)s."
    ) % {"stages": stages}
    if summary.get("language") == "en" and summary.get("choice_reason"):
        train_justification += " " + summary["choice_reason"]

    if len(alternatives) > 1:
        chosen_train = next((a["train"] for a in alternatives if a["chosen"]), [])
        lines = []
        for alternative in alternatives:
            label = _alternative_label(alternative, chosen_train)
            line = _("%(label)s: CAPEX %(capex)s, OPEX %(opex)s per year, LCOW %(lcow)s") % {
                "label": _sentence(label),
                "capex": money_text(alternative["capex"], currency),
                "opex": money_text(alternative["opex_per_year"], currency),
                "lcow": lcow_text(alternative["lcow"], currency),
            }
            if not alternative["meets_targets"]:
                line += " " + _("(misses a limit)")
            lines.append(line)
        alternatives_comparison = (
            _("The trains that can treat this water were designed and compared.")
            + " "
            + ". ".join(lines)
            + ". "
            + _(
                "The chosen train has the lowest levelized cost of water among those that meet every limit "
                "(or, if none does, misses the fewest)."
            )
        )
    else:
        alternatives_comparison = _(
            "Only one train applies to these requirements, so there were no alternatives to compare."
        )

    by_unit = sorted(
        ((u["name"], u["capex"]) for u in summary["units"] if u.get("capex")), key=lambda kv: -kv[1]
    )
    opex_categories = sorted(costs.get("opex_by_category", {}).items(), key=lambda kv: -kv[1])
    cost_commentary = _(
        "The CAPEX of %(capex)s covers equipment, civil works, installation, engineering, the contractor's "
        "costs and contingency; the tables break it down by unit and by category."
    ) % {"capex": money_text(capex, currency)}
    if by_unit:
        cost_commentary += " " + _("The largest items are %(units)s.") % {
            "units": _join(f"{name} ({money_text(value, currency)})" for name, value in by_unit[:2])
        }
    if opex_categories:
        cost_commentary += " " + _("Of the OPEX of %(opex)s per year, the largest part is %(category)s (%(value)s).") % {
            "opex": money_text(opex, currency),
            "category": str(COST_CATEGORIES.get(opex_categories[0][0], opex_categories[0][0])).lower(),
            "value": money_text(opex_categories[0][1], currency),
        }
    economics = costs.get("economics") or {}
    if economics.get("plant_life_years") and economics.get("discount_rate") is not None:
        cost_commentary += " " + _(
            "Over a plant life of %(life)s years at a discount rate of %(rate)s, the levelized cost of water is %(lcow)s."
        ) % {
            "life": quantity_text(economics["plant_life_years"], ""),
            "rate": quantity_text(economics["discount_rate"] * 100, "%"),
            "lcow": lcow_text(lcow, currency),
        }
    checked = [p for p in prices if p.get("price") is not None]
    if checked:
        cost_commentary += " " + _(
            "The purchase cost of the main equipment was checked against historical prices: %(checks)s."
        ) % {
            "checks": "; ".join(
                _("%(item)s for %(unit)s, %(price)s") % {
                    "item": p["item_name"], "unit": p["unit"], "price": money_text(p["price"], currency)
                }
                for p in checked
            )
        }

    year = costs.get("cost_year")
    assumptions = [
        _("The design basis is the one in the table of section 2; typical values there are sector defaults to be confirmed with a water analysis."),
        _("Costs are in %(currency)s of %(year)s, from published cost curves and historical prices escalated with a cost index.")
        % {"currency": currency, "year": year},
        _("Electricity, labour and sludge disposal are priced at the rates of the design basis table."),
        _("The site has road access, power and water at the battery limits, level ground and ordinary soil."),
        _("The plant is operated as designed, with trained operators and routine maintenance."),
    ]  # fmt: skip
    exclusions = [
        _("Land, permits, environmental impact studies and legal fees."),
        _("Buildings other than the enclosures of the process units, roads, fencing and landscaping."),
        _("Power supply up to the battery limits (transformers, medium-voltage lines) and connections outside the plant."),
        _("Taxes, duties, financing and owner's costs."),
        _("Pilot tests and treatability studies."),
    ]  # fmt: skip
    next_steps = [
        _("Confirm or correct the design basis, above all the values marked as typical."),
        _("Order the detailed engineering phase to receive the P&ID, the equipment list, the calculation report and the layout."),
        _("Share the site's constraints: available area, power supply and discharge or reuse point."),
    ]  # fmt: skip
    equipment_notes = _(
        "The equipment list gives each item with its duty and standby count, capacity and power; materials are "
        "the usual ones for the service and are specified in detailed engineering."
    )
    return {
        "executive_summary": executive_summary,
        "design_basis": design_basis,
        "train": [u["type"] for u in summary["train"]],
        "train_justification": train_justification,
        "alternatives_comparison": alternatives_comparison,
        "units": [{"tag": u["tag"], "description": _unit_description(u)} for u in summary["units"]],
        "equipment_notes": equipment_notes,
        "figures": {
            "currency": currency,
            "capex": capex,
            "capex_low": low,
            "capex_high": high,
            "opex_per_year": opex,
            "lcow": lcow,
            "estimate_class": costs["estimate_class"],
        },
        "cost_commentary": cost_commentary,
        "assumptions": [str(a) for a in assumptions],
        "exclusions": [str(e) for e in exclusions],
        "schedule": schedule(),
        "next_steps": [str(s) for s in next_steps],
        "disclaimers": [],
    }

