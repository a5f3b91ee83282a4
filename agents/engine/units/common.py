"""Helpers shared by several unit modules: physical constants, blower power, choosing the cheaper option."""

from __future__ import annotations

from dataclasses import replace

from ..calc import CalcLog
from ..costing import installed_cost
from ..criteria import Criterion, load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import WATER_DENSITY, Stream
from .base import UnitProcess

GRAVITY = Q_(9.81, "m/s**2")
ATMOSPHERE = Q_(101.325, "kPa")
AIR_MOLAR_MASS = Q_(28.97, "kg/kmol")
GAS_CONSTANT = Q_(8.314, "kJ/(kmol*K)")
# Standard air (20 °C, 1 atm, 36 % RH) per ASME/ASHRAE; blowers are rated on it.
STANDARD_AIR_DENSITY = Q_(1.204, "kg/m**3")
STANDARD_AIR_TEMPERATURE = Q_(293.15, "K")
PHYSICS = mark("physical constant")
# What the units choose with cheaper_option and their options' names, translated where they are shown.
CHOICES = (mark("construction"), mark("packaged"), mark("site-built"), mark("grit removal"), mark("vortex"),
           mark("aerated"), mark("tank"), mark("steel"), mark("concrete"), mark("exchanger layout"),
           mark("gravity layout"))


def cheaper_option(unit: UnitProcess, influent: Stream, options: dict[str, object], allowed: list[str],
                   what: str) -> str:
    """The valid design option of ``unit`` that costs least installed.

    ``options`` maps each option's name to the value the unit reads from its
    ``_option`` attribute; each allowed option is designed in a scratch
    context (its records and warnings are dropped) and costed as the plant
    estimate costs it. Taking the cheaper valid option keeps the unit's cost
    continuous and rising with flow where one option gives way to another
    (packaged to site-built, one layout to the next).
    """
    forced = getattr(unit, "_option", None)
    if forced is not None:
        return next(k for k, v in options.items() if v == forced)
    if len(allowed) == 1:
        return allowed[0]
    costs: dict[str, Quantity] = {}
    for name in allowed:
        ctx = replace(unit.ctx, log=CalcLog(), warnings=[], criteria_sets={}, shared=dict(unit.ctx.shared))
        twin = type(unit)(ctx, unit.tag)
        twin._option = options[name]  # type: ignore[attr-defined]
        twin.run(influent)
        costs[name] = Q_(installed_cost(twin), "USD")
    best = min(allowed, key=lambda k: costs[k].magnitude)
    label = unit.t(what)
    unit.calc(f"C_inst,{what}", unit.t("Installed cost of the cheaper {what} ({option})", what=label, option=unit.t(best)),
              "C = min(C_inst,i) over the valid options",
              {f"C_inst,{k}": (costs[k], unit.t("this unit designed as {option}", option=unit.t(k))) for k in allowed},
              costs[best])
    if len(allowed) > 1:
        dearest = max(c.magnitude for c in costs.values())
        unit.note("{what}: {option}, {saving:.0%} less installed than the dearest valid option at {flow:,.0f} m3/d.",
                  what=label.capitalize(), option=unit.t(best), saving=1 - costs[best].magnitude / dearest,
                  flow=influent.flow.to("m**3/day").magnitude)
    return best


def blower_power(unit: UnitProcess, air_flow: Quantity, submergence: Quantity, losses: Criterion,
                 efficiency: Criterion, what: str) -> Quantity:
    """Absorbed power of blowers delivering ``air_flow`` (standard air) at ``submergence``.

    Adiabatic compression, P = w·R·T1 / (M·n·e) · [(p2/p1)^n − 1] with
    n = (k − 1)/k = 0.283 (Metcalf & Eddy 5th ed., Ch. 5, blower power), written
    with the molar mass of air so the units close.
    """
    what = unit.t(what)
    p2 = unit.calc("p_2", unit.t("{what}: blower discharge pressure (absolute)", what=what), "p_2 = p_1 + ρ·g·h_s + Δp_losses",
                   {"p_1": (ATMOSPHERE, PHYSICS, "atmospheric pressure"),
                    "ρ": (WATER_DENSITY, PHYSICS, "water density"), "g": (GRAVITY, PHYSICS),
                    "h_s": (submergence, "calculated", "diffuser submergence"), "Δp_losses": losses},
                   ATMOSPHERE + WATER_DENSITY * GRAVITY * submergence + losses.quantity, unit="kPa")
    w = air_flow * STANDARD_AIR_DENSITY
    n = 0.283
    ratio = (p2 / ATMOSPHERE).to("dimensionless").magnitude
    power = w * GAS_CONSTANT * STANDARD_AIR_TEMPERATURE / (AIR_MOLAR_MASS * n * efficiency.m) * (ratio**n - 1)
    return unit.calc("P_b", unit.t("{what}: blower absorbed power", what=what),
                     "P_b = (Q_a·ρ_a)·R·T_1 / (M·n·e) · [(p_2/p_1)^n − 1]",
                     {"Q_a": (air_flow, "calculated", "air flow"),
                      "ρ_a": (STANDARD_AIR_DENSITY, PHYSICS, "density of standard air"),
                      "R": (GAS_CONSTANT, PHYSICS), "T_1": (STANDARD_AIR_TEMPERATURE, PHYSICS, "inlet air temperature"),
                      "M": (AIR_MOLAR_MASS, PHYSICS, "molar mass of air"),
                      "n": (Q_(n, ""), PHYSICS, "(k − 1)/k for air"), "e": efficiency,
                      "p_2": (p2, "calculated"), "p_1": (ATMOSPHERE, PHYSICS)},
                     power, unit="kW")


