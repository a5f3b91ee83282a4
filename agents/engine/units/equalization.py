"""Flow equalization tank (Metcalf & Eddy 5th ed., Ch. 3; US EPA 625/4-74-006, 1974).

The volume is the cumulative-volume storage for a constant outflow at the
average flow, for one of two inflow patterns built from the stream's peak
factor PF (the only shape information a conceptual design has):

* sinusoidal diurnal flow (municipal): q(t) = Q·[1 + A·sin(2πt/T)], A = PF − 1;
  the inflow exceeds Q for half a day by Q·A·sin, so V = Q·T·A/π;
* production shifts (industry, agriculture): the wastewater arrives at PF·Q
  for T/PF hours a day, so V = Q·T·(1 − 1/PF).

Equalization damps; it removes nothing, so the quality passes through and
only the peak factor of the outflow changes.
"""

from __future__ import annotations

import math

from ..cost_curves import CostCurve, cost_index
from ..criteria import Criterion
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import WATER_DENSITY, Stream
from .base import UnitProcess, register
from .common import GRAVITY, blower_power, cheaper_option

DAY = Q_(1.0, "day")
PATTERNS = {1: "sinusoidal", 2: "shifts"}


def pump_power(unit: UnitProcess, symbol: str, what: str, flow: Quantity, head: Criterion | Quantity,
               efficiency: Criterion) -> Quantity:
    """Absorbed power P = ρ·g·Q·H / η of pumps moving ``flow`` against ``head``."""
    h = head.quantity if isinstance(head, Criterion) else head
    h_input = head if isinstance(head, Criterion) else (head, "calculated", mark("total dynamic head"))
    return unit.calc(symbol, unit.t("{what}: absorbed power", what=unit.t(what)), f"{symbol} = ρ · g · Q · H / η",
                     {"ρ": (WATER_DENSITY, "physical constant", "water density"), "g": (GRAVITY, "physical constant"),
                      "Q": (flow, "calculated", "pumped flow"), "H": h_input, "η": efficiency},
                     WATER_DENSITY * GRAVITY * flow * h / efficiency.m, unit="kW")


def pump_cost(unit: UnitProcess, curve: str, small_curve: str, power: Quantity, flow: Quantity, count: int) -> Quantity:
    """Purchased cost of ``count`` pumps of ``power`` (absorbed, each) moving ``flow`` (each).

    Smith's pump-and-motor curve starts at 4 kW; pumps smaller than its range
    are costed per L/s with the small-pump curve, whose range covers them, but
    never above the smallest pump of Smith's data (a smaller pump costs no more).
    """
    large = unit.cost_curve(curve)
    if large.low is None or power.to(large.capacity_unit).magnitude >= large.low:
        return unit.curve_cost(curve, power, count=count)
    small = unit.cost_curve(small_curve)
    if _price(small, flow.to(small.capacity_unit).magnitude) <= _price(large, large.low):
        return unit.curve_cost(small_curve, flow, count=count)
    unit.note("Pumps below {low:g} kW costed as the smallest pump of the {low:g}–{high:g} kW curve, which is "
              "cheaper than the per-L/s estimate at this flow.", low=large.low, high=large.high)
    return unit.curve_cost(curve, Q_(large.low, large.capacity_unit), count=count)


def _price(curve: CostCurve, size: float) -> float:
    """Escalated purchased cost of one item of ``size`` (in the curve's capacity unit), not recorded."""
    return curve.reference_cost * (size / curve.reference_capacity) ** curve.exponent * cost_index().factor(curve.year)


