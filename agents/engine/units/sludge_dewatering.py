"""Sludge dewatering: decanter centrifuge, belt filter press or screw press (Metcalf & Eddy 5th ed., Ch. 14).

The influent is the (thickened) sludge; the effluent is the cake (kind
``cake``: its flow is the wet mass over the density of water, as for every
sludge stream) and the side stream the centrate/filtrate (kind ``filtrate``)
returned to the plant head. Machines are sized on the throughput while they
run: the daily load times 168 h over the weekly operating hours, against
each machine's solids and hydraulic limits (or, for belt presses, the
loadings per metre of belt). The machines run one shift until a set number
of them is busy; larger loads lengthen the hours (up to around the clock)
before more machines are added, so the machine count and cost never fall
as the load grows. A standby machine is installed above a solids load;
below it a single machine with a week of sludge storage is the practice.
A holding tank ahead of the machines stores the sludge while they are off.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..calc import CalcLog
from ..costing import installed_cost
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .equalization import pump_power
from .sludge_thickening import WEEK, feed_is_thick_enough, split_sludge

TYPES = {1: "centrifuge", 2: "belt_press", 3: "screw_press"}
NAMES = {"centrifuge": mark("decanter centrifuge"), "belt_press": mark("belt filter press"), "screw_press": mark("screw press")}
# The power item of each machine type.
MACHINES_POWER = {"centrifuge": mark("Decanter centrifuges, feed pumps, conveyors and polymer unit (while running)"),
                  "belt_press": mark("Belt filter presses, feed pumps, conveyors and polymer unit (while running)"),
                  "screw_press": mark("Screw presses, feed pumps, conveyors and polymer unit (while running)")}
STANDARD_BELT_STEP = Q_(0.5, "m")  # belt widths come in 0.5 m steps


@register
class SludgeDewatering(UnitProcess):
    type = "sludge_dewatering"
    tag_prefix = "DEW"
    kind: str = ""  # "centrifuge", "belt_press", "screw_press" or "bypassed", set by size()

    def size(self, influent: Stream) -> None:
        s_f = influent.mass_flow("tss")
        self.kind = self._type(influent)
        cake_solids = self.c(f"{self.kind}_cake_solids")
        if feed_is_thick_enough(self, influent, cake_solids):
            self.kind = "bypassed"
            self.effluent = influent.derive(kind="cake" if s_f.magnitude > 0 else influent.kind,
                                            name=self.t("Sludge (not dewatered)"))
            return
        hours, t_op = self._operating_hours(s_f, influent.flow)
        self.add_sizing("operating_hours", "Weekly operating hours of the machines", hours)
        self.add_sizing("feed_solids", "Feed dry solids", s_f, "kg/day")
        self.add_sizing("feed_flow", "Feed sludge flow", influent.flow, "m**3/day")
        solids_rate = self.calc("S_h", "Solids throughput while running", "S_h = S_f · 168 h / t_op",
                                {"S_f": (s_f, "calculated", "feed dry solids"), "t_op": t_op}, s_f * WEEK / hours,
                                unit="kg/hour")
        flow_rate = self.calc("Q_h", "Hydraulic throughput while running", "Q_h = Q_f · 168 h / t_op",
                              {"Q_f": (influent.flow, "calculated", "feed flow"), "t_op": t_op},
                              influent.flow * WEEK / hours, unit="m**3/hour")
        wash = None
        if self.kind == "belt_press":
            wash = self._size_belt_press(solids_rate, flow_rate, hours, t_op)
        else:
            self._size_machines(solids_rate, flow_rate)
        cake, centrate = split_sludge(self, influent, self.c(f"{self.kind}_capture"), cake_solids,
                                      polymer_dose=self.c(f"{self.kind}_polymer_dose"), product_kind="cake",
                                      product_name=self.t("Dewatered cake"),
                                      side_name=self.t("Centrate") if self.kind == "centrifuge" else self.t("Filtrate"),
                                      extra_water=wash)
        wet = self.calc("M_cake", "Wet cake mass", "M_cake = S_cake / x_cake",
                        {"S_cake": (cake.mass_flow("tss"), "calculated", "cake dry solids"), "x_cake": cake_solids},
                        cake.mass_flow("tss") / cake_solids.m, unit="t/day")
        volume = self.calc("V_cake", "Cake volume", "V_cake = M_cake / ρ_cake",
                           {"M_cake": (wet, "calculated"), "ρ_cake": self.c("cake_bulk_density")},
                           wet / self.c("cake_bulk_density").quantity, unit="m**3/day")
        self.add_sizing("cake_dry_solids", "Cake dry solids", cake.mass_flow("tss"), "kg/day")
        self.add_sizing("cake_wet_mass", "Wet cake mass to disposal", wet)
        self.add_sizing("cake_volume", "Cake volume to disposal", volume)
        self.add_sizing("centrate_flow", "Centrate / filtrate returned to the plant head", centrate.flow, "m**3/day")
        self._common_equipment(solids_rate, flow_rate, hours)
        self.note("{machine}: cake {x:.0%} DS, {wet:.2f} t/d ({volume:.2f} m3/d) to disposal; {what} {q:.1f} m3/d with "
                  "{solids:.0f} kg/d of solids returns to the plant head.", machine=self.t(NAMES[self.kind]).capitalize(),
                  x=cake_solids.m, wet=wet.magnitude, volume=volume.magnitude, what=centrate.name.lower(),
                  q=centrate.flow.to("m**3/day").magnitude, solids=centrate.mass_flow("tss").to("kg/day").magnitude)

    def _type(self, influent: Stream) -> str:
        choice = round(self.c("machine_type").m)
        if choice in TYPES:
            return TYPES[choice]
        s_f, limit = influent.mass_flow("tss"), self.c("centrifuge_above")
        if s_f > limit.quantity:
            self.note("Decanter centrifuges for {s:,.0f} kg DS/d (screw presses up to {limit:,.0f} kg DS/d).",
                      s=s_f.to("kg/day").magnitude, limit=limit.quantity.to("kg/day").magnitude)
            return "centrifuge"
        # Up to the limit both machines are valid: the one that costs less installed, which keeps the
        # cost continuous where screw presses give way to centrifuges.
        costs = {kind: Q_(installed_cost(self._alternative(influent, code)), "USD")
                 for code, kind in ((1, "centrifuge"), (3, "screw_press"))}
        kind = min(costs, key=lambda k: costs[k].magnitude)
        self.calc("C_inst,type", self.t("Installed cost of the cheaper machine ({machine})", machine=self.t(NAMES[kind])),
                  "C = min(C_inst,screw press, C_inst,centrifuge) for S_f ≤ S_centrifuge",
                  {"C_inst,screw press": (costs["screw_press"], "this unit designed with screw presses"),
                   "C_inst,centrifuge": (costs["centrifuge"], "this unit designed with centrifuges"),
                   "S_f": (s_f, "calculated", "feed dry solids"), "S_centrifuge": limit},
                  costs[kind])
        saving = 1 - costs[kind].magnitude / max(c.magnitude for c in costs.values())
        if kind == "screw_press":
            self.note("Screw press chosen for {s:,.0f} kg DS/d: it costs {saving:.0%} less installed than a decanter "
                      "centrifuge.", s=s_f.to("kg/day").magnitude, saving=saving)
        else:
            self.note("Decanter centrifuge chosen for {s:,.0f} kg DS/d: it costs {saving:.0%} less installed than a "
                      "screw press.", s=s_f.to("kg/day").magnitude, saving=saving)
        return kind

    def _alternative(self, influent: Stream, code: int) -> "SludgeDewatering":
        """This unit designed with one machine type, in a scratch context (its records and warnings are dropped)."""
        own = {**self.ctx.overrides.get(self.type, {}), "machine_type": code}
        ctx = replace(self.ctx, log=CalcLog(), warnings=[], criteria_sets={}, shared=dict(self.ctx.shared),
                      overrides={**self.ctx.overrides, self.type: own})
        unit = SludgeDewatering(ctx, self.tag)
        unit.run(influent)
        return unit

    def _machine_limits(self) -> tuple[Quantity, Quantity | None]:
        """Largest solids and hydraulic throughput of one machine of the chosen kind while it runs."""
        if self.kind == "centrifuge":
            return self.c("centrifuge_max_solids").quantity, self.c("centrifuge_max_flow").quantity
        if self.kind == "belt_press":
            width = self.c("max_belt_width").quantity
            return width * self.c("belt_solids_loading").quantity, width * self.c("belt_hydraulic_loading").quantity
        return self.c("screw_press_max_solids").quantity, None

    def _operating_hours(self, s_f: Quantity, q_f: Quantity) -> tuple[Quantity, object]:
        """Weekly operating hours and how to cite them in the calculation records."""
        hours = self.c("operating_hours")
        if hours.overridden:
            return hours.quantity.to("h"), hours
        n = self.c("shift_machines")
        s_max, q_max = self._machine_limits()
        # Hours at which N machines of the largest size carry the weekly load.
        needed = s_f * WEEK / (n.m * s_max)
        if q_max is not None:
            needed = max(needed, q_f * WEEK / (n.m * q_max))
        needed = needed.to("h")
        if needed <= hours.quantity:
            return hours.quantity.to("h"), hours
        t = self.calc("t_op", "Weekly operating hours (longer hours before more machines)",
                      "t_op = min(168 h, max(t_shift, 168 h · S_f / (N · S_max), 168 h · Q_f / (N · Q_max)))",
                      {"t_shift": hours, "S_f": (s_f, "calculated", "feed dry solids"), "N": n,
                       "S_max": (s_max, "criteria", "largest solids throughput of one machine"),
                       "Q_f": (q_f, "calculated", "feed flow"),
                       "Q_max": (q_max if q_max is not None else Q_(float("inf"), "m**3/hour"), "criteria",
                                 "largest hydraulic throughput of one machine")},
                      min(WEEK, needed), unit="h")
        if t >= WEEK:
            self.note("Machines run around the clock: {s:,.0f} kg DS/d is more than {n:g} machines carry on {hours:g} h "
                      "a week.", s=s_f.to("kg/day").magnitude, n=n.m, hours=hours.quantity.magnitude)
        else:
            self.note("Machines run {t:.0f} h a week (extra shifts) rather than more than {n:g} machines on {hours:g} h.",
                      t=t.magnitude, n=n.m, hours=hours.quantity.magnitude)
        return t, (t, "calculated", mark("weekly operating hours"))

    def _standby(self, s_f: Quantity) -> int:
        """Standby machines: above a solids load; a small plant has one machine and a week of sludge storage."""
        limit = self.c("standby_above")
        spare = max(0, round(self.c("standby_machines").m)) if s_f > limit.quantity else 0
        self.calc("N_sb", "Standby machines", "N_sb = N_standby if S_f > S_standby else 0",
                  {"S_f": (s_f, "calculated", "feed dry solids"), "S_standby": limit,
                   "N_standby": self.c("standby_machines")}, Q_(spare, ""))
        if not spare:
            self.note("No standby machine for {s:,.0f} kg DS/d (up to {limit:,.0f} kg DS/d): the machine runs {hours:.0f} h "
                      "a week and catches up after a breakdown from the holding tank.", s=s_f.to("kg/day").magnitude,
                      limit=limit.quantity.to("kg/day").magnitude,
                      hours=self.sizing["operating_hours"].quantity.magnitude)
        return spare

    def _size_machines(self, solids_rate: Quantity, flow_rate: Quantity) -> None:
        if self.kind == "centrifuge":
            s_max, q_max = self.c("centrifuge_max_solids"), self.c("centrifuge_max_flow")
            n_s = math.ceil((solids_rate / s_max.quantity).to("dimensionless").magnitude - 1e-9)
            n_q = math.ceil((flow_rate / q_max.quantity).to("dimensionless").magnitude - 1e-9)
            if n_q > n_s:
                n = self.parallel_trains(flow_rate, q_max, "duty centrifuges")
            else:
                n = self.parallel_trains(solids_rate, s_max, "duty centrifuges")
        else:
            n = self.parallel_trains(solids_rate, self.c("screw_press_max_solids"), "duty screw presses")
            self.packaged = True
        self.add_sizing("machine_solids", "Solids throughput of each duty machine", solids_rate / n, "kg/hour")
        self.add_sizing("machine_flow", "Hydraulic throughput of each duty machine", flow_rate / n, "m**3/hour")

    def _size_belt_press(self, solids_rate: Quantity, flow_rate: Quantity, hours: Quantity, t_op: object) -> Quantity:
        sl, hl = self.c("belt_solids_loading"), self.c("belt_hydraulic_loading")
        w_s = self.calc("W_s", "Belt width for the solids loading", "W_s = S_h / SL", {"S_h": (solids_rate, "calculated"), "SL": sl},
                        solids_rate / sl.quantity, unit="m")
        w_h = self.calc("W_h", "Belt width for the hydraulic loading", "W_h = Q_h / HL", {"Q_h": (flow_rate, "calculated"), "HL": hl},
                        flow_rate / hl.quantity, unit="m")
        width = self.calc("W", "Total belt width required", "W = max(W_s, W_h)", {"W_s": (w_s, "calculated"), "W_h": (w_h, "calculated")},
                          max(w_s, w_h), unit="m")
        n = self.parallel_trains(width, self.c("max_belt_width"), "duty belt filter presses")
        each = self.calc("W_each", "Belt width of each press (next 0.5 m standard size)", "W_each = ⌈W / (N · 0.5 m)⌉ · 0.5 m",
                         {"W": (width, "calculated"), "N": (Q_(n, ""), "calculated")},
                         math.ceil((width / n / STANDARD_BELT_STEP).to("dimensionless").magnitude - 1e-9) * STANDARD_BELT_STEP,
                         unit="m")
        self.add_sizing("belt_width", "Belt width of each press", each)
        self.add_sizing("machine_solids", "Solids throughput of each duty press", solids_rate / n, "kg/hour")
        self.add_sizing("machine_flow", "Hydraulic throughput of each duty press", flow_rate / n, "m**3/hour")
        wash_rate = self.calc("q_w", "Belt wash water while running (all duty presses)", "q_w = w_w · W_each · N",
                              {"w_w": self.c("belt_wash_water"), "W_each": (each, "calculated"), "N": (Q_(n, ""), "calculated")},
                              self.c("belt_wash_water").quantity * each * n, unit="m**3/hour")
        self.add_sizing("wash_water_rate", "Belt wash water while running", wash_rate)
        return self.calc("Q_w", "Belt wash water per day (to the filtrate)", "Q_w = q_w · t_op / 7 d",
                         {"q_w": (wash_rate, "calculated"), "t_op": t_op},
                         wash_rate * hours / Q_(7, "day"), unit="m**3/day")

    def _common_equipment(self, solids_rate: Quantity, flow_rate: Quantity, hours: Quantity) -> None:
        n = self.trains
        spare = self.spare = self._standby(self.sizing["feed_solids"].quantity)
        run = (hours / WEEK).to("dimensionless").magnitude
        q_each = self.sizing["machine_flow"].quantity
        if self.kind == "centrifuge":
            e = self.c("centrifuge_specific_energy")
            p_machine = self.calc("P_c", "Absorbed power of each centrifuge while running", "P_c = e · Q_each",
                                  {"e": e, "Q_each": (q_each, "calculated")}, e.quantity * q_each, unit="kW")
            text = self.t("Decanter centrifuge, {q:.1f} m3/h, {s:.0f} kg DS/h", q=q_each.magnitude,
                          s=self.sizing["machine_solids"].quantity.magnitude)
            material = mark("Duplex stainless steel bowl and scroll, tungsten-carbide wear protection")
        elif self.kind == "belt_press":
            p_machine = self.c("belt_press_drive_power").quantity
            text = self.t("Belt filter press, {width:g} m belt, with gravity zone and wash system",
                          width=self.sizing["belt_width"].quantity.magnitude)
            material = mark("AISI 304 frame, polyester belts")
        else:
            p_machine = self.c("screw_press_drive_power").quantity
            text = self.t("Screw press, {s:.0f} kg DS/h, with flocculation tank",
                          s=self.sizing["machine_solids"].quantity.magnitude)
            material = mark("AISI 304 stainless steel screen and screw")
        self.add_equipment("-01", self.t("{machine} (duty {n} + standby {spare})", machine=text, n=n, spare=spare),
                           quantity=n + spare, standby=spare,
                           capacity=q_each, power=p_machine, material=material)
        p_feed = pump_power(self, "P_fp", self.t("Sludge feed pump"), q_each, self.c("feed_pump_head"), self.c("pump_efficiency"))
        self.add_equipment("-02", self.t("Sludge feed pump, progressive cavity, {q:.1f} m3/h", q=q_each.magnitude),
                           quantity=n + spare,
                           standby=spare, capacity=q_each, power=p_feed, material="Cast iron, NBR stator")
        conveyor = self.c("conveyor_power").quantity
        self.add_equipment("-03", "Shaftless screw cake conveyor", quantity=n, capacity=solids_rate / n, power=conveyor,
                           material="AISI 304 trough, alloy steel spiral")
        poly = self.c("polymer_unit_power").quantity
        polymer = next(c for c in self.chemicals if c.key == "polymer")
        poly_rate = self.add_sizing("polymer_rate", "Polymer (active) use while running",
                                    polymer.consumption * WEEK / hours, "kg/hour")
        self.add_equipment("-04", "Polymer make-down unit with metering pumps", quantity=1, capacity=poly_rate, power=poly,
                           material="AISI 304 / PE tanks")
        installed = (p_machine + p_feed) * (n + spare) + conveyor * n + poly
        running = (p_machine + p_feed + conveyor) * n + poly
        if self.kind == "belt_press":
            wash = self.sizing["wash_water_rate"].quantity
            p_wash = pump_power(self, "P_w", self.t("Belt wash-water booster pump"), wash, self.c("wash_pump_head"),
                                self.c("pump_efficiency"))
            self.add_equipment("-05", self.t("Belt wash-water booster pump, {q:.1f} m3/h at {head:g} m (duty + standby)",
                                             q=wash.magnitude, head=self.c("wash_pump_head").quantity.magnitude),
                               quantity=2, standby=1,
                               capacity=wash, power=p_wash, material="AISI 316 multistage")
            installed, running = installed + 2 * p_wash, running + p_wash
        self.add_power(MACHINES_POWER[self.kind],
                       installed, running * run)
        self._holding_tank(spare)
        if self.packaged:
            self.note("Packaged screw press(es) for a small plant.")

    def _holding_tank(self, spare: int) -> None:
        """Mixed tank that holds the sludge while the machines are off (and through a repair without a standby)."""
        assert self.influent is not None
        t = self.c("holding_time" if spare else "holding_time_single")
        volume = self.calc("V_hold", "Sludge holding tank volume", "V = Q_f · t_hold",
                           {"Q_f": (self.influent.flow, "calculated", "feed sludge flow"), "t_hold": t},
                           self.influent.flow * t.quantity, unit="m**3")
        limit = self.c("max_holding_tank")
        tanks = math.ceil((volume / limit.quantity).to("").magnitude - 1e-9)
        self.calc("N_hold", "Sludge holding tanks", "N = ⌈V / V_max⌉", {"V": (volume, "calculated"), "V_max": limit},
                  Q_(tanks, ""))
        each = (volume / tanks).to("m**3")
        mixer = self.calc("P_mix", "Holding tank mixer power (each tank)", "P = w · V_each",
                          {"w": self.c("holding_mixing_power"), "V_each": (each, "calculated")},
                          self.c("holding_mixing_power").quantity * each, unit="kW")
        self.add_sizing("holding_volume", "Sludge holding tank volume (all tanks)", volume)
        self.add_equipment("-06", self.t("Sludge holding tank, {v:,.0f} m3, with submersible mixer", v=each.magnitude),
                           quantity=tanks,
                           capacity=each, power=mixer, material="coated carbon steel or concrete")
        self.add_power("Holding tank mixers", mixer * tanks, mixer * tanks)
        self._holding = (tanks, each, mixer)

    def cost(self) -> None:
        if self.kind == "bypassed":
            return
        units = self.trains + self.spare
        if self.kind == "centrifuge":
            self.curve_cost("centrifuge", self.sizing["machine_flow"].quantity, count=units)
        elif self.kind == "belt_press":
            self.curve_cost("belt_press", self.sizing["belt_width"].quantity, count=units)
        else:
            self.curve_cost("screw_press", self.sizing["machine_solids"].quantity, count=units)
        self.curve_cost("sludge_pump", self.sizing["machine_flow"].quantity, count=units)
        self.curve_cost("cake_conveyor", self.sizing["machine_solids"].quantity, count=self.trains)
        self.curve_cost("polymer_system", self.sizing["polymer_rate"].quantity)
        tanks, each, mixer = self._holding
        self.curve_cost("holding_tank", each, count=tanks)
        self.curve_cost("mixer", mixer, count=tanks)
