"""Reverse osmosis: recovery, flux, array, feed pressure and energy (FilmTec guidelines; MWH ch. 17; AWWA M46).

The design follows the way an RO designer sizes a system before running the
membrane supplier's projection: a feed type (seawater, brackish water or a
treated wastewater) sets the recovery, the average flux and the elements; the
recovery is then limited by silica and calcium sulfate in the concentrate and
by the elements' pressure rating; acid is dosed when the concentrate's
Langelier index is too high. The feed pressure is the net driving pressure
for the flux (permeability × temperature correction × fouling factor) plus the
feed-side average osmotic pressure at the membrane, half the feed–concentrate
pressure drop and the permeate back-pressure (the system-average form of the
solution–diffusion model, as in WaterTAP's ReverseOsmosis0D). Specific energy
is reported with and without energy recovery. Where the destination limits pH
the permeate is stabilised inside the unit: lime and CO2 to an alkalinity and
a slightly positive Langelier index for drinking water, caustic soda to a set
pH otherwise, with the dose, the dissolved solids added and the product pH from
the carbonate system, within the destination's pH range and above any minimum
alkalinity. Where the design blends part of the feed around the membranes
(``bypass``), the bypass joins the permeate inside the unit before the
stabilisation, so that the doses and the product's pH, alkalinity and Langelier
index are those of the water delivered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import osmotic
from ..cost_curves import curve_cost
from ..criteria import Criterion, load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import PARAMETERS, Stream, parameter_label
from .base import CostItem, UnitProcess, register

FEED_TYPES = {"seawater": mark("seawater"), "brackish": mark("brackish water"),
              "wastewater": mark("treated wastewater (reuse)")}
MEMBRANE_PROPERTIES = ("permeability", "max_pressure", "elements_per_vessel", "rejection_boron")

# Product densities, kg/L (Perry's Chemical Engineers' Handbook, 8th ed., Sec. 2; antiscalant: typical
# supplier SDS, 1.1–1.3): turn a product mass into the solution flow that sizes a dosing skid.
SOLUTION_DENSITY = {
    "antiscalant": 1.2,
    "sodium_bisulfite": 1.36,
    "sulfuric_acid": 1.83,
    "hydrochloric_acid": 1.16,
    "sodium_hypochlorite": 1.2,
    "sodium_hydroxide": 1.52,
}
# Dosing skids costed per chemical (the product dosed ahead of the membranes).
DOSING_SKIDS = {
    "antiscalant": mark("Dosing skid, antiscalant"),
    "sodium_bisulfite": mark("Dosing skid, sodium bisulfite"),
    "sulfuric_acid": mark("Dosing skid, sulfuric acid"),
    "hydrochloric_acid": mark("Dosing skid, hydrochloric acid"),
}

# IEC 60072-1 preferred motor ratings, kW.
IEC_MOTOR_RATINGS = (0.37, 0.55, 0.75, 1.1, 1.5, 2.2, 3.0, 4.0, 5.5, 7.5, 11, 15, 18.5, 22, 30, 37, 45, 55, 75, 90,
                     110, 132, 160, 200, 250, 315, 355, 400, 450, 500, 560, 630, 710, 800, 900, 1000, 1120, 1250,
                     1400, 1600, 1800, 2000, 2240, 2500, 2800, 3150, 3550, 4000, 4500, 5000)

HOURS_PER_YEAR = Q_(8760.0, "hour/year")
# Floor of the recovery search: below 30 % no brackish or seawater RO is designed (one short
# element bank already recovers that much), so a limit there means the feed needs other treatment.
MIN_RECOVERY = 0.3


def motor_rating(required: Quantity) -> Quantity:
    """The smallest IEC preferred motor rating at or above ``required`` (whole 500 kW steps above 5 MW)."""
    kw = required.to("kW").magnitude
    for rating in IEC_MOTOR_RATINGS:
        if rating >= kw - 1e-9:
            return Q_(rating, "kW")
    return Q_(math.ceil(kw / 500.0) * 500.0, "kW")


def solution_flow(key: str, product: Quantity) -> Quantity:
    """Volume of product solution per day from its mass per day."""
    return (product / Q_(SOLUTION_DENSITY[key], "kg/L")).to("gpd")


@dataclass
class Performance:
    """Feed-side hydraulics and salinity at one recovery (bar, mg/L)."""

    recovery: float
    stages: int
    tds_feed: float
    tds_permeate: float
    tds_concentrate: float
    pi_feed: float
    pi_concentrate: float
    pi_permeate: float
    pi_membrane: float
    tcf: float
    permeability: float
    ndp: float
    pressure_drop: float
    feed_pressure: float
    concentrate_pressure: float


@dataclass
class FeedChemistry:
    """The feed ions the scaling checks need, after conditioning (mg/L; calcium and alkalinity as CaCO3)."""

    temperature: float
    tds: float
    silica: float | None
    calcium: float | None
    sulfate: float | None
    alkalinity: float | None
    ph: float | None


@register
class ReverseOsmosis(UnitProcess):
    type = "reverse_osmosis"
    tag_prefix = "RO"
    # Feed the design bypasses around the membranes and blends into the permeate ahead of the
    # post-treatment (None: no blending). ``permeate`` is the membranes' product before the
    # blend and the post-treatment; ``post_added`` what the post-treatment adds to the product.
    bypass: Stream | None = None
    permeate: Stream | None = None
    post_added: dict[str, Quantity] | None = None

    # -- criteria by feed type ------------------------------------------------

    def fc(self, name: str) -> Criterion:
        """A criterion that depends on the feed type (``recovery`` → ``recovery_seawater``).

        Membrane properties follow the element family: SW elements for seawater,
        BW (fouling-resistant) elements for brackish water and wastewater.
        """
        if name in MEMBRANE_PROPERTIES:
            return self.c(f"{name}_{'seawater' if self.feed_type == 'seawater' else 'brackish'}")
        return self.c(f"{name}_{self.feed_type}")

    def _classify(self, influent: Stream) -> str:
        hint = self.ctx.shared.get("reverse_osmosis.feed_type")
        if hint in FEED_TYPES:
            self.note("Feed type '{feed}' set by the train selection.", feed=self.t(FEED_TYPES[hint]))
            return str(hint)
        if influent.get("tds") >= self.c("seawater_tds_threshold").quantity:
            return "seawater"
        cod, toc = influent.get("cod"), influent.get("toc")
        if (cod is not None and cod >= self.c("wastewater_cod_threshold").quantity) or (
                toc is not None and toc >= self.c("wastewater_toc_threshold").quantity):
            return "wastewater"
        return "brackish"

    # -- performance at a recovery ----------------------------------------------

    def _stages(self, recovery: float) -> int:
        if recovery <= self.c("max_recovery_one_stage").m + 1e-9:
            return 1
        return 2 if recovery <= self.c("max_recovery_two_stages").m + 1e-9 else 3

    def _performance(self, recovery: float, flux: float, tds_feed: float, temperature: float) -> Performance:
        beta = self.c("polarization_factor").m
        phi = self.c("osmotic_coefficient").m
        stages = self._stages(recovery)
        cp = tds_feed * osmotic.permeate_fraction(self.fc("salt_rejection").m, beta, recovery)
        cc = (tds_feed - recovery * cp) / (1.0 - recovery)
        pi_f = osmotic.osmotic_pressure(tds_feed, temperature, phi)
        pi_c = osmotic.osmotic_pressure(cc, temperature, phi)
        pi_p = osmotic.osmotic_pressure(cp, temperature, phi)
        pi_m = beta * (pi_f + pi_c) / 2.0
        tcf = osmotic.temperature_correction_factor(temperature)
        a_eff = self.fc("permeability").m * tcf * self.c("fouling_factor").m
        ndp = flux / a_eff
        dp = stages * self.epv * self.c("pressure_drop_per_element").quantity.to("bar").magnitude
        p_perm = self.c("permeate_pressure").quantity.to("bar").magnitude
        p_f = ndp + pi_m - pi_p + dp / 2.0 + p_perm
        return Performance(recovery, stages, tds_feed, cp, cc, pi_f, pi_c, pi_p, pi_m, tcf, a_eff, ndp, dp, p_f, p_f - dp)

    def _concentrate_chemistry(self, chem: FeedChemistry, recovery: float, acid_mmol: float,
                               acid_sulfate: float) -> dict[str, float]:
        """Silica and CaSO4 saturation and the Langelier index of the concentrate at a recovery."""
        beta = self.c("polarization_factor").m
        out: dict[str, float] = {}
        cf_salt = osmotic.concentrate_fraction(self.fc("salt_rejection").m, beta, recovery)
        cf_div = osmotic.concentrate_fraction(self.c("rejection_divalent").m, beta, recovery)
        tds_c = chem.tds * cf_salt
        if chem.silica is not None:
            cf_si = osmotic.concentrate_fraction(self.c("rejection_silica").m, beta, recovery)
            out["silica"] = chem.silica * cf_si / osmotic.silica_solubility(chem.temperature)
        if chem.calcium is not None and chem.sulfate is not None and chem.calcium > 0:
            out["caso4"] = osmotic.gypsum_saturation(chem.calcium * cf_div, (chem.sulfate + acid_sulfate) * cf_div, tds_c)
        if chem.calcium and chem.alkalinity and chem.ph is not None:
            hco3 = chem.alkalinity / osmotic.CACO3_PER_EQUIVALENT
            co2 = osmotic.co2_from_ph(hco3, chem.ph, chem.temperature, chem.tds) + acid_mmol
            hco3_c = (hco3 - acid_mmol) * cf_salt
            ph_c = osmotic.ph_from_carbonate(hco3_c, co2, chem.temperature, tds_c)
            out["ph"] = ph_c
            out["lsi"] = osmotic.langelier_index(ph_c, tds_c, chem.temperature, chem.calcium * cf_div,
                                                 hco3_c * osmotic.CACO3_PER_EQUIVALENT)
        return out

    @staticmethod
    def _largest_recovery(fn: Any, low: float, high: float) -> float:
        """Largest recovery in [low, high] with fn(recovery) ≤ 0 (fn increases with recovery)."""
        if fn(high) <= 0:
            return high
        if fn(low) > 0:
            return low
        for _ in range(60):
            mid = (low + high) / 2.0
            low, high = (mid, high) if fn(mid) <= 0 else (low, mid)
        return low

    # -- sizing -------------------------------------------------------------------

    def size(self, influent: Stream) -> None:
        if influent.get("tds") is None:
            raise ValueError(f"{self.tag}: reverse osmosis needs the feed TDS")
        self.feed_type = self._classify(influent)
        self.epv = int(self.fc("elements_per_vessel").m)
        q_f = influent.flow.to("m**3/day")
        if influent.peak_factor > 1.0:
            self.note("RO runs at constant flow: sized on the average feed flow, peaks buffered upstream.")
        feed_temp = influent.get("temperature")
        temp_q = feed_temp if feed_temp is not None else self.ctx.design_temperature.quantity
        temperature = temp_q.to("degC").magnitude
        t_source = mark("feed temperature") if feed_temp is not None else self.ctx.design_temperature.source
        t_design = self.calc("T", "Design feed temperature", "T = T_feed",
                             {"T_feed": (temp_q, t_source, "feed water temperature")}, temp_q, unit="degC")

        # Conditioning: antiscalant and dechlorination add dissolved solids ahead of the membranes.
        chemicals = load_data("chemicals")["chemicals"]
        d_as = self.c("antiscalant_dose")
        sbs_active = self.calc("D_SBS", "Sodium bisulfite dose (as NaHSO3) for dechlorination", "D_SBS = r · Cl2",
                               {"r": self.c("bisulfite_per_chlorine"), "Cl2": self.c("chlorine_residual")},
                               self.c("bisulfite_per_chlorine").m * self.c("chlorine_residual").quantity, unit="mg/L")
        tds_in = influent.get("tds").to("mg/L").magnitude
        tds_conditioned = tds_in + d_as.quantity.to("mg/L").magnitude + sbs_active.magnitude

        hardness = influent.get("hardness")
        chem = FeedChemistry(
            temperature=temperature,
            tds=tds_conditioned,
            silica=influent.get("silica").to("mg/L").magnitude if influent.get("silica") is not None else None,
            calcium=(hardness.to("mg/L").magnitude * self.c("calcium_fraction_of_hardness").m
                     if hardness is not None else None),
            sulfate=influent.get("sulfate").to("mg/L").magnitude if influent.get("sulfate") is not None else None,
            alkalinity=influent.get("alkalinity").to("mg/L").magnitude if influent.get("alkalinity") is not None else None,
            ph=influent.get("ph").magnitude if influent.get("ph") is not None else None,
        )

        recovery = self._design_recovery(chem, temperature, tds_conditioned)
        acid_key, acid_mmol = self._acid(chem, recovery)
        acid_sulfate = acid_mmol / 2.0 * osmotic.SO4_MOLAR_MASS if acid_key == "sulfuric_acid" else 0.0
        acid_chloride = acid_mmol * osmotic.CL_MOLAR_MASS if acid_key == "hydrochloric_acid" else 0.0
        # Acid turns bicarbonate into CO2 (not a dissolved solid) and adds its anion.
        acid_tds = acid_sulfate + acid_chloride - acid_mmol * osmotic.HCO3_MOLAR_MASS
        tds_feed = tds_conditioned + acid_tds
        chem.tds = tds_feed

        tds_in_q = Q_(tds_in, "mg/L")
        d_tds = self.calc("ΔTDS", "Dissolved solids added by conditioning (antiscalant, bisulfite, acid)",
                          "ΔTDS = D_as + D_SBS + ΔTDS_acid",
                          {"D_as": d_as, "D_SBS": (sbs_active, "calculated"),
                           "ΔTDS_acid": (Q_(acid_tds, "mg/L"), "calculated", "anion added − bicarbonate converted to CO2")},
                          Q_(tds_feed - tds_in, "mg/L"), unit="mg/L")
        self.generated["tds"] = (d_tds * q_f).to("kg/day")
        self.calc("C_f", "Feed TDS at the membranes", "C_f = TDS_in + ΔTDS",
                  {"TDS_in": (tds_in_q, "feed"), "ΔTDS": (d_tds, "calculated")}, tds_in_q + d_tds, unit="mg/L")

        # Flows.
        r_q = Q_(recovery, "dimensionless")
        q_p = self.calc("Q_p", "Permeate flow", "Q_p = Y · Q_f",
                        {"Y": (r_q, "calculated", "design recovery"), "Q_f": (q_f, "design", "feed flow")},
                        r_q * q_f, unit="m**3/day")
        self.add_sizing("feed_flow", "Feed flow", q_f, "m**3/day")
        self.add_sizing("permeate_flow", "Permeate flow", q_p, "m**3/day")
        q_c = self.calc("Q_c", "Concentrate flow", "Q_c = Q_f − Q_p",
                        {"Q_f": (q_f, "design", "feed flow"), "Q_p": (q_p, "calculated")}, q_f - q_p, unit="m**3/day")
        self.add_sizing("concentrate_flow", "Concentrate flow", q_c, "m**3/day")

        layout = self._array(q_f, q_p, q_c, recovery)
        perf = self._performance(recovery, layout["flux"].to("L/m**2/h").magnitude, tds_feed, temperature)
        self._record_performance(perf, t_design, layout)
        self._check_limits(perf, chem, recovery, acid_mmol, acid_sulfate)

        self._carbonate: dict[str, float] | None = None
        self._quality(influent, q_f, q_p, q_c, perf, chem, acid_key, acid_mmol, acid_sulfate, acid_chloride, tds_feed)
        self._energy(q_f, q_p, q_c, layout["recirculation"])
        self._chemicals(q_f, layout, chemicals, acid_key, acid_mmol)
        self._cip(layout)
        self.permeate = self.effluent
        q_product = self._blend(q_p) if self.bypass is not None and self.bypass.flow.magnitude > 0 else q_p
        self._post_treatment(q_product)

    def _blend(self, q_p: Quantity) -> Quantity:
        """Blend the bypass into the permeate; carry the blend's carbonate system to the post-treatment.

        Alkalinity (meq/L) and total carbonate C_T (mmol/L) are conserved on
        mixing, so the blend's are the flow-weighted averages; its pH follows
        from them (the flow-weighted average of two pH values is not the pH of
        the mixture).
        """
        from ..design import mix  # the design's mixing rule; imported here (design imports the units)

        assert self.effluent is not None and self.bypass is not None
        bypass, permeate = self.bypass, self.effluent
        blend = mix([permeate, bypass], name=self.t("Blended product"))
        q_b = bypass.flow.to("m**3/day")
        q_m = self.calc("Q_blend", "Blended product flow (permeate + bypass)", "Q_m = Q_p + Q_b",
                        {"Q_p": (q_p, "calculated", "permeate flow"), "Q_b": (q_b, "design", "bypassed feed")},
                        q_p + q_b, unit="m**3/day")
        self.add_sizing("bypass_flow", "Bypass flow blended into the permeate", q_b, "m**3/day")
        self.add_sizing("blended_flow", "Blended product flow", q_m)
        alk_b, ph_b = bypass.get("alkalinity"), bypass.get("ph")
        if self._carbonate is not None and alk_b is not None and ph_b is not None:
            carb = self._carbonate
            t = carb["temperature"]
            hco3_b = alk_b.to("mg/L").magnitude / osmotic.CACO3_PER_EQUIVALENT
            ct_b = hco3_b + osmotic.co2_from_ph(hco3_b, ph_b.magnitude, t, bypass.get("tds").to("mg/L").magnitude)
            w = (q_b / q_m).to("").magnitude
            alk_m = (1 - w) * carb["alk"] + w * hco3_b
            ct_m = (1 - w) * carb["ct"] + w * ct_b
            self.calc("C_T,blend", "Total carbonate of the blended product", "C_T,m = (Q_p·C_T,p + Q_b·C_T,b) / Q_m",
                      {"Q_p": (q_p, "calculated"), "C_T,p": (Q_(carb["ct"], "mmol/L"), "calculated",
                                                             "permeate CO2 + HCO3⁻"),
                       "Q_b": (q_b, "design", "bypassed feed"),
                       "C_T,b": (Q_(ct_b, "mmol/L"), "calculated", "bypass CO2 + HCO3⁻, from its pH and alkalinity"),
                       "Q_m": (q_m, "calculated")}, Q_(ct_m, "mmol/L"), unit="mmol/L")
            tds_m = blend.get("tds").to("mg/L").magnitude
            ph_m = self.calc("pH_blend", "pH of the blended product before the post-treatment",
                             "Alk = C_T·(α1 + 2α2) + [OH⁻] − [H⁺], solved for pH",
                             {"Alk": (blend.get("alkalinity"), "calculated", "blend alkalinity as CaCO3"),
                              "C_T": (Q_(ct_m, "mmol/L"), "calculated")},
                             Q_(osmotic.carbonate_species(alk_m, ct_m, t, tds_m)["ph"], ""))
            blend = blend.derive(ph=ph_m)
            self._carbonate = {"alk": alk_m, "ct": ct_m, "temperature": t}
        else:
            self._carbonate = None
        self.effluent = blend
        return q_m

    def _water(self, permeate: str, blend: str) -> str:
        """The description of the water the post-treatment doses into: the permeate, or its blend with the bypass."""
        return blend if self.bypass is not None else permeate

    def balance(self) -> dict[str, float]:
        """As every unit's, with the bypass the unit blends into its permeate counted as a feed."""
        if self.bypass is None or self.influent is None:
            return super().balance()
        from ..design import mix

        feed = self.influent
        try:
            self.influent = mix([feed, self.bypass], name=feed.name)
            return super().balance()
        finally:
            self.influent = feed

    def _design_recovery(self, chem: FeedChemistry, temperature: float, tds_feed: float) -> float:
        crit = self.fc("recovery")
        recovery = crit.m
        user_set = crit.overridden
        flux = self.fc("flux").quantity.to("L/m**2/h").magnitude
        max_si = self.c("max_silica_saturation").m
        max_caso4 = self.c("max_caso4_saturation").m
        p_max = self.fc("max_pressure").quantity.to("bar").magnitude
        limits: list[tuple[str, float]] = []
        low = MIN_RECOVERY

        if chem.silica:
            r = self._largest_recovery(lambda y: self._concentrate_chemistry(chem, y, 0.0, 0.0)["silica"] - max_si,
                                       low, recovery)
            limits.append((mark("silica"), r))
        # Calcium sulfate is checked below seawater salinity: the activity model (Davies) holds
        # to I ≈ 0.5 mol/L, and seawater recovery is set by pressure, not by gypsum.
        if self.feed_type != "seawater" and chem.calcium and chem.sulfate:
            r = self._largest_recovery(lambda y: self._concentrate_chemistry(chem, y, 0.0, 0.0)["caso4"] - max_caso4,
                                       low, recovery)
            limits.append((mark("calcium sulfate"), r))
        r = self._largest_recovery(lambda y: self._performance(y, flux, tds_feed, temperature).feed_pressure - p_max,
                                   low, recovery)
        limits.append((mark("element pressure rating"), r))

        binding = [(what, r) for what, r in limits if r < recovery - 1e-6]
        chosen = recovery
        if user_set:
            for what, r in binding:
                self.warn("recovery {recovery:.0%} exceeds the {what} limit of {limit:.1%}; "
                          "the design keeps the user's recovery", recovery=recovery, what=self.t(what), limit=r)
        elif binding:
            what, chosen = min(binding, key=lambda item: item[1])
            # Each limit in its own words: the scalants saturate in the concentrate; the pressure
            # rating caps the feed pressure the higher recovery would need.
            if what == "silica":
                self.note("Recovery limited from {recovery:.0%} to {chosen:.1%} by silica in the concentrate: "
                          "a higher recovery would take it above {limit:.0%} of the amorphous silica solubility.",
                          recovery=recovery, chosen=chosen, limit=max_si)
            elif what == "calcium sulfate":
                self.note("Recovery limited from {recovery:.0%} to {chosen:.1%} by calcium sulfate in the "
                          "concentrate: a higher recovery would take its saturation ratio above {limit:.0%}.",
                          recovery=recovery, chosen=chosen, limit=max_caso4)
            else:
                self.note("Recovery limited from {recovery:.0%} to {chosen:.1%} by the elements' pressure rating: "
                          "a higher recovery would need a feed pressure above their {limit:.1f} bar maximum.",
                          recovery=recovery, chosen=chosen, limit=p_max)
            self.warn("recovery limited to {chosen:.1%} by {what} (design criterion {recovery:.0%})",
                      chosen=chosen, what=self.t(what), recovery=recovery)
            if chosen <= low + 1e-6:
                remedy = (self.t("seawater elements or a lower-salinity source") if what == "element pressure rating"
                          else self.t("pretreatment (softening or silica removal)"))
                self.warn("{what} allows no practical recovery; the design needs {remedy}",
                          what=self.t(what), remedy=remedy)
        inputs: dict[str, Any] = {"Y_design": crit}
        for what, r in limits:
            inputs[f"Y_{what.split()[0]}"] = (Q_(r, ""), "calculated",
                                              self.t("largest recovery within the {what} limit", what=self.t(what)))
        equation = "Y = Y_design (set by the user)" if user_set else "Y = min(Y_design, Y_limits)"
        self.calc("Y", "Design recovery", equation, inputs, Q_(chosen, "dimensionless"))
        self.add_sizing("recovery", self.t("System recovery ({feed})", feed=self.t(FEED_TYPES[self.feed_type])),
                        Q_(chosen, "dimensionless"))
        return chosen

    def _acid(self, chem: FeedChemistry, recovery: float) -> tuple[str | None, float]:
        """Acid to hold the concentrate's LSI at its maximum: (chemical key, mmol/L of H+)."""
        if self.feed_type == "seawater":
            return None, 0.0
        lsi_max = self.c("max_concentrate_lsi").m
        base = self._concentrate_chemistry(chem, recovery, 0.0, 0.0)
        if "lsi" not in base or base["lsi"] <= lsi_max:
            return None, 0.0
        hco3 = chem.alkalinity / osmotic.CACO3_PER_EQUIVALENT
        low, high = 0.0, 0.99 * hco3
        for _ in range(60):
            mid = (low + high) / 2.0
            if self._concentrate_chemistry(chem, recovery, mid, 0.0)["lsi"] > lsi_max:
                low = mid
            else:
                high = mid
        acid = high
        # Sulfuric acid unless its sulfate would push gypsum past the limit (then hydrochloric).
        key = "sulfuric_acid"
        if chem.calcium and chem.sulfate is not None:
            sat = self._concentrate_chemistry(chem, recovery, acid, acid / 2.0 * osmotic.SO4_MOLAR_MASS)
            if sat.get("caso4", 0.0) > self.c("max_caso4_saturation").m:
                key = "hydrochloric_acid"
        self.calc("LSI_c0", "Langelier index of the concentrate without acid", "LSI = pH_c − pHs_c",
                  {"Y": (Q_(recovery, ""), "calculated", "recovery"),
                   "pH": (Q_(chem.ph, ""), "feed", "feed pH"),
                   "Alk": (Q_(chem.alkalinity, "mg/L"), "feed", "alkalinity as CaCO3")},
                  Q_(base["lsi"], "dimensionless"))
        return key, acid

    def _array(self, q_f: Quantity, q_p: Quantity, q_c: Quantity, recovery: float) -> dict[str, Any]:
        flux = self.fc("flux")
        area_req = self.calc("A_req", "Membrane area required", "A = Q_p / J",
                             {"Q_p": (q_p, "calculated"), "J": flux}, q_p / flux.quantity, unit="m**2")
        a8 = self.c("element_area")
        epv = int(self.fc("elements_per_vessel").m)
        packaged = q_p < self.c("packaged_below").quantity
        element = a8
        if packaged:
            self.packaged = True
            if math.ceil((area_req / a8.quantity).to("").magnitude - 1e-9) < epv:
                element = self.c("small_element_area")
        n_el = self.calc("N_e", "Elements required", "N_e = ⌈A / a_e⌉",
                         {"A": (area_req, "calculated"), "a_e": element},
                         Q_(math.ceil((area_req / element.quantity).to("").magnitude - 1e-9), ""))
        n_v_req = math.ceil(n_el.magnitude / epv - 1e-9)
        trains = self.parallel_trains(q_p, self.c("max_train_permeate"), "RO trains")
        stages = self._stages(recovery)
        if n_v_req < stages and trains == 1:
            # Too few elements to fill one vessel per stage: one shorter vessel per stage.
            epv = math.ceil(n_el.magnitude / stages - 1e-9)
            n_v_req = stages
            self.epv = epv
            self.note("Small array: one vessel per stage with {epv:,} elements each.", epv=epv)
        vpt = max(stages, math.ceil(n_v_req / trains - 1e-9))
        ratio = self.c("staging_ratio").m
        weights = [ratio ** (stages - 1 - k) for k in range(stages)]
        per_stage = [max(1, round(vpt * w / sum(weights))) for w in weights]
        per_stage[0] += vpt - sum(per_stage)
        if per_stage[0] < 1 or any(per_stage[k] < per_stage[k + 1] for k in range(stages - 1)):
            per_stage = [vpt - (stages - 1)] + [1] * (stages - 1)
        # Re-array towards the first stage until the last-stage vessels keep their minimum
        # concentrate flow (FilmTec guidelines: adjust the staging ratio, not the recovery).
        a_scale = (self.c("small_element_area").quantity / a8.quantity).to("").magnitude if element is not a8 else 1.0
        c_min_vessel = self.c("min_concentrate_flow_per_vessel").quantity * a_scale
        while stages > 1 and per_stage[-1] > 1 and (q_c / trains / per_stage[-1]) < c_min_vessel:
            per_stage[-1] -= 1
            per_stage[0] += 1
        vessels = self.calc("N_v", "Pressure vessels (all trains)", "N_v = N_trains · ⌈⌈N_e / n_e⌉ / N_trains⌉",
                            {"N_e": (n_el, "calculated"), "n_e": (Q_(epv, ""), "design", "elements per vessel"),
                             "N_trains": (Q_(trains, ""), "calculated")}, Q_(vpt * trains, ""))
        elements = int(vessels.magnitude) * epv
        area = self.calc("A", "Installed membrane area", "A = N_v · n_e · a_e",
                         {"N_v": (vessels, "calculated"), "n_e": (Q_(epv, ""), "design", "elements per vessel"),
                          "a_e": element},
                         Q_(elements * element.quantity.to("m**2").magnitude, "m**2"), unit="m**2")
        j = self.calc("J", "Average permeate flux as installed", "J = Q_p / A",
                      {"Q_p": (q_p, "calculated"), "A": (area, "calculated")}, q_p / area, unit="L/m**2/h")
        self.add_sizing("flux", "Average permeate flux", j)
        self.add_sizing("membrane_area", "Installed membrane area", area)
        self.add_sizing("elements", "Membrane elements (all trains)", Q_(elements, ""))
        self.add_sizing("vessels", "Pressure vessels (all trains)", vessels)
        self.add_sizing("vessels_per_train", "Pressure vessels per train", Q_(vpt, ""))
        self.add_sizing("stages", "Stages", Q_(stages, ""))
        self.add_sizing("trains", "Trains", Q_(trains, ""))
        size_label = mark("8-inch") if element is a8 else mark("4-inch")
        array = ":".join(str(n) for n in per_stage)
        self.note("{trains:,} train(s) × {vpt:,} vessels ({array} array) × {epv:,} {size} elements; "
                  "{elements:,} elements, {area:,.0f} m² at {flux:.1f} L/m²·h.", trains=trains, vpt=vpt, array=array,
                  epv=epv, size=self.t(size_label), elements=elements, area=area.magnitude, flux=j.magnitude)
        if packaged:
            self.note("Factory-assembled skid (small plant): components costed individually.")

        # Element hydraulic limits (FilmTec guidelines for 8-inch; scaled by area for 4-inch).
        scale = (element.quantity / a8.quantity).to("").magnitude
        feed_per_vessel = (q_f / trains / per_stage[0]).to("m**3/h")
        conc_per_vessel = (q_c / trains / per_stage[-1]).to("m**3/h")
        f_max = self.c("max_feed_flow_per_vessel").quantity * scale
        c_min = self.c("min_concentrate_flow_per_vessel").quantity * scale
        self.add_sizing("feed_per_vessel", "Feed flow per first-stage vessel", feed_per_vessel)
        self.add_sizing("concentrate_per_vessel", "Concentrate flow per last-stage vessel", conc_per_vessel)
        if feed_per_vessel > f_max:
            self.warn("feed flow {flow:.1f} m3/h per vessel exceeds {limit:.1f} m3/h; add first-stage vessels",
                      flow=feed_per_vessel.magnitude, limit=f_max.magnitude)
        recirculation = Q_(0.0, "m**3/h")
        if conc_per_vessel < c_min:
            if self.packaged:
                recirculation = self.calc("Q_r", "Concentrate recirculation to hold the minimum concentrate flow",
                                          "Q_r = q_c,min · n_last · N_trains − Q_c",
                                          {"q_c,min": (c_min, self.c("min_concentrate_flow_per_vessel").source,
                                                       "minimum concentrate flow per vessel (scaled to element size)"),
                                           "n_last": (Q_(per_stage[-1], ""), "calculated", "vessels in the last stage"),
                                           "Q_c": (q_c, "calculated")},
                                          c_min * per_stage[-1] * trains - q_c, unit="m**3/h")
                self.add_sizing("recirculation", "Concentrate recirculation to the HP pump suction", recirculation)
                self.note("Concentrate recirculation {flow:.2f} m³/h keeps the last-stage vessels above their "
                          "minimum concentrate flow (usual on small skids).", flow=recirculation.magnitude)
            else:
                self.warn("concentrate flow {flow:.2f} m3/h per vessel is below {limit:.2f} m3/h; "
                          "recirculate concentrate or re-array", flow=conc_per_vessel.magnitude, limit=c_min.magnitude)
        return {"area": area, "flux": j, "elements": elements, "vessels": int(vessels.magnitude), "trains": trains,
                "per_stage": per_stage, "vessels_per_train": vpt, "element_area": element,
                "recirculation": recirculation}

    def _record_performance(self, perf: Performance, t_design: Quantity, layout: dict[str, Any]) -> None:
        phi, beta = self.c("osmotic_coefficient"), self.c("polarization_factor")
        t_src = (t_design, "calculated", mark("design temperature"))
        c_f = Q_(perf.tds_feed, "mg/L")
        pi_f = self.calc("π_f", "Feed osmotic pressure (TDS as NaCl)", "π = φ · i · (C / M_NaCl) · R · T",
                         {"φ": phi, "i": (Q_(2, ""), "NaCl", "ions per formula unit"),
                          "C": (c_f, "calculated", "feed TDS"),
                          "M_NaCl": (Q_(osmotic.NACL_MOLAR_MASS, "g/mol"), "physical constant"),
                          "R": (Q_(osmotic.GAS_CONSTANT, "L*bar/mol/K"), "physical constant"), "T": t_src},
                         Q_(perf.pi_feed, "bar"), unit="bar")
        c_p = self.calc("C_p", "Permeate TDS", "C_p = s · C_f · (2 − Y) / (1 − Y + s·Y), s = (1 − Rej)·β / 2",
                        {"C_f": (c_f, "calculated"), "Rej": self.fc("salt_rejection"), "β": beta,
                         "Y": (Q_(perf.recovery, ""), "calculated", "recovery")},
                        Q_(perf.tds_permeate, "mg/L"), unit="mg/L")
        c_c = self.calc("C_c", "Concentrate TDS", "C_c = (C_f − Y · C_p) / (1 − Y)",
                        {"C_f": (c_f, "calculated"), "C_p": (c_p, "calculated"),
                         "Y": (Q_(perf.recovery, ""), "calculated", "recovery")},
                        Q_(perf.tds_concentrate, "mg/L"), unit="mg/L")
        pi_c = self.calc("π_c", "Concentrate osmotic pressure", "π = φ · i · (C / M_NaCl) · R · T",
                         {"φ": phi, "C": (c_c, "calculated", "concentrate TDS"), "T": t_src},
                         Q_(perf.pi_concentrate, "bar"), unit="bar")
        pi_p = self.calc("π_p", "Permeate osmotic pressure", "π = φ · i · (C / M_NaCl) · R · T",
                         {"φ": phi, "C": (c_p, "calculated", "permeate TDS"), "T": t_src},
                         Q_(perf.pi_permeate, "bar"), unit="bar")
        pi_m = self.calc("π_m", "Average osmotic pressure at the membrane (feed side)", "π_m = β · (π_f + π_c) / 2",
                         {"β": beta, "π_f": (pi_f, "calculated"), "π_c": (pi_c, "calculated")},
                         Q_(perf.pi_membrane, "bar"), unit="bar")
        tcf = self.calc("TCF", "Temperature correction factor", "TCF = exp[K·(1/298 − 1/(273.15 + T))], "
                        "K = 3020 below 25 °C, 2640 above", {"T": t_src}, Q_(perf.tcf, ""))
        a_eff = self.calc("A_w", "Water permeability in service", "A_w = A_25 · TCF · FF",
                          {"A_25": self.fc("permeability"), "TCF": (tcf, "calculated"),
                           "FF": self.c("fouling_factor")}, Q_(perf.permeability, "L/m**2/h/bar"), unit="L/m**2/h/bar")
        ndp = self.calc("NDP", "Net driving pressure", "NDP = J / A_w",
                        {"J": (layout["flux"], "calculated"), "A_w": (a_eff, "calculated")},
                        Q_(perf.ndp, "bar"), unit="bar")
        dp = self.calc("ΔP", "Feed–concentrate pressure drop", "ΔP = N_stages · n_e · ΔP_e",
                       {"N_stages": (Q_(perf.stages, ""), "calculated"), "n_e": (Q_(self.epv, ""), "design"),
                        "ΔP_e": self.c("pressure_drop_per_element")}, Q_(perf.pressure_drop, "bar"), unit="bar")
        p_f = self.calc("P_f", "Feed pressure", "P_f = NDP + π_m − π_p + ΔP / 2 + P_p",
                        {"NDP": (ndp, "calculated"), "π_m": (pi_m, "calculated"), "π_p": (pi_p, "calculated"),
                         "ΔP": (dp, "calculated"), "P_p": self.c("permeate_pressure")},
                        Q_(perf.feed_pressure, "bar"), unit="bar")
        self.add_sizing("feed_pressure", "Feed pressure", p_f)
        self.add_sizing("concentrate_pressure", "Concentrate pressure", Q_(perf.concentrate_pressure, "bar"))
        self.add_sizing("osmotic_pressure_feed", "Feed osmotic pressure", pi_f)
        self.add_sizing("osmotic_pressure_concentrate", "Concentrate osmotic pressure", pi_c)
        self.add_sizing("net_driving_pressure", "Net driving pressure", ndp)
        self.add_sizing("permeate_tds", "Permeate TDS", c_p)
        self.add_sizing("concentrate_tds", "Concentrate TDS", c_c)
        p_max = self.fc("max_pressure").quantity
        if p_f > p_max * 1.001:
            self.warn("feed pressure {pressure:.1f} bar exceeds the elements' rating {rating:.1f} bar",
                      pressure=p_f.magnitude, rating=p_max.to("bar").magnitude)

    def _check_limits(self, perf: Performance, chem: FeedChemistry, recovery: float, acid_mmol: float,
                      acid_sulfate: float) -> None:
        sat = self._concentrate_chemistry(chem, recovery, acid_mmol, acid_sulfate)
        # (key, description, the same in a warning's lower case, limit criterion)
        checks = (("silica", mark("Silica in the concentrate / amorphous silica solubility"),
                   mark("silica in the concentrate / amorphous silica solubility"), "max_silica_saturation"),
                  ("caso4", mark("CaSO4 saturation ratio of the concentrate"),
                   mark("caso4 saturation ratio of the concentrate"), "max_caso4_saturation"),
                  ("lsi", mark("Langelier index of the concentrate"),
                   mark("langelier index of the concentrate"), "max_concentrate_lsi"))
        for key, description, lowered, limit in checks:
            # LSI and the Davies activity model do not hold at seawater ionic strength.
            if key not in sat or (key in ("caso4", "lsi") and self.feed_type == "seawater"):
                continue
            value = self.calc(f"S_{key}", description, {"silica": "S = SiO2_c / S_SiO2(T), log S = −731/T + 4.52",
                                                        "caso4": "S = γ²·[Ca]_c·[SO4]_c / Ksp",
                                                        "lsi": "LSI = pH_c − pHs_c"}[key],
                              {"Y": (Q_(recovery, ""), "calculated", "recovery"),
                               "limit": self.c(limit)}, Q_(sat[key], ""))
            self.add_sizing(f"concentrate_{key}", description, value)
            if sat[key] > self.c(limit).m * 1.001:
                self.warn("{what} = {value:.2f} exceeds {limit:g}; scaling risk", what=self.t(lowered),
                          value=sat[key], limit=self.c(limit).m)
        if self.feed_type == "seawater":
            self.note("Seawater: CaCO3 scaling (Stiff–Davis) and CaSO4 left to the antiscalant; recovery "
                      "is set by the concentrate's osmotic pressure and the element rating.")

    # -- quality --------------------------------------------------------------------

    def _rejections(self) -> dict[str, float]:
        salt = self.fc("salt_rejection").m
        div = self.c("rejection_divalent").m
        org = self.c("rejection_organics").m
        return {
            "chloride": salt, "hardness": div, "sulfate": div, "tp": div, "iron": div, "manganese": div,
            "metals": div, "silica": self.c("rejection_silica").m, "boron": self.fc("rejection_boron").m,
            "no3_n": self.c("rejection_nitrate").m, "nh4_n": self.c("rejection_ammonia").m,
            "bod": org, "cod": org, "toc": org, "color": self.c("rejection_color").m, "fog": org,
        }

    def _quality(self, influent: Stream, q_f: Quantity, q_p: Quantity, q_c: Quantity, perf: Performance,
                 chem: FeedChemistry, acid_key: str | None, acid_mmol: float, acid_sulfate: float,
                 acid_chloride: float, tds_feed: float) -> None:
        beta = self.c("polarization_factor").m
        y = perf.recovery
        feed = {k: v for k, v in influent.quality.items()}
        if acid_key:
            if "sulfate" in feed or acid_sulfate:
                feed["sulfate"] = feed.get("sulfate", Q_(0.0, "mg/L")) + Q_(acid_sulfate, "mg/L")
            if "chloride" in feed or acid_chloride:
                feed["chloride"] = feed.get("chloride", Q_(0.0, "mg/L")) + Q_(acid_chloride, "mg/L")
            feed["alkalinity"] = feed["alkalinity"] - Q_(acid_mmol * osmotic.CACO3_PER_EQUIVALENT, "mg/L")
        permeate: dict[str, Quantity] = {"tds": Q_(perf.tds_permeate, "mg/L"), "tss": Q_(0.0, "mg/L")}
        rejections = self._rejections()
        rejections["alkalinity"] = self.fc("salt_rejection").m
        for key, rej in rejections.items():
            if key in feed:
                permeate[key] = feed[key] * osmotic.permeate_fraction(rej, beta, y)
        if "tn" in feed:
            known = [k for k in ("no3_n", "nh4_n") if k in feed]
            if known:
                other = feed["tn"] - sum((feed[k] for k in known), Q_(0.0, "mg/L"))
                organic_n = max(other.magnitude, 0.0) * osmotic.permeate_fraction(rejections["toc"], beta, y)
                permeate["tn"] = sum((permeate[k] for k in known), Q_(organic_n, "mg/L"))
            else:
                permeate["tn"] = feed["tn"] * osmotic.permeate_fraction(rejections["no3_n"], beta, y)
        if "turbidity" in feed:
            permeate["turbidity"] = min(feed["turbidity"], Q_(0.1, "NTU"))
        if "coliforms" in feed:
            # A credited log removal applies to the feed, not to the concentrate-side average.
            permeate["coliforms"] = feed["coliforms"] * 10 ** -self.c("log_removal_pathogens").m
        # Concentrate closes each balance: Q_f·C_f = Q_p·C_p + Q_c·C_c.
        concentrate: dict[str, Quantity] = {}
        feed["tds"] = Q_(tds_feed, "mg/L")
        for key, c_p in permeate.items():
            if key in feed:
                concentrate[key] = ((q_f * feed[key] - q_p * c_p) / q_c).to(feed[key].units)
        # CO2 passes the membrane, bicarbonate does not: permeate pH falls, concentrate pH rises.
        if chem.alkalinity and chem.ph is not None:
            hco3 = chem.alkalinity / osmotic.CACO3_PER_EQUIVALENT
            co2 = osmotic.co2_from_ph(hco3, chem.ph, chem.temperature, chem.tds) + acid_mmol
            hco3_p = permeate["alkalinity"].to("mg/L").magnitude / osmotic.CACO3_PER_EQUIVALENT
            hco3_c = concentrate["alkalinity"].to("mg/L").magnitude / osmotic.CACO3_PER_EQUIVALENT
            permeate["ph"] = Q_(osmotic.ph_from_carbonate(hco3_p, co2, chem.temperature, perf.tds_permeate), "")
            self._carbonate = {"alk": hco3_p, "ct": co2 + hco3_p, "temperature": chem.temperature}
            concentrate["ph"] = Q_(osmotic.ph_from_carbonate(hco3_c, co2, chem.temperature, perf.tds_concentrate), "")
            self.calc("pH_p", "Permeate pH (CO2 passes, bicarbonate rejected)",
                      "pH = pK1(T) + log γ + log([HCO3⁻]_p / [CO2])",
                      {"Alk_p": (permeate["alkalinity"], "calculated", "permeate alkalinity as CaCO3"),
                       "CO2": (Q_(co2, "mmol/L"), "calculated", "free CO2 of the conditioned feed")},
                      permeate["ph"])
            if acid_key:
                feed_ph = osmotic.ph_from_carbonate(hco3 - acid_mmol, co2, chem.temperature, chem.tds)
                self.add_sizing("conditioned_ph", "Feed pH after acid", Q_(feed_ph, ""))
        self.effluent = influent.derive(flow=q_p, name=self.t("RO permeate"), **permeate)
        quality = dict(influent.quality)
        quality.update(concentrate)
        self.add_side_stream(Stream(flow=q_c, quality=quality, kind="concentrate", name=self.t("RO concentrate")))
        for key, c_p in permeate.items():
            c_f = influent.quality.get(key)
            if key in ("ph", "temperature") or c_f is None or c_f.magnitude <= 0:
                continue
            self.removals[key] = 1.0 - (c_p / c_f).to("").magnitude
        target = self.ctx.target("tds")
        if target is not None and Q_(perf.tds_permeate, "mg/L") > target:
            self.note("Permeate TDS {tds:.0f} mg/L is above the target {target:g} mg/L: a second pass is needed.",
                      tds=perf.tds_permeate, target=target.to("mg/L").magnitude)
        boron = self.ctx.target("boron")
        if boron is not None and "boron" in permeate and permeate["boron"] > boron:
            self.note("Permeate boron {boron:.2f} mg/L is above the target: a second pass at raised pH is needed.",
                      boron=permeate["boron"].to("mg/L").magnitude)

    # -- post-treatment (stabilisation) ---------------------------------------------------

    def _calcium_fraction(self) -> Criterion:
        return self.c("calcium_fraction_of_hardness_seawater" if self.feed_type == "seawater"
                      else "calcium_fraction_of_hardness")

    def _post_treatment(self, q_p: Quantity) -> None:
        """Stabilise the permeate where the destination limits pH (AWWA M46 (2007), post-treatment; WHO (2011)).

        RO permeate keeps the feed's CO2 but loses its bicarbonate and calcium:
        acidic and aggressive. Drinking water is remineralised with lime and CO2
        (Ca(OH)2 + 2 CO2 → Ca(HCO3)2) to an alkalinity and a slightly positive
        Langelier index; other uses are neutralised with caustic soda
        (NaOH + CO2 → NaHCO3) to a set pH. The pH follows from the closed
        carbonate system (``osmotic.carbonate_species``).
        """
        self.post: str | None = None
        self.post_dosing: list[tuple[str, Quantity]] = []
        self.post_added = {}
        ph_max, ph_min = self.ctx.target("ph"), self.ctx.target_min("ph")
        alk_min = self.ctx.target_min("alkalinity")
        potable = self.ctx.destination == "potable"
        if self.c("post_treatment").m < 0.5 or (ph_max is None and ph_min is None and alk_min is None
                                                  and not potable):
            return
        assert self.effluent is not None
        if self._carbonate is None:
            self.warn("the feed has no alkalinity or pH, so the permeate pH and its "
                      "post-treatment cannot be calculated; give them to size the stabilisation")
            return
        carb = self._carbonate
        t = carb["temperature"]
        tds_p = self.effluent.get("tds").to("mg/L").magnitude
        before = osmotic.carbonate_species(carb["alk"], carb["ct"], t, tds_p)
        limit = min(self.c("stabilisation_max_ph").m, ph_max.magnitude) if ph_max is not None else \
            self.c("stabilisation_max_ph").m
        low = ph_min.magnitude if ph_min is not None else None
        if potable:
            self._lime_and_co2(q_p, carb, before, tds_p, limit, low, alk_min)
        else:
            self._caustic(q_p, carb, before, tds_p, limit, low, alk_min)
        self._check_product_limits()

    def _check_product_limits(self) -> None:
        """Warn where the stabilised product still falls outside a limit it is stabilised for."""
        assert self.effluent is not None
        for key in ("ph", "alkalinity"):
            value = self.effluent.get(key)
            if value is None:
                continue
            low, high = self.ctx.target_min(key), self.ctx.target(key)
            # 1e-4: the caustic solution's own water dilutes the product by a few parts per million.
            if (low is not None and value < low * (1 - 1e-4)) or (high is not None and value > high * (1 + 1e-4)):
                self.warn("{parameter} of the stabilised product ({value:.2f}) is outside its limits: the "
                          "post-treatment cannot meet the pH range and the minimum alkalinity together with this "
                          "chemical; check its criteria or the limits", parameter=parameter_label(key, self.language),
                          value=value.to(PARAMETERS[key][0]).magnitude)

    def _lime_and_co2(self, q_p: Quantity, carb: dict[str, float], before: dict[str, float], tds_p: float,
                      ph_limit: float, ph_low: float | None = None, alk_min: Quantity | None = None) -> None:
        t = carb["temperature"]
        alk_p, ct_p = carb["alk"], carb["ct"]
        hardness_p = self.effluent.get("hardness")
        ca_p = hardness_p.to("mg/L").magnitude * self._calcium_fraction().m if hardness_p is not None else 0.0
        alk_t: Any = self.c("stabilisation_alkalinity")
        alk_t_q = alk_t.quantity
        if alk_min is not None and alk_min > alk_t_q:
            # The destination asks for more alkalinity than the stabilisation criterion.
            alk_t_q = alk_min.to("mg/L")
            alk_t = (alk_t_q, mark("target"), mark("minimum alkalinity of the product (as CaCO3)"))
        lsi_t = self.c("stabilisation_lsi").m
        floor = ph_low if ph_low is not None else -math.inf
        # Each mmol of lime adds 1 mmol Ca (100.09 mg/L as CaCO3) and 2 meq of alkalinity, and
        # becomes 1 mmol Ca(HCO3)2 of dissolved solids once recarbonated.
        k_tds = osmotic.CA_MOLAR_MASS + 2 * osmotic.HCO3_MOLAR_MASS

        def ph_s(x: float) -> float:
            return -osmotic.langelier_index(0.0, tds_p + k_tds * x, t, ca_p + osmotic.CACO3_MOLAR_MASS * x,
                                            (alk_p + 2 * x) * osmotic.CACO3_PER_EQUIVALENT)

        x = max(0.0, (alk_t_q.to("mg/L").magnitude / osmotic.CACO3_PER_EQUIVALENT - alk_p) / 2.0)
        x_alk = x
        x_max = 10.0  # mmol/L (740 mg/L of lime): far beyond any stabilisation
        if ph_s(x) + lsi_t > ph_limit:
            # More calcium and alkalinity lower pHs until the target LSI is reached at the pH limit.
            low, high = x, x_max
            for _ in range(50):
                mid = (low + high) / 2.0
                low, high = (mid, high) if ph_s(mid) + lsi_t > ph_limit else (low, mid)
            x = high
        # Within the destination's pH range: a minimum pH above pHs + LSI_t raises the target pH.
        ph_t = max(min(ph_s(x) + lsi_t, ph_limit), floor)
        ct_needed = osmotic.total_carbonate_for_ph(alk_p + 2 * x, ph_t, t, tds_p + k_tds * x)
        c = ct_needed - ct_p
        if c < 0.0:
            # The permeate already holds more CO2 than the target pH allows: lime alone, raised until
            # the LSI target is reached with the permeate's own carbonate (no CO2 dosed).
            def lsi_gap(x_: float) -> float:
                sp = osmotic.carbonate_species(alk_p + 2 * x_, ct_p, t, tds_p + k_tds * x_)
                return min(sp["ph"] - (ph_s(x_) + lsi_t), sp["ph"] - floor)

            low, high = x, x_max
            for _ in range(50):
                mid = (low + high) / 2.0
                low, high = (mid, high) if lsi_gap(mid) < 0 else (low, mid)
            x, c = high, 0.0
            self.note("The permeate carries more CO2 than the stabilised water needs: lime alone neutralises "
                      "it (a CO2 degasser ahead of the lime would cut the lime dose).")
        after = osmotic.carbonate_species(alk_p + 2 * x, ct_p + c, t, tds_p + k_tds * x)

        x_q = self.calc("x_lime", "Lime for remineralisation (as mmol Ca(OH)2 per litre)",
                        "x = max[(Alk_t − Alk_p)/2, x for LSI_t at pH ≤ pH_max, x for LSI_t with C_T,p]",
                        {"Alk_t": alk_t, "Alk_p": (Q_(alk_p * osmotic.CACO3_PER_EQUIVALENT, "mg/L"), "calculated",
                                                   self._water(mark("permeate alkalinity as CaCO3"),
                                                               mark("blend alkalinity as CaCO3"))),
                         "x_alk": (Q_(x_alk, "mmol/L"), "calculated", "lime for the alkalinity target"),
                         "LSI_t": self.c("stabilisation_lsi"), "pH_max": (Q_(ph_limit, ""), "criterion/target",
                                                                           "highest product pH"),
                         **({"pH_min": (Q_(ph_low, ""), mark("target"), mark("lowest product pH"))}
                            if ph_low is not None else {})},
                        Q_(x, "mmol/L"), unit="mmol/L")
        lime = self.calc("D_lime", "Hydrated lime dose", "D_lime = x · M_Ca(OH)2",
                         {"x": (x_q, "calculated"),
                          "M_Ca(OH)2": (Q_(osmotic.LIME_MOLAR_MASS, "g/mol"), "physical constant")},
                         x_q * Q_(osmotic.LIME_MOLAR_MASS, "g/mol"), unit="mg/L")
        co2 = self.calc("D_CO2", "Carbon dioxide dose (recarbonation)", "D_CO2 = max(0, C_T,req − C_T,p) · M_CO2",
                        {"C_T,req": (Q_(ct_needed, "mmol/L"), "calculated",
                                     "total carbonate for the target pH at the new alkalinity"),
                         "C_T,p": (Q_(ct_p, "mmol/L"), "calculated",
                                   self._water(mark("permeate CO2 + HCO3⁻"), mark("blend CO2 + HCO3⁻"))),
                         "M_CO2": (Q_(osmotic.CO2_MOLAR_MASS, "g/mol"), "physical constant")},
                        Q_(c * osmotic.CO2_MOLAR_MASS, "mg/L"), unit="mg/L")
        chemicals = load_data("chemicals")["chemicals"]
        lime_chem = self.add_chemical("lime", "Remineralisation (calcium and alkalinity)",
                                      lime / chemicals["lime"]["active_fraction"], q_p)
        co2_chem = self.add_chemical("carbon_dioxide", "Recarbonation (pH and alkalinity)", co2, q_p) \
            if c > 0 else None
        d_tds = (osmotic.CA_MOLAR_MASS * x + osmotic.dissolved_solids_of(after)
                 - osmotic.dissolved_solids_of(before))
        hardness_added = Q_(x * osmotic.CACO3_MOLAR_MASS, "mg/L")
        self.post_added = {"hardness": hardness_added}
        changes = {"alkalinity": Q_((alk_p + 2 * x) * osmotic.CACO3_PER_EQUIVALENT, "mg/L")}
        if "hardness" in self.effluent.quality:
            changes["hardness"] = self.effluent.get("hardness") + hardness_added
        else:
            changes["hardness"] = hardness_added
        ca_new = ca_p + hardness_added.magnitude
        self._apply_post(q_p, after, d_tds, changes, mark("lime + CO2"),
                         "ΔTDS = x · M_Ca + Σ(HCO3⁻, CO3²⁻, OH⁻)_after − Σ(…)_before")
        lsi = osmotic.langelier_index(after["ph"], tds_p + d_tds, t, ca_new, changes["alkalinity"].magnitude)
        lsi_q = self.calc("LSI_prod", "Langelier index of the stabilised product water", "LSI = pH − pHs",
                          {"pH": (Q_(after["ph"], ""), "calculated"),
                           "Ca": (Q_(ca_new, "mg/L"), "calculated", "calcium as CaCO3"),
                           "Alk": (changes["alkalinity"], "calculated", "alkalinity as CaCO3"),
                           "TDS": (Q_(tds_p + d_tds, "mg/L"), "calculated")}, Q_(lsi, ""))
        self.add_sizing("lime_dose", "Hydrated lime dose", lime)
        if co2_chem is not None:
            self.add_sizing("co2_dose", "Carbon dioxide dose", co2)
        self.add_sizing("product_calcium", "Calcium of the product (as CaCO3)", Q_(ca_new, "mg/L"))
        self.add_sizing("product_lsi", "Langelier index of the product water", lsi_q)
        verdict = (self.t("slightly positive: a thin protective CaCO3 film, neither corrosive nor scaling")
                   if 0.0 <= lsi <= 0.5 else self.t("outside 0 to +0.5: check the corrosion control"))
        values = dict(lime=lime.magnitude, alkalinity=changes["alkalinity"].magnitude, calcium=ca_new, ph=after["ph"],
                      lsi=lsi, verdict=verdict)
        if co2_chem is not None:
            self.note("Post-treatment: {lime:.1f} mg/L lime and {co2:.1f} mg/L CO2 give alkalinity {alkalinity:.0f} "
                      "and calcium {calcium:.0f} mg/L as CaCO3 at pH {ph:.2f}; LSI {lsi:+.2f} ({verdict}).",
                      co2=co2.magnitude, **values)
        else:
            self.note("Post-treatment: {lime:.1f} mg/L lime give alkalinity {alkalinity:.0f} and calcium {calcium:.0f} "
                      "mg/L as CaCO3 at pH {ph:.2f}; LSI {lsi:+.2f} ({verdict}).", **values)
        self._lime_equipment(lime_chem.consumption, co2_chem.consumption if co2_chem is not None else None, q_p)

    def _caustic(self, q_p: Quantity, carb: dict[str, float], before: dict[str, float], tds_p: float,
                 ph_limit: float, ph_low: float | None = None, alk_min: Quantity | None = None) -> None:
        t = carb["temperature"]
        set_c = self.c("neutralised_ph")
        ph_set = min(set_c.m, ph_limit)
        inputs = {"pH_set,criterion": set_c, "pH_max": (Q_(ph_limit, ""), "target", mark("highest pH allowed"))}
        equation = "pH_set = min(pH_set,criterion, pH_max)"
        if ph_low is not None and ph_low > ph_set:
            # A minimum pH above the set point raises it.
            ph_set = ph_low
            inputs["pH_min"] = (Q_(ph_low, ""), "target", mark("lowest product pH"))
            equation = "pH_set = max(min(pH_set,criterion, pH_max), pH_min)"
        ph_q = self.calc("pH_set", "Product pH set point", equation, inputs, Q_(ph_set, ""))
        alk_floor = alk_min.to("mg/L").magnitude / osmotic.CACO3_PER_EQUIVALENT if alk_min is not None else 0.0
        if before["ph"] >= ph_set and carb["alk"] >= alk_floor:
            return
        alk_needed = max(osmotic.alkalinity_for_ph(carb["ct"], ph_set, t, tds_p), alk_floor)
        y = alk_needed - carb["alk"]
        after = osmotic.carbonate_species(alk_needed, carb["ct"], t, tds_p)
        naoh = self.calc("D_NaOH", "Caustic soda (as NaOH) to raise the permeate pH",
                         "D = (max[Alk(C_T,p, pH_set), Alk_min] − Alk_p) · M_NaOH" if alk_min is not None
                         else "D = (Alk(C_T,p, pH_set) − Alk_p) · M_NaOH",
                         {"C_T,p": (Q_(carb["ct"], "mmol/L"), "calculated",
                                    self._water(mark("permeate CO2 + HCO3⁻"), mark("blend CO2 + HCO3⁻"))),
                          "pH_set": (ph_q, "calculated"),
                          **({"Alk_min": (alk_min, mark("target"), mark("minimum alkalinity of the product (as CaCO3)"))}
                             if alk_min is not None else {}),
                          "Alk_p": (Q_(carb["alk"], "mmol/L"), "calculated", "permeate alkalinity, meq/L"),
                          "M_NaOH": (Q_(osmotic.NAOH_MOLAR_MASS, "g/mol"), "physical constant")},
                         Q_(y * osmotic.NAOH_MOLAR_MASS, "mg/L"), unit="mg/L")
        chemicals = load_data("chemicals")["chemicals"]
        active = chemicals["sodium_hydroxide"]["active_fraction"]
        chem = self.add_chemical("sodium_hydroxide", "pH adjustment of the permeate", naoh / active, q_p)
        water = (chem.consumption / Q_(SOLUTION_DENSITY["sodium_hydroxide"], "kg/L")).to("m**3/day")
        d_tds = osmotic.NA_MOLAR_MASS * y + osmotic.dissolved_solids_of(after) - osmotic.dissolved_solids_of(before)
        changes = {"alkalinity": Q_(alk_needed * osmotic.CACO3_PER_EQUIVALENT, "mg/L")}
        self._apply_post(q_p, after, d_tds, changes, mark("caustic soda"),
                         "ΔTDS = y · M_Na + Σ(HCO3⁻, CO3²⁻, OH⁻)_after − Σ(…)_before", water=water)
        self.add_sizing("caustic_dose", "Caustic soda dose (as NaOH)", naoh)
        self.note("Post-treatment: {naoh:.1f} mg/L NaOH raises the permeate from pH {before:.2f} to {after:.2f} "
                  "(alkalinity {alkalinity:.0f} mg/L as CaCO3).", naoh=naoh.magnitude, before=before["ph"],
                  after=after["ph"], alkalinity=changes["alkalinity"].magnitude)
        solution = solution_flow("sodium_hydroxide", chem.consumption)
        tank = self.calc("V_NaOH", "Caustic soda storage tank", "V = M · t_s / ρ",
                         {"M": (chem.consumption, "calculated", "50 % solution"), "t_s": self.c("chemical_storage"),
                          "ρ": (Q_(SOLUTION_DENSITY["sodium_hydroxide"], "kg/L"), "Perry's 8th ed., Sec. 2")},
                         chem.consumption * self.c("chemical_storage").quantity
                         / Q_(SOLUTION_DENSITY["sodium_hydroxide"], "kg/L"), unit="m**3")
        self.add_sizing("caustic_tank", "Caustic soda storage tank", tank)
        pump = self.c("dosing_pump_power").quantity
        self.add_equipment("-T12", "Caustic soda storage tank with bund", capacity=tank, material="HDPE / carbon steel")
        self.add_equipment("-P12", "Caustic soda metering pump (duty + standby), permeate pH control", quantity=2,
                           standby=1, capacity=solution.to("L/h"), power=pump, material="PVDF head, PTFE diaphragm")
        self.add_power("Caustic soda metering pumps", pump * 2, pump)
        self.post_dosing = [("caustic_feed", solution)]

    def _apply_post(self, q_p: Quantity, after: dict[str, float], d_tds: float, changes: dict[str, Quantity],
                    what: str, tds_equation: str, water: Quantity | None = None) -> None:
        assert self.effluent is not None
        d_tds_q = self.calc("ΔTDS_post", self.t("Dissolved solids added by the post-treatment ({what})",
                                                what=self.t(what)), tds_equation,
                            {"pH": (Q_(after["ph"], ""), "calculated", "product pH")}, Q_(d_tds, "mg/L"), unit="mg/L")
        load = (d_tds_q * q_p).to("kg/day")
        self.post_added = {**(self.post_added or {}), "tds": d_tds_q}
        self.generated["tds"] = self.generated.get("tds", Q_(0.0, "kg/day")) + load
        ph = self.calc("pH_prod", self.t("Product pH after the post-treatment ({what})", what=self.t(what)),
                       "Alk = C_T·(α1 + 2α2) + [OH⁻] − [H⁺], solved for pH",
                       {"Alk": (changes["alkalinity"], "calculated", "alkalinity as CaCO3")}, Q_(after["ph"], ""))
        self.add_sizing("product_ph", "Product pH after post-treatment", ph)
        self.add_sizing("product_alkalinity", "Alkalinity of the product (as CaCO3)", changes["alkalinity"])
        self.add_sizing("post_tds", "Dissolved solids added by the post-treatment", d_tds_q)
        flow = q_p
        if water is not None and water.magnitude > 0:
            self.generated["water"] = self.generated.get("water", Q_(0.0, "m**3/day")) + water
            flow = q_p + water
        # Concentrations are rebased on the (marginally) larger flow so that every load is kept.
        dilution = (q_p / flow).to("").magnitude
        quality = {k: v * dilution for k, v in self.effluent.quality.items() if PARAMETERS[k][0] == "mg/L"}
        quality.update({k: v * dilution for k, v in changes.items()})
        quality["tds"] = (self.effluent.get("tds") * q_p + load) / flow
        quality["ph"] = ph
        self.effluent = self.effluent.derive(flow=flow, **quality)
        self.post = what

    def _lime_equipment(self, lime: Quantity, co2: Quantity | None, q_p: Quantity) -> None:
        c_sat = self.c("limewater_concentration")
        q_lw = self.calc("Q_lw", "Limewater flow (saturators fed with permeate)", "Q_lw = M_lime / c_sat",
                         {"M_lime": (lime, "calculated"), "c_sat": c_sat}, lime / c_sat.quantity, unit="m**3/h")
        self.add_sizing("limewater_flow", "Limewater flow", q_lw)
        storage = self.c("chemical_storage")
        silo = self.calc("V_silo", "Lime silo volume", "V = M_lime · t_s / ρ_bulk",
                         {"M_lime": (lime, "calculated"), "t_s": storage, "ρ_bulk": self.c("lime_bulk_density")},
                         lime * storage.quantity / self.c("lime_bulk_density").quantity, unit="m**3")
        self.add_sizing("lime_silo", "Lime silo volume", silo)
        eta_p, eta_m = self.c("low_pressure_pump_efficiency"), self.c("motor_efficiency")
        head = self.c("limewater_pump_pressure")
        w = self.calc("W_lw", "Limewater pump power", "W = Q_lw · P / (η_p · η_m)",
                      {"Q_lw": (q_lw, "calculated"), "P": head, "η_p": eta_p, "η_m": eta_m},
                      q_lw * head.quantity / (eta_p.m * eta_m.m), unit="kW")
        motor = motor_rating(w * eta_m.m * self.c("motor_margin").m)
        self.add_equipment("-T10", "Hydrated lime silo with bin vent filter and screw feeder", capacity=silo,
                           material="carbon steel")
        self.add_equipment("-M10", "Lime saturator (clear limewater from a permeate side stream), with mixer",
                           quantity=2, standby=1,
                           capacity=q_lw, material="carbon steel, epoxy coated")
        self.add_equipment("-P10", "Limewater dosing pump", quantity=2, standby=1, capacity=q_lw, power=motor,
                           material="AISI 316 stainless steel")
        self.add_power("Limewater dosing pumps", motor * 2, w)
        self.post_dosing = [("lime_feed", lime.to("lb/day"))]
        if co2 is not None:
            tank = self.calc("V_CO2", "Liquid CO2 storage tank", "V = M_CO2 · t_s / ρ_CO2",
                             {"M_CO2": (co2, "calculated"), "t_s": storage, "ρ_CO2": self.c("liquid_co2_density")},
                             co2 * storage.quantity / self.c("liquid_co2_density").quantity, unit="m**3")
            self.add_sizing("co2_tank", "Liquid CO2 storage tank", tank)
            heat = self.calc("W_vap", "CO2 vaporiser heater power", "W = M_CO2 · h_vap",
                             {"M_CO2": (co2, "calculated"), "h_vap": self.c("co2_vaporisation_heat")},
                             co2 * self.c("co2_vaporisation_heat").quantity, unit="kW")
            self.add_equipment("-T11", "Refrigerated liquid CO2 storage tank", capacity=tank,
                               material="carbon steel, insulated")
            self.add_equipment("-V11", "CO2 vaporiser and gas injection panel (in-line diffusers)",
                               capacity=co2.to("kg/h"), power=motor_rating(heat * self.c("motor_margin").m),
                               material="stainless steel")
            self.add_power("CO2 vaporiser", motor_rating(heat * self.c("motor_margin").m), heat)
            self.post_dosing.append(("co2_feed", q_p.to("MGD")))

    # -- energy -----------------------------------------------------------------------

    def _energy(self, q_f: Quantity, q_p: Quantity, q_c: Quantity, q_r: Quantity) -> None:
        """Pump powers with and without energy recovery; ``q_r`` is concentrate recirculated to the HP pump."""
        eta_hp, eta_m = self.c("hp_pump_efficiency"), self.c("motor_efficiency")
        eta_lp, eta_b = self.c("low_pressure_pump_efficiency"), self.c("booster_pump_efficiency")
        p_s = self.c("supply_pressure")
        p_f = self.sizing["feed_pressure"].quantity
        p_c = self.sizing["concentrate_pressure"].quantity
        trains = self.trains

        def electric(flow: Quantity, head: Quantity, eta_pump: Criterion) -> Quantity:
            return (flow * head / (eta_pump.m * eta_m.m)).to("kW")

        w_s = self.calc("W_s", "Feed (supply) pumps, electric power", "W = Q_f · P_s / (η_p · η_m)",
                        {"Q_f": (q_f, "design"), "P_s": p_s, "η_p": eta_lp, "η_m": eta_m},
                        electric(q_f, p_s.quantity, eta_lp), unit="kW")
        w_hp0 = self.calc("W_hp0", "High-pressure pumps without energy recovery",
                          "W = (Q_f + Q_r) · (P_f − P_s) / (η_hp · η_m)",
                          {"Q_f": (q_f, "design"), "Q_r": (q_r, "calculated", "concentrate recirculation"),
                           "P_f": (p_f, "calculated"), "P_s": p_s, "η_hp": eta_hp,
                           "η_m": eta_m}, electric(q_f + q_r, p_f - p_s.quantity, eta_hp), unit="kW")
        sec0 = self.calc("SEC_0", "Specific energy without energy recovery", "SEC = (W_hp0 + W_s) / Q_p",
                         {"W_hp0": (w_hp0, "calculated"), "W_s": (w_s, "calculated"), "Q_p": (q_p, "calculated")},
                         (w_hp0 + w_s) / q_p, unit="kWh/m**3")

        if self.feed_type == "seawater":
            kind = "isobaric"
            eta = self.c("erd_efficiency_isobaric")
            p_bo = self.c("brine_outlet_pressure")
            p_out = self.calc("P_ERD", "ERD high-pressure outlet", "P_ERD = η_ERD · (P_c + P_s) − P_bo",
                              {"η_ERD": eta, "P_c": (p_c, "calculated"), "P_s": p_s, "P_bo": p_bo},
                              eta.m * (p_c + p_s.quantity) - p_bo.quantity, unit="bar")
            boost = max(p_f - p_out, Q_(0.0, "bar"))
            w_hp = self.calc("W_hp", "High-pressure pumps (permeate flow) with isobaric ERD",
                             "W = (Q_p + Q_r) · (P_f − P_s) / (η_hp · η_m)",
                             {"Q_p": (q_p, "calculated"), "Q_r": (q_r, "calculated", "concentrate recirculation"),
                              "P_f": (p_f, "calculated"), "P_s": p_s, "η_hp": eta_hp,
                              "η_m": eta_m}, electric(q_p + q_r, p_f - p_s.quantity, eta_hp), unit="kW")
            w_b = self.calc("W_b", "ERD booster pumps", "W = Q_c · (P_f − P_ERD) / (η_b · η_m)",
                            {"Q_c": (q_c, "calculated"), "P_f": (p_f, "calculated"), "P_ERD": (p_out, "calculated"),
                             "η_b": eta_b, "η_m": eta_m}, electric(q_c, boost, eta_b), unit="kW")
            w_erd = w_hp + w_b
            hp_flow = q_p + q_r
        else:
            kind = "turbocharger"
            eta = self.c("erd_efficiency_turbocharger")
            p_bo = self.c("brine_outlet_pressure")
            boost = self.calc("ΔP_TC", "Turbocharger feed boost", "ΔP_TC = η_TC · (P_c − P_bo) · Q_c / Q_f",
                              {"η_TC": eta, "P_c": (p_c, "calculated"), "P_bo": p_bo, "Q_c": (q_c, "calculated"),
                               "Q_f": (q_f, "design")},
                              eta.m * (p_c - p_bo.quantity) * (q_c / q_f).to(""), unit="bar")
            w_erd = self.calc("W_hp", "High-pressure pumps with turbocharger",
                              "W = (Q_f + Q_r) · (P_f − P_s − ΔP_TC) / (η_hp · η_m)",
                              {"Q_f": (q_f, "design"), "Q_r": (q_r, "calculated", "concentrate recirculation"),
                               "P_f": (p_f, "calculated"), "P_s": p_s,
                               "ΔP_TC": (boost, "calculated"), "η_hp": eta_hp, "η_m": eta_m},
                              electric(q_f + q_r, p_f - p_s.quantity - boost, eta_hp), unit="kW")
            w_hp, w_b, hp_flow = w_erd, Q_(0.0, "kW"), q_f + q_r
        with_kind = (mark("Specific energy with isobaric energy recovery") if kind == "isobaric"
                     else mark("Specific energy with turbocharger energy recovery"))
        sec1 = self.calc("SEC_ERD", with_kind, "SEC = (W_hp + W_b + W_s) / Q_p",
                         {"W_hp": (w_hp, "calculated"), "W_b": (w_b, "calculated"), "W_s": (w_s, "calculated"),
                          "Q_p": (q_p, "calculated")}, (w_erd + w_s) / q_p, unit="kWh/m**3")

        use_erd = True
        self.erd_cost: Quantity | None = None
        if self.feed_type != "seawater" and self.packaged:
            use_erd = False
            self.note("No energy recovery on a small brackish/reuse skid (not offered at this size).")
        elif self.feed_type != "seawater":
            curve = self.cost_curve("energy_recovery")
            capacity = (q_c / trains).to("m**3/h")
            cost = curve_cost(curve, capacity, log=self.log, unit_tag=self.tag, warnings=self.ctx.warnings,
                              count=trains, label=mark("Purchased cost of turbochargers (for the payback check)"))
            self.erd_cost = cost
            self.erd_calc_id = self.log.records[-1].id
            saving = ((w_hp0 - w_erd) * HOURS_PER_YEAR * self.ctx.electricity_price.quantity).to("USD/year")
            payback = self.calc("t_pb", "Simple payback of a turbocharger", "t = C_ERD / (ΔW · 8760 h · p_e)",
                                {"C_ERD": (cost, "calculated"), "ΔW": (w_hp0 - w_erd, "calculated", "power saved"),
                                 "p_e": self.ctx.electricity_price},
                                (cost / saving).to("year") if saving.magnitude > 0 else Q_(1e9, "year"), unit="year")
            use_erd = payback <= self.c("erd_max_payback").quantity
            verdict = (mark("Turbocharger fitted: simple payback {payback:.1f} years (criterion {limit:g} years).")
                       if use_erd else
                       mark("Turbocharger not fitted: simple payback {payback:.1f} years (criterion {limit:g} years)."))
            self.note(verdict, payback=payback.magnitude, limit=self.c("erd_max_payback").m)
        self.erd = kind if use_erd else None
        sec = sec1 if use_erd else sec0
        self.add_sizing("specific_energy", "Specific energy of the RO system (as designed)", sec)
        self.add_sizing("specific_energy_with_erd", with_kind, sec1)
        self.add_sizing("specific_energy_without_erd", "Specific energy without energy recovery", sec0)

        margin = self.c("motor_margin").m
        hp_power = w_hp if use_erd else w_hp0
        hp_flow = hp_flow if use_erd else q_f + q_r
        hp_head = p_f - p_s.quantity - (boost if use_erd and kind == "turbocharger" else Q_(0.0, "bar"))
        hp_shaft = hp_power * eta_m.m / trains
        hp_motor = motor_rating(hp_shaft * margin)
        self.hp_shaft = hp_shaft
        self.add_equipment("-P01", self.t("High-pressure pump, {head:.1f} bar differential",
                                          head=hp_head.to("bar").magnitude),
                           quantity=trains, capacity=(hp_flow / trains).to("m**3/h"), power=hp_motor,
                           material=mark("duplex / super-duplex stainless steel") if self.feed_type == "seawater"
                           else mark("AISI 316 stainless steel"))
        self.add_power("High-pressure pumps", hp_motor * trains, hp_power)
        if use_erd and kind == "isobaric":
            b_shaft = w_b * eta_m.m / trains
            b_motor = motor_rating(b_shaft * margin)
            self.booster_shaft = b_shaft
            n_px = math.ceil(((q_c / trains) / self.c("erd_unit_capacity").quantity).to("").magnitude - 1e-9)
            self.add_equipment("-ERD", self.t("Isobaric energy recovery device (pressure exchanger), {n:,} per train",
                                              n=n_px),
                               quantity=n_px * trains, capacity=(q_c / trains / n_px).to("m**3/h"),
                               material="ceramic rotor, super-duplex housing")
            self.add_equipment("-P02", self.t("ERD booster pump, {boost:.1f} bar", boost=boost.to("bar").magnitude),
                               quantity=trains,
                               capacity=(q_c / trains).to("m**3/h"), power=b_motor, material="super-duplex stainless steel")
            self.add_power("ERD booster pumps", b_motor * trains, w_b)
        elif use_erd:
            self.add_equipment("-ERD", "Hydraulic turbocharger on the feed (energy recovery)", quantity=trains,
                               capacity=(q_c / trains).to("m**3/h"), material="AISI 316 / duplex stainless steel")
        s_shaft = w_s * eta_m.m / trains
        s_motor = motor_rating(s_shaft * margin)
        self.supply_flow = (q_f / trains).to("L/s")
        self.add_equipment("-P03", self.t("RO feed (supply) pump, {pressure:g} bar",
                                          pressure=p_s.quantity.to("bar").magnitude), quantity=trains + 1,
                           standby=1, capacity=(q_f / trains).to("m**3/h"), power=s_motor, material="AISI 316 stainless steel")
        self.add_power("RO feed (supply) pumps", s_motor * (trains + 1), w_s)
        with_erd = self.t("with isobaric ERD") if kind == "isobaric" else self.t("with turbocharger ERD")
        self.note("Specific energy {sec:.2f} kWh/m³ ({mode}); {sec0:.2f} kWh/m³ without, {sec1:.2f} kWh/m³ {with_erd}.",
                  sec=sec.magnitude, mode=with_erd if use_erd else self.t("without ERD"), sec0=sec0.magnitude,
                  sec1=sec1.magnitude, with_erd=with_erd)

    # -- chemicals and cleaning -------------------------------------------------------

    def _chemicals(self, q_f: Quantity, layout: dict[str, Any], chemicals: dict[str, Any], acid_key: str | None,
                   acid_mmol: float) -> None:
        self.dosing: list[tuple[str, Quantity]] = []
        antiscalant = self.add_chemical("antiscalant", "Scale inhibition", self.c("antiscalant_dose").quantity, q_f)
        self.dosing.append(("antiscalant", antiscalant.consumption))
        sbs = self.c("bisulfite_per_chlorine").m * self.c("chlorine_residual").quantity
        if sbs.magnitude > 0:
            product = sbs / chemicals["sodium_bisulfite"]["active_fraction"]
            chem = self.add_chemical("sodium_bisulfite", "Dechlorination ahead of the membranes", product, q_f)
            self.dosing.append(("sodium_bisulfite", chem.consumption))
        if acid_key:
            molar = 98.08 / 2.0 if acid_key == "sulfuric_acid" else 36.46
            active = Q_(acid_mmol * molar, "mg/L")
            dose = self.calc("D_acid", mark("Sulfuric acid dose to hold the concentrate LSI") if acid_key == "sulfuric_acid"
                             else mark("Hydrochloric acid dose to hold the concentrate LSI"),
                             "D = x · M_eq / f_active",
                             {"x": (Q_(acid_mmol, "mmol/L"), "calculated", "H+ to add"),
                              "M_eq": (Q_(molar, "g/mol"), "physical constant", "mass per equivalent"),
                              "f_active": (Q_(chemicals[acid_key]["active_fraction"], ""), "data/chemicals.yaml")},
                             active / chemicals[acid_key]["active_fraction"], unit="mg/L")
            chem = self.add_chemical(acid_key, "pH adjustment against CaCO3 scaling", dose, q_f)
            self.dosing.append((acid_key, chem.consumption))

    def _cip(self, layout: dict[str, Any]) -> None:
        per_stage = layout["per_stage"]
        epv = self.epv
        scale = (layout["element_area"].quantity / self.c("element_area").quantity).to("").magnitude
        v_el = self.c("cip_volume_per_element")
        tank = self.calc("V_CIP", "CIP tank volume (largest stage of one train)", "V = n_v,max · n_e · v_e",
                         {"n_v,max": (Q_(max(per_stage), ""), "calculated", "vessels in the largest stage"),
                          "n_e": (Q_(epv, ""), "design", "elements per vessel"), "v_e": v_el},
                         max(per_stage) * epv * v_el.quantity * scale, unit="m**3")
        self.add_sizing("cip_tank", "CIP tank volume", tank)
        q_cip = self.calc("Q_CIP", "CIP pump flow", "Q = n_v,max · q_v",
                          {"n_v,max": (Q_(max(per_stage), ""), "calculated"), "q_v": self.c("cip_flow_per_vessel")},
                          max(per_stage) * self.c("cip_flow_per_vessel").quantity * scale, unit="m**3/h")
        freq = self.fc("cip_frequency")
        hours = self.c("cip_duration")
        w_cip = (q_cip * self.c("cip_pressure").quantity
                 / (self.c("low_pressure_pump_efficiency").m * self.c("motor_efficiency").m)).to("kW")
        duty = (freq.quantity * hours.quantity * self.trains / HOURS_PER_YEAR).to("").magnitude
        w_avg = self.calc("W_CIP", "CIP pump, average power", "W = Q · P / (η_p · η_m) · f · t · N_trains / 8760 h",
                          {"Q": (q_cip, "calculated"), "P": self.c("cip_pressure"),
                           "η_p": self.c("low_pressure_pump_efficiency"), "η_m": self.c("motor_efficiency"),
                           "f": freq, "t": hours}, w_cip * duty, unit="kW")
        motor = motor_rating(w_cip * self.c("motor_efficiency").m * self.c("motor_margin").m)
        self.cip_flow = q_cip.to("L/s")
        self.add_equipment("-T01", "CIP tank with heater and 5 µm cartridge filter", capacity=tank, material="FRP")
        self.add_equipment("-P04", "CIP pump", capacity=q_cip, power=motor, material="AISI 316 stainless steel")
        self.add_power("CIP pump", motor, w_avg)
        # Every train cleaning fills each stage once with each solution: all elements' hold-up.
        volume_year = self.calc("V_sol", "Cleaning solution per year (each solution)", "V = f · N_trains · N_e,train · v_e",
                                {"f": freq, "N_trains": (Q_(self.trains, ""), "calculated"),
                                 "N_e,train": (Q_(layout["vessels_per_train"] * epv, ""), "calculated"), "v_e": v_el},
                                freq.quantity * self.trains * layout["vessels_per_train"] * epv * v_el.quantity * scale,
                                unit="m**3/year")
        feed_year = (self.influent.flow * Q_(365.0, "day/year")).to("m**3/year")
        chemicals = load_data("chemicals")["chemicals"]
        for key, strength, description in (
                ("citric_acid", self.c("cip_citric_acid"), mark("CIP citric acid as an equivalent feed dose")),
                ("sodium_hydroxide", self.c("cip_caustic"), mark("CIP sodium hydroxide as an equivalent feed dose"))):
            product = volume_year * strength.quantity / chemicals[key]["active_fraction"]
            dose = self.calc(f"D_{key}", description,
                             "D = V_sol · c / f_active / (Q_f · 365 d)",
                             {"V_sol": (volume_year, "calculated"), "c": strength,
                              "f_active": (Q_(chemicals[key]["active_fraction"], ""), "data/chemicals.yaml"),
                              "Q_f": (self.influent.flow, "design")}, product / feed_year, unit="mg/L")
            self.add_chemical(key, "Membrane cleaning (CIP)", dose, self.influent.flow)
        self.note("Spent cleaning solutions (a few m³ per cleaning) are neutralised and discharged "
                  "separately; not part of the concentrate stream.")

    # -- cost -------------------------------------------------------------------------

    def cost(self) -> None:
        trains = self.trains
        area = self.sizing["membrane_area"].quantity
        membranes = self.curve_cost("membranes", area, category="membranes",
                                    description="RO membrane elements (initial fill)")
        self.curve_cost("pressure_vessel", Q_(1, ""), count=int(self.sizing["vessels"].quantity.magnitude),
                        description="RO pressure vessels")
        rack = self.data["cost_curves"]["rack"]
        length = Q_(rack["base_length_ft"] + rack["length_per_vessel_ft"]
                    * self.sizing["vessels_per_train"].quantity.magnitude, "ft")
        self.curve_cost("rack", length, count=trains, description="RO racks, manifolds and supports")
        self.curve_cost("high_pressure_pump", self.hp_shaft, count=trains, description="High-pressure pumps")
        if self.erd == "isobaric":
            self.curve_cost("high_pressure_pump", self.booster_shaft, count=trains, description="ERD booster pumps")
            q_c = self.side_streams[0].flow
            self.curve_cost("energy_recovery", (q_c / trains).to("m**3/h"), count=trains,
                            description="Isobaric energy recovery devices")
        elif self.erd == "turbocharger" and self.erd_cost is not None:
            self.capex_items.append(CostItem(self.t("Hydraulic turbochargers"), self.erd_cost, "equipment", self.erd_calc_id))
        self.curve_cost("low_pressure_pump", self.supply_flow, count=trains + 1, description="RO feed (supply) pumps")
        self.curve_cost("cip_tank", self.sizing["cip_tank"].quantity, description="CIP tank")
        self.curve_cost("low_pressure_pump", self.cip_flow, description="CIP pump")
        for key, consumption in self.dosing:
            self.curve_cost("dosing_system", solution_flow(key, consumption),
                            description=DOSING_SKIDS[key])
        for curve, capacity in self.post_dosing:
            self.curve_cost(curve, capacity)
        life = self.c("membrane_life")
        annual = self.calc("C_mem,yr", "Membrane replacement", "C = C_membranes / life",
                           {"C_membranes": (membranes, "calculated", "element cost"), "life": life},
                           membranes / life.quantity, unit="USD/year")
        self.add_opex("replacement", "RO membrane element replacement", annual)
