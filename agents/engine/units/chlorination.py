"""Chlorination with sodium hypochlorite in a CT contact tank.

Drinking water: the CT for Giardia (Smith et al. 1995 regression of the
USEPA SWTR Appendix E tables) and for viruses (Table E-7) at the
temperature, pH and free chlorine residual; the larger governs. Wastewater:
the Collins–Selleck model (M&E 5th ed., §12-3) gives the CT that brings the
coliforms to the destination's limit, with a minimum contact time at peak
flow (Ten States Standards). T10 = CT/C; the tank holds T10/(T10/T) at the
peak flow. Dose = demand + residual, as 12.5 % hypochlorite; sodium
bisulfite removes the residual before a surface-water discharge.
"""

from __future__ import annotations

import math

from ..criteria import Criterion, load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import cheaper_option

# A mg of Cl2 dosed as NaOCl ends as NaCl (58.44/70.9 = 0.82 mg) and the product carries about as
# much NaCl again from its manufacture (Cl2 + 2 NaOH → NaOCl + NaCl): about 1.65 mg TDS per mg Cl2.
TDS_PER_CL2 = 1.65


def giardia_ct(log_inactivation: float, temp_c: float, residual: float, ph: float) -> float:
    """CT (mg·min/L) for Giardia by free chlorine: Smith et al. (1995) regression of the SWTR Appendix E tables."""
    if temp_c < 12.5:
        return 0.353 * log_inactivation * (12.006 + math.exp(2.46 - 0.073 * temp_c + 0.125 * residual + 0.389 * ph))
    return 0.361 * log_inactivation * (-2.216 + math.exp(2.69 - 0.065 * temp_c + 0.111 * residual + 0.361 * ph))


def virus_ct(log_inactivation: float, temp_c: float, rows: list[list[float]]) -> float:
    """CT for viruses by free chlorine (SWTR Table E-7, 4-log column), interpolated in T and scaled by log."""
    t = min(max(temp_c, rows[0][0]), rows[-1][0])
    for (t0, c0), (t1, c1) in zip(rows, rows[1:]):
        if t0 <= t <= t1:
            ct4 = c0 + (c1 - c0) * (t - t0) / (t1 - t0)
            break
    return ct4 * log_inactivation / 4.0


def collins_selleck_ct(n0: float, n: float, b: float, slope: float) -> float:
    """CT giving N/N0 in the Collins–Selleck model N/N0 = (CT/b)^−n (no kill below CT = b)."""
    if n >= n0:
        return 0.0
    return b * (n0 / n) ** (1.0 / slope)