# -- nutrients for net biomass growth -----------------------------------------------

# Each nutrient: its element, the criteria of the biomass need (content per g VSS, residual) and the
# description of the need (a message); the dosed chemical (data/chemicals.yaml; active_fraction = N or
# P content), the criteria of its solution, the suffixes of its pumps and tank, and its names (messages).
NUTRIENT_PRODUCTS = {
    "tn": {"element": "N", "content": "biomass_n_content", "residual": "nutrient_residual_n",
           "need": mark("Nitrogen needed by net biomass growth with the residual for healthy biomass"),
           "chemical": "urea", "strength": "urea_solution_strength", "density": "urea_solution_density",
           "suffixes": ("-21", "-22"), "name": mark("Urea solution"), "skid": mark("Urea dosing skid"),
           "purpose": mark("Nitrogen for biomass growth")},
    "tp": {"element": "P", "content": "biomass_p_requirement", "residual": "nutrient_residual_p",
           "need": mark("Phosphorus needed by net biomass growth with the residual for healthy biomass"),
           "chemical": "phosphoric_acid", "strength": None, "density": "phosphoric_acid_density",
           "suffixes": ("-23", "-24"), "name": mark("Phosphoric acid (75 %)"), "skid": mark("Phosphoric acid dosing skid"),
           "purpose": mark("Phosphorus for biomass growth")},
}


def bioavailable_phosphorus(unit: UnitProcess, influent: Stream) -> Quantity:
    """The influent TP less what a coagulant dosed upstream has already bound in its floc (metal phosphate
    is not available to the biomass; ``ctx.shared["coagulation"]``, Metcalf & Eddy 5th ed., Ch. 6)."""
    tp = influent.get("tp")
    coagulation = unit.ctx.shared.get("coagulation")
    if coagulation is None or not coagulation["tp"].magnitude:
        return tp
    return unit.calc("TP_bio", "Phosphorus available to the biomass", "TP_bio = max(0, TP − P_chem)",
                     {"TP": (tp, "influent"), "P_chem": (coagulation["tp"], coagulation["tag"],
                                                         mark("phosphorus precipitated in the floc"))},
                     max(tp - coagulation["tp"], Q_(0.0, "mg/L")), unit="mg/L")


def phosphorus_dose(unit: UnitProcess, influent: Stream, biomass: Quantity) -> Quantity:
    """The phosphorus dosed for ``biomass`` (kg VSS/d) from what the influent TP leaves it (none without TP data)."""
    if influent.get("tp") is None:
        return Q_(0.0, "mg/L")
    return nutrient_dose(unit, "tp", influent.flow, biomass, bioavailable_phosphorus(unit, influent))


def nutrient_dose(unit: UnitProcess, nutrient: str, flow: Quantity, biomass: Quantity,
                  available: Quantity) -> Quantity:
    """Dose (mg/L as N or P) that lets the net biomass growth take up what it needs and leave a residual.

    ``nutrient`` is ``"tn"`` or ``"tp"``; ``biomass`` the net biomass production (kg VSS/d);
    ``available`` what the influent brings that the biomass can use (TKN − sON for N, TP for P).
    Need = f·P_X,bio/Q + residual (f = 0.12 g N and 0.015–0.02 g P per g VSS, Metcalf & Eddy 5th ed.,
    Ch. 7–8; the residual keeps the nutrient from limiting growth). When the influent brings less,
    urea or phosphoric acid is dosed (``add_chemical``, so the plant costs its use), with its metering
    pumps and tank, and the dose is recorded in ``unit.generated`` so that the N or P balance closes.
    """
    product = NUTRIENT_PRODUCTS[nutrient]
    element = product["element"]
    content, residual = unit.c(product["content"]), unit.c(product["residual"])
    need = unit.calc(f"{element}_req", product["need"], f"{element}_req = f_{element}·P_X,bio/Q + {element}_res",
                     {f"f_{element}": content, "P_X,bio": (biomass, "calculated", "net biomass production (VSS)"),
                      "Q": (flow, "influent"), f"{element}_res": residual},
                     content.m * biomass / flow + residual.quantity, unit="mg/L")
    short = (need - available).to("mg/L")
    dose = unit.calc(f"{element}_dose", mark("Nutrient to dose (as the element)"),
                     f"D_{element} = max(0, {element}_req − {element}_avail)",
                     {f"{element}_req": (need, "calculated"),
                      f"{element}_avail": (available, "influent", "what the influent brings to the biomass")},
                     max(short, Q_(0.0, "mg/L")), unit="mg/L")
    if dose.magnitude <= 0:
        return dose
    key = product["chemical"]
    fraction = load_data("chemicals")["chemicals"][key]["active_fraction"]
    as_product = unit.calc(f"D_{key}", unit.t("{chemical} dose as product", chemical=unit.chemical_name(key)),
                           f"D = D_{element}/w_{element}",
                           {f"D_{element}": (dose, "calculated"),
                            f"w_{element}": (Q_(fraction, ""), "data/chemicals.yaml", "nutrient content of the product")},
                           dose / fraction, unit="mg/L")
    chem = unit.add_chemical(key, product["purpose"], as_product, flow)
    unit.generated[nutrient] = unit.generated.get(nutrient, Q_(0.0, "kg/day")) + (dose * flow).to("kg/day")
    _nutrient_dosing_equipment(unit, nutrient, chem.consumption)
    return dose


