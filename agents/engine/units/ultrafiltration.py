"""Pressurised hollow-fibre ultrafiltration (AWWA M53; MWH 3rd ed. ch. 12; US EPA Membrane Filtration Guidance).

Dead-end filtration: all the feed passes the membranes and the retained solids
leave with the backwash. The membrane area follows from the design flux
(corrected from 20 °C by the water viscosity) and the fraction of time a rack
filters (backwashes and chemically enhanced backwashes take it offline); the
water recovery follows from the backwash and CEB volumes. Racks are duty plus
standby so that one can be cleaned or integrity-tested at design flow.
"""

from __future__ import annotations

import math

from ..criteria import load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .reverse_osmosis import motor_rating, solution_flow

# Water viscosity, Vogel equation μ = A·10^(B/(T − C)): A = 2.414·10⁻⁵ Pa·s, B = 247.8 K, C = 140 K
# (within 1 % of the CRC Handbook table from 0 to 40 °C).
VISCOSITY_A, VISCOSITY_B, VISCOSITY_C = 2.414e-5, 247.8, 140.0
# Adiabatic blower power (Metcalf & Eddy 5th ed., Eq. 5-77): R in kJ/(kmol·K), air molar mass, n = (k−1)/k.
R_GAS, M_AIR, ADIABATIC_N = 8.314, 28.97, 0.283
AIR_DENSITY = Q_(1.204, "kg/m**3")  # 20 °C, 1 atm
ATMOSPHERE = Q_(1.01325, "bar")
# Sodium hypochlorite dosed as Cl2 leaves as NaOCl/NaCl: 74.44 g NaOCl per 70.90 g Cl2.
NAOCL_PER_CL2 = 74.44 / 70.90
# The RO feed type named by the train selection, as a UF feed type: UF ahead of RO sees the same water, and
# salinity does not change a UF flux, so brackish (ground or surface) water takes the surface/ground water flux.
RO_FEED_TYPES = {"seawater": "seawater", "brackish": "fresh", "wastewater": "wastewater"}
# The waters the UF is designed for, as named in the note on its design basis.
WATERS = {"fresh": mark("surface or ground water"), "seawater": mark("seawater"),
          "wastewater": mark("wastewater effluent")}
RO_WATERS = {"seawater": mark("seawater"), "brackish": mark("brackish water"),
             "wastewater": mark("wastewater effluent")}
DOSED = {"sodium_hypochlorite": mark("sodium hypochlorite"), "hydrochloric_acid": mark("hydrochloric acid")}


def water_viscosity(temperature_c: float) -> float:
    return VISCOSITY_A * 10 ** (VISCOSITY_B / (temperature_c + 273.15 - VISCOSITY_C))


def blower_power(air: Quantity, discharge_gauge: Quantity, efficiency: float) -> Quantity:
    """Adiabatic compression power of air drawn at 20 °C and 1 atm (M&E 5th ed., Eq. 5-77)."""
    w = (air * AIR_DENSITY).to("kg/s").magnitude
    ratio = ((ATMOSPHERE + discharge_gauge) / ATMOSPHERE).to("").magnitude
    return Q_(w * R_GAS * 293.15 / (M_AIR * ADIABATIC_N * efficiency) * (ratio ** ADIABATIC_N - 1.0), "kW")


