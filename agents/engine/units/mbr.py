"""Membrane bioreactor: activated sludge kinetics at high MLSS with immersed membranes.

The biology is the activated sludge procedure of M&E 5th ed. Ch. 8 (shared
with :mod:`.activated_sludge`) at the MBR's mixed liquor concentration and
with a minimum SRT; alpha falls with MLSS (Krampe & Krauth 2003). The
membranes replace the secondary clarifier: area from the net flux at
average and peak flow, scour air from the specific air demand per membrane
area (SADm), permeate and recirculation pumps, clean-in-place chemicals
(sodium hypochlorite, citric acid) and membrane replacement as a yearly
cost. Waste sludge leaves at the MLSS; the permeate carries < 1 mg/L TSS.
"""

from __future__ import annotations

import math

from ..cost_curves import curve_cost
from ..costing import CurveItem, installed_estimate
from ..criteria import Criterion, load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .activated_sludge import GRAVITY, BiologicalDesign, SuspendedGrowth
from .base import register
from .common import cost_nutrient_dosing, nutrient_note

WATER = Q_(1000.0, "kg/m**3")


@register
class MembraneBioreactor(SuspendedGrowth):
    type = "mbr"
    tag_prefix = "MBR"

    def size(self, influent: Stream) -> None:
        q, q_peak = influent.flow, influent.peak_flow
        bio = self._design_biology(influent, "mlss", srt_floor="srt_min")
        t = float(bio.temperature.magnitude)
        recirc = self.c("recirculation_ratio")
        # The membrane-tank return goes to the head of the bioreactor, so it carries nitrate
        # to the anoxic zone like the return sludge of an MLE plant.
        reactor = self._reactor(influent, bio, recirc.quantity.to(""), "effluent_tss")
        denit = reactor["denit"]

        area = self._membranes(q, q_peak)
        tank = self.calc("V_MT", "Membrane tank volume", "V_MT = A_m / ρ_pack",
                         {"A_m": (area, "calculated"), "ρ_pack": self.c("membrane_packing_density")},
                         area / self.c("membrane_packing_density").quantity, unit="m**3")
        self.add_sizing("membrane_tank_volume", "Membrane tank volume (within the aerobic volume)", tank)
        v_aer = bio.aerobic_volume
        if tank > v_aer:
            v_aer = tank
            self.note("The membrane tanks are larger than the aerobic volume the kinetics need; "
                      "the aerobic volume is set by the membrane tanks.")

        mlss_gl = self.c("mlss").quantity.to("g/L").magnitude
        k = self.c("alpha_mlss_coefficient")
        alpha = self.calc("α", "Alpha factor at the MBR mixed liquor concentration", "α = exp(−k·MLSS)",
                          {"k": k, "MLSS": self.c("mlss")}, Q_(math.exp(-k.quantity.to("L/g").magnitude * mlss_gl), ""))
        depth = self.c("side_water_depth").quantity
        aer = self._with_mixing_air(self._aeration(reactor["ro"], (alpha, "Krampe & Krauth (2003)"), depth, t),
                                    v_aer / depth)
        self.add_sizing("sotr", "Standard oxygen transfer rate (average)", aer["sotr"])
        self.add_sizing("air_flow", "Process air at standard conditions (average)", aer["air"])
        alk_out = self._alkalinity(influent, bio.nox, reactor["no3_removed"])

        self._basins(v_aer, reactor["anoxic_volume"], depth)
        if denit:
            self._anoxic_equipment(denit, q, ("-04", "-05"))
        n_diff = self.calc("N_diff", "Fine-pore diffusers (process air)", "N = ⌈Q_air,peak / q_diffuser⌉",
                           {"Q_air,peak": (aer["air_peak"], "calculated"),
                            "q_diffuser": self.c("air_flow_per_diffuser")},
                           Q_(math.ceil((aer["air_peak"] / self.c("air_flow_per_diffuser").quantity)
                                        .to("").magnitude), ""))
        self.add_sizing("diffusers", "Number of fine-pore diffusers", n_diff)
        self.add_equipment("-02", "Fine-pore membrane disc diffuser, 9 in, with laterals", quantity=int(n_diff.magnitude),
                           capacity=self.c("air_flow_per_diffuser").quantity, material="EPDM membrane, PVC laterals")
        self._process_blowers = self._add_blowers("-03", aer["air"], aer["air_peak"], aer["submergence"],
                                                  aer["p_ratio"], mark("Process air blower"), key="blower")
        scour = self.calc("Q_scour", "Membrane scour air", "Q_scour = SAD_m·A_m",
                          {"SAD_m": self.c("sad_m"), "A_m": (area, "calculated")},
                          self.c("sad_m").quantity * area, unit="m**3/hour")
        self.add_sizing("scour_air", "Membrane scour air at standard conditions", scour)
        self.add_sizing("sad_p", "Scour air per permeate volume (SADp)",
                        self.calc("SAD_p", "Specific scour air demand per permeate", "SAD_p = Q_scour/Q",
                                  {"Q_scour": (scour, "calculated"), "Q": (q, "influent")}, (scour / q).to("")))
        # Scour air runs continuously at the same rate whatever the load.
        self._scour_blowers = self._add_blowers("-12", scour, scour, aer["submergence"], aer["p_ratio"],
                                                mark("Membrane scour blower"), key="scour_blower")
        self._pumps(q, q_peak, recirc)
        self._cleaning(q, area)
        self._fine_screens(q, q_peak)

        # --- permeate and waste sludge ---
        tss_in = influent.get("tss", 0.0)
        tss_e = min(self.c("effluent_tss").quantity, tss_in)
        removal = 1.0 - (tss_e / tss_in).to("").magnitude if tss_in.magnitude > 0 else 1.0
        generated = self.calc("ΔTSS", "Solids formed (biomass grown − biodegradable VSS destroyed)",
                              "ΔTSS = P_X,TSS − Q·TSS_in",
                              {"P_X,TSS": (bio.px_tss, "calculated"), "Q·TSS_in": (influent.mass_flow("tss"), "influent")},
                              bio.px_tss - influent.mass_flow("tss"), unit="kg/day")
        changes = self._permeate_quality(influent, bio, reactor["no3_e"], alk_out)
        _, sludge = self.separate_solids(influent, removal, self.c("mlss").quantity.to("mg/L").magnitude / 1e6,
                                         extra_solids=generated, effluent_changes=changes,
                                         name=self.t("Waste activated sludge"))
        if influent.get("coliforms") is not None:
            # Set on the stream directly: Stream.derive cannot convert to the "CFU/(100 mL)" unit text.
            lrv = self.c("coliform_log_removal")
            self.effluent.quality["coliforms"] = self.calc(
                "N_e", "Permeate coliforms", "N_e = N_0·10^(−LRV)",
                {"N_0": (influent.get("coliforms"), "influent"), "LRV": lrv}, influent.get("coliforms") * 10 ** (-lrv.m))
        self.add_sizing("was_flow", "Waste sludge flow (at the MLSS)", sludge.flow, "m**3/day")
        self.add_sizing("was_solids", "Waste sludge solids", sludge.mass_flow("tss"), "kg/day")
        for p in ("bod", "cod", "nh4_n", "tn", "tp", "coliforms"):
            c_in, c_out = influent.get(p), self.effluent.get(p) if self.effluent else None
            if c_in is not None and c_out is not None and c_in.magnitude > 0:
                self.removals[p] = max(0.0, 1.0 - (c_out / c_in).to("").magnitude)
        nutrient_note(self, influent, {"tn": bio.n_dose, "tp": bio.p_dose})
        self.equipment.sort(key=lambda e: e.tag)
        self.note("SRT {srt:.1f} d at MLSS {mlss:g} g/L, {t:g} °C; {opening:g} mm fine screens protect the membranes "
                  "(part of this unit).", srt=bio.srt.magnitude, mlss=mlss_gl, t=t,
                  opening=self.c("fine_screen_opening").quantity.to("mm").magnitude)

    # -- parts of size() -----------------------------------------------------

    def _membranes(self, q: Quantity, q_peak: Quantity) -> Quantity:
        j_avg, j_peak = self.c("net_flux_avg"), self.c("net_flux_peak")
        a_avg = self.calc("A_m,avg", "Membrane area for the average net flux", "A = Q/J_avg",
                          {"Q": (q, "influent"), "J_avg": j_avg}, q / j_avg.quantity, unit="m**2")
        a_peak = self.calc("A_m,peak", "Membrane area for the peak net flux", "A = Q_peak/J_peak",
                           {"Q_peak": (q_peak, "influent peak"), "J_peak": j_peak}, q_peak / j_peak.quantity, unit="m**2")
        required = max(a_avg, a_peak)
        # A containerised plant has its membranes in two tanks as well: the site-built and packaged
        # options share one process design and differ only in how they are built and priced.
        n = self.parallel_trains(required, self.c("max_train_membrane_area"), "membrane trains",
                                 minimum=int(self.c("min_membrane_trains").m))
        per_module, per_cassette = self.c("membrane_module_area"), self.c("membrane_area_per_cassette")
        modules = math.ceil((required / n / per_module.quantity).to("").magnitude - 1e-9)
        self.calc("N_mod", "Membrane modules per train", "N_mod = ⌈A_req/(N·A_module)⌉",
                  {"A_req": (required, "calculated"), "N": (Q_(n, ""), "calculated"), "A_module": per_module},
                  Q_(modules, ""))
        area = self.calc("A_m", "Membrane area installed", "A_m = N·N_mod·A_module",
                         {"N": (Q_(n, ""), "calculated"), "N_mod": (Q_(modules, ""), "calculated"),
                          "A_module": per_module}, n * modules * per_module.quantity, unit="m**2")
        per_rack = max(1, int((per_cassette.quantity / per_module.quantity).to("").magnitude))
        cassettes = math.ceil(modules / per_rack)
        self.calc("N_cas", "Cassettes per membrane train", "N_cas = ⌈N_mod/⌊A_cassette/A_module⌋⌉",
                  {"N_mod": (Q_(modules, ""), "calculated"), "A_cassette": per_cassette, "A_module": per_module},
                  Q_(cassettes, ""))
        self.add_sizing("membrane_area", "Membrane area installed", area)
        self.add_sizing("membrane_trains", "Membrane trains", Q_(n, ""))
        self.add_sizing("cassettes", "Membrane cassettes", Q_(n * cassettes, ""))
        self.add_sizing("flux_avg", "Net flux at average flow",
                        self.calc("J", "Net flux at average flow", "J = Q/A_m", {"Q": (q, "influent"),
                                                                                 "A_m": (area, "calculated")},
                                  q / area, unit="L/(m**2*hour)"))
        self.add_sizing("flux_peak", "Net flux at peak flow",
                        self.calc("J_peak", "Net flux at peak flow", "J = Q_peak/A_m",
                                  {"Q_peak": (q_peak, "influent peak"), "A_m": (area, "calculated")},
                                  q_peak / area, unit="L/(m**2*hour)"))
        self.add_equipment("-11", self.t("Immersed membrane cassette, up to {n} modules of {area:g} m2", n=per_rack,
                                         area=per_module.quantity.magnitude), quantity=n * cassettes,
                           capacity=(area / (n * cassettes)).to("m**2"),
                           material="PVDF hollow fibre or flat sheet, stainless steel frame")
        self._membrane_area, self._membrane_trains = area, n
        return area

    def _pumps(self, q: Quantity, q_peak: Quantity, recirc: Criterion) -> None:
        n = self._membrane_trains
        eff = self.c("pump_efficiency")
        rho_g = WATER * GRAVITY
        head = self.c("permeate_pump_head")
        p_avg = self.calc("P_perm", "Permeate pumping power at average flow", "P = ρ·g·Q·H/η",
                          {"Q": (q, "influent"), "H": head, "η": eff}, rho_g * q * head.quantity / eff.m, unit="kW")
        each = (q_peak / n).to("m**3/hour")
        p_each = (rho_g * each * head.quantity / eff.m).to("kW")
        self.add_equipment("-08", "Permeate pump (reversible, for backpulse)", quantity=n + 1, standby=1,
                           capacity=each, power=p_each, material="AISI 316 stainless steel")
        self.add_power("Permeate pumps", p_each * (n + 1), p_avg)
        q_r = self.calc("Q_rec", "Membrane tank recirculation flow", "Q_rec = r·Q",
                        {"r": recirc, "Q": (q, "influent")}, q * recirc.m, unit="m**3/hour")
        head_r = self.c("recirculation_head")
        p_r = self.calc("P_rec", "Recirculation pumping power", "P = ρ·g·Q_rec·H/η",
                        {"Q_rec": (q_r, "calculated"), "H": head_r, "η": eff}, rho_g * q_r * head_r.quantity / eff.m,
                        unit="kW")
        self.add_equipment("-09", "Mixed liquor recirculation pump", quantity=n + 1, standby=1,
                           capacity=(q_r / n).to("m**3/hour"), power=p_r / n, material="AISI 316 stainless steel")
        self.add_power("Recirculation pumps", p_r / n * (n + 1), p_r)
        self._permeate_each, self._recirc_each = each.to("L/s"), (q_r / n).to("L/s")

    def _cleaning(self, q: Quantity, area: Quantity) -> None:
        """Clean-in-place chemicals: maintenance and recovery cleans (Judd & Judd 2011, Ch. 3)."""
        n_m, c_m, v_m = self.c("maintenance_cleans_per_year"), self.c("maintenance_naocl"), self.c("maintenance_clean_volume")
        n_r, c_r, v_r = self.c("recovery_cleans_per_year"), self.c("recovery_naocl"), self.c("recovery_clean_volume")
        c_cit = self.c("recovery_citric")
        cl2 = self.calc("M_Cl2", "Hypochlorite used in cleaning (as Cl2)", "M = A_m·(n_m·C_m·v_m + n_r·C_r·v_r)",
                        {"A_m": (area, "calculated"), "n_m": n_m, "C_m": c_m, "v_m": v_m, "n_r": n_r, "C_r": c_r,
                         "v_r": v_r},
                        area * (n_m.quantity * c_m.quantity * v_m.quantity + n_r.quantity * c_r.quantity * v_r.quantity),
                        unit="kg/year")
        citric = self.calc("M_citric", "Citric acid used in recovery cleans", "M = A_m·n_r·C_cit·v_r",
                           {"A_m": (area, "calculated"), "n_r": n_r, "C_cit": c_cit, "v_r": v_r},
                           area * n_r.quantity * c_cit.quantity * v_r.quantity, unit="kg/year")
        chemicals = load_data("chemicals")["chemicals"]
        fraction = chemicals["sodium_hypochlorite"]["active_fraction"]
        dose_hypo = self.calc("D_NaOCl", "Hypochlorite as product per treated volume", "D = M_Cl2/(w·Q)",
                              {"M_Cl2": (cl2, "calculated"), "w": (Q_(fraction, ""), "data/chemicals.yaml"),
                               "Q": (q, "influent")}, cl2 / (fraction * q), unit="mg/L")
        dose_cit = self.calc("D_citric", "Citric acid per treated volume", "D = M_citric/Q",
                             {"M_citric": (citric, "calculated"), "Q": (q, "influent")}, citric / q, unit="mg/L")
        hypo = self.add_chemical("sodium_hypochlorite", "Membrane cleaning", dose_hypo, q)
        acid = self.add_chemical("citric_acid", "Membrane cleaning", dose_cit, q)
        self.add_equipment("-10", "Clean-in-place skid (hypochlorite and citric acid tanks, dosing pumps)", quantity=1,
                           capacity=(hypo.consumption + acid.consumption).to("kg/day"), power=Q_(1.5, "kW"),
                           material="HDPE tanks, PVDF pump heads")
        self.add_power("Clean-in-place skid", Q_(1.5, "kW"), Q_(0.1, "kW"))
        self._cip = (hypo.consumption + acid.consumption).to("kg/day")

    def _fine_screens(self, q: Quantity, q_peak: Quantity) -> None:
        """Fine screens that protect the membranes from hair and fibres (the plant's bar screen is coarser)."""
        limit = self.c("fine_screen_max_flow")
        duty = math.ceil((q_peak / limit.quantity).to("").magnitude - 1e-9)
        self.calc("N_fs", "Duty fine screens", "N = ⌈Q_peak / Q_max⌉",
                  {"Q_peak": (q_peak, "influent peak"), "Q_max": limit}, Q_(duty, ""))
        each = (q_peak / duty).to("m**3/hour")
        opening = self.c("fine_screen_opening").quantity.to("mm").magnitude
        power = self.c("fine_screen_power").quantity
        self.add_equipment("-14", self.t("Fine screen, {opening:g} mm perforated plate (rotary drum), with "
                                         "washer-compactor (duty {duty} + standby 1)", opening=opening, duty=duty),
                           quantity=duty + 1, standby=1, capacity=each, power=power,
                           material="AISI 316 stainless steel")
        self.add_power("Fine screens (drum drive, wash pump, compactor)", power * (duty + 1),
                       power * duty * self.c("fine_screen_operating_fraction").m)
        volume = self.calc("V_scr", "Fine screenings", "V = y · Q",
                           {"y": self.c("fine_screenings_yield"), "Q": (q, "influent")},
                           self.c("fine_screenings_yield").quantity * q, unit="m**3/day")
        self.add_sizing("fine_screenings", "Fine screenings to landfill", volume)
        # Compacted screenings at 960 kg/m3 (M&E 5th ed., Table 5-3), as the bar screen reports them.
        self.add_residual("screenings", volume, volume * Q_(960.0, "kg/m**3"), "landfill")
        self._fine_screen = (duty + 1, each)

    def _permeate_quality(self, influent: Stream, bio: BiologicalDesign, no3_e: Quantity, alk_out: Quantity) -> dict[str, Quantity]:
        q = influent.flow
        sbod = self.calc("BOD_e", "Permeate BOD5 (soluble only)", "BOD_e = max(S/r, sBOD_residual)",
                         {"S": (bio.s_effluent, "calculated"), "r": self.c("bcod_bod_ratio"),
                          "sBOD_residual": self.c("residual_soluble_bod")},
                         max(bio.s_effluent / self.c("bcod_bod_ratio").m, self.c("residual_soluble_bod").quantity),
                         unit="mg/L")
        changes: dict[str, Quantity] = {"bod": sbod,
                                        "turbidity": self.c("effluent_turbidity").quantity}
        if bio.nbscod is not None:
            changes["cod"] = self.calc("COD_e", "Permeate COD", "COD_e = nbsCOD + S",
                                       {"nbsCOD": (bio.nbscod, "calculated"), "S": (bio.s_effluent, "calculated")},
                                       bio.nbscod + bio.s_effluent, unit="mg/L")
        if bio.tkn is not None:
            son = self.c("effluent_soluble_organic_n")
            changes["nh4_n"], changes["no3_n"] = bio.nh4_effluent, no3_e
            changes["tn"] = self.calc("TN_e", "Permeate total nitrogen", "TN_e = N_e + NO3_e + sON",
                                      {"N_e": (bio.nh4_effluent, "calculated"), "NO3_e": (no3_e, "calculated"),
                                       "sON": son}, bio.nh4_effluent + no3_e + son.quantity, unit="mg/L")
        if influent.get("tp") is not None:
            # Where phosphorus is dosed for growth the biomass takes what the dose was sized for.
            f_p = self.c("biomass_p_requirement" if bio.p_dose.magnitude else "biomass_p_content")
            taken = f_p.m * bio.px_bio / q
            inputs = {"TP": (influent.get("tp"), "influent"), "D_P": (bio.p_dose, "calculated"),
                      "f_P": f_p, "P_X,bio": (bio.px_bio, "calculated"), "Q": (q, "influent")}
            # Metal phosphate floc from a coagulant dosed upstream is a solid: the membrane keeps it
            # and it leaves with the waste sludge.
            coagulation = self.ctx.shared.get("coagulation")
            p_chem = coagulation["tp"] if coagulation is not None else Q_(0.0, "mg/L")
            if p_chem.magnitude:
                inputs["P_chem"] = (p_chem, coagulation["tag"], mark("phosphorus precipitated in the floc"))
            changes["tp"] = self.calc("TP_e", "Permeate phosphorus (biomass uptake and retained metal phosphate)",
                                      "TP_e = max(0, TP + D_P − f_P·P_X,bio/Q − P_chem)", inputs,
                                      max(influent.get("tp") + bio.p_dose - taken - p_chem, Q_(0.0, "mg/L")),
                                      unit="mg/L")
        if influent.get("alkalinity") is not None or bio.nox.magnitude > 0:
            changes["alkalinity"] = alk_out
        if "tds" in self.generated:
            changes["tds"] = influent.get("tds") + self.generated["tds"] / q
        return changes

    # -- cost ------------------------------------------------------------------

    def _site_built_items(self) -> list[CurveItem]:
        """What a site-built MBR buys: tanks, membranes and their equipment, blowers, pumps, screens, skids."""
        basins = int(self.sizing["basins"].quantity.magnitude)
        area, n = self._membrane_area, self._membrane_trains
        items = [CurveItem("basin", self.sizing["basin_volume"].quantity, basins, "civil"),
                 CurveItem("membranes", area, category="membranes"),
                 CurveItem("membrane_equipment", area / n, n)]
        duty, each = self._process_blowers
        items.append(CurveItem("blower", each, duty + 1, description=mark("process air blowers")))
        items.append(CurveItem("diffusers", self.sizing["diffusers"].quantity))
        items.append(CurveItem("pump", self._permeate_each, n + 1, description=mark("permeate pumps")))
        items.append(CurveItem("recycle_pump", self._recirc_each, n + 1, description=mark("recirculation pumps")))
        if "anoxic_volume" in self.sizing:
            mixer = next(e for e in self.equipment if e.tag.endswith("-04"))
            items.append(CurveItem("mixer", mixer.power, mixer.quantity))
            if self._ir_flow_each is not None:
                items.append(CurveItem("recycle_pump", self._ir_flow_each, basins + 1,
                                       description=mark("internal recycle pumps")))
        items.append(CurveItem("dosing_system", self._cip, description=mark("clean-in-place skid")))
        if self._dosing is not None:
            items.append(CurveItem("dosing_system", self._dosing))
        duty, each = self._scour_blowers
        items.append(CurveItem("blower", each, duty + 1, description=mark("membrane scour blowers")))
        screens, per_screen = self._fine_screen
        items.append(CurveItem("fine_screen", per_screen, screens, description=mark("fine screens")))
        return items

    def _choose_packaged(self, site: list[CurveItem]) -> bool:
        """A containerised plant where one is made for the flow and it costs less installed than a site-built one.

        Taking the cheaper option keeps the unit's cost continuous and rising with flow
        across the change from packaged to site-built.
        """
        assert self.influent is not None
        q, limit = self.influent.flow, self.c("packaged_below")
        if q > limit.quantity:
            return False
        c_site = Q_(installed_estimate(self, site, packaged=False), "USD")
        c_pkg = Q_(installed_estimate(self, [CurveItem("packaged_plant", q)], packaged=True), "USD")
        basis = mark("cost curves of data/units/mbr.yaml × installation factors of data/costing.yaml")
        self.calc("C_inst,site", "Installed cost of a site-built MBR (for the choice)", "C = Σ f_i · C_i",
                  {"C_i": (c_site, basis, "site-built items")}, c_site)
        self.calc("C_inst,pkg", "Installed cost of a containerised MBR (for the choice)", "C = f_pkg · C_pkg",
                  {"C_pkg": (c_pkg, basis, "packaged plant")}, c_pkg)
        packaged = c_pkg <= c_site
        self.calc("C_inst,MBR", "Installed cost of the cheaper option", "C = min(C_inst,pkg, C_inst,site)",
                  {"C_inst,pkg": (c_pkg, "calculated"), "C_inst,site": (c_site, "calculated"), "Q_max,pkg": limit},
                  min(c_pkg, c_site))
        saving = 1 - min(c_pkg, c_site) / max(c_pkg, c_site)
        params = {"saving": saving.to("").magnitude, "flow": q.to("m**3/day").magnitude}
        if packaged:
            self.note("A containerised MBR costs {saving:.0%} less installed than a site-built one at "
                      "{flow:,.0f} m3/d: it is used.", **params)
        else:
            self.note("A site-built MBR costs {saving:.0%} less installed than a containerised one at "
                      "{flow:,.0f} m3/d: it is used.", **params)
        return packaged

    def cost(self) -> None:
        area = self._membrane_area
        site = self._site_built_items()
        self.packaged = self._choose_packaged(site)
        if self.packaged:
            assert self.influent is not None
            self.curve_cost("packaged_plant", self.influent.flow)
            membranes = curve_cost(self.cost_curve("membranes"), area, log=self.log, unit_tag=self.tag,
                                   warnings=self.ctx.warnings, label=self.t("Membrane modules in the package (for replacement)"))
        else:
            membranes = Q_(0.0, "USD")
            for item in site:
                cost = self.curve_cost(item.curve, item.capacity, count=item.count, category=item.category,
                                       description=item.description)
                if item.category == "membranes":
                    membranes = cost
        cost_nutrient_dosing(self)
        life = self.c("membrane_life")
        annual = self.calc("C_repl", "Membrane replacement (yearly)", "C_repl = C_membranes / life",
                           {"C_membranes": (membranes, "cost curve"), "life": life}, membranes / life.quantity,
                           unit="USD/year")
        self.add_opex("replacement", self.t("Membrane replacement every {life:g} years", life=life.quantity.magnitude),
                      annual)
