"""Ion exchange softening with strong acid cation resin in the sodium form (MWH 3rd ed. ch. 16; DuPont/Dow guidelines).

The resin volume is the larger of what the peak flow needs at the highest
service flow rate and what holds the hardness load of one design run at the
operating capacity (read from the salt dose). Exchangers are duty plus
standby. Each regeneration sends the backwash, the spent brine and both
rinses to waste (the reject stream); the salt dosed is recorded as dissolved
solids formed in the unit. Calcium and magnesium are exchanged for sodium, so
the softened water's TDS rises slightly.
"""

from __future__ import annotations

import math

from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import cheaper_option
from .reverse_osmosis import motor_rating

CACO3_PER_EQ = 50.04  # mg as CaCO3 per meq
NACL_MOLAR_MASS = 58.44  # g/mol (IUPAC standard atomic weights: Na 22.99, Cl 35.45)
# Mass gained per meq of hardness replaced by sodium: Na 22.99 − Ca 20.04 and Na 22.99 − Mg 12.15 mg.
GAIN_CALCIUM = 22.99 - 20.04
GAIN_MAGNESIUM = 22.99 - 12.15


@register
class IonExchange(UnitProcess):
    type = "ion_exchange"
    tag_prefix = "IX"

    def _capacity(self) -> Quantity:
        dose = self.c("salt_dose")
        if "operating_capacity" in self.criteria.overrides:
            cap = self.c("operating_capacity")
            return self.calc("C_op", "Operating capacity (set by the user)", "C = C_user", {"C_user": cap},
                             cap.quantity, unit="g/L")
        table = self.data["capacity_table"]
        rows = table["rows"]
        x = dose.quantity.to("g/L").magnitude
        k = 0 if x <= rows[1][0] else len(rows) - 2 if x >= rows[-2][0] else next(
            i for i in range(len(rows) - 1) if rows[i][0] <= x <= rows[i + 1][0])
        (x0, y0), (x1, y1) = rows[k], rows[k + 1]
        value = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return self.calc("C_op", "Operating capacity at the salt dose (as CaCO3)",
                         "C = C_0 + (C_1 − C_0)·(D − D_0)/(D_1 − D_0)",
                         {"D": dose, "D_0": (Q_(x0, "g/L"), table["source"], "salt dose, table row"),
                          "C_0": (Q_(y0, "g/L"), table["source"], "capacity, table row"),
                          "D_1": (Q_(x1, "g/L"), table["source"], "salt dose, table row"),
                          "C_1": (Q_(y1, "g/L"), table["source"], "capacity, table row")},
                         Q_(value, "g/L"), unit="g/L")

    def size(self, influent: Stream) -> None:
        hardness = influent.get("hardness")
        if hardness is None:
            raise ValueError(f"{self.tag}: ion exchange softening needs the feed hardness")
        q_avg = influent.flow.to("m**3/day")
        q_peak = self.calc("Q_pk", "Design (peak) flow", "Q_pk = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")}, influent.peak_flow, unit="m**3/h")
        leak = self.c("hardness_leakage")
        h_out = min(hardness, leak.quantity)
        tds = influent.get("tds")
        if tds is not None and tds > self.c("max_feed_tds").quantity:
            self.warn("feed TDS {tds:,.0f} mg/L is above {limit:,.0f} mg/L; SAC softening leaks "
                      "hardness at this ionic strength (use counter-flow regeneration or WAC resin)",
                      tds=tds.to("mg/L").magnitude, limit=self.c("max_feed_tds").quantity.magnitude)

        capacity = self._capacity()
        t_run = self.c("run_length")
        removed = hardness - h_out
        v_load = self.calc("V_load", "Resin for the hardness load of one run", "V = Q · (H_in − H_leak) · t_run / C",
                           {"Q": (q_avg, "design"), "H_in": (hardness, "influent", "hardness as CaCO3"),
                            "H_leak": leak, "t_run": t_run, "C": (capacity, "calculated")},
                           q_avg * removed * t_run.quantity / capacity, unit="m**3")
        sfr = self.c("max_service_flow_rate")
        v_flow = self.calc("V_flow", "Resin for the peak flow at the highest service flow rate", "V = Q_pk / SFR_max",
                           {"Q_pk": (q_peak, "calculated"), "SFR_max": sfr}, q_peak / sfr.quantity, unit="m**3")
        depth = self.c("bed_depth")
        v_max = self.c("max_linear_velocity")
        area = max(v_load, v_flow) / depth.quantity
        area = self.calc("A", "Bed area in service", "A = max(V_load, V_flow, Q_pk·H/v_max) / H",
                         {"V_load": (v_load, "calculated"), "V_flow": (v_flow, "calculated"), "H": depth,
                          "Q_pk": (q_peak, "calculated"), "v_max": v_max},
                         max(area, q_peak / v_max.quantity), unit="m**2")
        d_max = self.c("max_vessel_diameter")
        fewest = self.parallel_trains(area, math.pi / 4 * d_max.quantity**2, "duty exchangers")
        # One or two more, smaller exchangers are valid too, and a smaller standby holds less resin: unless the
        # user sets the number, the layout that costs least installed keeps the cost rising where one more
        # exchanger is needed.
        asked = round(self.c("duty_exchangers").m)
        layouts = {self.tn("{n} duty exchanger", "{n} duty exchangers", n): n for n in range(fewest, fewest + 3)}
        if asked:
            duty = max(asked, fewest)
        else:
            duty = layouts[cheaper_option(self, influent, layouts, list(layouts), "exchanger layout")]
        standby = int(self.c("standby_vessels").m)
        vessels = duty + standby
        self.trains = vessels
        a = area / duty
        diameter = self.calc("D", "Exchanger diameter", "D = √(4·A / (π·N_duty))",
                             {"A": (area, "calculated"), "N_duty": (Q_(duty, ""), "calculated")},
                             (4 * a / math.pi) ** 0.5, unit="m")
        v_vessel = (a * depth.quantity).to("m**3")
        v_duty = v_vessel * duty
        self.add_sizing("vessels", "Exchangers (duty + standby)", Q_(vessels, ""))
        self.add_sizing("vessel_diameter", "Exchanger diameter", diameter)
        self.add_sizing("resin_per_vessel", "Resin per exchanger", v_vessel)
        self.add_sizing("resin_volume", "Resin installed (all exchangers)", v_vessel * vessels, "m**3")
        column = self.calc("V_col", "Column volume per exchanger", "V = a · H · (1 + f_fb)",
                           {"a": (a.to("m**2"), "calculated"), "H": depth, "f_fb": self.c("freeboard")},
                           a * depth.quantity * (1 + self.c("freeboard").m), unit="m**3")
        self.column_volume = column
        sfr_op = self.calc("SFR", "Service flow rate at design flow", "SFR = Q_pk / V_duty",
                           {"Q_pk": (q_peak, "calculated"), "V_duty": (v_duty, "calculated")}, q_peak / v_duty,
                           unit="1/h")
        self.add_sizing("service_flow_rate", "Service flow rate at design flow (BV/h)", sfr_op)
        velocity = (q_peak / (duty * a)).to("m/h")
        self.add_sizing("linear_velocity", "Linear velocity at design flow", velocity)
        t_max = self.c("max_regeneration_interval")
        if removed.magnitude > 0:
            exhaustion = capacity * v_duty / (q_avg * removed)
            run = self.calc("t_run", "Run length between regenerations",
                            "t = min(C · V_duty / (Q · (H_in − H_leak)), t_max)",
                            {"C": (capacity, "calculated"), "V_duty": (v_duty, "calculated"), "Q": (q_avg, "design"),
                             "H_in": (hardness, "influent"), "H_leak": leak, "t_max": t_max},
                            min(exhaustion, t_max.quantity), unit="h")
            if exhaustion > t_max.quantity:
                self.note("The beds would hold the hardness for {hours:,.0f} h; they are regenerated at the longest "
                          "practical interval, {t_max:,.0f} h, so the idle resin is reclassified and kept clean.",
                          hours=exhaustion.to("h").magnitude, t_max=t_max.quantity.to("h").magnitude)
        else:
            # Nothing to exchange: the bed never exhausts, and the run is the longest practical interval.
            run = self.calc("t_run", "Run length between regenerations (no hardness to exchange)", "t = t_max",
                            {"t_max": t_max}, t_max.quantity, unit="h")
            self.note("The feed hardness, {h_in:.1f} mg/L as CaCO3, is already at or below the softener's leakage "
                      "({h_leak:.1f} mg/L): there is nothing to exchange. The exchangers are sized for the flow "
                      "and regenerated only at the longest practical interval, {t_max:,.0f} h.",
                      h_in=hardness.to("mg/L").magnitude, h_leak=leak.quantity.to("mg/L").magnitude,
                      t_max=t_max.quantity.to("h").magnitude)
        self.add_sizing("run_length", "Run length between regenerations", run)
        regens = self.calc("n_reg", "Regenerations per day (all exchangers)", "n = N_duty / t_run",
                           {"N_duty": (Q_(duty, ""), "calculated"), "t_run": (run, "calculated")}, duty / run,
                           unit="1/day")
        self.note("{duty} duty + {standby} standby exchanger(s) of {d:.2f} m × {depth:g} m bed, "
                  "{resin:.2f} m³ resin each; runs of {run:.0f} h at {capacity:.1f} g/L as CaCO3.",
                  duty=duty, standby=standby, d=diameter.magnitude, depth=depth.quantity.magnitude,
                  resin=v_vessel.magnitude, run=run.magnitude, capacity=capacity.magnitude)

        salt = self.calc("M_NaCl", "Regeneration salt", "M = D_salt · V_vessel · n_reg",
                         {"D_salt": self.c("salt_dose"), "V_vessel": (v_vessel, "calculated"),
                          "n_reg": (regens, "calculated")},
                         self.c("salt_dose").quantity * v_vessel * regens, unit="kg/day")
        efficiency = self.calc("η_salt", "Salt used per equivalent of hardness removed (× stoichiometric)",
                               "r = (D_salt / M_NaCl) / (C / E_CaCO3)",
                               {"D_salt": self.c("salt_dose"), "C": (capacity, "calculated"),
                                "M_NaCl": (Q_(NACL_MOLAR_MASS, "g/mol"), "physical constant", "molar mass of NaCl"),
                                "E_CaCO3": (Q_(CACO3_PER_EQ, "g/mol"), "physical constant",
                                            "equivalent mass of CaCO3")},
                               (self.c("salt_dose").quantity / Q_(NACL_MOLAR_MASS, "g/mol"))
                               / (capacity / Q_(CACO3_PER_EQ, "g/mol")), unit="")
        self.add_sizing("salt_ratio", "Salt / stoichiometric (NaCl equivalents per equivalent removed)", efficiency)
        self.add_chemical("sodium_chloride", "Resin regeneration", (salt / q_avg).to("mg/L"), q_avg)

        waste = self._regeneration_waste(a, v_vessel, regens)
        self._streams(influent, q_avg, waste, hardness, h_out, salt)
        self._equipment(q_avg, q_peak, duty, a, v_vessel, regens)

    def _regeneration_waste(self, a: Quantity, v_vessel: Quantity, regens: Quantity) -> Quantity:
        bw = self.c("backwash_rate").quantity * self.c("backwash_time").quantity * a
        brine = (self.c("salt_dose").quantity * v_vessel / self.c("brine_concentration").m
                 / self.c("brine_density").quantity)
        rinse = (self.c("slow_rinse").m + self.c("fast_rinse").m) * v_vessel
        per_regen = self.calc("V_reg", "Waste water per regeneration", "V = v_bw·t_bw·a + D·V_r/(c·ρ) + (n_slow + n_fast)·V_r",
                              {"v_bw": self.c("backwash_rate"), "t_bw": self.c("backwash_time"), "a": (a, "calculated"),
                               "D": self.c("salt_dose"), "V_r": (v_vessel, "calculated"),
                               "c": self.c("brine_concentration"), "ρ": self.c("brine_density"),
                               "n_slow": self.c("slow_rinse"), "n_fast": self.c("fast_rinse")},
                              bw + brine + rinse, unit="m**3")
        self.add_sizing("waste_per_regeneration", "Waste water per regeneration", per_regen)
        self.backwash_volume = (bw + rinse).to("m**3")
        self.brine_volume = brine.to("m**3")
        return self.calc("Q_rej", "Regeneration waste (average)", "Q = n_reg · V", {"n_reg": (regens, "calculated"),
                                                                                   "V": (per_regen, "calculated")},
                         regens * per_regen, unit="m**3/day")

    def _streams(self, influent: Stream, q_avg: Quantity, q_rej: Quantity, hardness: Quantity, h_out: Quantity,
                 salt: Quantity) -> None:
        removed_meq = ((hardness - h_out).to("mg/L").magnitude) / CACO3_PER_EQ
        f_ca = self.c("calcium_fraction_of_hardness").m
        changes: dict[str, Quantity] = {"hardness": h_out}
        if "tds" in influent.quality:
            gain = self.calc("ΔTDS", "TDS gain from exchanging Ca and Mg for Na",
                             "ΔTDS = (H_in − H_out)/50.04 · [f_Ca·(22.99 − 20.04) + (1 − f_Ca)·(22.99 − 12.15)]",
                             {"H_in": (hardness, "influent"), "H_out": (h_out, "calculated"),
                              "f_Ca": self.c("calcium_fraction_of_hardness")},
                             Q_(removed_meq * (f_ca * GAIN_CALCIUM + (1 - f_ca) * GAIN_MAGNESIUM), "mg/L"), unit="mg/L")
            changes["tds"] = influent.quality["tds"] + gain
        if "tss" in influent.quality:
            # Suspended solids caught on the bed leave with the backwash.
            changes["tss"] = Q_(0.0, "mg/L")
            self.removals["tss"] = 1.0
        q_eff = q_avg - q_rej
        self.effluent = influent.derive(flow=q_eff, name=self.t("Softened water"), **changes)
        self.removals["hardness"] = 1 - (h_out / hardness).to("").magnitude if hardness.magnitude > 0 else 0.0
        # All the salt ends dissolved: its sodium partly in the softened water, the rest in the reject.
        self.generated["tds"] = salt.to("kg/day")
        reject = dict(self.effluent.quality)
        reject["hardness"] = ((q_avg * hardness - q_eff * h_out) / q_rej).to("mg/L")
        tds_in = influent.quality.get("tds", Q_(0.0, "mg/L"))
        tds_out = changes.get("tds", Q_(0.0, "mg/L"))
        reject["tds"] = ((q_avg * tds_in + salt - q_eff * tds_out) / q_rej).to("mg/L")
        if "tss" in influent.quality:
            reject["tss"] = (influent.quality["tss"] * q_avg / q_rej).to("mg/L")
        self.add_side_stream(Stream(flow=q_rej, quality=reject, kind="reject", name=self.t("Regeneration waste")))

    def _equipment(self, q_avg: Quantity, q_peak: Quantity, duty: int, a: Quantity, v_vessel: Quantity,
                   regens: Quantity) -> None:
        eta_p, eta_m, margin = self.c("pump_efficiency"), self.c("motor_efficiency"), self.c("motor_margin").m
        vessels = int(self.sizing["vessels"].quantity.magnitude)
        self.add_equipment("-V01", self.t("SAC softener, {d:.2f} m diameter, {depth:g} m bed",
                                          d=self.sizing["vessel_diameter"].quantity.magnitude,
                                          depth=self.c("bed_depth").quantity.magnitude), quantity=vessels,
                           standby=vessels - duty, capacity=v_vessel, material="carbon steel, rubber lined")
        p_feed = self.c("feed_pressure")
        w_feed = self.calc("W_feed", "Service pumps, average power", "W = Q · P / (η_p · η_m)",
                           {"Q": (q_avg, "design"), "P": p_feed, "η_p": eta_p, "η_m": eta_m},
                           q_avg * p_feed.quantity / (eta_p.m * eta_m.m), unit="kW")
        motor = motor_rating(q_peak * p_feed.quantity / eta_p.m * margin)
        self.service_flow = q_peak.to("L/s")
        self.add_equipment("-P01", self.t("Service pump, {p:g} bar", p=p_feed.quantity.to("bar").magnitude),
                           quantity=2, standby=1,
                           capacity=q_peak, power=motor, material="AISI 316 stainless steel")
        self.add_power("Service pumps", motor * 2, w_feed)
        q_bw = self.calc("q_bwp", "Backwash pump flow (one exchanger)", "q = v_bw · a",
                         {"v_bw": self.c("backwash_rate"), "a": (a, "calculated")},
                         self.c("backwash_rate").quantity * a, unit="m**3/h")
        p_bw = self.c("backwash_pressure")
        pumped = regens * self.backwash_volume
        w_bw = self.calc("W_bw", "Backwash and rinse pumps, average power", "W = n_reg · V_bw+rinse · P / (η_p · η_m)",
                         {"n_reg": (regens, "calculated"), "V_bw+rinse": (self.backwash_volume, "calculated"),
                          "P": p_bw, "η_p": eta_p, "η_m": eta_m},
                         pumped * p_bw.quantity / (eta_p.m * eta_m.m), unit="kW")
        bw_motor = motor_rating(q_bw * p_bw.quantity / eta_p.m * margin)
        self.bw_flow = q_bw.to("L/s")
        self.add_equipment("-P02", "Backwash / rinse pump", quantity=2, standby=1, capacity=q_bw, power=bw_motor,
                           material="AISI 316 stainless steel")
        self.add_power("Backwash and rinse pumps", bw_motor * 2, w_bw)
        brine_tank = self.calc("V_brine", "Brine tank (saturator)", "V = k · V_brine", {
            "k": self.c("brine_tank_regenerations"), "V_brine": (self.brine_volume, "calculated",
                                                                 "brine per regeneration")},
            self.c("brine_tank_regenerations").m * self.brine_volume, unit="m**3")
        self.add_sizing("brine_tank", "Brine tank (saturator)", brine_tank)
        self.add_sizing("backwash_tank", "Backwash and rinse water tank", self.backwash_volume)
        self.add_equipment("-T01", "Brine saturator with brine eductor", capacity=brine_tank, material="FRP / AISI 316")
        self.add_equipment("-T02", "Backwash and rinse water tank", capacity=self.backwash_volume, material="FRP")

    def cost(self) -> None:
        vessels = int(self.sizing["vessels"].quantity.magnitude)
        self.curve_cost("vessel", self.column_volume, count=vessels, description="Softener vessels")
        resin = self.curve_cost("resin", self.sizing["resin_volume"].quantity, category="media",
                                description="SAC resin, initial charge")
        self.curve_cost("pump", self.service_flow, count=2, description="Service pumps")
        self.curve_cost("pump", self.bw_flow, count=2, description="Backwash / rinse pumps")
        self.curve_cost("brine_tank", self.sizing["brine_tank"].quantity, description="Brine saturator")
        self.curve_cost("backwash_tank", self.sizing["backwash_tank"].quantity, description="Backwash and rinse tank")
        life = self.c("resin_life")
        annual = self.calc("C_resin,yr", "Resin replacement", "C = C_resin / life",
                           {"C_resin": (resin, "calculated"), "life": life}, resin / life.quantity, unit="USD/year")
        self.add_opex("replacement", "SAC resin replacement", annual)
