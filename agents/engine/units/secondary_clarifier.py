"""Circular secondary clarifier (Metcalf & Eddy 5th ed., §8-7 and Table 8-34).

The area is the largest of four: overflow rate at average and at peak flow,
and solids loading at average and at peak flow (with the return flow). The
mixed liquor concentration, return ratio and underflow concentration come
from the biological unit upstream through ``ctx.shared`` (``mlss``,
``ras_ratio``, ``ras_concentration``), or from this unit's criteria when no
unit reported them, and are consumed here (the mixed liquor is separated).
After an MBBR the solids concentration is low and there is no return flow,
so solids loading does not govern.

Settled solids leave as waste sludge at the underflow concentration; BOD,
COD, N and P fall with them by the ratios the biological unit reported
(``ctx.shared["biosolids"]``, per g of biological solids) or this unit's
defaults. A coagulant dosed ahead of the clarifier (``ctx.shared["coagulation"]``,
consumed here) adds floc that settles in the same share and carries the
precipitated phosphorus: effluent TP = soluble P + P of the effluent solids.
"""

from __future__ import annotations

import math

from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register

GRAVITY = Q_(9.81, "m/s**2")
WATER = Q_(1000.0, "kg/m**3")
# Diameters are rounded up to the 0.5 m steps manufacturers build collectors in.
DIAMETER_STEP = 0.5
SOLIDS_PARAMETERS = {"bod": "solids_bod_ratio", "cod": "solids_cod_ratio", "tn": "solids_n_ratio",
                     "tp": "solids_p_ratio"}
# The description of each parameter's effluent calculation (a message, translated by calc).
SETTLED = {"bod": mark("Effluent BOD after settling the solids"), "cod": mark("Effluent COD after settling the solids"),
           "tn": mark("Effluent TN after settling the solids"), "tp": mark("Effluent TP after settling the solids")}


