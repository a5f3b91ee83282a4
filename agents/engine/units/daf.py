"""Dissolved air flotation with pressurized recycle (Metcalf & Eddy 5th ed., Ch. 5; MWH 3rd ed., Ch. 10).

The recycle R is the larger of a minimum ratio and what the air-to-solids
ratio needs, A/S = 1.3·s_a·(f·P − 1)·R / (S_a·Q) (M&E, flotation; 1.3 mg/mL is
the density of air, s_a its solubility at 1 atm, P the absolute saturator
pressure in atm). The flotation area is the larger of the hydraulic
requirement on Q + R and the solids-loading requirement, both at peak flow.

Removals depend on chemical conditioning: a coagulation unit upstream
(``ctx.shared["coagulation"]``, consumed here because the floc leaves with
the float) or the DAF's own in-line dosing gives the with-chemicals removals;
otherwise the plain ones apply (with chemicals the floc also takes colour and
the precipitated phosphorus). The float carries
the removed TSS and FOG at the float's dry-solids fraction.
"""

from __future__ import annotations

from typing import Any

from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import WATER_DENSITY, Stream
from .base import UnitProcess, register
from .coagulation_flocculation import chemical_removals, dose_chemicals
from .equalization import pump_cost, pump_power
from .common import ATMOSPHERE, GRAVITY
from .oil_water_separator import interpolate

# Solubility of air in water at 1 atm (mL/L) by temperature (°C).
AIR_SOLUBILITY = ((0.0, 29.2), (10.0, 22.8), (20.0, 18.7), (30.0, 15.7))
AIR_SOLUBILITY_SOURCE = mark("Metcalf & Eddy, Wastewater Engineering, 5th ed. (2014), Ch. 5, flotation (air solubility at 1 atm)")
# The coagulant named in the note on an upstream conditioning (data/chemicals.yaml keys).
COAGULANT_NAMES = {"ferric_chloride": mark("ferric chloride"), "aluminium_sulfate": mark("aluminium sulfate")}
AIR_DENSITY_MG_ML = Q_(1.3, "mg/mL")  # the textbook's 1.3 mg/mL in the A/S equation