@register
class Chlorination(UnitProcess):
    type = "chlorination"
    tag_prefix = "CL"

    def size(self, influent: Stream) -> None:
        q, q_peak = influent.flow, influent.peak_flow
        # Below the packaged limit both a packaged and a site-built unit are valid: the cheaper installed.
        allowed = ["packaged", "site-built"] if q < self.c("packaged_below").quantity else ["site-built"]
        self.packaged = cheaper_option(self, influent, {"packaged": True, "site-built": False}, allowed,
                                       "construction") == "packaged"
        potable = self.ctx.destination == "potable"
        temp = influent.get("temperature")
        temp_c = float((temp if temp is not None else self.ctx.design_temperature.quantity).to("degC").magnitude)
        t_source = "influent" if temp is not None else self.ctx.design_temperature.source
        n0 = influent.get("coliforms")
        if potable:
            residual, ct, t10 = self._potable_ct(influent, temp_c, t_source)
            demand = self.c("chlorine_demand_potable")
        else:
            residual, ct, t10 = self._wastewater_ct(influent, n0)
            demand = self.c("chlorine_demand_wastewater")
        bf = self.c("baffling_factor")
        hrt = self.calc("τ", "Hydraulic retention time at peak flow", "τ = T10/(T10/T)",
                        {"T10": (t10, "calculated"), "T10/T": bf}, t10 / bf.m, unit="min")
        volume = self.calc("V", "Contact volume (at peak flow)", "V = Q_peak·τ",
                           {"Q_peak": (q_peak, "influent peak"), "τ": (hrt, "calculated")}, q_peak * hrt, unit="m**3")
        self.add_sizing("ct_required", "CT required", ct)
        self.add_sizing("t10", "Contact time T10 at peak flow", t10)
        self.add_sizing("hrt", "Hydraulic retention time at peak flow", hrt)
        self.add_sizing("volume", "Contact tank volume", volume)
        self.add_sizing("hrt_average", "Retention time at average flow",
                        self.calc("τ_avg", "Retention time at average flow", "τ_avg = V/Q",
                                  {"V": (volume, "calculated"), "Q": (q, "influent")}, volume / q, unit="min"))
        self._tank(volume)

        dose = self.calc("D_Cl2", "Chlorine dose", "D = demand + residual",
                         {"demand": demand, "residual": residual}, demand.quantity + residual.quantity, unit="mg/L")
        self.add_sizing("dose", "Chlorine dose (as Cl2)", dose)
        chemicals = load_data("chemicals")["chemicals"]
        w = chemicals["sodium_hypochlorite"]["active_fraction"]
        product = self.calc("D_NaOCl", "Hypochlorite dose as 12.5 % product", "D_product = D/w",
                            {"D": (dose, "calculated"), "w": (Q_(w, ""), "data/chemicals.yaml")}, dose / w, unit="mg/L")
        hypo = self.add_chemical("sodium_hypochlorite", "Disinfection", product, q)
        self._feed(("-02", "-03"), "NaOCl", self.t("Sodium hypochlorite (12.5 %)"), hypo.consumption, product, q_peak,
                   self.c("hypochlorite_density").quantity)
        tds_added = dose * TDS_PER_CL2

        self._bisulfite = None
        if self.ctx.destination == "surface_water":
            ratio = self.c("bisulfite_ratio")
            wb = chemicals["sodium_bisulfite"]["active_fraction"]
            bis = self.calc("D_NaHSO3", "Sodium bisulfite as 38 % product to remove the residual", "D = r·C_res/w",
                            {"r": ratio, "C_res": residual, "w": (Q_(wb, ""), "data/chemicals.yaml")},
                            residual.quantity * ratio.m / wb, unit="mg/L")
            chem = self.add_chemical("sodium_bisulfite", "Dechlorination before discharge", bis, q)
            self._feed(("-04", "-05"), "NaHSO3", self.t("Sodium bisulfite (38 %)"), chem.consumption, bis, q_peak,
                       self.c("bisulfite_density").quantity)
            self._bisulfite = chem.consumption
            # The bisulfite ends as sulfate and sodium: about its own mass of dissolved solids.
            tds_added = tds_added + bis * wb
            self.note("Residual chlorine is removed with sodium bisulfite before discharge to surface water.")

        changes: dict[str, Quantity] = {}
        if influent.get("tds") is not None:
            self.generated["tds"] = (tds_added * q).to("kg/day")
            changes["tds"] = influent.get("tds") + tds_added
        self.effluent = influent.derive(**changes)
        if n0 is not None:
            self._coliforms(n0, ct, potable)
        self.add_equipment("-06", "Free/total chlorine residual analyser", quantity=2, material="")
        if self.packaged:
            self.note("Average flow {q:,.0f} m3/d is below {limit:g} m3/d: a packaged hypochlorite skid with a pipe or "
                      "tank contactor is used.", q=q.magnitude, limit=self.c("packaged_below").quantity.magnitude)

    # -- parts of size() -----------------------------------------------------

    def _potable_ct(self, influent: Stream, temp_c: float, t_source: str) -> tuple[Criterion, Quantity, Quantity]:
        ph_q = influent.get("ph")
        ph = float(ph_q.magnitude) if ph_q is not None else self.c("design_ph").m
        ph_source = "influent" if ph_q is not None else self.c("design_ph").source
        residual = self.c("free_chlorine_residual")
        c = residual.quantity.to("mg/L").magnitude
        g_log, v_log = self.c("giardia_log"), self.c("virus_log")
        if not (0.5 <= temp_c <= 25 and 6.0 <= ph <= 9.0 and 0.4 <= c <= 3.0):
            self.warn("the CT tables cover 0.5–25 °C, pH 6–9 and 0.4–3 mg/L; the design ({temp:g} °C, pH {ph:g}, "
                      "{c:g} mg/L) is extrapolated.", temp=temp_c, ph=ph, c=c)
        inputs = {"L": g_log, "T": (Q_(temp_c, "degC"), t_source), "C": residual, "pH": (Q_(ph, ""), ph_source)}
        ct_g = self.calc("CT_Giardia", "CT for Giardia (free chlorine)",
                         "CT = 0.353·L·(12.006 + e^(2.46 − 0.073T + 0.125C + 0.389pH)) for T < 12.5 °C; "
                         "0.361·L·(−2.216 + e^(2.69 − 0.065T + 0.111C + 0.361pH)) above",
                         inputs, Q_(giardia_ct(g_log.m, temp_c, c, ph), "mg*min/L"),
                         note="Smith, Clark, Pierce & Regli (1995) regression of USEPA (1991) SWTR Appendix E")
        table = self.data["virus_ct_table"]
        ct_v = self.calc("CT_virus", "CT for viruses (free chlorine, pH 6–9)", "CT = CT_4log(T)·L/4",
                         {"L": v_log, "T": (Q_(temp_c, "degC"), t_source)},
                         Q_(virus_ct(v_log.m, temp_c, table["rows"]), "mg*min/L"), note=table["source"])
        ct = self.calc("CT", "CT required", "CT = max(CT_Giardia, CT_virus)",
                       {"CT_Giardia": (ct_g, "calculated"), "CT_virus": (ct_v, "calculated")}, max(ct_g, ct_v),
                       unit="mg*min/L")
        t10 = self.calc("T10", "Contact time T10", "T10 = CT/C", {"CT": (ct, "calculated"), "C": residual},
                        ct / residual.quantity, unit="min")
        return residual, ct, t10

    def _wastewater_ct(self, influent: Stream, n0: Quantity | None) -> tuple[Criterion, Quantity, Quantity]:
        residual = self.c("combined_chlorine_residual")
        target = self.ctx.target("coliforms")
        n_e = target.to("CFU/dL") if target is not None else self.c("effluent_coliforms").quantity
        n0_q = n0.to("CFU/dL") if n0 is not None else self.c("influent_coliforms").quantity
        b, slope = self.c("collins_selleck_b"), self.c("collins_selleck_n")
        # A zero limit (e.g. "not detectable") is designed for 1 per 100 mL.
        n_design = max(n_e.magnitude, 1.0)
        ct = self.calc("CT", "CT for the coliform limit (Collins–Selleck)", "CT = b·(N0/N)^(1/n)",
                       {"b": b, "n": slope, "N0": (n0_q, "influent" if n0 is not None else self.c("influent_coliforms").source),
                        "N": (Q_(n_design, "CFU/dL"), mark("target") if target is not None else self.c("effluent_coliforms").source)},
                       Q_(collins_selleck_ct(n0_q.magnitude, n_design, b.quantity.to("mg*min/L").magnitude, slope.m),
                          "mg*min/L"))
        t_ct = (ct / residual.quantity).to("min")
        t10 = self.calc("T10", "Contact time T10", "T10 = max(CT/C, t_min)",
                        {"CT": (ct, "calculated"), "C": residual, "t_min": self.c("min_contact_time")},
                        max(t_ct, self.c("min_contact_time").quantity), unit="min")
        return residual, ct, t10

    def _tank(self, volume: Quantity) -> None:
        n = self.parallel_trains(volume, self.c("max_tank_volume"), "contact tanks",
                                 minimum=1 if self.packaged else int(self.c("min_tanks").m))
        depth, lw = self.c("tank_depth"), self.c("length_width_ratio")
        area = self.calc("A", "Plan area of each tank", "A = V/(N·d)",
                         {"V": (volume, "calculated"), "N": (Q_(n, ""), "calculated"), "d": depth},
                         volume / (n * depth.quantity), unit="m**2")
        width = self.calc("W", "Channel width", "W = √(A/(L/W))", {"A": (area, "calculated"), "L/W": lw},
                          (area / lw.m) ** 0.5, unit="m")
        length = self.calc("L", "Flow path length", "L = A/W", {"A": (area, "calculated"), "W": (width, "calculated")},
                           area / width, unit="m")
        self.add_sizing("tanks", "Number of contact tanks", Q_(n, ""))
        self.add_sizing("channel_width", "Serpentine channel width", width)
        self.add_sizing("path_length", "Flow path length per tank", length)
        self.add_sizing("depth", "Water depth", depth.quantity, "m")
        kind = self.t("Packaged contactor (pipe loop or tank)") if self.packaged else self.t("Serpentine chlorine contact tank")
        self.add_equipment("-01", self.t("{kind}, {length:.0f} m path × {width:.2f} m × {depth:g} m", kind=kind,
                                         length=length.magnitude, width=width.magnitude, depth=depth.quantity.magnitude),
                           quantity=n, capacity=(volume / n).to("m**3"),
                           material="HDPE / steel" if self.packaged else "reinforced concrete")

    def _feed(self, suffixes: tuple[str, str], symbol: str, name: str, consumption: Quantity, dose: Quantity,
              q_peak: Quantity, density: Quantity) -> None:
        """Duty/standby metering pumps sized for the peak flow, and storage for the average use."""
        pump = self.calc(f"q_pump,{symbol}", self.t("{name} pump capacity at peak flow", name=name), "q = D·Q_peak/ρ",
                         {"D": (dose, "calculated"), "Q_peak": (q_peak, "influent peak"), "ρ": (density, "product")},
                         dose * q_peak / density, unit="L/hour")
        days = self.c("storage_days")
        store = self.calc(f"V_store,{symbol}", self.t("{name} storage", name=name), "V = M·t/ρ",
                          {"M": (consumption, "calculated"), "t": days, "ρ": (density, "product")},
                          consumption * days.quantity / density, unit="m**3")
        self.add_equipment(suffixes[0], self.t("{name} metering pump (diaphragm)", name=name), quantity=2, standby=1, capacity=pump,
                           power=Q_(0.37, "kW"), material="PVDF head")
        self.add_equipment(suffixes[1], self.t("{name} storage tank", name=name), quantity=2, capacity=store / 2,
                           material="HDPE / FRP")
        self.add_power(self.t("{name} metering pumps", name=name), Q_(0.74, "kW"), Q_(0.37, "kW"))

    def _coliforms(self, n0: Quantity, ct: Quantity, potable: bool) -> None:
        assert self.effluent is not None
        if potable:
            lrv = self.c("bacteria_log_potable")
            n = self.calc("N_e", "Effluent coliforms", "N_e = N0·10^(−LRV)",
                          {"N0": (n0, "influent"), "LRV": lrv}, n0 * 10 ** (-lrv.m))
        else:
            b, slope = self.c("collins_selleck_b"), self.c("collins_selleck_n")
            ct_v = ct.to("mg*min/L").magnitude
            ratio = 1.0 if ct_v <= b.quantity.magnitude else (ct_v / b.quantity.magnitude) ** (-slope.m)
            n = self.calc("N_e", "Effluent coliforms (Collins–Selleck at the CT provided)", "N_e = N0·(CT/b)^(−n)",
                          {"N0": (n0, "influent"), "CT": (ct, "calculated"), "b": b, "n": slope}, n0 * ratio)
        # Set on the stream directly: Stream.derive cannot convert to the "CFU/(100 mL)" unit text.
        self.effluent.quality["coliforms"] = n
        if n0.magnitude > 0:
            self.removals["coliforms"] = 1.0 - (n / n0).to("").magnitude
        self.add_sizing("log_inactivation", "Coliform log inactivation",
                        Q_(math.log10((n0 / n).to("").magnitude) if n.magnitude > 0 else 0.0, ""))

    def cost(self) -> None:
        if self.packaged:
            assert self.influent is not None
            self.curve_cost("packaged_system", self.influent.flow)
            return
        n = self.trains
        v_tank = self.costed_size("V_cost", (self.sizing["volume"].quantity / n).to("m**3"),
                                  self.c("min_contact_tank_volume"), mark("contact tank"))
        self.curve_cost("contact_tank", v_tank, count=n, category="civil")
        hypo = next(c for c in self.chemicals if c.key == "sodium_hypochlorite")
        smallest = self.c("min_dosing_capacity")
        m_hypo = self.costed_size("M_cost,NaOCl", hypo.consumption, smallest, mark("hypochlorite feed"))
        self.curve_cost("dosing_system", m_hypo, description="hypochlorite storage and feed")
        if self._bisulfite is not None:
            m_bis = self.costed_size("M_cost,NaHSO3", self._bisulfite, smallest, mark("bisulfite feed"))
            self.curve_cost("dosing_system", m_bis, description="bisulfite storage and feed")