@register
class SecondaryClarifier(UnitProcess):
    type = "secondary_clarifier"
    tag_prefix = "SC"

    def size(self, influent: Stream) -> None:
        q, q_peak = influent.flow, influent.peak_flow
        shared = self.ctx.shared
        self.packaged = q < self.c("packaged_below").quantity
        if "mlss" in shared:
            # The mixed liquor is separated here: later units no longer see it (a coagulant after this
            # clarifier is a tertiary step, not co-precipitation).
            mlss = shared.pop("mlss")
            x = self.calc("X", "Mixed liquor concentration to the clarifier", "X = MLSS (biological unit)",
                          {"MLSS": (mlss, "upstream biological unit")}, mlss, unit="mg/L")
            ratio = Q_(float(Q_(shared.pop("ras_ratio", 0.0)).to("").magnitude), "")
            x_r = shared.pop("ras_concentration", self.c("underflow_concentration").quantity)
            r = self.calc("R", "Return sludge ratio", "R = R (biological unit)",
                          {"R": (ratio, "upstream biological unit")}, ratio)
            x_r = self.calc("X_R", "Underflow concentration", "X_R = X_R (biological unit)",
                            {"X_R": (Q_(x_r), "upstream biological unit")}, Q_(x_r), unit="mg/L")
        else:
            x = self.calc("X", "Mixed liquor concentration to the clarifier (no upstream value)", "X = MLSS",
                          {"MLSS": self.c("mlss")}, self.c("mlss").quantity, unit="mg/L")
            x_r = self.calc("X_R", "Underflow concentration", "X_R = X_R,criterion",
                            {"X_R,criterion": self.c("underflow_concentration")},
                            self.c("underflow_concentration").quantity, unit="mg/L")
            r = self.calc("R", "Return sludge ratio", "R = X/(X_R − X)", {"X": (x, "calculated"),
                                                                           "X_R": (x_r, "calculated")},
                          (x / (x_r - x)).to(""))
        q_r = self.calc("Q_R", "Return sludge flow", "Q_R = R·Q", {"R": (r, "calculated"), "Q": (q, "influent")},
                        q * r.magnitude, unit="m**3/day")

        sor, sor_p = self.c("overflow_rate_avg"), self.c("overflow_rate_peak")
        slr, slr_p = self.c("solids_loading_avg"), self.c("solids_loading_peak")
        # What may govern the area (messages: the governing one is named in a note).
        areas = {
            mark("overflow rate at average flow"): self.calc(
                "A_SOR", "Area for the average overflow rate", "A = Q/SOR",
                {"Q": (q, "influent"), "SOR": sor}, q / sor.quantity, unit="m**2"),
            mark("overflow rate at peak flow"): self.calc(
                "A_SOR,peak", "Area for the peak overflow rate", "A = Q_peak/SOR_peak",
                {"Q_peak": (q_peak, "influent peak"), "SOR_peak": sor_p}, q_peak / sor_p.quantity, unit="m**2"),
            mark("solids loading at average flow"): self.calc(
                "A_SLR", "Area for the average solids loading", "A = (Q + Q_R)·X/SLR",
                {"Q": (q, "influent"), "Q_R": (q_r, "calculated"), "X": (x, "calculated"), "SLR": slr},
                (q + q_r) * x / slr.quantity, unit="m**2"),
            mark("solids loading at peak flow"): self.calc(
                "A_SLR,peak", "Area for the peak solids loading", "A = (Q_peak + Q_R)·X/SLR_peak",
                {"Q_peak": (q_peak, "influent peak"), "Q_R": (q_r, "calculated"), "X": (x, "calculated"),
                 "SLR_peak": slr_p}, (q_peak + q_r) * x / slr_p.quantity, unit="m**2"),
        }
        governing = max(areas, key=lambda k: areas[k])
        area_req = self.calc("A_req", "Required clarifier area", "A_req = max(A_SOR, A_SOR,peak, A_SLR, A_SLR,peak)",
                             {k: (v, "calculated") for k, v in zip(("A_SOR", "A_SOR,peak", "A_SLR", "A_SLR,peak"),
                                                                    areas.values())},
                             areas[governing], unit="m**2",
                             note=self.t("governed by the {what}", what=self.t(governing)))
        d_max = self.c("max_diameter")
        minimum = 1 if self.packaged else int(self.c("min_clarifiers").m)
        n = self.parallel_trains(area_req, math.pi / 4 * d_max.quantity ** 2, "clarifiers", minimum=minimum)
        d_exact = (4 * area_req / (n * math.pi)) ** 0.5
        d = Q_(math.ceil(d_exact.to("m").magnitude / DIAMETER_STEP - 1e-9) * DIAMETER_STEP, "m")
        d = self.calc("D", "Clarifier diameter (rounded up to 0.5 m)", "D = ⌈√(4·A_req/(N·π))⌉",
                      {"A_req": (area_req, "calculated"), "N": (Q_(n, ""), "calculated")}, d, unit="m")
        area = self.calc("A", "Clarifier area provided", "A = N·π·D²/4", {"N": (Q_(n, ""), "calculated"),
                                                                          "D": (d, "calculated")},
                         n * math.pi * d ** 2 / 4, unit="m**2")
        depth = self.c("side_water_depth")
        volume = self.calc("V", "Clarifier volume", "V = A·SWD", {"A": (area, "calculated"), "SWD": depth},
                           area * depth.quantity, unit="m**3")
        self.add_sizing("clarifiers", "Number of clarifiers", Q_(n, ""))
        self.add_sizing("diameter", "Diameter of each clarifier", d)
        self.add_sizing("surface_area", "Total surface area", area)
        self.add_sizing("side_water_depth", "Side water depth", depth.quantity, "m")
        self.add_sizing("volume", "Total volume", volume)
        hrt = self.calc("τ", "Detention time at average flow", "τ = V/Q", {"V": (volume, "calculated"),
                                                                           "Q": (q, "influent")},
                        volume / q, unit="hour")
        self.add_sizing("hrt", "Detention time at average flow", hrt)
        self.add_sizing("overflow_rate", "Overflow rate at average flow",
                        self.calc("SOR", "Overflow rate at average flow", "SOR = Q/A",
                                  {"Q": (q, "influent"), "A": (area, "calculated")}, q / area, unit="m/day"))
        self.add_sizing("overflow_rate_peak", "Overflow rate at peak flow",
                        self.calc("SOR_peak", "Overflow rate at peak flow", "SOR = Q_peak/A",
                                  {"Q_peak": (q_peak, "influent peak"), "A": (area, "calculated")},
                                  q_peak / area, unit="m/day"))
        self.add_sizing("solids_loading", "Solids loading at average flow",
                        self.calc("SLR", "Solids loading at average flow", "SLR = (Q + Q_R)·X/A",
                                  {"Q": (q, "influent"), "Q_R": (q_r, "calculated"), "X": (x, "calculated"),
                                   "A": (area, "calculated")}, (q + q_r) * x / area, unit="kg/(m**2*hour)"))
        self.add_sizing("solids_loading_peak", "Solids loading at peak flow",
                        self.calc("SLR_peak", "Solids loading at peak flow", "SLR = (Q_peak + Q_R)·X/A",
                                  {"Q_peak": (q_peak, "influent peak"), "Q_R": (q_r, "calculated"),
                                   "X": (x, "calculated"), "A": (area, "calculated")},
                                  (q_peak + q_r) * x / area, unit="kg/(m**2*hour)"))
        weir = self.calc("WLR", "Weir loading at peak flow (peripheral weir)", "WLR = Q_peak/(N·π·D)",
                         {"Q_peak": (q_peak, "influent peak"), "N": (Q_(n, ""), "calculated"), "D": (d, "calculated")},
                         q_peak / (n * math.pi * d), unit="m**3/(m*day)")
        self.add_sizing("weir_loading", "Weir loading at peak flow", weir)
        if weir > self.c("max_weir_loading").quantity:
            self.note("Peak weir loading {weir:.0f} m3/m·d exceeds {limit:g}: use inboard double-sided launders.",
                      weir=weir.magnitude, limit=self.c("max_weir_loading").quantity.magnitude)
        self.note("Clarifier area governed by the {what}.", what=self.t(governing))

        # --- separation: effluent TSS and the waste sludge at the underflow concentration ---
        tss_in = influent.get("tss", 0.0)
        tss_e = min(self.c("effluent_tss").quantity, tss_in)
        tss_e = self.calc("TSS_e", "Effluent TSS", "TSS_e = min(TSS_e,design, TSS_in)",
                          {"TSS_e,design": self.c("effluent_tss"), "TSS_in": (tss_in, "influent")}, tss_e, unit="mg/L")
        removal = (1.0 - (tss_e / tss_in).to("").magnitude) if tss_in.magnitude > 0 else 0.0
        changes: dict[str, Quantity | None] = {}
        ratios = shared.get("biosolids", {})
        # Chemical floc dosed ahead of the clarifier (co-precipitation) settles with the biomass; it carries
        # the precipitated phosphorus but none of the BOD, COD or N the biological ratios describe.
        coag = shared.pop("coagulation", None) or {}
        floc = coag.get("solids", Q_(0.0, "mg/L"))
        tss_bio = self.calc("TSS_bio", "Biological solids in the feed", "TSS_bio = max(0, TSS_in − X_chem)",
                            {"TSS_in": (tss_in, "influent"),
                             "X_chem": (floc, coag.get("tag", mark("none")), "chemical floc from the coagulation upstream")},
                            max(tss_in - floc, Q_(0.0, "mg/L")), unit="mg/L")
        f_q = Q_(removal, "")
        for p, criterion in SOLIDS_PARAMETERS.items():
            c_in = influent.get(p)
            if c_in is None:
                continue
            if p in ratios:
                r_p = (Q_(ratios[p], ""), "upstream biological unit")
            else:
                r_p = self.c(criterion)
            ratio_value = r_p[0].magnitude if isinstance(r_p, tuple) else r_p.m
            name = p.upper()
            inputs = {f"{name}_in": (c_in, "influent"), "r": r_p, "TSS_bio": (tss_bio, "calculated"),
                      "f": (f_q, "calculated", mark("share of the solids settled, 1 − TSS_e/TSS_in"))}
            particulate = tss_bio * ratio_value
            equation = f"{name}_e = {name}_in − f · min({name}_in, r·TSS_bio)"
            if p == "tp" and coag:
                inputs["P_chem"] = (coag["tp"], coag["tag"], mark("phosphorus precipitated in the floc"))
                particulate = particulate + coag["tp"]
                equation = f"{name}_e = {name}_in − f · min({name}_in, r·TSS_bio + P_chem)"
            changes[p] = self.calc(f"{name}_e", SETTLED[p], equation, inputs,
                                   c_in - removal * min(c_in, particulate), unit="mg/L")
            if c_in.magnitude > 0:
                self.removals[p] = 1.0 - (changes[p] / c_in).to("").magnitude
        self._explain_cod(changes.get("cod"), tss_e, tss_bio, tss_in, ratios)
        if influent.get("turbidity") is not None:
            k = self.c("tss_turbidity_ratio")
            changes["turbidity"] = self.calc("NTU_e", "Effluent turbidity", "NTU_e = TSS_e/k",
                                             {"TSS_e": (tss_e, "calculated"), "k": k},
                                             Q_(tss_e.to("mg/L").magnitude / k.m, "NTU"))
        fraction = x_r.to("mg/L").magnitude / 1e6
        effluent, sludge = self.separate_solids(influent, removal, fraction, kind="sludge",
                                                effluent_changes=changes,
                                                name=self.t("Waste activated sludge"))
        was_solids = self.calc("M_WAS", "Waste sludge solids", "M_WAS = Q·TSS_in − (Q − Q_w)·TSS_e",
                               {"Q": (q, "influent"), "TSS_in": (tss_in, "influent"), "TSS_e": (tss_e, "calculated"),
                                "Q_w": (sludge.flow, "calculated")}, sludge.mass_flow("tss"), unit="kg/day")
        self.add_sizing("was_solids", "Waste sludge solids", was_solids)
        self.add_sizing("was_flow", "Waste sludge flow", self.calc(
            "Q_w", "Waste sludge flow at the underflow concentration", "Q_w = M_WAS/X_R",
            {"M_WAS": (was_solids, "calculated"), "X_R": (x_r, "calculated")}, sludge.flow, unit="m**3/day"))
        self.add_sizing("ras_ratio", "Return sludge ratio", r)
        self._equipment(n, d, depth.quantity, q, q_r, sludge.flow)

    def _explain_cod(self, cod_e: Quantity | None, tss_e: Quantity, tss_bio: Quantity, tss_in: Quantity,
                     ratios: dict[str, float]) -> None:
        """Where a COD limit is missed, split the effluent COD into what settling can and cannot reach."""
        limit = self.ctx.target("cod")
        if cod_e is None or limit is None or cod_e <= limit or tss_in.magnitude <= 0:
            return
        r_cod = ratios.get("cod", self.c("solids_cod_ratio").m)
        particulate = tss_e * (tss_bio / tss_in).to("").magnitude * r_cod
        soluble = self.calc("sCOD_e", "Soluble COD of the effluent (passes any settling)", "sCOD_e = COD_e − r_COD·TSS_e,bio",
                            {"COD_e": (cod_e, "calculated"), "r_COD": (Q_(r_cod, ""), "upstream biological unit"),
                             "TSS_e,bio": (tss_e * (tss_bio / tss_in).to("").magnitude, "calculated")},
                            cod_e - particulate, unit="mg/L")
        params = {"cod": cod_e.to("mg/L").magnitude, "limit": limit.to("mg/L").magnitude,
                  "soluble": soluble.to("mg/L").magnitude, "particulate": particulate.to("mg/L").magnitude}
        # The same text as a note (a sentence) and as a warning (after the tag).
        self.note("Effluent COD {cod:.0f} mg/L exceeds the {limit:g} mg/L limit: {soluble:.0f} mg/L is soluble "
                  "(non-biodegradable COD and soluble microbial products the biology leaves) and only "
                  "{particulate:.0f} mg/L is in the effluent solids, so better settling or filtration cannot meet it; "
                  "the soluble organics need a tertiary step (coagulation at a higher dose, adsorption or oxidation) "
                  "or a feed with less refractory COD (Metcalf & Eddy, 5th ed., Ch. 8 and 11).", **params)
        self.warn("effluent COD {cod:.0f} mg/L exceeds the {limit:g} mg/L limit: {soluble:.0f} mg/L is soluble "
                  "(non-biodegradable COD and soluble microbial products the biology leaves) and only "
                  "{particulate:.0f} mg/L is in the effluent solids, so better settling or filtration cannot meet it; "
                  "the soluble organics need a tertiary step (coagulation at a higher dose, adsorption or oxidation) "
                  "or a feed with less refractory COD (Metcalf & Eddy, 5th ed., Ch. 8 and 11)", **params)

    def _equipment(self, n: int, d: Quantity, depth: Quantity, q: Quantity, q_r: Quantity, q_w: Quantity) -> None:
        self._ras_each: Quantity | None = None
        if self.packaged:
            clarifier = self.t("Secondary prefabricated steel hopper clarifier, Ø {d:g} m × {depth:g} m SWD",
                               d=d.magnitude, depth=depth.magnitude)
        else:
            clarifier = self.t("Secondary circular clarifier, reinforced concrete, Ø {d:g} m × {depth:g} m SWD",
                               d=d.magnitude, depth=depth.magnitude)
        self.add_equipment("-01", clarifier, quantity=n,
                           capacity=(math.pi * d ** 2 / 4).to("m**2"),
                           material=mark("welded steel, coated") if self.packaged else mark("reinforced concrete"))
        drive = self.c("drive_power").quantity
        self.add_equipment("-02", "Center-drive sludge collector with scum skimmer", quantity=n, power=drive,
                           material="carbon steel, coated; stainless steel submerged parts")
        self.add_power("Sludge collector drives", drive * n, drive * n)
        eff, rho_g = self.c("pump_efficiency"), WATER * GRAVITY
        if q_r.magnitude > 0:
            capacity = self.calc("Q_RAS,max", "Return sludge pumping capacity", "Q = f_RAS·Q",
                                 {"f_RAS": self.c("ras_pump_capacity"), "Q": (q, "influent")},
                                 q * max(self.c("ras_pump_capacity").m, (q_r / q).to("").magnitude), unit="L/s")
            head = self.c("ras_pump_head")
            p_max = (rho_g * capacity * head.quantity / eff.m).to("kW")
            p_avg = self.calc("P_RAS", "Return sludge pumping power at the design ratio", "P = ρ·g·Q_R·H/η",
                              {"Q_R": (q_r, "calculated"), "H": head, "η": eff}, rho_g * q_r * head.quantity / eff.m,
                              unit="kW")
            self.add_equipment("-03", "Return activated sludge pump (non-clog centrifugal)", quantity=n + 1, standby=1,
                               capacity=(capacity / n).to("m**3/hour"), power=p_max / n, material="ductile iron")
            self.add_power("Return sludge pumps", p_max / n * (n + 1), p_avg)
            self._ras_each = (capacity / n).to("L/s")
        self._was_pump: Quantity | None = None
        if q_w.magnitude <= 0:
            self.note("The influent carries no more solids than the effluent keeps: no waste sludge.")
            return
        factor, head_w = self.c("was_pump_factor"), self.c("was_pump_head")
        q_was_pump = self.calc("Q_WAS,pump", "Waste sludge pump capacity", "Q = max(k·Q_w, Q_min)",
                               {"k": factor, "Q_w": (q_w, "calculated"), "Q_min": self.c("min_pump_capacity")},
                               max(q_w * factor.m, self.c("min_pump_capacity").quantity), unit="L/s")
        p_was = (rho_g * q_was_pump * head_w.quantity / eff.m).to("kW")
        self.add_equipment("-04", "Waste sludge pump (progressive cavity)", quantity=2, standby=1,
                           capacity=q_was_pump.to("m**3/hour"), power=p_was, material="cast iron, elastomer stator")
        self.add_power("Waste sludge pumps", p_was * 2, p_was / factor.m)
        self._was_pump = q_was_pump

    def cost(self) -> None:
        n = self.trains
        each = (self.sizing["surface_area"].quantity / n).to("m**2")
        if self.packaged:
            self.curve_cost("packaged_clarifier", each, count=n)
        else:
            self.curve_cost("clarifier", each, count=n, category="civil")
        if self._ras_each is not None:
            self.curve_cost("sludge_pump", self._ras_each, count=n + 1, description="return sludge pumps")
        if self._was_pump is not None:
            self.curve_cost("sludge_pump", self._was_pump, count=2, description="waste sludge pumps")
