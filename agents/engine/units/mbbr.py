"""Moving bed biofilm reactor sized by surface area loading rates (Ødegaard 2006; McQuarrie & Boltz 2011).

A BOD removal reactor, then (when a nitrogen target asks for it) a
nitrification stage of reactors in series; when a TN target needs
denitrification, a pre-anoxic carrier stage ahead of them (MLE-type) fed with
an internal recycle from the last nitrification reactor, sized on a surface
area denitrification rate (WEF MOP 35, 2011; Ødegaard 2006; Rusten et al.
2006) and checked against the influent soluble carbon. Carrier surface = load / SALR;
media volume = surface / specific surface; reactor volume = media / fill
fraction. Oxygen comes from the COD balance plus 4.57 g O2/g N nitrified
and is supplied through medium-bubble grids (the aeration helpers of the
activated sludge module). The biofilm solids are not retained: the effluent
carries the influent TSS plus the solids grown, to a clarifier or DAF. For
that separator the unit reports in ``ctx.shared``: ``mlss`` (the solids
concentration leaving), ``ras_ratio`` = 0, ``ras_concentration`` (the
settled sludge concentration) and ``biosolids`` (g BOD, COD, N, P per g TSS).

Influent particulate BOD is taken as r_BOD·TSS (the same ratio the separator
uses), so the soluble BOD the biofilm removes is BOD − r_BOD·TSS, but no less
than a minimum soluble fraction of the BOD; the particulate BOD passes on to
the separator with the solids. The influent COD is split as in the activated
sludge (M&E 5th ed. Example 8-3): the non-biodegradable soluble COD passes,
the particulate COD leaves with the solids, and the separator's COD per g of
solids counts both the influent particulates and the biofilm grown.
"""

from __future__ import annotations

import math

from typing import Any

from ..cost_curves import curve_cost
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .activated_sludge import COD_PER_VSS, O2_CREDIT_PER_N_DENITRIFIED, O2_PER_N_NITRIFIED, SuspendedGrowth
from .base import register
from .common import cheaper_option, cost_nutrient_dosing, nutrient_dose, nutrient_note, phosphorus_dose


