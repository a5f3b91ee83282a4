"""Sludge thickening: gravity thickener or rotary drum thickener (Metcalf & Eddy 5th ed., Ch. 13).

The influent is the plant's combined sludge; the effluent is the thickened
sludge (kind ``sludge``) and the side stream the supernatant or filtrate
(kind ``filtrate``) returned to the head of the plant with the solids not
captured. Sizes follow the dry-solids load (kg DS/d): a gravity thickener's
area from its solids loading, a drum's capacity from the feed flow over its
weekly operating hours.

``split_sludge`` is shared with dewatering: it closes water and solids
exactly, counting the polymer (captured with the solids) and the water of its
solution (and any wash water) as added to the unit.
"""

from __future__ import annotations

import math

from ..criteria import Criterion
from ..quantities import Q_, Quantity
from ..stream import PARAMETERS, WATER_DENSITY, Stream
from .base import UnitProcess, register
from .equalization import pump_power

WEEK = Q_(168.0, "h")
# Parameters carried by the sludge solids (split with the capture), not by its water.
PARTICULATE = ("tss", "fog")
TYPES = {1: "gravity", 2: "drum"}


def split_sludge(unit: UnitProcess, influent: Stream, capture: Criterion, solids_fraction: Criterion, *,
                 polymer_dose: Criterion | None, product_kind: str, product_name: str, side_name: str,
                 extra_water: Quantity | None = None) -> tuple[Stream, Stream]:
    """Split a sludge into a product (thickened sludge or cake) and a filtrate, closing every balance."""
    q_f = influent.flow
    s_f = influent.mass_flow("tss")
    added_water = (extra_water or Q_(0.0, "m**3/day")).to("m**3/day")
    polymer = Q_(0.0, "kg/day")
    if polymer_dose is not None:
        polymer = unit.calc("M_p", "Polymer (active) used", "M_p = d_p · S_f",
                            {"d_p": polymer_dose, "S_f": (s_f, "calculated", "feed dry solids")},
                            polymer_dose.quantity * s_f, unit="kg/day")
        unit.add_chemical("polymer", "Sludge conditioning", (polymer / q_f).to("mg/L"), q_f)
        c_p = unit.c("polymer_solution")
        q_poly = unit.calc("Q_poly", "Water of the polymer solution", "Q_poly = M_p / (c_p · ρ_w)",
                           {"M_p": (polymer, "calculated"), "c_p": c_p, "ρ_w": (WATER_DENSITY, "physical constant")},
                           polymer / (c_p.m * WATER_DENSITY), unit="m**3/day")
        added_water = added_water + q_poly
        unit.generated["tss"] = unit.generated.get("tss", Q_(0.0, "kg/day")) + polymer
    if added_water.magnitude:
        unit.generated["water"] = unit.generated.get("water", Q_(0.0, "m**3/day")) + added_water
    s_p = unit.calc("S_p", unit.t("Dry solids in the {product}", product=product_name.lower()), "S_p = c · S_f + M_p",
                    {"c": capture, "S_f": (s_f, "calculated", "feed dry solids"), "M_p": (polymer, "calculated")},
                    capture.m * s_f + polymer, unit="kg/day")
    q_p = unit.calc("Q_prod", unit.t("{product} flow", product=product_name), "Q_prod = S_p / (x · ρ_w)",
                    {"S_p": (s_p, "calculated"), "x": solids_fraction, "ρ_w": (WATER_DENSITY, "physical constant")},
                    s_p / (solids_fraction.m * WATER_DENSITY), unit="m**3/day")
    q_filt = unit.calc("Q_filt", unit.t("{product} flow", product=side_name), "Q_filt = Q_f + Q_added − Q_prod",
                       {"Q_f": (q_f, "calculated", "feed flow"), "Q_added": (added_water, "calculated", "polymer and wash water"),
                        "Q_prod": (q_p, "calculated")}, q_f + added_water - q_p, unit="m**3/day")
    s_filt = s_f * (1 - capture.m)
    dilution = (q_f / (q_f + added_water)).to("dimensionless").magnitude
    dissolved = {k: v * dilution for k, v in influent.quality.items()
                 if PARAMETERS.get(k, ("",))[0] == "mg/L" and k not in PARTICULATE}
    product_quality: dict[str, Quantity] = {"tss": (s_p / q_p).to("mg/L")}
    filtrate_quality: dict[str, Quantity] = {"tss": (s_filt / q_filt).to("mg/L")}
    for key in PARTICULATE:
        if key != "tss" and influent.get(key) is not None:
            # Floated grease is held in the sludge flocs: it is captured with the solids.
            load = influent.mass_flow(key)
            product_quality[key] = (capture.m * load / q_p).to("mg/L")
            filtrate_quality[key] = ((1 - capture.m) * load / q_filt).to("mg/L")
    product = influent.derive(flow=q_p, kind=product_kind, name=product_name, **dissolved, **product_quality)
    filtrate_quality = {**dict(product.quality), **filtrate_quality}
    filtrate = Stream(flow=q_filt, quality=filtrate_quality, kind="filtrate", name=side_name)
    unit.removals["tss"] = capture.m
    unit.effluent = product
    unit.add_side_stream(filtrate)
    return product, filtrate