@register
class Equalization(UnitProcess):
    type = "equalization"
    tag_prefix = "EQT"

    def size(self, influent: Stream) -> None:
        q = influent.flow
        pf = influent.peak_factor
        v_theory = self._theoretical_volume(q, pf)
        allowance, t_min = self.c("volume_allowance"), self.c("min_retention_time")
        v_flow = self.calc("V_f", "Volume for flow equalization with allowance", "V_f = V_th · (1 + f_a)",
                           {"V_th": (v_theory, "calculated"), "f_a": allowance},
                           v_theory * (1 + allowance.m), unit="m**3")
        v_load = self.calc("V_l", "Volume for load damping", "V_l = Q · t_min",
                           {"Q": (q, "design", "average flow"), "t_min": t_min}, q * t_min.quantity, unit="m**3")
        volume = self.calc("V", "Equalization volume", "V = max(V_f, V_l)",
                           {"V_f": (v_flow, "calculated"), "V_l": (v_load, "calculated")}, max(v_flow, v_load), unit="m**3")
        if v_load > v_flow:
            self.note("Volume set by the {t:g} h minimum retention for load damping, not by the flow pattern.",
                      t=t_min.quantity.to('h').magnitude)
        self.add_sizing("volume", "Total equalization volume", volume)
        retention = self.calc("t_r", "Retention time at average flow", "t_r = V / Q",
                              {"V": (volume, "calculated"), "Q": (q, "design", "average flow")}, volume / q, unit="h")
        self.add_sizing("retention_time", "Retention time at average flow", retention)

        n = self.parallel_trains(volume, self.c("max_tank_volume"), "equalization tanks")
        v_each = self.add_sizing("tank_volume", "Volume of each tank", volume / n, "m**3")
        depth = self.c("depth")
        area = self.calc("A", "Plan area of each tank", "A = V_each / D",
                         {"V_each": (v_each, "calculated"), "D": depth}, v_each / depth.quantity, unit="m**2")
        self.add_sizing("depth", "Side water depth", depth.quantity)
        # Tanks within the steel range may be factory-made steel or concrete: the cheaper installed is built.
        allowed = ["steel", "concrete"] if v_each <= self.c("steel_tank_max_volume").quantity else ["concrete"]
        self.packaged = cheaper_option(self, influent, {"steel": True, "concrete": False}, allowed, "tank") == "steel"
        if self.packaged:
            diameter = self.calc("D_t", "Diameter of each circular steel tank", "D_t = √(4·A/π)",
                                 {"A": (area, "calculated")}, (4 * area / math.pi) ** 0.5, unit="m")
            self.add_sizing("diameter", "Tank diameter", diameter)
            tank_text = self.t("Circular steel equalization tank, Ø {d:.1f} m × {h:g} m SWD",
                               d=diameter.magnitude, h=depth.quantity.magnitude)
            material = mark("Glass-fused-to-steel or epoxy-coated bolted steel")
            self.notes.append(self.tn("Factory-made steel tank(s): {v:.0f} m3 each is within the {v_max:g} m3 standard range.",
                                      "Factory-made steel tank(s): {v:.0f} m3 each is within the {v_max:g} m3 standard range.",
                                      n, v=v_each.magnitude, v_max=self.c('steel_tank_max_volume').quantity.magnitude))
        else:
            side = self.calc("B", "Side of each square concrete tank", "B = √A", {"A": (area, "calculated")},
                             area**0.5, unit="m")
            self.add_sizing("side", "Tank side (square plan)", side)
            tank_text = self.t("Reinforced-concrete equalization tank, {b:.1f} × {b:.1f} m × {h:g} m SWD",
                               b=side.magnitude, h=depth.quantity.magnitude)
            material = mark("Reinforced concrete")
        self.add_equipment("-01", tank_text, quantity=n, capacity=v_each, material=material)

        self._mixing_and_aeration(volume, n, depth.quantity)
        pf_eq = self._pumps(q, pf)
        self.effluent = influent.derive(peak_factor=pf_eq)

    def _pattern(self) -> str:
        choice = round(self.c("flow_pattern").m)
        if choice in PATTERNS:
            return PATTERNS[choice]
        return "sinusoidal" if self.ctx.sector == "municipal" else "shifts"

    def _theoretical_volume(self, q: Quantity, pf: float) -> Quantity:
        pf_q = (Q_(pf, ""), "design", mark("peak factor of the inflow"))
        if self._pattern() == "sinusoidal":
            amplitude = min(max(pf - 1.0, 0.0), 1.0)
            if pf - 1.0 > 1.0:
                self.warn("peak factor {pf:.2f} exceeds 2, more than a diurnal sine can carry; the volume covers "
                          "a full-amplitude diurnal swing only (wet-weather storage needs its own study).", pf=pf)
            self.note("Inflow taken as a sinusoidal diurnal pattern of amplitude PF − 1 around the average.")
            return self.calc("V_th", "Theoretical storage, sinusoidal diurnal inflow, constant outflow",
                             "V_th = Q · T · min(PF − 1, 1) / π",
                             {"Q": (q, "design", "average flow"), "T": (DAY, "definition", "cycle length"), "PF": pf_q},
                             q * DAY * amplitude / math.pi, unit="m**3")
        self.note("Inflow taken as production shifts: {hours:.1f} h a day at PF × average.", hours=24 / max(pf, 1.0))
        return self.calc("V_th", "Theoretical storage, production-shift inflow, constant outflow",
                         "V_th = Q · T · (1 − 1/PF)",
                         {"Q": (q, "design", "average flow"), "T": (DAY, "definition", "cycle length"), "PF": pf_q},
                         q * DAY * (1.0 - 1.0 / max(pf, 1.0)), unit="m**3")

    def _mixing_and_aeration(self, volume: Quantity, n: int, depth: Quantity) -> None:
        p_mix = self.calc("P_m", "Mixing power", "P_m = p_m · V", {"p_m": self.c("mixing_power"), "V": (volume, "calculated")},
                          self.c("mixing_power").quantity * volume, unit="kW")
        per_tank = math.ceil((p_mix / n / self.c("mixer_size").quantity).to("dimensionless").magnitude - 1e-9)
        mixer_rating = self.add_sizing("mixer_power", "Rated power of each mixer", p_mix / (n * per_tank), "kW")
        self.add_equipment("-02", "Submersible propeller mixer", quantity=n * per_tank, power=mixer_rating,
                           material="AISI 316 propeller, cast iron motor housing")
        self.add_power("Tank mixers (continuous)", p_mix, p_mix)

        air = self.calc("Q_a", "Air supply to keep the tank aerobic", "Q_a = q_a · V",
                        {"q_a": self.c("air_rate"), "V": (volume, "calculated")},
                        self.c("air_rate").quantity * volume, unit="m**3/min")
        self.add_sizing("air_flow", "Air supply (standard air)", air)
        submergence = self.calc("h_s", "Diffuser submergence at full level", "h_s = D − h_d",
                                {"D": (depth, "design"), "h_d": self.c("diffuser_height")},
                                depth - self.c("diffuser_height").quantity, unit="m")
        p_blower = blower_power(self, air, submergence, self.c("air_system_losses"), self.c("blower_efficiency"),
                                self.t("Equalization aeration"))
        self.add_equipment("-03", "Aeration blower (duty + standby) with coarse-bubble diffuser grid", quantity=2,
                           standby=1, capacity=air, power=p_blower, material="Cast iron blower, AISI 304 / ABS diffusers")
        self.add_power("Aeration blowers (one duty, continuous)", p_blower * 2, p_blower)

    def _pumps(self, q: Quantity, pf: float) -> float:
        pf_eq_c = self.c("equalized_peak_factor")
        pf_eq = min(pf_eq_c.m, pf)
        q_pump = self.calc("Q_t", "Transfer pumping capacity (equalized peak)", "Q_t = min(PF_eq, PF) · Q",
                           {"PF_eq": pf_eq_c, "PF": (Q_(pf, ""), "design", "inflow peak factor"),
                            "Q": (q, "design", "average flow")}, q * pf_eq, unit="m**3/hour")
        duty = max(1, round(self.c("duty_pumps").m))
        q_each = self.add_sizing("pump_flow", "Capacity of each duty transfer pump", q_pump / duty, "m**3/hour")
        p_each = pump_power(self, "P_p", self.t("Transfer pump at its rated flow"), q_each, self.c("pump_head"),
                            self.c("pump_efficiency"))
        p_avg = pump_power(self, "P_avg", self.t("Transfer pumping at average flow"), q, self.c("pump_head"),
                           self.c("pump_efficiency"))
        self.add_sizing("pump_power", "Absorbed power of each transfer pump", p_each)
        self.add_equipment("-04", self.t("Transfer pump, {q:.1f} m3/h at {h:g} m (variable speed)", q=q_each.magnitude,
                                         h=self.c('pump_head').quantity.magnitude), quantity=duty + 1, standby=1, capacity=q_each, power=p_each,
                           material="Cast iron, non-clog impeller")
        self.add_power("Transfer pumps", p_each * (duty + 1), p_avg)
        return pf_eq

    def cost(self) -> None:
        v_each = self.sizing["tank_volume"].quantity
        if self.packaged:
            self.curve_cost("steel_tank", v_each, count=self.trains)
        else:
            self.curve_cost("concrete_tank", v_each, count=self.trains, category="civil")
        mixers = next(e for e in self.equipment if e.tag.endswith("-02"))
        self.curve_cost("mixer", self.sizing["mixer_power"].quantity, count=mixers.quantity)
        self.curve_cost("blower", self.sizing["air_flow"].quantity, count=2)
        pumps = next(e for e in self.equipment if e.tag.endswith("-04"))
        pump_cost(self, "transfer_pump", "small_pump", self.sizing["pump_power"].quantity,
                  self.sizing["pump_flow"].quantity, pumps.quantity)