@register
class DissolvedAirFlotation(UnitProcess):
    type = "daf"
    tag_prefix = "DAF"
    conditioned: str = ""  # "upstream", "in-line" or "" (no chemicals), set by size()

    def size(self, influent: Stream) -> None:
        q_peak = self.calc("Q_p", "Peak flow to the DAF", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/hour")
        feed = self._condition(influent, q_peak)
        solids_c = (feed.get("tss", 0.0) + feed.get("fog", 0.0)).to("mg/L")
        solids = self.calc("S_a", "Floatable solids in the feed (TSS + FOG)", "S_a = TSS + FOG",
                           {"TSS": (feed.get("tss", 0.0), "influent" if not self.conditioned else "calculated"),
                            "FOG": (feed.get("fog", 0.0), "influent")}, solids_c, unit="mg/L")
        recycle = self._recycle(q_peak, solids)
        self._area(q_peak, recycle, solids)
        self._separate(feed)
        self._equipment(q_peak, recycle)

    def _condition(self, influent: Stream, q_peak: Quantity) -> Stream:
        # The conditioning is used up by the first separation after it: the floc leaves here.
        upstream = self.ctx.shared.pop("coagulation", None)
        self.coagulation: dict[str, Any] = upstream or {}
        if upstream:
            self.conditioned = "upstream"
            self.note("Feed conditioned by {tag} ({coagulant}); with-chemicals removals apply.", tag=upstream['tag'],
                      coagulant=self.t(COAGULANT_NAMES.get(upstream['coagulant'],
                                                           upstream['coagulant'].replace('_', ' '))))
            return influent
        if round(self.c("inline_conditioning").m) == 1:
            self.conditioned = "in-line"
            tube = self.calc("V_ft", "Flocculation tube volume", "V_ft = Q_p · t_ft",
                             {"Q_p": (q_peak, "calculated"), "t_ft": self.c("flocculation_tube_time")},
                             q_peak * self.c("flocculation_tube_time").quantity, unit="m**3")
            self.add_sizing("flocculation_tube", "In-line flocculation tube / tank volume", tube)
            self.note("In-line coagulant and polymer dosing ahead of a flocculation tube; with-chemicals removals apply.")
            conditioned = dose_chemicals(self, influent, self.t("DAF in-line conditioning"))
            self.coagulation = self.ctx.shared.pop("coagulation", None) or {}
            return conditioned
        self.conditioned = ""
        self.note("No chemical conditioning; plain-flotation removals apply.")
        return influent

    def _recycle(self, q_peak: Quantity, solids: Quantity) -> Quantity:
        temp = self.ctx.design_temperature
        t = float(temp.quantity.to("degC").magnitude)
        s_a = self.calc("s_a", "Air solubility at 1 atm and the design temperature", "s_a = s_a(T)", {"T": temp},
                        Q_(interpolate(AIR_SOLUBILITY, t, 1), "mL/L"), unit="mL/L", note=AIR_SOLUBILITY_SOURCE)
        p_gauge = self.c("saturator_pressure")
        p_atm = self.calc("P", "Saturator absolute pressure", "P = (p + p_atm) / p_atm",
                          {"p": p_gauge, "p_atm": (ATMOSPHERE, "physical constant")},
                          (p_gauge.quantity + ATMOSPHERE) / ATMOSPHERE)
        f, a_s = self.c("saturation_fraction"), self.c("air_to_solids")
        air_per_volume = AIR_DENSITY_MG_ML * s_a * (f.m * p_atm.magnitude - 1)
        r_air = self.calc("R_A/S", "Recycle needed for the air-to-solids ratio", "R_A/S = (A/S) · S_a · Q_p / [1.3 · s_a · (f·P − 1)]",
                          {"A/S": a_s, "S_a": (solids, "calculated"), "Q_p": (q_peak, "calculated"),
                           "1.3": (AIR_DENSITY_MG_ML, AIR_SOLUBILITY_SOURCE, "density of air"),
                           "s_a": (s_a, "calculated"), "f": f, "P": (p_atm, "calculated")},
                          a_s.m * solids * q_peak / air_per_volume, unit="m**3/hour")
        r_min = self.c("min_recycle_ratio")
        recycle = self.calc("R", "Pressurized recycle flow", "R = max(R_A/S, r_min · Q_p)",
                            {"R_A/S": (r_air, "calculated"), "r_min": r_min, "Q_p": (q_peak, "calculated")},
                            max(r_air, r_min.m * q_peak), unit="m**3/hour")
        ratio = (recycle / q_peak).to("dimensionless").magnitude
        self.add_sizing("recycle_flow", "Pressurized recycle flow", recycle)
        self.add_sizing("recycle_ratio", "Recycle ratio R/Q at peak flow", Q_(ratio, ""))
        if ratio > self.c("max_recycle_ratio").m:
            self.warn("the air-to-solids ratio needs a recycle of {ratio:.0%} of the flow; raise the saturator pressure "
                      "or thicken the float in a separate unit ({source}).", ratio=ratio,
                      source=self.c('max_recycle_ratio').source)
        air = self.calc("M_air", "Air released to the feed", "M_air = (A/S)_actual · S_a · Q_p = 1.3·s_a·(f·P − 1)·R",
                        {"R": (recycle, "calculated"), "s_a": (s_a, "calculated"), "f": f, "P": (p_atm, "calculated")},
                        air_per_volume * recycle, unit="kg/day")
        self.add_sizing("air_released", "Air released at peak flow", air)
        return recycle

    def _area(self, q_peak: Quantity, recycle: Quantity, solids: Quantity) -> None:
        hlr, slr = self.c("hydraulic_loading"), self.c("max_solids_loading")
        a_h = self.calc("A_h", "Area for the hydraulic loading on Q + R", "A_h = (Q_p + R) / HLR",
                        {"Q_p": (q_peak, "calculated"), "R": (recycle, "calculated"), "HLR": hlr},
                        (q_peak + recycle) / hlr.quantity, unit="m**2")
        a_s = self.calc("A_s", "Area for the solids loading", "A_s = S_a · Q_p / SLR",
                        {"S_a": (solids, "calculated"), "Q_p": (q_peak, "calculated"), "SLR": slr},
                        solids * q_peak / slr.quantity, unit="m**2")
        area = self.calc("A", "Flotation area", "A = max(A_h, A_s)", {"A_h": (a_h, "calculated"), "A_s": (a_s, "calculated")},
                         max(a_h, a_s), unit="m**2")
        if a_s > a_h:
            self.note("The solids loading, not the hydraulic loading, sets the flotation area.")
        self.add_sizing("area", "Total flotation area", area)
        n = self.parallel_trains(area, self.c("max_unit_area"), "DAF units")
        a_each = self.add_sizing("unit_area", "Flotation area of each unit", area / n, "m**2")
        self.add_sizing("unit_volume", "Tank volume of each unit", a_each * self.c("tank_depth").quantity, "m**3")
        self.packaged = q_peak < self.c("packaged_below").quantity

    def _separate(self, feed: Stream) -> None:
        chem = bool(self.conditioned)
        suffix = "chemical" if chem else "plain"
        r_tss, r_fog, r_bod = (self.c(f"tss_removal_{suffix}"), self.c(f"fog_removal_{suffix}"),
                               self.c(f"bod_removal_{suffix}"))
        q = feed.flow
        changes: dict[str, Quantity | None] = {}
        for key, r in (("bod", r_bod), ("cod", r_bod)):
            if feed.get(key) is not None:
                changes[key] = feed.get(key) * (1 - r.m)
                self.removals[key] = r.m
        if chem:
            changes.update(chemical_removals(self, feed, self.coagulation, r_tss))
        tss_in, fog_in = feed.get("tss", 0.0), feed.get("fog", 0.0)
        tss_out, fog_out = tss_in * (1 - r_tss.m), fog_in * (1 - r_fog.m)
        if feed.get("fog") is not None:
            changes["fog"] = fog_out
            self.removals["fog"] = r_fog.m
        self.removals["tss"] = r_tss.m
        captured = self.calc("M_f", "Dry solids to the float (TSS and FOG removed)", "M_f = Q · [(TSS − TSS_e) + (FOG − FOG_e)]",
                             {"Q": (q, "design", "feed flow"), "TSS": (tss_in, "feed"), "TSS_e": (tss_out, "calculated"),
                              "FOG": (fog_in, "feed"), "FOG_e": (fog_out, "calculated")},
                             q * ((tss_in - tss_out) + (fog_in - fog_out)), unit="kg/day")
        f_float = self.c("float_solids")
        q_float = self.calc("Q_f", "Float flow", "Q_f = M_f / (x_f · ρ_w)",
                            {"M_f": (captured, "calculated"), "x_f": f_float, "ρ_w": (WATER_DENSITY, "physical constant")},
                            captured / (f_float.m * WATER_DENSITY), unit="m**3/day")
        q_eff = q - q_float
        effluent = feed.derive(flow=q_eff, tss=tss_out, **changes)
        # The float's water also carries the effluent's TSS and FOG; what is not in the
        # effluent is in the float, so both loads close exactly.
        float_quality = dict(effluent.quality)
        if q_float.magnitude > 0:
            float_quality["tss"] = ((q * tss_in - q_eff * tss_out) / q_float).to("mg/L")
            if feed.get("fog") is not None:
                float_quality["fog"] = ((q * fog_in - q_eff * fog_out) / q_float).to("mg/L")
        self.effluent = effluent
        self.add_side_stream(Stream(flow=q_float, quality=float_quality, kind="sludge", name=self.t("DAF float")))
        self.add_sizing("float_flow", "Float (sludge) flow", q_float)
        self.add_sizing("float_solids", "Float dry solids (TSS + FOG)", captured)

    def _equipment(self, q_peak: Quantity, recycle: Quantity) -> None:
        n = self.trains
        r_each = recycle / n
        p_sat = self.c("saturator_pressure").quantity
        head = self.calc("H_r", "Recycle pump head", "H_r = p / (ρ · g) + h_l",
                         {"p": self.c("saturator_pressure"), "ρ": (WATER_DENSITY, "physical constant"),
                          "g": (GRAVITY, "physical constant"), "h_l": self.c("recycle_losses")},
                         p_sat / (WATER_DENSITY * GRAVITY) + self.c("recycle_losses").quantity, unit="m")
        p_pump = pump_power(self, "P_r", self.t("Recycle pump"), r_each, head, self.c("pump_efficiency"))
        self.add_sizing("recycle_pump_power", "Absorbed power of each recycle pump", p_pump)
        sat = self.calc("V_sat", "Saturator volume (each)", "V_sat = R_each · t_sat",
                        {"R_each": (r_each, "calculated"), "t_sat": self.c("saturator_time")},
                        r_each * self.c("saturator_time").quantity, unit="m**3")
        a_each = self.sizing["unit_area"].quantity
        unit_text = (mark("Packaged steel DAF unit, {a:.1f} m2 flotation area, {q:.0f} m3/h, with surface skimmer and "
                          "bottom scraper") if self.packaged else
                     mark("Reinforced-concrete DAF unit, {a:.1f} m2 flotation area, {q:.0f} m3/h, with surface skimmer "
                          "and bottom scraper"))
        self.add_equipment("-01", self.t(unit_text, a=a_each.magnitude, q=(q_peak / n).magnitude), quantity=n,
                           capacity=a_each, power=self.c("skimmer_power").quantity,
                           material=mark("AISI 304 or coated carbon steel") if self.packaged
                           else mark("Reinforced concrete, AISI 304 mechanisms"))
        self.add_equipment("-02", self.t("Air saturator {v:.2f} m3 at {p:g} kPa", v=sat.magnitude,
                                         p=p_sat.to('kPa').magnitude), quantity=n,
                           capacity=sat, material="Carbon steel pressure vessel, epoxy lined")
        self.add_equipment("-03", self.t("Recycle pump {q:.1f} m3/h at {h:.0f} m (one per unit plus standby)",
                                         q=r_each.magnitude, h=head.magnitude),
                           quantity=n + 1, standby=1, capacity=r_each, power=p_pump, material="AISI 316 multistage centrifugal")
        self.add_equipment("-04", "Air compressor with receiver (duty + standby)", quantity=2, standby=1,
                           power=self.c("compressor_power").quantity, material="Oil-free")
        self.add_equipment("-05", "Float pump (one per unit plus standby)", quantity=n + 1, standby=1,
                           capacity=self.sizing["float_flow"].quantity / n, power=self.c("float_pump_power").quantity,
                           material="Progressive cavity / lobe, cast iron")
        op = self.c("intermittent_fraction").m
        skim, fpump, comp = (self.c("skimmer_power").quantity, self.c("float_pump_power").quantity,
                             self.c("compressor_power").quantity)
        self.add_power("Recycle pumps (continuous)", p_pump * (n + 1), p_pump * n)
        self.add_power("Skimmers and scrapers (continuous)", skim * n, skim * n)
        self.add_power("Float pumps and air compressor (intermittent)", fpump * (n + 1) + comp * 2, (fpump * n + comp) * op)
        if self.conditioned == "in-line":
            dose = self.c("dosing_pump_power").quantity
            self.add_equipment("-06", "In-line conditioning: coagulant and polymer metering pumps, polymer make-down, "
                               "flocculation tube", quantity=1, capacity=q_peak, power=dose * 3, material="PVDF / HDPE")
            self.add_power("In-line chemical conditioning", dose * 3, dose * 2)
        if self.packaged:
            self.notes.append(self.tn("{n} packaged steel DAF unit(s).", "{n} packaged steel DAF unit(s).", n))

    def cost(self) -> None:
        n = self.trains
        if self.packaged:
            self.curve_cost("packaged_daf", self.sizing["unit_area"].quantity, count=n)
        else:
            q_peak = next(r for r in self.log.records if r.id == f"{self.tag}.Q_p").result
            self.curve_cost("daf_equipment", q_peak / n, count=n)
            self.curve_cost("daf_tank", self.sizing["unit_volume"].quantity, count=n, category="civil")
        # A packaged unit's price includes its duty recycle pump: only the installed standby is added.
        pump_cost(self, "recycle_pump", "small_pump", self.sizing["recycle_pump_power"].quantity,
                  self.sizing["recycle_flow"].quantity / n, 1 if self.packaged else n + 1)
        if self.conditioned == "in-line":
            q_peak = next(r for r in self.log.records if r.id == f"{self.tag}.Q_p").result
            self.curve_cost("chemical_feed", q_peak)