def _nutrient_dosing_equipment(unit: UnitProcess, nutrient: str, consumption: Quantity) -> None:
    """Metering pumps (duty/standby) and a tank of the nutrient solution, as the units' other dosing skids."""
    product = NUTRIENT_PRODUCTS[nutrient]
    name = unit.t(product["name"])
    density = unit.c(product["density"])
    inputs = {"M": (consumption, "calculated", mark("product consumption")), "t_storage": unit.c("chemical_storage_days"),
              "ρ": density}
    solution = consumption / density.quantity
    equation = "V = M·t_storage/ρ"
    if product["strength"]:
        strength = unit.c(product["strength"])
        inputs["w"] = strength
        solution = solution / strength.m
        equation = "V = M·t_storage/(w·ρ)"
    volume = unit.calc("V_store", unit.t("{name} storage volume", name=name), equation, inputs,
                       solution * unit.c("chemical_storage_days").quantity, unit="m**3")
    pump = unit.c("metering_pump_power")
    # Metering pumps are sized at twice the average feed for turndown to the peak load.
    suffixes = product["suffixes"]
    unit.add_equipment(suffixes[0], unit.t("{name} dosing pump (diaphragm metering)", name=name), quantity=2, standby=1,
                       capacity=(solution * 2).to("L/hour"), power=pump.quantity, material="PVDF head")
    unit.add_equipment(suffixes[1], unit.t("{name} storage tank", name=name), quantity=1, capacity=volume,
                       material="HDPE")
    unit.add_power(unit.t("{name} dosing pumps", name=name), pump.quantity * 2, pump.quantity)
    unit.nutrient_skids = [*getattr(unit, "nutrient_skids", []), (product["skid"], consumption.to("kg/day"))]


def nutrient_note(unit: UnitProcess, influent: Stream, doses: dict[str, Quantity]) -> None:
    """The unit's note on BOD:N:P and what is dosed (nothing when the influent brings enough)."""
    if not any(d.magnitude > 0 for d in doses.values()):
        return
    bod = influent.get("bod")
    n = influent.get("tn") if influent.get("tn") is not None else influent.get("nh4_n")
    p = influent.get("tp")
    ratio = unit.t("BOD:N:P = 100:{n}:{p}",
                   n=f"{(n / bod).to('').magnitude * 100:.1f}" if n is not None else "?",
                   p=f"{(p / bod).to('').magnitude * 100:.2f}" if p is not None else "?")
    dosed = []
    for nutrient, dose in doses.items():
        if dose.magnitude <= 0:
            continue
        product = NUTRIENT_PRODUCTS[nutrient]
        key = product["chemical"]
        chem = next(c for c in unit.chemicals if c.key == key)
        dosed.append(unit.t("{dose:.1f} mg/L as {element} with {chemical} ({kg:,.0f} kg/d)", dose=dose.magnitude,
                            element=product["element"], chemical=unit.chemical_name(key),
                            kg=chem.consumption.to("kg/day").magnitude))
    unit.note("Nutrients: the influent has {ratio}, short of what the biomass grown takes up (about 100:5:1) "
              "plus a residual for healthy biomass; dosed {dosed}.", ratio=ratio, dosed="; ".join(dosed))


def cost_nutrient_dosing(unit: UnitProcess) -> None:
    """Purchased cost of the nutrient dosing skids, on the unit's dosing-system cost curve."""
    for skid, consumption in getattr(unit, "nutrient_skids", []):
        unit.curve_cost("dosing_system", consumption, description=skid)
