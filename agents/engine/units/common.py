"""Helpers shared by several unit modules: physical constants, blower power, choosing the cheaper option."""

from __future__ import annotations

from dataclasses import replace

from ..calc import CalcLog
from ..costing import installed_cost
from ..criteria import Criterion
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
