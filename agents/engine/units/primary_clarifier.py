"""Circular primary clarifier (Metcalf & Eddy 5th ed., Ch. 5; Ten States Standards 2014, Ch. 70).

Area from the larger of the average and peak overflow-rate requirements;
removal from the detention time at average flow with the textbook curve
R (%) = t / (a + b·t) for BOD and TSS. COD is removed in the BOD fraction (both
are the settleable organic fraction); nitrogen, phosphorus and FOG are passed
through, which is conservative for the units downstream.
"""

from __future__ import annotations

import math

from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .equalization import pump_power
from .common import cheaper_option


@register
class PrimaryClarifier(UnitProcess):
    type = "primary_clarifier"
    tag_prefix = "PCL"

    def size(self, influent: Stream) -> None:
        q = influent.flow
        q_peak = self.calc("Q_p", "Peak hourly flow", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"), "Q": (q, "design", "average flow")},
                           influent.peak_flow, unit="m**3/day")
        or_avg, or_peak = self.c("overflow_rate_average"), self.c("overflow_rate_peak")
        a_avg = self.calc("A_avg", "Area for the average overflow rate", "A_avg = Q / OR_avg",
                          {"Q": (q, "design", "average flow"), "OR_avg": or_avg}, q / or_avg.quantity, unit="m**2")
        a_peak = self.calc("A_peak", "Area for the peak overflow rate", "A_peak = Q_p / OR_peak",
                           {"Q_p": (q_peak, "calculated"), "OR_peak": or_peak}, q_peak / or_peak.quantity, unit="m**2")
        area = self.calc("A", "Total clarifier surface area", "A = max(A_avg, A_peak)",
                         {"A_avg": (a_avg, "calculated"), "A_peak": (a_peak, "calculated")}, max(a_avg, a_peak), unit="m**2")
        self.add_sizing("surface_area", "Total surface area", area)

        # Below the packaged limit both a packaged and a site-built unit are valid: the cheaper installed.
        allowed = ["packaged", "site-built"] if q < self.c("packaged_below").quantity else ["site-built"]
        self.packaged = cheaper_option(self, influent, {"packaged": True, "site-built": False}, allowed,
                                       "construction") == "packaged"
        d_max = self.c("max_diameter")
        a_max = self.calc("A_max", "Area of the largest clarifier", "A_max = π · D_max² / 4", {"D_max": d_max},
                          math.pi * d_max.quantity**2 / 4, unit="m**2")
        minimum = 2 if q > self.c("multiple_units_above").quantity else 1
        n = self.parallel_trains(area, a_max, "primary clarifiers", minimum=minimum)
        a_each = self.add_sizing("unit_area", "Surface area of each clarifier", area / n, "m**2")
        diameter = self.calc("D", "Clarifier diameter", "D = √(4 · A_each / π)", {"A_each": (a_each, "calculated")},
                             (4 * a_each / math.pi) ** 0.5, unit="m")
        self.add_sizing("diameter", "Clarifier diameter", diameter)
        depth = self.c("side_water_depth")
        self.add_sizing("side_water_depth", "Side water depth", depth.quantity)
        volume = self.calc("V", "Total settling volume", "V = A · SWD", {"A": (area, "calculated"), "SWD": depth},
                           area * depth.quantity, unit="m**3")
        t = self.calc("t", "Detention time at average flow", "t = V / Q", {"V": (volume, "calculated"), "Q": (q, "design", "average flow")},
                      volume / q, unit="h")
        self.add_sizing("detention_time", "Detention time at average flow", t)
        t_min, t_max = self.c("min_detention_time"), self.c("max_detention_time")
        if not t_min.quantity <= t <= t_max.quantity:
            self.warn("detention time {t:.2f} h at average flow is outside {t_min:g}–{t_max:g} h ({source}); "
                      "consider another side water depth.", t=t.magnitude, t_min=t_min.quantity.magnitude,
                      t_max=t_max.quantity.magnitude, source=t_min.source)
        weir = self.calc("WL", "Weir loading at peak flow (peripheral weir)", "WL = Q_p / (N · π · D)",
                         {"Q_p": (q_peak, "calculated"), "N": (Q_(n, ""), "calculated"), "D": (diameter, "calculated")},
                         q_peak / (n * math.pi * diameter), unit="m**3/(m*day)")
        self.add_sizing("weir_loading", "Weir loading at peak flow", weir)
        if weir > self.c("max_weir_loading").quantity:
            self.warn("peak weir loading {weir:.0f} m3/m·d exceeds {limit:g} m3/m·d; use an inboard double launder "
                      "({source}).", weir=weir.magnitude, limit=self.c("max_weir_loading").quantity.magnitude,
                      source=self.c("max_weir_loading").source)

        upstream = self.ctx.shared.pop("coagulation", None)
        if upstream:
            # The floc settles here, so the conditioning is used up; chemically enhanced
            # primary removals are not credited (the plain curve is conservative).
            self.note("Coagulated feed from {tag}: the plain-settling removal curve is applied "
                      "(chemically enhanced primary treatment would remove more).", tag=upstream["tag"])
        r_tss = self._removal("R_TSS", self.t("TSS removal at the detention time"), t, "tss_removal_a", "tss_removal_b")
        r_bod = self._removal("R_BOD", self.t("BOD removal at the detention time"), t, "bod_removal_a", "bod_removal_b")
        changes: dict[str, Quantity | None] = {}
        for key in ("bod", "cod"):
            c_in = influent.get(key)
            if c_in is not None:
                changes[key] = c_in * (1 - r_bod)
                self.removals[key] = r_bod
        effluent, sludge = self.separate_solids(influent, r_tss, self.c("sludge_solids").m, effluent_changes=changes,
                                                name=self.t("Primary sludge"))
        self.add_sizing("sludge_flow", "Primary sludge", sludge.flow, "m**3/day")
        self.add_sizing("sludge_solids", "Primary sludge dry solids", sludge.mass_flow("tss"), "kg/day")
        self.note("COD removed in the same fraction as BOD; TN, TP and FOG passed through (conservative).")
        self._equipment(n, diameter, depth.quantity, sludge.flow)

    def _removal(self, symbol: str, description: str, t: Quantity, a_name: str, b_name: str) -> float:
        a, b = self.c(a_name), self.c(b_name)
        # The textbook curve gives the removal in percent.
        r = self.calc(symbol, description, f"{symbol} = t / (a + b · t) / 100 %",
                      {"t": (t, "calculated"), "a": a, "b": b}, t / (a.quantity + b.m * t) / 100)
        return float(r.to("dimensionless").magnitude)

    def _equipment(self, n: int, diameter: Quantity, depth: Quantity, sludge_flow: Quantity) -> None:
        drive = self.c("drive_power").quantity
        text = (mark("Packaged steel primary clarifier Ø {d:.1f} m × {swd:g} m SWD, "
                     "center-drive scraper, scum skimmer and peripheral weir") if self.packaged else
                mark("Circular reinforced-concrete primary clarifier Ø {d:.1f} m × {swd:g} m SWD, "
                     "center-drive scraper, scum skimmer and peripheral weir"))
        self.add_equipment("-01", self.t(text, d=diameter.magnitude, swd=depth.magnitude), quantity=n,
                           capacity=(math.pi * diameter**2 / 4).to("m**2"), power=drive,
                           material="Coated carbon steel" if self.packaged else "Reinforced concrete, coated steel mechanism")
        fraction = self.c("sludge_pump_fraction")
        q_pump = self.calc("Q_sp", "Sludge pump capacity", "Q_sp = Q_s / (N · f_on)",
                           {"Q_s": (sludge_flow, "calculated", "primary sludge flow"), "N": (Q_(n, ""), "calculated"),
                            "f_on": fraction}, sludge_flow / (n * fraction.m), unit="m**3/hour")
        self.add_sizing("sludge_pump_flow", "Capacity of each sludge pump", q_pump)
        p_pump = pump_power(self, "P_sp", self.t("Primary sludge pump"), q_pump, self.c("sludge_pump_head"),
                            self.c("sludge_pump_efficiency"))
        self.add_equipment("-02", self.t("Primary sludge pump, progressive cavity, {q:.1f} m3/h "
                                         "(one per clarifier plus standby)", q=q_pump.magnitude), quantity=n + 1, standby=1, capacity=q_pump, power=p_pump,
                           material="Cast iron, NBR stator")
        self.add_power("Clarifier scraper drives (continuous)", drive * n, drive * n)
        self.add_power("Primary sludge pumps (intermittent)", p_pump * (n + 1), p_pump * n * fraction.m)
        if self.packaged:
            self.note("Packaged steel clarifier for a small flow.")

    def cost(self) -> None:
        a_each = self.sizing["unit_area"].quantity
        if self.packaged:
            a_cost = self.costed_size("A_cost", a_each, self.c("min_packaged_area"), mark("packaged clarifier"))
            self.curve_cost("packaged_clarifier", a_cost, count=self.trains)
        else:
            a_cost = self.costed_size("A_cost", a_each, self.c("min_site_built_area"), mark("site-built clarifier"))
            self.curve_cost("circular_clarifier", a_cost, count=self.trains, category="civil")
        self.curve_cost("sludge_pump", self.sizing["sludge_pump_flow"].quantity, count=self.trains + 1)
