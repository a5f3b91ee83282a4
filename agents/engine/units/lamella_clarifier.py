"""Inclined-plate (lamella) clarifier, packaged steel units (MWH 3rd ed., Ch. 10).

The plates multiply the settling area: the projected plate area A_p = Q_p / v
carries the surface loading, and a plate pack of plates L long at angle θ and
spacing p covers only A_p · p / (L · cos θ · sin θ) of plan. Used after
coagulation-flocculation (with-chemicals removals, when
``ctx.shared["coagulation"]`` is set: the floc removes colour and the
precipitated phosphorus settles with it) or after a biofilm reactor (plain
removals).
"""

from __future__ import annotations

import math

from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .coagulation_flocculation import chemical_removals
from .equalization import pump_power


@register
class LamellaClarifier(UnitProcess):
    type = "lamella_clarifier"
    tag_prefix = "LAM"

    def size(self, influent: Stream) -> None:
        self.packaged = True
        q_peak = self.calc("Q_p", "Peak flow to the lamella clarifiers", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/hour")
        loading = self.c("projected_area_loading")
        area = self.calc("A_p", "Projected plate area", "A_p = Q_p / v_p",
                         {"Q_p": (q_peak, "calculated"), "v_p": loading}, q_peak / loading.quantity, unit="m**2")
        self.add_sizing("projected_area", "Projected plate area (all units)", area)
        n = self.parallel_trains(area, self.c("max_unit_projected_area"), "lamella units")
        a_each = self.add_sizing("unit_projected_area", "Projected plate area of each unit", area / n, "m**2")
        theta, spacing, length = self.c("plate_angle"), self.c("plate_spacing"), self.c("plate_length")
        angle = theta.quantity.to("radian").magnitude
        plan = self.calc("A_pack", "Plan area of the plate packs (each unit)", "A_pack = A_p,each · p / (L · cos θ · sin θ)",
                         {"A_p,each": (a_each, "calculated"), "p": spacing, "L": length, "θ": theta},
                         a_each * spacing.quantity / (length.quantity * math.cos(angle) * math.sin(angle)), unit="m**2")
        self.add_sizing("pack_plan_area", "Plan area of the plate packs of each unit", plan)
        plates = self.calc("A_plate", "Total plate surface (one face) of each unit", "A_plate = A_p,each / cos θ",
                           {"A_p,each": (a_each, "calculated"), "θ": theta}, a_each / math.cos(angle), unit="m**2")
        self.add_sizing("plate_area", "Plate surface of each unit (one face)", plates)

        # The conditioning is used up by the first separation after it: the floc settles here.
        upstream = self.ctx.shared.pop("coagulation", None)
        chem = bool(upstream)
        suffix = "chemical" if chem else "plain"
        changes: dict[str, Quantity | None] = {}
        r_bod = self.c(f"bod_removal_{suffix}").m
        for key in ("bod", "cod"):
            if influent.get(key) is not None:
                changes[key] = influent.get(key) * (1 - r_bod)
                self.removals[key] = r_bod
        if chem:
            changes.update(chemical_removals(self, influent, upstream, self.c("tss_removal_chemical")))
        if chem:
            self.note("Coagulated feed ({tag}); with-chemicals removals apply.", tag=upstream["tag"])
        else:
            self.note("Feed not chemically conditioned; plain-settling removals apply.")
        _, sludge = self.separate_solids(influent, self.c(f"tss_removal_{suffix}").m, self.c("sludge_solids").m,
                                         effluent_changes=changes, name=self.t("Lamella sludge"))
        self.add_sizing("sludge_flow", "Settled sludge", sludge.flow, "m**3/day")
        self.add_sizing("sludge_solids", "Settled sludge dry solids", sludge.mass_flow("tss"), "kg/day")
        self._equipment(n, a_each, q_peak, sludge.flow)

    def _equipment(self, n: int, a_each: Quantity, q_peak: Quantity, sludge_flow: Quantity) -> None:
        self.add_equipment("-01", self.t("Packaged lamella clarifier, {area:.0f} m2 projected plate area, "
                                         "{q:.0f} m3/h, with sludge hopper and picket-fence thickener",
                                         area=a_each.magnitude, q=(q_peak / n).magnitude),
                           quantity=n, capacity=a_each, power=self.c("sludge_thickener_drive").quantity,
                           material="Coated carbon steel or AISI 304, polypropylene plates")
        fraction = self.c("sludge_pump_fraction")
        q_pump = self.calc("Q_sp", "Sludge pump capacity", "Q_sp = Q_s / (N · f_on)",
                           {"Q_s": (sludge_flow, "calculated", "settled sludge flow"), "N": (Q_(n, ""), "calculated"),
                            "f_on": fraction}, sludge_flow / (n * fraction.m), unit="m**3/hour")
        self.add_sizing("sludge_pump_flow", "Capacity of each sludge pump", q_pump)
        p_pump = pump_power(self, "P_sp", self.t("Sludge pump"), q_pump, self.c("sludge_pump_head"), self.c("sludge_pump_efficiency"))
        self.add_equipment("-02", self.t("Sludge pump, progressive cavity, {q:.2f} m3/h (one per unit plus standby)",
                                         q=q_pump.magnitude),
                           quantity=n + 1, standby=1, capacity=q_pump, power=p_pump, material="Cast iron, NBR stator")
        drive = self.c("sludge_thickener_drive").quantity
        self.add_power("Hopper thickener drives (continuous)", drive * n, drive * n)
        self.add_power("Sludge pumps (intermittent)", p_pump * (n + 1), p_pump * n * fraction.m)

    def cost(self) -> None:
        self.curve_cost("lamella_unit", self.sizing["unit_projected_area"].quantity, count=self.trains)
        self.curve_cost("sludge_pump", self.sizing["sludge_pump_flow"].quantity, count=self.trains + 1)
