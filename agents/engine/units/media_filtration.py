"""Rapid dual-media filtration, gravity or pressure (MWH 3rd ed. ch. 11; Ten States Standards; M&E 5th ed. ch. 11).

The filter area meets the design (peak) flow at the filtration rate with one
filter out of service for backwashing (Ten States Standards). Runs end at the
maximum run length or when the bed has stored its solids capacity, whichever
comes first; each wash uses the backwash rate for the wash time plus a
filter-to-waste period, all from filtered water, and the waste carries the
solids retained. Shop-built vertical pressure filters are an option for
small plants; the filter type and the number of filters are those of the
lowest installed cost among the valid layouts, so that the cost grows with
the flow without jumps where the layout changes.
"""

from __future__ import annotations

import math

from ..costing import CurveItem, installed_estimate
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .reverse_osmosis import motor_rating
from .ultrafiltration import blower_power

# Layouts tried above the fewest filters that respect the size limits: more, smaller
# filters cost less where the step to one more filter would otherwise oversize them all.
EXTRA_FILTERS = 3


@register
class MediaFiltration(UnitProcess):
    type = "media_filtration"
    tag_prefix = "MF"

    def size(self, influent: Stream) -> None:
        q_avg = influent.flow.to("m**3/day")
        q_peak = self.calc("Q_pk", "Design (peak) flow", "Q_pk = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")}, influent.peak_flow, unit="m**3/day")
        # Ten States' potable rate is for filters that are the drinking-water barrier; ahead of an RO
        # (which is that barrier) the filters are membrane pretreatment at the usual rates.
        ahead_of_ro = "reverse_osmosis.feed_type" in self.ctx.shared
        rate = (self.c("filtration_rate_potable") if self.ctx.destination == "potable" and not ahead_of_ro
                else self.c("filtration_rate"))
        area_req = self.calc("A_req", "Filter area in service (one filter out)", "A = Q_pk / v",
                             {"Q_pk": (q_peak, "calculated"), "v": rate}, q_peak / rate.quantity, unit="m**2")
        self.packaged, in_service = self._layout(q_avg, q_peak, area_req,
                                                 self.ctx.destination == "potable" and not ahead_of_ro)
        what = mark("Number of pressure filters") if self.packaged else mark("Number of gravity filters")
        n = in_service + 1
        self.calc("N", what, "N = N_in + 1 (one filter out of service for backwash)",
                  {"N_in": (Q_(in_service, ""), "calculated", "filters in service of the cheapest layout")}, Q_(n, ""))
        self.trains = n
        a = self.calc("a", "Area of each filter", "a = A / (N − 1)",
                      {"A": (area_req, "calculated"), "N": (Q_(n, ""), "calculated", "filters incl. one in backwash")},
                      area_req / in_service, unit="m**2")
        self.add_sizing("filters", what, Q_(n, ""))
        self.add_sizing("filter_area", "Area of each filter", a)
        if self.packaged:
            diameter = self.calc("D", "Pressure filter diameter", "D = √(4a/π)", {"a": (a, "calculated")},
                                 (4 * a / math.pi) ** 0.5, unit="m")
            self.add_sizing("vessel_diameter", "Pressure filter diameter", diameter)
            self.note("{n} vertical pressure filters of {d:.2f} m diameter, shop-built "
                      "({in_service} in service while one backwashes): the lowest installed cost.",
                      n=n, d=diameter.magnitude, in_service=in_service)
        else:
            self.note("{n} gravity dual-media filters of {a:.1f} m² ({in_service} in service while one backwashes).",
                      n=n, a=a.magnitude, in_service=in_service)
        v_all = self.calc("v_all", "Filtration rate at design flow, all filters in service", "v = Q_pk / (N · a)",
                          {"Q_pk": (q_peak, "calculated"), "N": (Q_(n, ""), "calculated"), "a": (a, "calculated")},
                          q_peak / (n * a), unit="m/h")
        self.add_sizing("filtration_rate", "Filtration rate, all filters in service", v_all)

        # Media: depths and the L/d check that a coarse top layer still captures floc.
        d_a, d_s = self.c("anthracite_depth"), self.c("sand_depth")
        l_over_d = self.calc("L/d", "Bed depth over effective size", "L/d = L_a/d_a + L_s/d_s",
                             {"L_a": d_a, "d_a": self.c("anthracite_effective_size"), "L_s": d_s,
                              "d_s": self.c("sand_effective_size")},
                             d_a.quantity / self.c("anthracite_effective_size").quantity
                             + d_s.quantity / self.c("sand_effective_size").quantity, unit="")
        if l_over_d.magnitude < self.c("min_depth_to_size_ratio").m:
            self.warn("L/d = {ratio:.0f} is below {minimum:g}; deepen the bed or use finer media",
                      ratio=l_over_d.magnitude, minimum=self.c("min_depth_to_size_ratio").m)
        v_anth = self.calc("V_a", "Anthracite volume", "V = N · a · L_a",
                           {"N": (Q_(n, ""), "calculated"), "a": (a, "calculated"), "L_a": d_a},
                           n * a * d_a.quantity, unit="m**3")
        v_sand = self.calc("V_s", "Sand volume", "V = N · a · L_s",
                           {"N": (Q_(n, ""), "calculated"), "a": (a, "calculated"), "L_s": d_s},
                           n * a * d_s.quantity, unit="m**3")
        self.add_sizing("anthracite_volume", "Anthracite volume", v_anth)
        self.add_sizing("sand_volume", "Sand volume", v_sand)
        media_mass = (v_anth * self.c("anthracite_density").quantity + v_sand * self.c("sand_density").quantity)
        self.add_sizing("media_mass", "Media mass (anthracite + sand)", media_mass, "t")
        self.bed_volume = v_anth + v_sand

        coagulated = bool(self.ctx.shared.get("coagulation"))
        removal = self.c("removal_tss_coagulated") if coagulated else self.c("removal_tss")
        run = self._run_length(influent, q_avg, n, a, removal.m)
        q_bw = self._backwash(q_avg, n, a, run)
        self._streams(influent, q_avg, q_bw, removal.m)
        self._equipment(q_avg, q_peak, q_bw, n, a, run)

    def _layout(self, q_avg: Quantity, q_peak: Quantity, area: Quantity, potable_barrier: bool) -> tuple[bool, int]:
        """Filter type and filters in service of the lowest installed cost among the valid layouts."""
        choice = round(self.c("filter_type").m)
        kinds = []
        # Ten States (Water Works 2018, 4.3.2) keeps pressure filters out of drinking-water filtration
        # except iron and manganese removal: a potable barrier is a gravity filter unless the user says so.
        if choice == 1 or (choice == 0 and not potable_barrier):
            kinds.append((True, math.pi / 4 * self.c("max_vessel_diameter").quantity ** 2))
        if choice != 1:
            kinds.append((False, self.c("max_filter_area").quantity))
        fewest = max(1, int(self.c("min_filters").m) - 1)
        fixed = round(self.c("filters_in_service").m)
        options = []
        for pressure, a_max in kinds:
            n_min = max(fewest, math.ceil((area / a_max).to("").magnitude - 1e-9))
            for n in ([fixed] if fixed > 0 else range(n_min, n_min + EXTRA_FILTERS + 1)):
                items = self._items(pressure, n + 1, area / n, q_avg, q_peak)
                options.append((installed_estimate(self, items, packaged=pressure), pressure, n))
        cost, pressure, n = min(options)
        a_max = dict(kinds)[pressure]
        if area / n > a_max * (1 + 1e-9):
            self.warn("{n} filters in service make each {a:.1f} m², above the practical maximum of {a_max:.1f} m²",
                      n=n, a=(area / n).to("m**2").magnitude, a_max=a_max.to("m**2").magnitude)
        inputs: dict = {"A": (area, "calculated", mark("filter area in service")), "type": self.c("filter_type"),
                        "N_in,set": self.c("filters_in_service")}
        for kind, label, cheapest in ((True, "pressure", mark("cheapest pressure-filter layout, installed")),
                                      (False, "gravity", mark("cheapest gravity-filter layout, installed"))):
            costs = [c for c, k, _ in options if k == kind]
            if costs:
                inputs[f"C_{label}"] = (Q_(min(costs), "USD"), mark("cost curves × installation factors"), cheapest)
        chosen = (self.t("Installed cost of the chosen layout ({n} + 1 pressure filters)", n=n) if pressure
                  else self.t("Installed cost of the chosen layout ({n} + 1 gravity filters)", n=n))
        self.calc("C_inst,layout", chosen, "C = min over filter type and N of Σ f_i · C_i(N)", inputs, Q_(cost, "USD"))
        return pressure, n

    def _pump_kw(self, flow: Quantity, pressure: Quantity) -> Quantity:
        return motor_rating(flow * pressure / self.c("pump_efficiency").m * self.c("motor_margin").m)

    def _items(self, pressure: bool, n: int, a: Quantity, q_avg: Quantity, q_peak: Quantity) -> list[CurveItem]:
        """What a layout of ``n`` filters of area ``a`` buys (cost curves of the unit's data file)."""
        v_bw, t_bw = self.c("backwash_rate").quantity, self.c("backwash_time").quantity
        bed = n * a * (self.c("anthracite_depth").quantity + self.c("sand_depth").quantity)
        items = [CurveItem("dual_media", a, n, "media")]
        if pressure:
            items += [CurveItem("pressure_vessel_base", Q_(1, ""), n),
                      CurveItem("pressure_vessel", bed / n, n),
                      CurveItem("pressure_system", bed),
                      CurveItem("pump_kw", self._pump_kw(q_peak, self.c("pressure_filter_pressure").quantity), 2)]
        else:
            items.append(CurveItem("filter_structure", a, n, "civil"))
        items += [CurveItem("pump_kw", self._pump_kw(v_bw * a, self.c("backwash_pressure").quantity), 2),
                  CurveItem("blower", self.c("air_scour_rate").quantity * a, 2),
                  CurveItem("tank", self.c("backwash_tank_washes").m * v_bw * t_bw * a)]
        return items

    def _run_length(self, influent: Stream, q_avg: Quantity, n: int, a: Quantity, removal: float) -> Quantity:
        max_run = self.c("max_run_length")
        tss = influent.get("tss")
        if tss is None or tss.magnitude <= 0:
            run = self.calc("t_run", "Filter run length", "t = t_max (no TSS given)", {"t_max": max_run},
                            max_run.quantity, unit="h")
        else:
            loading = (q_avg / (n * a) * tss * removal).to("kg/m**2/h")
            storage = self.c("solids_holding_capacity")
            run = self.calc("t_run", "Filter run length", "t = min(t_max, S / (v_avg · TSS · r))",
                            {"t_max": max_run, "S": storage,
                             "v_avg": ((q_avg / (n * a)).to("m/h"), "calculated", "average rate, all in service"),
                             "TSS": (tss, "influent"), "r": (Q_(removal, ""), "criterion", "TSS removal")},
                            min(max_run.quantity, (storage.quantity / loading).to("h")), unit="h")
        self.add_sizing("run_length", "Filter run length", run)
        if run < Q_(8, "h"):
            self.warn("filter runs of {run:.1f} h are short; the feed needs "
                      "better clarification upstream (MWH ch. 11: runs of 1–3 days)", run=run.magnitude)
        return run

    def _backwash(self, q_avg: Quantity, n: int, a: Quantity, run: Quantity) -> Quantity:
        storage_limited = run < self.c("max_run_length").quantity
        v_bw, t_bw, t_ftw = self.c("backwash_rate"), self.c("backwash_time"), self.c("filter_to_waste")
        wash = self.calc("V_wash", "Water per wash (backwash and filter-to-waste)", "V = (v_bw · t_bw + v_avg · t_ftw) · a",
                         {"v_bw": v_bw, "t_bw": t_bw, "v_avg": ((q_avg / (n * a)).to("m/h"), "calculated"),
                          "t_ftw": t_ftw, "a": (a, "calculated")},
                         (v_bw.quantity * t_bw.quantity + q_avg / (n * a) * t_ftw.quantity) * a, unit="m**3")
        self.add_sizing("wash_volume", "Water per filter wash", wash)
        washes = self.calc("n_w", "Washes per day (all filters)", "n = N · 24 h / t_run",
                           {"N": (Q_(n, ""), "calculated"), "t_run": (run, "calculated")}, n / run, unit="1/day")
        q_bw = self.calc("Q_bw", "Backwash water (average)", "Q_bw = n · V", {"n": (washes, "calculated"),
                                                                             "V": (wash, "calculated")},
                         washes * wash, unit="m**3/day")
        fraction = self.calc("f_bw", "Backwash water as a fraction of the feed", "f = Q_bw / Q",
                             {"Q_bw": (q_bw, "calculated"), "Q": (q_avg, "design")}, q_bw / q_avg, unit="")
        self.add_sizing("backwash_fraction", "Backwash water / feed", fraction)
        if fraction.magnitude > self.c("max_backwash_fraction").m:
            reason = (self.t("the solids load ends the runs after {run:.0f} h (improve clarification upstream)",
                             run=run.magnitude)
                      if storage_limited else self.t("the filters run at a low average rate for the wash volume"))
            self.warn("backwash water is {fraction:.1%} of the feed, above {limit:.0%}: {reason}",
                      fraction=fraction.magnitude, limit=self.c("max_backwash_fraction").m, reason=reason)
        self.washes = washes
        return q_bw

    def _streams(self, influent: Stream, q_avg: Quantity, q_bw: Quantity, removal: float) -> None:
        removals = {"tss": removal, "turbidity": removal, "bod": self.c("removal_bod").m,
                    "cod": self.c("removal_cod").m, "toc": self.c("removal_toc").m}
        changes = {k: influent.quality[k] * (1 - r) for k, r in removals.items() if k in influent.quality}
        self.removals.update({k: r for k, r in removals.items() if k in influent.quality})
        q_eff = q_avg - q_bw
        self.effluent = influent.derive(flow=q_eff, name=self.t("Filtered water"), **changes)
        waste = dict(self.effluent.quality)
        for key, c_out in changes.items():
            waste[key] = ((q_avg * influent.quality[key] - q_eff * c_out) / q_bw).to(c_out.units)
        self.add_side_stream(Stream(flow=q_bw, quality=waste, kind="backwash", name=self.t("Filter backwash waste")))

    def _equipment(self, q_avg: Quantity, q_peak: Quantity, q_bw: Quantity, n: int, a: Quantity,
                   run: Quantity) -> None:
        eta_p, eta_m, margin = self.c("pump_efficiency"), self.c("motor_efficiency"), self.c("motor_margin").m
        if self.packaged:
            self.add_equipment("-F01", "Vertical pressure filter, dual media (anthracite/sand), nozzle underdrain",
                               quantity=n, standby=1, capacity=a, material="carbon steel, epoxy lined")
            p_feed = self.c("pressure_filter_pressure")
            w_feed = self.calc("W_feed", "Filter feed pumps, average power", "W = Q · P / (η_p · η_m)",
                               {"Q": (q_avg, "design"), "P": p_feed, "η_p": eta_p, "η_m": eta_m},
                               q_avg * p_feed.quantity / (eta_p.m * eta_m.m), unit="kW")
            motor = motor_rating(q_peak * p_feed.quantity / eta_p.m * margin)
            self.add_equipment("-P01", self.t("Filter feed pump, {p:g} bar", p=p_feed.quantity.to("bar").magnitude),
                               quantity=2,
                               standby=1, capacity=q_peak.to("m**3/h"), power=motor, material="AISI 316 stainless steel")
            self.add_power("Filter feed pumps", motor * 2, w_feed)
        else:
            self.add_equipment("-F01", "Gravity dual-media filter (anthracite/sand) with underdrain, air/water wash",
                               quantity=n, standby=1, capacity=a, material="reinforced concrete")

        q_pump = self.calc("q_bwp", "Backwash pump flow (one filter)", "q = v_bw · a",
                           {"v_bw": self.c("backwash_rate"), "a": (a, "calculated")},
                           self.c("backwash_rate").quantity * a, unit="m**3/h")
        p_bw = self.c("backwash_pressure")
        pumped = self.washes * self.c("backwash_rate").quantity * self.c("backwash_time").quantity * a
        w_bw = self.calc("W_bw", "Backwash pumps, average power", "W = n_w · v_bw · t_bw · a · P / (η_p · η_m)",
                         {"n_w": (self.washes, "calculated"), "v_bw": self.c("backwash_rate"),
                          "t_bw": self.c("backwash_time"), "a": (a, "calculated"), "P": p_bw, "η_p": eta_p,
                          "η_m": eta_m}, pumped * p_bw.quantity / (eta_p.m * eta_m.m), unit="kW")
        bw_motor = motor_rating(q_pump * p_bw.quantity / eta_p.m * margin)
        self.add_equipment("-P02", "Backwash pump", quantity=2, standby=1, capacity=q_pump, power=bw_motor,
                           material="ductile iron / AISI 316 impeller")
        self.add_power("Backwash pumps", bw_motor * 2, w_bw)

        air = self.calc("Q_air", "Air scour flow (one filter)", "Q = v_air · a",
                        {"v_air": self.c("air_scour_rate"), "a": (a, "calculated")},
                        self.c("air_scour_rate").quantity * a, unit="m**3/h")
        eff = self.c("blower_efficiency")
        p_air = self.calc("P_air", "Air scour blower power (adiabatic, M&E Eq. 5-77)",
                          "P = w·R·T1/(M_air·n·e)·[(p2/p1)^n − 1], n = 0.283",
                          {"Q_air": (air, "calculated"), "e": eff, "p2 − p1": self.c("air_scour_pressure")},
                          blower_power(air, self.c("air_scour_pressure").quantity, eff.m), unit="kW")
        w_air = self.calc("W_air", "Air scour blower, average power", "W = P · n_w · t_air / 1 d",
                          {"P": (p_air, "calculated"), "n_w": (self.washes, "calculated"),
                           "t_air": self.c("air_scour_time")},
                          p_air * (self.washes * self.c("air_scour_time").quantity).to(""), unit="kW")
        blower_motor = motor_rating(p_air * eta_m.m * margin)
        self.add_equipment("-B01", "Air scour blower (rotary lobe)", quantity=2, standby=1, capacity=air,
                           power=blower_motor, material="cast iron, acoustic enclosure")
        self.add_power("Air scour blowers", blower_motor * 2, w_air)

        tank = self.calc("V_bwt", "Backwash water tank", "V = k · v_bw · t_bw · a",
                         {"k": self.c("backwash_tank_washes"), "v_bw": self.c("backwash_rate"),
                          "t_bw": self.c("backwash_time"), "a": (a, "calculated")},
                         self.c("backwash_tank_washes").m * self.c("backwash_rate").quantity
                         * self.c("backwash_time").quantity * a, unit="m**3")
        self.add_sizing("backwash_tank", "Backwash water tank", tank)
        self.add_equipment("-T01", "Backwash water tank", capacity=tank,
                           material=mark("HDPE / FRP") if self.packaged else mark("reinforced concrete"))

    def cost(self) -> None:
        assert self.influent is not None
        n = int(self.sizing["filters"].quantity.magnitude)
        a = self.sizing["filter_area"].quantity
        q_avg, q_peak = self.influent.flow, self.influent.peak_flow
        names = {"dual_media": mark("Dual media, initial charge"), "pressure_vessel": mark("Pressure filter vessels"),
                 "pressure_vessel_base": mark("Pressure filter vessels, base cost per vessel"),
                 "pressure_system": mark("Pressure filter piping, valves, instruments and controls"),
                 "filter_structure": mark("Gravity filter structures, underdrains, piping and valves"),
                 "blower": mark("Air scour blowers"), "tank": mark("Backwash water tank")}
        pumps = iter([mark("Filter feed pumps"), mark("Backwash pumps")] if self.packaged else [mark("Backwash pumps")])
        media = Q_(0.0, "USD")
        for item in self._items(self.packaged, n, a, q_avg, q_peak):
            label = next(pumps) if item.curve == "pump_kw" else names[item.curve]
            cost = self.curve_cost(item.curve, item.capacity, count=item.count, category=item.category,
                                   description=label)
            if item.category == "media":
                media = cost
        life = self.c("media_life")
        annual = self.calc("C_media,yr", "Media top-up and replacement", "C = C_media / life",
                           {"C_media": (media, "calculated"), "life": life}, media / life.quantity, unit="USD/year")
        self.add_opex("replacement", "Filter media top-up and replacement", annual)