@register
class MovingBedBiofilmReactor(SuspendedGrowth):
    type = "mbbr"
    tag_prefix = "MBBR"

    def size(self, influent: Stream) -> None:
        q, q_peak = influent.flow, influent.peak_flow
        # Below the packaged limit both a packaged and a site-built unit are valid: the cheaper installed.
        allowed = ["packaged", "site-built"] if q < self.c("packaged_below").quantity else ["site-built"]
        self.packaged = cheaper_option(self, influent, {"packaged": True, "site-built": False}, allowed,
                                       "construction") == "packaged"
        t = float(self._temperature().magnitude)
        bod, tss = influent.get("bod", 0.0), influent.get("tss", 0.0)
        if bod.magnitude <= 0:
            raise ValueError(f"{self.tag}: a biological process needs the influent BOD")
        r_bod, ratio = self.c("solids_bod_ratio"), self.c("bcod_bod_ratio")

        # --- BOD removal stage ---
        salr = self.c("salr_bod")
        area_c = self.calc("A_BOD", "Carrier surface for BOD removal", "A = Q·BOD/SALR_BOD",
                           {"Q": (q, "influent"), "BOD": (bod, "influent"), "SALR_BOD": salr},
                           q * bod / salr.quantity, unit="m**2")
        f_s = self.c("soluble_bod_fraction_min")
        sbod_in = self.calc("sBOD_in", "Influent soluble BOD5", "sBOD_in = max(BOD − r_BOD·TSS, f_s·BOD)",
                            {"BOD": (bod, "influent"), "r_BOD": r_bod, "TSS": (tss, "influent"), "f_s": f_s},
                            max(bod - r_bod.m * tss, bod * f_s.m), unit="mg/L")
        sbod_e = self.calc("sBOD_e", "Effluent soluble BOD5", "sBOD_e = min(sBOD_e,design, sBOD_in)",
                           {"sBOD_e,design": self.c("effluent_soluble_bod"), "sBOD_in": (sbod_in, "calculated")},
                           min(self.c("effluent_soluble_bod").quantity, sbod_in), unit="mg/L")
        bcod_removed = self.calc("ΔbCOD", "bCOD removed by the biofilm", "ΔbCOD = r·(sBOD_in − sBOD_e)",
                                 {"r": ratio, "sBOD_in": (sbod_in, "calculated"), "sBOD_e": (sbod_e, "calculated")},
                                 (sbod_in - sbod_e) * ratio.m, unit="mg/L")
        y = self.c("observed_yield")
        fv = self.c("biomass_vss_tss")
        solids_h = self.calc("P_X,H", "Heterotrophic biofilm solids produced", "P_X,H = Y_obs·Q·ΔbCOD",
                             {"Y_obs": y, "Q": (q, "influent"), "ΔbCOD": (bcod_removed, "calculated")},
                             q * bcod_removed * y.m, unit="kg/day")

        # --- nitrification stage, when a nitrogen target asks for it ---
        tkn = self._tkn(influent)
        f_n, son = self.c("biomass_n_content"), self.c("effluent_soluble_organic_n")
        uptake = (f_n.m * fv.m * solids_h / q).to("mg/L")
        nitrifying = False
        nox = Q_(0.0, "mg/L")
        nh4_e = None
        n_dose = Q_(0.0, "mg/L")
        if tkn is not None:
            # Nitrogen short of the biofilm's need is dosed (then no ammonia is left to nitrify).
            n_dose = nutrient_dose(self, "tn", q, fv.m * solids_h, tkn - son.quantity)
            ammonia = tkn + n_dose - son.quantity - uptake
            nitrifying = self._n_target_needs_nitrification(ammonia)
            if nitrifying:
                nh4_e = self.c("design_effluent_nh4").quantity
                target = self.ctx.target("nh4_n")
                if target is not None and target < nh4_e:
                    nh4_e = target.to("mg/L")
                nox = self.calc("NOx", "Ammonia-N nitrified", "NOx = TKN + D_N − sON − f_N·f_v·P_X,H/Q − N_e",
                                {"TKN": (tkn, "calculated"), "D_N": (n_dose, "calculated"), "sON": son, "f_N": f_n,
                                 "f_v": fv,
                                 "P_X,H": (solids_h, "calculated"), "Q": (q, "influent"), "N_e": (nh4_e, "design")},
                                max(ammonia - nh4_e, Q_(0.0, "mg/L")), unit="mg/L")
            else:
                nh4_e = max(ammonia, Q_(0.0, "mg/L"))
        area_n = Q_(0.0, "m**2")
        solids_n = Q_(0.0, "kg/day")
        if nitrifying:
            salr_n = self._corrected("SALR_N", mark("Nitrification loading rate at T"), "salr_nitrification",
                                     "theta_nitrification", t, t_ref=15.0, name="SALR_N,15")
            area_n = self.calc("A_N", "Carrier surface for nitrification", "A = Q·NOx/SALR_N",
                               {"Q": (q, "influent"), "NOx": (nox, "calculated"), "SALR_N": (salr_n, "calculated")},
                               q * nox / salr_n, unit="m**2")
            solids_n = self.calc("P_X,N", "Nitrifier solids produced", "P_X,N = Y_n·Q·NOx/f_v",
                                 {"Y_n": self.c("y_aob"), "Q": (q, "influent"), "NOx": (nox, "calculated"),
                                  "f_v": fv}, q * nox * self.c("y_aob").m / fv.m, unit="kg/day")

        self._methanol: Quantity | None = None
        denit = self._pre_anoxic(influent, t, n_dose, nh4_e, nox, sbod_in, solids_h + solids_n) \
            if nitrifying else None
        no3_removed = denit["removed"] if denit else Q_(0.0, "mg/L")

        p_dose = phosphorus_dose(self, influent, fv.m * (solids_h + solids_n))

        # --- media and reactors ---
        sigma, fill = self.c("specific_surface"), self.c("fill_fraction")
        # The stages' names are messages: shown (translated) in the descriptions of their volumes.
        stages = {mark("anoxic"): denit["area"]} if denit else {}
        stages[mark("BOD removal")] = area_c
        if nitrifying:
            stages[mark("nitrification")] = area_n
        volumes = {}
        for name, area in stages.items():
            stage = self.t(name)
            media = self.calc(f"V_media,{name[:3]}", self.t("Carrier bulk volume, {stage}", stage=stage), "V_media = A/σ",
                              {"A": (area, "calculated"), "σ": sigma}, area / sigma.quantity, unit="m**3")
            volumes[name] = self.calc(f"V_{name[:3]}", self.t("Reactor volume, {stage}", stage=stage), "V = V_media/f",
                                      {"V_media": (media, "calculated"), "f": fill}, media / fill.m, unit="m**3")
        media_total = sum(((stages[k] / sigma.quantity).to("m**3") for k in stages), Q_(0.0, "m**3"))
        v_total = sum(volumes.values(), Q_(0.0, "m**3"))
        self.add_sizing("carrier_area", "Carrier surface area", sum(stages.values(), Q_(0.0, "m**2")), "m**2")
        self.add_sizing("media_volume", "Carrier media (bulk volume)", media_total)
        self.add_sizing("volume", "Total reactor volume", v_total)
        self.add_sizing("volume_bod", "BOD removal reactor volume", volumes["BOD removal"])
        n_series = int(self.c("nitrification_reactors").m) if nitrifying else 0
        n_anox = int(self.c("anoxic_reactors").m) if denit else 0
        if nitrifying:
            self.add_sizing("volume_nitrification", "Nitrification reactor volume", volumes["nitrification"])
        if denit:
            self.add_sizing("volume_anoxic", "Anoxic reactor volume", volumes["anoxic"])
        largest = max(volumes["BOD removal"], volumes["nitrification"] / n_series if nitrifying else Q_(0, "m**3"),
                      volumes["anoxic"] / n_anox if denit else Q_(0, "m**3"))
        n = self.parallel_trains(largest, self.c("max_reactor_volume"), "MBBR trains",
                                 minimum=1 if self.packaged else int(self.c("min_trains").m))
        aerated = n * (1 + n_series)
        reactors = aerated + n * n_anox
        v_aerated = v_total - (volumes["anoxic"] if denit else Q_(0.0, "m**3"))
        self.add_sizing("reactors", "Number of reactors", Q_(reactors, ""))
        self.add_sizing("hrt", "Hydraulic retention time", self.calc(
            "τ", "Hydraulic retention time", "τ = V/Q", {"V": (v_total, "calculated"), "Q": (q, "influent")},
            v_total / q, unit="hour"))
        depth = self.c("side_water_depth").quantity
        floor = (v_aerated / depth).to("m**2")
        if denit:
            reactor = self.t("MBBR reactor, {anox:,.0f} m3 (anoxic) + {bod:,.0f} m3 (BOD) + {n} × {nit:,.0f} m3 "
                             "(nitrification) per train, {depth:g} m SWD", anox=volumes["anoxic"].magnitude / n,
                             bod=volumes["BOD removal"].magnitude / n, n=n_series,
                             nit=volumes["nitrification"].magnitude / n / n_series, depth=depth.magnitude)
        elif nitrifying:
            reactor = self.t("MBBR reactor, {bod:,.0f} m3 (BOD) + {n} × {nit:,.0f} m3 (nitrification) per train, "
                             "{depth:g} m SWD", bod=volumes["BOD removal"].magnitude / n, n=n_series,
                             nit=volumes["nitrification"].magnitude / n / n_series, depth=depth.magnitude)
        else:
            reactor = self.t("MBBR reactor, {bod:,.0f} m3 (BOD) per train, {depth:g} m SWD",
                             bod=volumes["BOD removal"].magnitude / n, depth=depth.magnitude)
        self.add_equipment("-01", reactor,
                           quantity=reactors, capacity=(v_total / reactors).to("m**3"),
                           material=mark("welded steel, coated") if self.packaged else mark("reinforced concrete"))
        self.add_equipment("-02", self.t("Carrier media, {sigma:g} m2/m3 protected surface",
                                         sigma=sigma.quantity.magnitude),
                           quantity=1, capacity=media_total, material="HDPE")

        # --- oxygen and aeration ---
        ro_c = self.calc("R_o,BOD", "Oxygen demand of BOD removal", "R_o = Q·ΔbCOD − 1.42·f_v·P_X,H",
                         {"Q": (q, "influent"), "ΔbCOD": (bcod_removed, "calculated"), "f_v": fv,
                          "P_X,H": (solids_h, "calculated")},
                         q * bcod_removed - COD_PER_VSS * fv.m * solids_h, unit="kg/hour")
        if denit:
            # The carbon the anoxic carriers use on nitrate is not oxidised with air (M&E 5th ed. Eq. 8-17 credit).
            ro_c = self.calc("R_o,BOD,net", "Oxygen demand of BOD removal with the denitrification credit",
                             "R_o,net = R_o − 2.86·Q·NO3_removed",
                             {"R_o": (ro_c, "calculated"), "Q": (q, "influent"),
                              "NO3_removed": (no3_removed, "calculated")},
                             max(ro_c - O2_CREDIT_PER_N_DENITRIFIED * q * no3_removed, Q_(0.0, "kg/hour")),
                             unit="kg/hour")
        aer = self._aeration(ro_c, self.c("alpha"), depth, t, label=mark("BOD removal"), do_name="do_carbon")
        air, air_peak, sotr = aer["air"], aer["air_peak"], aer["sotr"]
        if nitrifying:
            ro_n = self.calc("R_o,N", "Oxygen demand of nitrification", "R_o = 4.57·Q·NOx",
                             {"Q": (q, "influent"), "NOx": (nox, "calculated")}, O2_PER_N_NITRIFIED * q * nox,
                             unit="kg/hour")
            aer_n = self._aeration(ro_n, self.c("alpha"), depth, t, label=mark("nitrification"),
                                   do_name="do_nitrification")
            air, air_peak, sotr = air + aer_n["air"], air_peak + aer_n["air_peak"], sotr + aer_n["sotr"]
            self.add_sizing("oxygen_demand", "Oxygen demand (average)", ro_c + ro_n, "kg/hour")
        else:
            self.add_sizing("oxygen_demand", "Oxygen demand (average)", ro_c, "kg/hour")
        mixed = self._with_mixing_air({"air": air, "air_peak": air_peak}, v_aerated)
        air, air_peak = mixed["air"], mixed["air_peak"]
        self.add_sizing("sotr", "Standard oxygen transfer rate (average)", sotr, "kg/hour")
        self.add_sizing("air_flow", "Air flow at standard conditions (average)", air, "m**3/hour")
        self.add_sizing("air_flow_peak", "Design air flow at standard conditions (peak)", air_peak, "m**3/hour")
        self.add_equipment("-03", "Medium-bubble aeration grid", quantity=aerated, capacity=(floor / aerated).to("m**2"),
                           material="AISI 316 stainless steel")
        self._blowers = self._add_blowers("-04", air, air_peak, aer["submergence"], aer["p_ratio"],
                                          mark("Aeration blower"))
        self.note("The air supply must also keep the carriers circulating; confirm the mixing air with the "
                  "media supplier. Fine screening (≤ 6 mm) upstream protects the sieves.")

        # --- media-retention sieves at every reactor outlet, sized on the peak flow ---
        sieve = self.calc("A_sieve", "Sieve area per reactor outlet", "A = Q_peak/(N·v_sieve)",
                          {"Q_peak": (q_peak, "influent peak"), "N": (Q_(n, ""), "calculated"),
                           "v_sieve": self.c("sieve_loading")}, q_peak / n / self.c("sieve_loading").quantity,
                          unit="m**2")
        per_outlet = math.ceil((sieve / self.c("max_sieve_area").quantity).to("").magnitude - 1e-9)
        self.add_sizing("sieve_area", "Sieve area per reactor outlet", sieve)
        self.add_sizing("sieves", "Sieves", Q_(per_outlet * reactors, ""))
        self.add_equipment("-05", "Media-retention sieve (cylindrical wedge wire)", quantity=per_outlet * reactors,
                           capacity=sieve / per_outlet, material="AISI 316 stainless steel")

        if denit:
            self._anoxic_equipment({"volume": volumes["anoxic"], "ir": denit["ir"]}, q, ("-08", "-09"))
        else:
            self._ir_flow_each = None
        alk_out = self._alkalinity(influent, nox, no3_removed)
        self._effluent(influent, tss, sbod_in, sbod_e, r_bod.m, solids_h + solids_n, fv.m, bcod_removed, nh4_e, nox,
                       alk_out, {"tn": n_dose, "tp": p_dose}, no3_removed)
        nutrient_note(self, influent, {"tn": n_dose, "tp": p_dose})
        self._n_series, self._floor, self._aerated = n_series, floor, aerated
        if self.packaged:
            self.note("Average flow {flow:,.0f} m3/d is below {limit:g} m3/d: a containerised MBBR is used.",
                      flow=q.magnitude, limit=self.c("packaged_below").quantity.magnitude)
        if denit:
            self.note("Pre-anoxic MBBR stage (MLE-type): {n} anoxic carrier reactor(s) per train with mixers, fed "
                      "with an internal recycle {ir:.1f} × Q of nitrified water from the last nitrification reactor.",
                      n=n_anox, ir=denit["ir"].magnitude)

    def _pre_anoxic(self, influent: Stream, t: float, n_dose: Quantity, nh4_e: Quantity,
                    nox: Quantity, sbod_in: Quantity, solids: Quantity) -> dict[str, Any] | None:
        """Pre-anoxic carrier stage (MLE-type) when the TN target needs denitrification.

        The nitrate allowed in the effluent follows from the TN target as in the activated sludge MLE
        (M&E 5th ed. §8-8): NO3_e = NOx/(1 + IR), with no return sludge. The carrier surface is the nitrate
        removed over the surface area denitrification rate (WEF MOP 35; Ødegaard 2006; Rusten et al. 2006);
        the influent soluble biodegradable COD must cover the nitrate and the oxygen the recycle brings back.
        """
        target = self.ctx.target("tn")
        if target is None or nox.magnitude <= 0:
            return None
        q = influent.flow
        no3_in = influent.get("no3_n", 0.0)
        son, tss_e, fv = self.c("effluent_soluble_organic_n"), self.c("design_effluent_tss"), self.c("biomass_vss_tss")
        tss_out = influent.get("tss", 0.0) + solids / q
        nox_total = nox + no3_in
        if influent.get("tn") is not None:
            # Particulate N is what the total keeps beyond the soluble forms; the separator leaves TSS_e of it.
            pn = self.calc("pN_e", "Particulate N in the separated effluent",
                           "pN_e = (TN_in + D_N − N_e − NOx − sON)·TSS_e/TSS_out",
                           {"TN_in": (influent.get("tn"), "influent"), "D_N": (n_dose, "calculated"),
                            "N_e": (nh4_e, "calculated"), "NOx": (nox_total, "calculated"), "sON": son,
                            "TSS_e": tss_e, "TSS_out": (tss_out, "calculated")},
                           max(influent.get("tn") + n_dose - nh4_e - nox_total - son.quantity, Q_(0.0, "mg/L"))
                           * (tss_e.quantity / tss_out).to("").magnitude, unit="mg/L")
        else:
            f_n = self.c("biomass_n_content")
            pn = self.calc("pN_e", "Particulate N in the separated effluent", "pN_e = f_N·f_v·TSS_e",
                           {"f_N": f_n, "f_v": fv, "TSS_e": tss_e}, tss_e.quantity * f_n.m * fv.m, unit="mg/L")
        ir = self._internal_recycle(
            target, nh4_e, pn, nox_total, None,
            mark("the TN target {target:g} mg/L cannot be met with the effluent ammonia, organic and particulate "
                 "N alone; the pre-anoxic MBBR stage is designed at its limit."),
            mark("the TN target needs an internal recycle of {ir:.1f}, above the practical {ir_max:g} of a "
                 "pre-anoxic MBBR; it cannot reach it alone (consider a post-anoxic stage with external carbon)."))
        if ir is None:
            return None
        no3_e = self.calc("NO3_e", "Effluent nitrate-N of the pre-anoxic MBBR", "NO3_e = NOx/(1 + IR)",
                          {"NOx": (nox_total, "calculated"), "IR": (ir, "calculated")},
                          nox_total / (1.0 + ir.magnitude), unit="mg/L")
        # Carbon: the soluble biodegradable COD entering must reduce the nitrate and the DO the recycle carries.
        r_c, do = self.c("cod_no3_ratio"), self.c("do_nitrification")
        o2_eq = (Q_(O2_CREDIT_PER_N_DENITRIFIED, ""), "constant", mark("g O2 equivalent per g NO3-N"))
        available = self.calc("sbCOD_avail", "Soluble biodegradable COD available to the anoxic stage",
                              "sbCOD = r·sBOD_in", {"r": self.c("bcod_bod_ratio"), "sBOD_in": (sbod_in, "calculated")},
                              sbod_in * self.c("bcod_bod_ratio").m, unit="mg/L")
        o2_recycled = ir.magnitude * do.quantity / O2_CREDIT_PER_N_DENITRIFIED
        needed = self.calc("sbCOD_need", "Soluble biodegradable COD needed by the anoxic stage",
                           "sbCOD_need = r_C·(NOx − NO3_e + IR·DO/2.86)",
                           {"r_C": r_c, "NOx": (nox_total, "calculated"), "NO3_e": (no3_e, "calculated"),
                            "IR": (ir, "calculated"), "DO": do, "2.86": o2_eq},
                           r_c.m * (nox_total - no3_e + o2_recycled), unit="mg/L")
        if available < needed:
            # The shortfall is made up with methanol dosed to the anoxic reactors (WEF MOP 35; M&E 5th ed. §8-8).
            cod_meoh = self.c("methanol_cod")
            dose = self.calc("D_methanol", "Methanol dose for the carbon short of the anoxic stage",
                             "D = (sbCOD_need − sbCOD)/COD_MeOH",
                             {"sbCOD_need": (needed, "calculated"), "sbCOD": (available, "calculated"),
                              "COD_MeOH": cod_meoh}, (needed - available) / cod_meoh.m, unit="mg/L")
            self.warn("influent carbon is short for denitrification in the pre-anoxic MBBR ({available:.0f} of "
                      "{needed:.0f} mg/L soluble biodegradable COD needed); {dose:.0f} mg/L of methanol is dosed "
                      "to the anoxic reactors.", available=available.magnitude, needed=needed.magnitude,
                      dose=dose.magnitude)
            chem = self.add_chemical("methanol", mark("External carbon for denitrification"), dose, q)
            density, days = self.c("methanol_density"), self.c("chemical_storage_days")
            solution = chem.consumption / density.quantity
            volume = self.calc("V_store,MeOH", "Methanol storage volume", "V = M·t_storage/ρ",
                               {"M": (chem.consumption, "calculated"), "t_storage": days, "ρ": density},
                               solution * days.quantity, unit="m**3")
            pump = self.c("metering_pump_power")
            # Metering pumps are sized at twice the average feed for turndown to the peak load.
            self.add_equipment("-10", "Methanol dosing pump (diaphragm metering)", quantity=2, standby=1,
                               capacity=(solution * 2).to("L/hour"), power=pump.quantity, material="PVDF head")
            self.add_equipment("-11", "Methanol storage tank (bunded, flameproof area)", quantity=1,
                               capacity=volume, material="carbon steel")
            self.add_power("Methanol dosing pumps", pump.quantity * 2, pump.quantity)
            self._methanol = chem.consumption.to("kg/day")
        removed = self.calc("NO3_removed", "Nitrate-N denitrified", "NO3_removed = NOx − NO3_e",
                            {"NOx": (nox_total, "calculated"), "NO3_e": (no3_e, "calculated")}, nox_total - no3_e,
                            unit="mg/L")
        sadr = self._corrected("SADR", mark("Surface area denitrification rate at T"), "sadr", "theta_denitrification",
                               t, t_ref=15.0, name="SADR_15")
        area = self.calc("A_DN", "Carrier surface for pre-denitrification", "A = Q·NO3_removed/SADR",
                         {"Q": (q, "influent"), "NO3_removed": (removed, "calculated"), "SADR": (sadr, "calculated")},
                         q * removed / sadr, unit="m**2")
        self.add_sizing("internal_recycle_ratio", "Internal (nitrate) recycle ratio", ir)
        self.add_sizing("no3_removed", "Nitrate-N denitrified", removed)
        return {"ir": ir, "no3_e": no3_e, "removed": removed, "area": area}

    def _n_target_needs_nitrification(self, ammonia: Quantity) -> bool:
        target_nh4, target_tn = self.ctx.target("nh4_n"), self.ctx.target("tn")
        if target_nh4 is not None and ammonia > target_nh4:
            return True
        return target_tn is not None and ammonia > target_tn

    def _effluent(self, influent: Stream, tss: Quantity, sbod_in: Quantity, sbod_e: Quantity, r_bod: float,
                  solids: Quantity, fv: float, bcod_removed: Quantity, nh4_e: Quantity | None, nox: Quantity,
                  alk_out: Quantity, doses: dict[str, Quantity], no3_removed: Quantity) -> None:
        q = influent.flow
        self.generated["tss"] = solids.to("kg/day")
        tss_out = self.calc("TSS_out", "Solids leaving to the separator", "TSS_out = TSS_in + P_X/Q",
                            {"TSS_in": (tss, "influent"), "P_X": (solids, "calculated"), "Q": (q, "influent")},
                            tss + solids / q, unit="mg/L")
        changes: dict[str, Quantity] = {
            "tss": tss_out,
            "bod": self.calc("BOD_out", "BOD5 leaving (soluble + particulate)",
                             "BOD_out = sBOD_e + (BOD_in − sBOD_in) + r_BOD·P_X/Q",
                             {"sBOD_e": (sbod_e, "calculated"), "BOD_in": (influent.get("bod"), "influent"),
                              "sBOD_in": (sbod_in, "calculated"), "r_BOD": self.c("solids_bod_ratio"),
                              "P_X": (solids, "calculated"), "Q": (q, "influent")},
                             sbod_e + influent.get("bod") - sbod_in + r_bod * solids / q, unit="mg/L"),
        }
        particulate_cod = COD_PER_VSS * fv * solids / q
        if influent.get("cod") is not None:
            # The influent COD split as in the activated sludge (M&E 5th ed. Example 8-3): what is neither
            # biodegradable nor in non-biodegradable solids stays soluble and passes; the particulate rest
            # (biodegradable or not) is not hydrolysed in the short HRT and leaves with the solids.
            cod_in = influent.get("cod")
            vss = tss * self.c("vss_tss_ratio").m
            nbscod = self.calc("nbsCOD", "Non-biodegradable soluble COD (passes to the effluent)",
                               "nbsCOD = max(0, COD − r·BOD − r_p·f_nb·f_v,in·TSS)",
                               {"COD": (cod_in, "influent"), "r": self.c("bcod_bod_ratio"),
                                "BOD": (influent.get("bod"), "influent"), "r_p": self.c("particulate_cod_vss_ratio"),
                                "f_nb": self.c("nbvss_fraction"), "f_v,in": self.c("vss_tss_ratio"),
                                "TSS": (tss, "influent")},
                               max(cod_in - self.c("bcod_bod_ratio").m * influent.get("bod")
                                   - self.c("particulate_cod_vss_ratio").m * self.c("nbvss_fraction").m * vss,
                                   Q_(0.0, "mg/L")), unit="mg/L")
            pcod_in = self.calc("pCOD_in", "Influent particulate COD (passes to the separator)",
                                "pCOD_in = max(0, COD − nbsCOD − r·sBOD_in)",
                                {"COD": (cod_in, "influent"), "nbsCOD": (nbscod, "calculated"),
                                 "r": self.c("bcod_bod_ratio"), "sBOD_in": (sbod_in, "calculated")},
                                max(cod_in - nbscod - self.c("bcod_bod_ratio").m * sbod_in, Q_(0.0, "mg/L")),
                                unit="mg/L")
            particulate_cod = particulate_cod + pcod_in
            oxidised = bcod_removed - COD_PER_VSS * fv * (self.generated["tss"] / q)
            changes["cod"] = self.calc("COD_out", "COD leaving (COD balance)", "COD_out = COD_in − (ΔbCOD − 1.42·f_v·P_X/Q)",
                                       {"COD_in": (influent.get("cod"), "influent"), "ΔbCOD": (bcod_removed, "calculated"),
                                        "P_X": (solids, "calculated"), "Q": (q, "influent")},
                                       max(influent.get("cod") - oxidised, Q_(0.0, "mg/L")), unit="mg/L")
        if nh4_e is not None:
            changes["nh4_n"] = nh4_e
            changes["no3_n"] = influent.get("no3_n", 0.0) + nox - no3_removed
        # Total N and P pass on (the biofilm's uptake leaves with its solids), plus what is dosed.
        if influent.get("tn") is not None and no3_removed.magnitude > 0:
            changes["tn"] = self.calc("TN_out", "Total N leaving (influent and dosed, less the N2 denitrified)",
                                      "TN = TN_in + D_N − NO3_removed",
                                      {"TN_in": (influent.get("tn"), "influent"), "D_N": (doses["tn"], "calculated"),
                                       "NO3_removed": (no3_removed, "calculated")},
                                      influent.get("tn") + doses["tn"] - no3_removed, unit="mg/L")
        for p, element in (("tn", "N"), ("tp", "P")):
            if p in changes:
                continue
            if influent.get(p) is not None and doses[p].magnitude > 0:
                changes[p] = self.calc(f"{p.upper()}_out", mark("Total nutrient leaving (influent and dosed)"),
                                       f"{p.upper()} = {p.upper()}_in + D_{element}",
                                       {f"{p.upper()}_in": (influent.get(p), "influent"),
                                        f"D_{element}": (doses[p], "calculated")}, influent.get(p) + doses[p],
                                       unit="mg/L")
        if influent.get("alkalinity") is not None or nox.magnitude > 0:
            changes["alkalinity"] = alk_out
        if "tds" in self.generated:
            changes["tds"] = influent.get("tds") + self.generated["tds"] / q
        self.effluent = influent.derive(**changes)
        for p in ("bod", "cod", "nh4_n", "tn"):
            c_in, c_out = influent.get(p), self.effluent.get(p)
            if c_in is not None and c_out is not None and c_in.magnitude > 0:
                self.removals[p] = max(0.0, 1.0 - (c_out / c_in).to("").magnitude)
        # Particulate N is what the total keeps beyond the soluble forms (influent organic N and biomass N).
        n_ratio = self.c("biomass_n_content").m * fv
        tn_out, tp_out = self.effluent.get("tn"), self.effluent.get("tp")
        if tn_out is not None and nh4_e is not None:
            soluble = nh4_e + changes["no3_n"] + self.c("effluent_soluble_organic_n").quantity
            n_ratio = (max(tn_out - soluble, Q_(0.0, "mg/L")) / tss_out).to("").magnitude
        p_ratio = self.c("biomass_p_content").m * fv
        if tp_out is not None:
            # The solids carry no more phosphorus than the influent and the dose bring.
            p_ratio = min(p_ratio, (tp_out / tss_out).to("").magnitude)
        self.ctx.shared.update({
            "mlss": tss_out, "ras_ratio": Q_(0.0, ""),
            "ras_concentration": self.c("settled_sludge_concentration").quantity,
            "biosolids": {"bod": ((changes["bod"] - sbod_e) / tss_out).to("").magnitude,
                          "cod": (particulate_cod / tss_out).to("").magnitude,
                          "tn": n_ratio, "tp": p_ratio},
        })

    def cost(self) -> None:
        cost_nutrient_dosing(self)
        media = self.sizing["media_volume"].quantity
        if self.packaged:
            assert self.influent is not None
            self.curve_cost("packaged_plant", self.influent.flow)
            media_cost = curve_cost(self.cost_curve("media"), media, log=self.log, unit_tag=self.tag,
                                    warnings=self.ctx.warnings, label=self.t("Carrier media in the package (for replacement)"))
        else:
            reactors = int(self.sizing["reactors"].quantity.magnitude)
            reactor = self.costed_size("V_cost", self.sizing["volume"].quantity / reactors,
                                       self.c("min_costed_basin_volume"), mark("MBBR reactor"))
            self.curve_cost("basin", reactor, count=reactors, category="civil")
            media_cost = self.curve_cost("media", media, category="media")
            aerated = self._aerated
            grid = self.costed_size("A_grid,cost", self._floor / aerated, self.c("min_costed_grid_area"),
                                    mark("aeration grid"))
            self.curve_cost("aeration_grid", grid, count=aerated)
            sieves = int(self.sizing["sieves"].quantity.magnitude)
            sieve = self.costed_size("A_sieve,cost", self.sizing["sieve_area"].quantity * reactors / sieves,
                                     self.c("min_costed_sieve_area"), mark("media-retention sieve"))
            self.curve_cost("sieve", sieve, count=sieves)
            duty, each = self._blowers
            self.curve_cost("blower", self.costed_size("Q_air,cost", each, self.c("min_costed_blower_air_flow"),
                                                       mark("aeration blower")), count=duty + 1)
            if self._dosing is not None:
                self.curve_cost("dosing_system", self._dosing)
            if self._methanol is not None:
                self.curve_cost("dosing_system", self._methanol, description=self.t("Methanol dosing skid"))
            if "volume_anoxic" in self.sizing:
                mixer = next(e for e in self.equipment if e.tag.endswith("-08"))
                self.curve_cost("mixer", mixer.power, count=mixer.quantity)
                if self._ir_flow_each is not None:
                    self.curve_cost("recycle_pump", self._ir_flow_each, count=self.trains + 1)
        life = self.c("media_life")
        self.add_opex("replacement", self.t("Carrier media replacement over {life:g} years", life=life.quantity.magnitude),
                      self.calc("C_repl", "Carrier media replacement (yearly)", "C_repl = C_media/life",
                                {"C_media": (media_cost, "cost curve"), "life": life}, media_cost / life.quantity,
                                unit="USD/year"))