@register
class Ultrafiltration(UnitProcess):
    type = "ultrafiltration"
    tag_prefix = "UF"

    def _classify(self, influent: Stream) -> tuple[str, str]:
        """The feed type whose flux applies, and the design basis in words (for the note)."""
        hint = self.ctx.shared.get("ultrafiltration.feed_type")
        ro_hint = self.ctx.shared.get("reverse_osmosis.feed_type")
        if hint in WATERS or ro_hint in RO_FEED_TYPES:
            feed = str(hint) if hint in WATERS else RO_FEED_TYPES[ro_hint]
            if ro_hint in RO_WATERS:
                return feed, self.t("as reverse osmosis pretreatment on {water}", water=self.t(RO_WATERS[ro_hint]))
            return feed, self.t("for {water} (the plant's feed)", water=self.t(WATERS[feed]))
        tds = influent.get("tds")
        limit = self.c("seawater_tds_threshold").quantity
        if tds is not None and tds >= limit:
            return "seawater", self.t("for seawater (feed TDS {tds:,.0f} mg/L, at or above {limit:,.0f} mg/L)",
                                      tds=tds.to("mg/L").magnitude, limit=limit.to("mg/L").magnitude)
        for key, name in (("cod", mark("COD")), ("bod", mark("BOD"))):
            value, limit = influent.get(key), self.c(f"wastewater_{key}_threshold").quantity
            if value is not None and value >= limit:
                return "wastewater", self.t("for a wastewater effluent (feed {parameter} {value:,.0f} mg/L, at or "
                                            "above {limit:,.0f} mg/L)", parameter=self.t(name),
                                            value=value.to("mg/L").magnitude, limit=limit.to("mg/L").magnitude)
        return "fresh", self.t("for surface or ground water (feed TDS, COD and BOD below the seawater and "
                               "wastewater thresholds)")

    def size(self, influent: Stream) -> None:
        self.feed_type, basis = self._classify(influent)
        q_avg = influent.flow.to("m**3/day")
        q_peak = self.calc("Q_pk", "Design (peak) feed flow", "Q_pk = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")}, influent.peak_flow, unit="m**3/day")

        feed_temp = influent.get("temperature")
        temp_q = feed_temp if feed_temp is not None else self.ctx.design_temperature.quantity
        t_src = mark("feed temperature") if feed_temp is not None else self.ctx.design_temperature.source
        t_c = temp_q.to("degC").magnitude
        ratio = water_viscosity(20.0) / water_viscosity(t_c)
        tcf = self.calc("TCF", "Flux temperature correction (viscosity ratio)", "TCF = μ(20 °C) / μ(T)",
                        {"T": (temp_q, t_src, "design temperature")}, Q_(ratio, ""))
        flux20 = self.c(f"flux_{self.feed_type}")
        flux = self.calc("J", "Design flux at temperature", "J = J_20 · TCF",
                         {"J_20": flux20, "TCF": (tcf, "calculated")}, flux20.quantity * tcf, unit="L/m**2/h")

        # Filtration cycle of one rack.
        t_f, t_d = self.c("filtration_interval"), self.c("backwash_downtime")
        n_ceb, n_acid, t_ceb = self.c("ceb_frequency"), self.c("acid_ceb_frequency"), self.c("ceb_downtime")
        day = Q_(1.0, "day")
        online = self.calc("f_on", "Fraction of time a rack filters",
                           "f = [1 − (n_CEB + n_acid)·t_CEB / 1 d] · t_f / (t_f + t_bw)",
                           {"t_f": t_f, "t_bw": t_d, "n_CEB": n_ceb, "n_acid": n_acid, "t_CEB": t_ceb},
                           (1 - ((n_ceb.quantity + n_acid.quantity) * t_ceb.quantity).to(""))
                           * (t_f.quantity / (t_f.quantity + t_d.quantity)).to(""), unit="")
        n_bw = self.calc("n_bw", "Backwashes per rack per day", "n = f / t_f",
                         {"f": (online, "calculated"), "t_f": t_f}, online / t_f.quantity, unit="1/day")
        v_bw = self.calc("v_bw", "Backwash water per m² per backwash", "v = J_bw · t_bw",
                         {"J_bw": self.c("backwash_flux"), "t_bw": self.c("backwash_time")},
                         self.c("backwash_flux").quantity * self.c("backwash_time").quantity, unit="L/m**2")
        k = self.c("ceb_backwash_volumes")
        losses = n_bw + (n_ceb.quantity + n_acid.quantity) * k.m
        recovery = self.calc("Y", "Water recovery", "Y = 1 − v_bw·(n_bw + (n_CEB + n_acid)·k) / (J · f · 1 d)",
                             {"v_bw": (v_bw, "calculated"), "n_bw": (n_bw, "calculated"), "n_CEB": n_ceb,
                              "n_acid": n_acid, "k": k, "J": (flux, "calculated"), "f": (online, "calculated")},
                             1 - (v_bw * losses * day / (flux * online * day)).to(""), unit="")
        self.add_sizing("recovery", "Water recovery", recovery)
        # The recovery follows from the backwash and CEB settings; it is checked against the published range.
        if typical := self.outside_range("recovery", recovery):
            self.warn("UF recovery {recovery:.1%} is outside the published range {low:.0%} – {high:.0%} ({source}); "
                      "check the backwash settings", recovery=recovery.magnitude, low=typical.low.magnitude,
                      high=typical.high.magnitude, source=typical.source)

        # Membrane area, modules and racks on the peak flow.
        area = self.calc("A", "Membrane area in service", "A = Q_pk / (J · f)",
                         {"Q_pk": (q_peak, "calculated"), "J": (flux, "calculated"), "f": (online, "calculated")},
                         q_peak / (flux * online), unit="m**2")
        a_m = self.c("module_area")
        modules = math.ceil((area / a_m.quantity).to("").magnitude - 1e-9)
        self.packaged = q_avg < self.c("packaged_below").quantity
        if self.packaged:
            duty, standby = 1, 0
            self.trains = 1
            self.note("Single skid-mounted UF rack (small plant), no standby rack.")
        else:
            duty = self.parallel_trains(Q_(modules, ""), self.c("max_modules_per_rack"), "duty UF racks",
                                        minimum=int(self.c("min_duty_racks").m))
            standby = int(self.c("standby_racks").m)
        per_rack = math.ceil(modules / duty - 1e-9)
        racks = duty + standby
        total = self.calc("N_mod", "Modules installed", "N = (N_duty + N_standby) · ⌈⌈A / a_m⌉ / N_duty⌉",
                          {"A": (area, "calculated"), "a_m": a_m, "N_duty": (Q_(duty, ""), "calculated"),
                           "N_standby": (Q_(standby, ""), "design")}, Q_(racks * per_rack, ""))
        self.add_sizing("modules", "Modules installed (all racks)", total)
        self.add_sizing("membrane_area", "Installed membrane area", total * a_m.quantity, "m**2")
        a_rack = per_rack * a_m.quantity
        self.add_sizing("racks", "Racks (duty + standby)", Q_(racks, ""))
        self.add_sizing("modules_per_rack", "Modules per rack", Q_(per_rack, ""))
        self.trains = racks
        j_op = self.calc("J_op", "Operating flux at design flow, duty racks", "J = Q_pk / (N_duty · A_rack · f)",
                         {"Q_pk": (q_peak, "calculated"), "N_duty": (Q_(duty, ""), "calculated"),
                          "A_rack": (a_rack, "calculated"), "f": (online, "calculated")},
                         q_peak / (duty * a_rack * online), unit="L/m**2/h")
        self.add_sizing("flux", "Operating flux at design flow", j_op)
        self.note("{duty} duty + {standby} standby rack(s) × {per_rack} modules of {area:g} m², designed {basis}: "
                  "flux for {water}, {flux20:.0f} L/m²·h at 20 °C ({source}); {flux:.0f} L/m²·h at design flow "
                  "and temperature.",
                  duty=duty, standby=standby, per_rack=per_rack, area=a_m.quantity.to("m**2").magnitude,
                  basis=basis, water=self.t(WATERS[self.feed_type]), flux20=flux20.quantity.to("L/m**2/h").magnitude, source=flux20.source,
                  flux=j_op.magnitude)

        q_waste = self.calc("Q_bw", "Backwash and CEB waste (average)", "Q_bw = Q · (1 − Y)",
                            {"Q": (q_avg, "design", "average feed"), "Y": (recovery, "calculated")},
                            q_avg * (1 - recovery), unit="m**3/day")
        self._streams(influent, q_avg, q_waste, duty, a_rack)
        self._equipment(q_avg, q_peak, q_waste, online, duty, standby, per_rack, a_rack, n_bw)

    def _streams(self, influent: Stream, q_avg: Quantity, q_waste: Quantity, duty: int, a_rack: Quantity) -> None:
        r_tss = self.c("removal_tss").m
        r_org = self.c("removal_organics").m
        lrv = self.c("log_removal_bacteria").m
        changes: dict[str, Quantity] = {}
        removed = {"tss": r_tss, "bod": r_org, "cod": r_org, "toc": r_org, "coliforms": 1 - 10 ** -lrv}
        for key, r in removed.items():
            if key in influent.quality:
                changes[key] = influent.quality[key] * (1 - r)
                self.removals[key] = r
        if "turbidity" in influent.quality:
            changes["turbidity"] = min(influent.quality["turbidity"], self.c("filtrate_turbidity").quantity)
            t_in = influent.quality["turbidity"].to("NTU").magnitude
            self.removals["turbidity"] = 1 - changes["turbidity"].to("NTU").magnitude / t_in if t_in > 0 else 0.0
        q_eff = q_avg - q_waste
        self.effluent = influent.derive(flow=q_eff, name=self.t("UF filtrate"), **changes)
        # The waste carries what the membranes retain plus the spent cleaning chemicals.
        waste = dict(self.effluent.quality)
        for key, c_out in changes.items():
            waste[key] = ((q_avg * influent.quality[key] - q_eff * c_out) / q_waste).to(c_out.units)
        self.add_side_stream(Stream(flow=q_waste, quality=waste, kind="backwash", name=self.t("UF backwash waste")))

    def _equipment(self, q_avg: Quantity, q_peak: Quantity, q_waste: Quantity, online: Quantity, duty: int,
                   standby: int, per_rack: int, a_rack: Quantity, n_bw: Quantity) -> None:
        eta_p, eta_m, margin = self.c("pump_efficiency"), self.c("motor_efficiency"), self.c("motor_margin").m
        racks = duty + standby

        q_rack = self.calc("q_rack", "Feed pump flow per duty rack (while filtering)", "q = Q_pk / (N_duty · f)",
                           {"Q_pk": (q_peak, "calculated"), "N_duty": (Q_(duty, ""), "calculated"),
                            "f": (online, "calculated")}, q_peak / (duty * online), unit="m**3/h")
        p_feed = self.c("feed_pressure")
        w_feed = self.calc("W_feed", "Feed pumps, average power", "W = Q · P / (η_p · η_m)",
                           {"Q": (q_avg, "design"), "P": p_feed, "η_p": eta_p, "η_m": eta_m},
                           q_avg * p_feed.quantity / (eta_p.m * eta_m.m), unit="kW")
        feed_motor = motor_rating(q_rack * p_feed.quantity / eta_p.m * margin)
        self.feed_pump_flow = q_rack.to("L/s")
        self.n_feed_pumps = duty + 1
        self.add_equipment("-P01", self.t("UF feed pump, {p:g} bar", p=p_feed.quantity.to("bar").magnitude),
                           quantity=duty + 1,
                           standby=1, capacity=q_rack, power=feed_motor, material="AISI 316 stainless steel")
        self.add_power("UF feed pumps", feed_motor * (duty + 1), w_feed)
        self.add_equipment("-S01", "Automatic self-cleaning pre-strainer, 100–300 µm (AWWA M53)", quantity=2,
                           standby=1, capacity=(q_peak / online).to("m**3/h"), material="AISI 316 stainless steel")

        q_bwp = self.calc("q_bwp", "Backwash pump flow (one rack at a time)", "q = J_bw · A_rack",
                          {"J_bw": self.c("backwash_flux"), "A_rack": (a_rack, "calculated")},
                          self.c("backwash_flux").quantity * a_rack, unit="m**3/h")
        p_bw = self.c("backwash_pressure")
        w_bw = self.calc("W_bw", "Backwash pumps, average power", "W = Q_bw · P_bw / (η_p · η_m)",
                         {"Q_bw": (q_waste, "calculated"), "P_bw": p_bw, "η_p": eta_p, "η_m": eta_m},
                         q_waste * p_bw.quantity / (eta_p.m * eta_m.m), unit="kW")
        bw_motor = motor_rating(q_bwp * p_bw.quantity / eta_p.m * margin)
        self.bw_pump_flow = q_bwp.to("L/s")
        self.add_equipment("-P02", "Backwash / CEB / CIP recirculation pump", quantity=2, standby=1, capacity=q_bwp,
                           power=bw_motor, material="AISI 316 stainless steel")
        self.add_power("Backwash pumps", bw_motor * 2, w_bw)

        air = self.calc("Q_air", "Air scour flow (one rack)", "Q_air = q_air · N_mod,rack",
                        {"q_air": self.c("air_scour_rate"), "N_mod,rack": (Q_(per_rack, ""), "calculated")},
                        self.c("air_scour_rate").quantity * per_rack, unit="m**3/h")
        eff = self.c("blower_efficiency")
        p_blower = self.calc("P_air", "Air scour blower power (adiabatic, M&E Eq. 5-77)",
                             "P = w·R·T1/(M_air·n·e)·[(p2/p1)^n − 1], n = 0.283",
                             {"Q_air": (air, "calculated"), "T1": (Q_(20.0, "degC"), "design", "inlet air temperature"),
                              "e": eff, "p2 − p1": self.c("air_scour_pressure")},
                             blower_power(air, self.c("air_scour_pressure").quantity, eff.m), unit="kW")
        duty_fraction = (n_bw * duty * self.c("air_scour_time").quantity).to("")
        w_air = self.calc("W_air", "Air scour blower, average power", "W = P · n_bw · N_duty · t_air / 1 d",
                          {"P": (p_blower, "calculated"), "n_bw": (n_bw, "calculated"),
                           "N_duty": (Q_(duty, ""), "calculated"), "t_air": self.c("air_scour_time")},
                          p_blower * duty_fraction, unit="kW")
        blower_motor = motor_rating(p_blower * eta_m.m * margin)
        self.air_flow = air
        self.add_equipment("-B01", "Air scour blower (rotary lobe)", quantity=2, standby=1, capacity=air,
                           power=blower_motor, material="cast iron, acoustic enclosure")
        self.add_power("Air scour blowers", blower_motor * 2, w_air)

        v_tank = self.calc("V_bwt", "Backwash tank volume", "V = k · J_bw · t_bw · A_rack",
                           {"k": self.c("backwash_tank_backwashes"), "J_bw": self.c("backwash_flux"),
                            "t_bw": self.c("backwash_time"), "A_rack": (a_rack, "calculated")},
                           self.c("backwash_tank_backwashes").m * self.c("backwash_flux").quantity
                           * self.c("backwash_time").quantity * a_rack, unit="m**3")
        self.add_sizing("backwash_tank", "Backwash (filtrate) tank volume", v_tank)
        v_cip = self.calc("V_CIP", "CIP tank volume (one rack)", "V = N_mod,rack · v_mod",
                          {"N_mod,rack": (Q_(per_rack, ""), "calculated"), "v_mod": self.c("cip_volume_per_module")},
                          per_rack * self.c("cip_volume_per_module").quantity, unit="m**3")
        self.add_sizing("cip_tank", "CIP tank volume", v_cip)
        self.add_equipment("-T01", "Backwash (filtrate) tank", capacity=v_tank, material="HDPE / FRP")
        self.add_equipment("-T02", "CIP tank with heater", capacity=v_cip, material="HDPE / FRP")
        self._chemicals(q_avg, duty, racks, a_rack, v_cip)

        energy = self.calc("SEC", "Specific energy of the UF", "SEC = (W_feed + W_bw + W_air) / Q_filtrate",
                           {"W_feed": (w_feed, "calculated"), "W_bw": (w_bw, "calculated"),
                            "W_air": (w_air, "calculated"), "Q_filtrate": (self.effluent.flow, "calculated")},
                           (w_feed + w_bw + w_air) / self.effluent.flow, unit="kWh/m**3")
        self.add_sizing("specific_energy", "Specific energy", energy)

    def _chemicals(self, q_avg: Quantity, duty: int, racks: int, a_rack: Quantity, v_cip: Quantity) -> None:
        chemicals = load_data("chemicals")["chemicals"]
        v_rack = self.c("backwash_flux").quantity * self.c("backwash_time").quantity * a_rack
        oxidant = self.calc("M_Cl2", "Chlorine for CEB and CIP (as Cl2)",
                            "M = n_CEB · N_duty · V_bw,rack · c_CEB + f_CIP · N_racks · V_CIP · c_CIP",
                            {"n_CEB": self.c("ceb_frequency"), "N_duty": (Q_(duty, ""), "calculated"),
                             "V_bw,rack": (v_rack.to("m**3"), "calculated", "backwash volume of one rack"),
                             "c_CEB": self.c("ceb_chlorine"), "f_CIP": self.c("cip_frequency"),
                             "N_racks": (Q_(racks, ""), "calculated"), "V_CIP": (v_cip, "calculated"),
                             "c_CIP": self.c("cip_chlorine")},
                            self.c("ceb_frequency").quantity * duty * v_rack * self.c("ceb_chlorine").quantity
                            + self.c("cip_frequency").quantity * racks * v_cip * self.c("cip_chlorine").quantity,
                            unit="kg/day")
        acid = self.calc("M_HCl", "Hydrochloric acid for acid CEBs (as HCl)", "M = n_acid · N_duty · V_bw,rack · c_acid",
                         {"n_acid": self.c("acid_ceb_frequency"), "N_duty": (Q_(duty, ""), "calculated"),
                          "V_bw,rack": (v_rack.to("m**3"), "calculated"), "c_acid": self.c("ceb_acid")},
                         self.c("acid_ceb_frequency").quantity * duty * v_rack * self.c("ceb_acid").quantity,
                         unit="kg/day")
        citric = self.calc("M_citric", "Citric acid for CIP", "M = f_CIP · N_racks · V_CIP · c_citric",
                           {"f_CIP": self.c("cip_frequency"), "N_racks": (Q_(racks, ""), "calculated"),
                            "V_CIP": (v_cip, "calculated"), "c_citric": self.c("cip_citric_acid")},
                           self.c("cip_frequency").quantity * racks * v_cip * self.c("cip_citric_acid").quantity,
                           unit="kg/day")
        self.dosing: list[tuple[str, Quantity]] = []
        for key, active, purpose in (("sodium_hypochlorite", oxidant, mark("Membrane cleaning: CEB and CIP (oxidant)")),
                                     ("hydrochloric_acid", acid, mark("Membrane cleaning: Acid CEB")),
                                     ("citric_acid", citric, mark("Membrane cleaning: CIP (acid)"))):
            product = active / chemicals[key]["active_fraction"]
            chem = self.add_chemical(key, purpose, (product / q_avg).to("mg/L"), q_avg)
            if key != "citric_acid":
                self.dosing.append((key, chem.consumption))
        # Spent cleaning chemicals leave with the backwash waste as dissolved solids.
        self.generated["tds"] = (oxidant * NAOCL_PER_CL2 + acid + citric).to("kg/day")
        waste = self.side_streams[0]
        waste.quality["tds"] = (waste.quality.get("tds", Q_(0.0, "mg/L")) + self.generated["tds"] / waste.flow).to("mg/L")

    def cost(self) -> None:
        modules = self.sizing["modules"].quantity.magnitude
        racks = int(self.sizing["racks"].quantity.magnitude)
        per_rack = self.sizing["modules_per_rack"].quantity.magnitude
        membranes = self.curve_cost("modules", self.sizing["membrane_area"].quantity, category="membranes",
                                    description=self.t("UF modules ({n:.0f})", n=modules))
        rack = self.data["cost_curves"]["rack"]
        length = Q_(rack["base_length_ft"] + rack["length_per_module_ft"] * per_rack, "ft")
        self.curve_cost("rack", length, count=racks, description="UF racks, manifolds and automatic valves")
        self.curve_cost("pump", self.feed_pump_flow, count=self.n_feed_pumps, description="UF feed pumps")
        self.curve_cost("pump", self.bw_pump_flow, count=2, description="Backwash pumps")
        self.curve_cost("blower", self.air_flow, count=2, description="Air scour blowers")
        self.curve_cost("tank", self.sizing["backwash_tank"].quantity, description="Backwash tank")
        self.curve_cost("tank", self.sizing["cip_tank"].quantity, description="CIP tank")
        for key, consumption in self.dosing:
            self.curve_cost("dosing_system", solution_flow(key, consumption),
                            description=self.t("Dosing skid, {chemical}", chemical=self.t(DOSED[key])))
        life = self.c("membrane_life")
        annual = self.calc("C_mod,yr", "UF module replacement", "C = C_modules / life",
                           {"C_modules": (membranes, "calculated"), "life": life}, membranes / life.quantity,
                           unit="USD/year")
        self.add_opex("replacement", "UF module replacement", annual)