def feed_is_thick_enough(unit: UnitProcess, influent: Stream, target: Criterion) -> bool:
    """True (and a warning) when there is nothing to thicken or the feed is already at the target."""
    s_f = influent.mass_flow("tss")
    if s_f.magnitude <= 0 or influent.flow.magnitude <= 0:
        unit.warn("the sludge feed carries no solids; the unit is bypassed.")
        return True
    x_feed = (s_f / (influent.flow * WATER_DENSITY)).to("dimensionless").magnitude
    if x_feed >= target.m:
        unit.warn("the feed is already at {x:.1%} solids, not below the {target:.1%} target; the unit is bypassed.",
                  x=x_feed, target=target.m)
        return True
    return False


@register
class SludgeThickening(UnitProcess):
    type = "sludge_thickening"
    tag_prefix = "THK"
    kind: str = ""  # "gravity", "drum" or "bypassed", set by size()

    def size(self, influent: Stream) -> None:
        self.kind = self._type()
        target = self.c("gravity_thickened_solids" if self.kind == "gravity" else "drum_thickened_solids")
        if feed_is_thick_enough(self, influent, target):
            self.kind = "bypassed"
            self.effluent = influent.derive(kind="sludge", name=self.t("Sludge (not thickened)"))
            return
        s_f = self.add_sizing("feed_solids", "Feed dry solids", influent.mass_flow("tss"), "kg/day")
        self.add_sizing("feed_flow", "Feed sludge flow", influent.flow, "m**3/day")
        if self.kind == "gravity":
            product, filtrate = split_sludge(self, influent, self.c("gravity_capture"), target, polymer_dose=None,
                                             product_kind="sludge", product_name=self.t("Thickened sludge"),
                                             side_name=self.t("Thickener supernatant"))
            self._size_gravity(influent.flow, s_f, product.flow)
        else:
            product, filtrate = split_sludge(self, influent, self.c("drum_capture"), target,
                                             polymer_dose=self.c("drum_polymer_dose"), product_kind="sludge",
                                             product_name=self.t("Thickened sludge"),
                                             side_name=self.t("Drum thickener filtrate"))
            self._size_drum(influent.flow)
        self.add_sizing("thickened_flow", "Thickened sludge flow", product.flow, "m**3/day")
        self.add_sizing("filtrate_flow", "Supernatant / filtrate returned to the plant head", filtrate.flow, "m**3/day")
        self.note("{q:.1f} m3/d of {what} with {solids:.0f} kg/d of solids returns to the plant head.",
                  q=filtrate.flow.to("m**3/day").magnitude, what=filtrate.name.lower(),
                  solids=filtrate.mass_flow("tss").to("kg/day").magnitude)

    def _type(self) -> str:
        choice = round(self.c("thickener_type").m)
        if choice in TYPES:
            return TYPES[choice]
        kind = "gravity" if self.ctx.sector == "municipal" else "drum"
        if kind == "gravity":
            self.note("Gravity thickener chosen for municipal primary and waste activated sludge.")
        else:
            self.note("Rotary drum thickener chosen: industrial, chemical and flotation sludges thicken poorly by gravity.")
        return kind

    def _size_gravity(self, q_f: Quantity, s_f: Quantity, q_thick: Quantity) -> None:
        slr, hlr = self.c("gravity_solids_loading"), self.c("gravity_hydraulic_loading")
        a_s = self.calc("A_s", "Area for the solids loading", "A_s = S_f / SLR",
                        {"S_f": (s_f, "calculated"), "SLR": slr}, s_f / slr.quantity, unit="m**2")
        a_h = self.calc("A_h", "Area for the hydraulic loading", "A_h = Q_f / HLR",
                        {"Q_f": (q_f, "calculated"), "HLR": hlr}, q_f / hlr.quantity, unit="m**2")
        area = self.calc("A", "Thickener area", "A = max(A_s, A_h)", {"A_s": (a_s, "calculated"), "A_h": (a_h, "calculated")},
                         max(a_s, a_h), unit="m**2")
        self.add_sizing("area", "Total thickener area", area)
        d_max = self.c("gravity_max_diameter")
        a_max = self.calc("A_max", "Area of the largest thickener", "A_max = π · D_max² / 4", {"D_max": d_max},
                          math.pi * d_max.quantity**2 / 4, unit="m**2")
        n = self.parallel_trains(area, a_max, "gravity thickeners")
        diameter = self.calc("D", "Thickener diameter", "D = √(4 · A / (N · π))",
                             {"A": (area, "calculated"), "N": (Q_(n, ""), "calculated")},
                             (4 * area / (n * math.pi)) ** 0.5, unit="m")
        self.add_sizing("diameter", "Thickener diameter", diameter)
        swd = self.c("gravity_side_water_depth").quantity
        drive = self.c("gravity_drive_power").quantity
        self.add_equipment("-01", self.t("Gravity thickener Ø {d:.1f} m × {swd:g} m SWD with picket-fence mechanism",
                                         d=diameter.magnitude, swd=swd.magnitude), quantity=n, capacity=(area / n).to("m**2"), power=drive,
                           material="Reinforced concrete, coated steel mechanism")
        q_pump = self.add_sizing("underflow_pump_flow", "Capacity of each underflow pump", q_thick / n, "m**3/hour")
        p_pump = pump_power(self, "P_up", self.t("Thickened sludge (underflow) pump"), q_pump, self.c("feed_pump_head"),
                            self.c("feed_pump_efficiency"))
        self.add_equipment("-02", self.t("Thickened sludge pump, progressive cavity, {q:.2f} m3/h "
                                         "(one per thickener plus standby)", q=q_pump.magnitude), quantity=n + 1, standby=1, capacity=q_pump, power=p_pump,
                           material="Cast iron, NBR stator")
        self.add_power("Thickener drives (continuous)", drive * n, drive * n)
        self.add_power("Underflow pumps (continuous)", p_pump * (n + 1), p_pump * n)

    def _size_drum(self, q_f: Quantity) -> None:
        self.packaged = True
        hours = self.c("operating_hours")
        q_machine = self.calc("Q_m", "Drum thickener throughput while running", "Q_m = Q_f · 168 h / t_op",
                              {"Q_f": (q_f, "calculated", "feed flow"), "t_op": hours}, q_f * WEEK / hours.quantity,
                              unit="m**3/hour")
        n = self.parallel_trains(q_machine, self.c("drum_max_flow"), "rotary drum thickeners")
        q_each = self.add_sizing("drum_flow", "Hydraulic capacity of each drum", q_machine / n, "m**3/hour")
        polymer = next(c for c in self.chemicals if c.key == "polymer")
        self.add_sizing("polymer_rate", "Polymer (active) use while running",
                        polymer.consumption * WEEK / hours.quantity, "kg/hour")
        drive = self.c("drum_drive_power").quantity
        run = (hours.quantity / WEEK).to("dimensionless").magnitude
        self.add_equipment("-01", self.t("Rotary drum thickener {q:.1f} m3/h with flocculation tank", q=q_each.magnitude),
                           quantity=n, capacity=q_each, power=drive, material="AISI 304 stainless steel")
        p_pump = pump_power(self, "P_fp", self.t("Drum feed pump"), q_each, self.c("feed_pump_head"), self.c("feed_pump_efficiency"))
        self.add_equipment("-02", self.t("Sludge feed pump, progressive cavity, {q:.1f} m3/h (one per drum plus standby)",
                                         q=q_each.magnitude),
                           quantity=n + 1, standby=1, capacity=q_each, power=p_pump, material="Cast iron, NBR stator")
        poly = self.c("polymer_unit_power").quantity
        self.add_equipment("-03", "Polymer make-down unit with metering pumps", quantity=1, power=poly,
                           material="AISI 304 / PE tanks")
        self.add_power("Drum thickeners, feed pumps and polymer unit (while running)",
                       drive * n + p_pump * (n + 1) + poly, (drive * n + p_pump * n + poly) * run)
        self.note("Drum thickener(s) run {hours:g} h a week; the sludge is held in the upstream sludge tank the rest "
                  "of the time.", hours=hours.quantity.to("h").magnitude)

    def cost(self) -> None:
        if self.kind == "gravity":
            self.curve_cost("gravity_thickener", self.sizing["diameter"].quantity, count=self.trains, category="civil")
            self.curve_cost("sludge_pump", self.sizing["underflow_pump_flow"].quantity, count=self.trains + 1)
        elif self.kind == "drum":
            self.curve_cost("drum_thickener", self.sizing["drum_flow"].quantity, count=self.trains)
            self.curve_cost("sludge_pump", self.sizing["drum_flow"].quantity, count=self.trains + 1)
            self.curve_cost("polymer_system", self.sizing["polymer_rate"].quantity)
