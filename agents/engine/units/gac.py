"""Granular activated carbon adsorption (MWH 3rd ed. ch. 15; M&E 5th ed. ch. 11; US EPA WBS GAC cost model).

The bed volume is the design flow times the empty-bed contact time; the
hydraulic loading sets the area and so the depth. Small and medium plants use
steel pressure contactors in lead-lag pairs (the two beds in series provide
the EBCT, and the exhausted lead is changed while the lag keeps treating);
large plants use concrete gravity beds in parallel with one on standby. The
carbon usage rate follows from the organic load the carbon adsorbs (TOC, or
COD in wastewater) and sets the bed life and the yearly carbon replacement.
"""

from __future__ import annotations

import math

from ..cost_curves import cost_index
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import cheaper_option
from .reverse_osmosis import motor_rating


# The construction options cheaper_option weighs, translated where the choice is shown.
CONSTRUCTIONS = (mark("pressure"), mark("gravity"))


@register
class GranularActivatedCarbon(UnitProcess):
    type = "gac"
    tag_prefix = "GAC"

    def size(self, influent: Stream) -> None:
        q_avg = influent.flow.to("m**3/day")
        q_peak = self.calc("Q_pk", "Design (peak) flow", "Q_pk = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")}, influent.peak_flow, unit="m**3/h")
        ebct, v = self.c("ebct"), self.c("hydraulic_loading")
        volume = self.calc("V", "Carbon bed volume in service", "V = Q_pk · EBCT",
                           {"Q_pk": (q_peak, "calculated"), "EBCT": ebct}, q_peak * ebct.quantity, unit="m**3")
        area = self.calc("A", "Bed area in service (per stage)", "A = Q_pk / v",
                         {"Q_pk": (q_peak, "calculated"), "v": v}, q_peak / v.quantity, unit="m**2")
        self.packaged = self._construction(influent, q_avg) == "pressure"
        if self.packaged:
            d_max = self.c("max_vessel_diameter")
            pairs = self.parallel_trains(area, math.pi / 4 * d_max.quantity**2, "lead-lag contactor pairs")
            beds, in_service, series = 2 * pairs, 2 * pairs, 2
            what = mark("Number of pressure contactors in lead-lag pairs")
        else:
            fewest = self.parallel_trains(area, self.c("max_bed_area"), "gravity adsorbers in service")
            # More, smaller beds than the fewest are valid too (down to the smallest practical bed), and a
            # smaller standby bed holds less carbon: the layout that costs least installed keeps the cost
            # rising where one more bed is needed.
            most = max(fewest, math.floor((area / self.c("min_bed_area").quantity).to("").magnitude))
            layouts = {self.tn("{n} bed in service", "{n} beds in service", n): n for n in range(fewest, most + 1)}
            duty = layouts[cheaper_option(self, influent, layouts, list(layouts), "gravity layout")]
            standby = int(self.c("standby_gravity_beds").m)
            beds, in_service, series = duty + standby, duty, 1
            what = mark("Number of gravity adsorbers")
        self.trains = beds
        parallel = in_service // series
        a = (area / parallel).to("m**2")
        depth = self.calc("H", "Carbon depth per bed", "H = v · EBCT / n_series",
                          {"v": v, "EBCT": ebct, "n_series": (Q_(series, ""), "design", "beds in series")},
                          v.quantity * ebct.quantity / series, unit="m")
        bed = (a * depth).to("m**3")
        self.add_sizing("bed_volume", "Carbon bed volume in service", volume)
        self.add_sizing("beds", what, Q_(beds, ""))
        self.add_sizing("bed_area", "Area of each bed", a)
        self.add_sizing("bed_depth", "Carbon depth per bed", depth)
        self.add_sizing("volume_per_bed", "Carbon per bed", bed)
        # The depth follows from the loading and the EBCT; it is checked against the published range of
        # carbon depths the way a criterion is.
        if typical := self.outside_range("bed_depth", depth):
            self.warn("carbon depth per bed {value} is outside the published range {low} – {high} ({source}); "
                      "adjust the hydraulic loading or the EBCT", value=depth, low=typical.low, high=typical.high,
                      source=typical.source)
        rho = self.c("bulk_density")
        mass = self.calc("M_GAC", "Carbon installed (all beds)", "M = N · a · H · ρ_b",
                         {"N": (Q_(beds, ""), "calculated"), "a": (a, "calculated"), "H": (depth, "calculated"),
                          "ρ_b": rho}, beds * bed * rho.quantity, unit="kg")
        self.add_sizing("carbon_mass", "Carbon installed", mass, "t")
        if self.packaged:
            diameter = (4 * a / math.pi) ** 0.5
            self.add_sizing("vessel_diameter", "Contactor diameter", diameter.to("m"))
            self.note("{pairs} lead-lag pair(s) of {d:.2f} m pressure contactors, "
                      "{depth:.2f} m of carbon each ({ebct:g} min EBCT in series).",
                      pairs=pairs, d=diameter.to("m").magnitude, depth=depth.magnitude, ebct=ebct.quantity.magnitude)
        else:
            self.note("{in_service} gravity adsorbers in service + {standby} standby, {a:.1f} m² × {depth:.2f} m carbon.",
                      in_service=in_service, standby=beds - in_service, a=a.magnitude, depth=depth.magnitude)

        cur = self._usage_rate(influent)
        consumption = self.calc("M_use", "Carbon exhausted per day", "M = CUR · Q", {"CUR": (cur, "calculated"),
                                                                                      "Q": (q_avg, "design")},
                                cur * q_avg, unit="kg/day")
        self.add_sizing("carbon_usage", "Carbon exhausted", consumption, "kg/day")
        # In lead-lag the lead bed is exhausted and changed; in parallel beds each bed is changed in rotation.
        changed = mass / 2 if self.packaged else mass * in_service / beds
        life = self.calc("t_bed", "Time between carbon change-outs", "t = M_changed / M_use",
                         {"M_changed": (changed, "calculated", "carbon in the beds changed together"),
                          "M_use": (consumption, "calculated")}, changed / consumption, unit="day")
        self.add_sizing("bed_life", "Time between carbon change-outs", life)
        if life < self.c("min_bed_life").quantity:
            self.warn("carbon would be changed every {days:.0f} days; the organic "
                      "load is too high for GAC alone (pretreat or use another process)", days=life.magnitude)
        self.carbon_use = consumption

        self._streams(influent, q_avg, beds, in_service, a)
        self._equipment(q_avg, q_peak, a)

    def _construction(self, influent: Stream, q_avg: Quantity) -> str:
        """Pressure contactors or gravity adsorbers: where both are valid, the one that costs less installed.

        An engineer's override forces "pressure" or "gravity" (or, as an integer, the number of gravity beds in
        service); the layout of gravity beds is then chosen by cost as usual.
        """
        forced = getattr(self, "_option", None)
        if isinstance(forced, str):
            self._option = None
            return forced
        if forced is not None:
            return "gravity"
        allowed = [k for k, valid in (("pressure", q_avg < self.c("pressure_below").quantity),
                                      ("gravity", q_avg > self.c("gravity_above").quantity)) if valid]
        return cheaper_option(self, influent, {"pressure": "pressure", "gravity": "gravity"}, allowed, "construction")

    def _usage_rate(self, influent: Stream) -> Quantity:
        floor = self.c("min_carbon_usage_rate")
        toc, cod = influent.get("toc"), influent.get("cod")
        if toc is not None:
            r, q = self.c("removal_toc"), self.c("toc_loading")
            load, what = toc, mark("TOC")
        elif cod is not None:
            r, q = self.c("removal_cod"), self.c("cod_loading")
            load, what = cod, mark("COD")
        else:
            return self.calc("CUR", "Carbon usage rate (no organic load given)", "CUR = CUR_min", {"CUR_min": floor},
                             floor.quantity, unit="g/m**3")
        value = max(load * r.m / q.m, floor.quantity)
        return self.calc("CUR", self.t("Carbon usage rate from the {what} adsorbed", what=self.t(what)),
                         "CUR = max(C · r / q, CUR_min)",
                         {"C": (load, "influent", what), "r": r, "q": q, "CUR_min": floor}, value, unit="g/m**3")

    def _streams(self, influent: Stream, q_avg: Quantity, beds: int, in_service: int, a: Quantity) -> None:
        washes = self.calc("n_bw", "Backwashes per day", "n = N / t_bw,interval",
                           {"N": (Q_(in_service, ""), "calculated"), "t_bw,interval": self.c("backwash_interval")},
                           in_service / self.c("backwash_interval").quantity, unit="1/day")
        wash = self.c("backwash_rate").quantity * self.c("backwash_time").quantity * a
        q_bw = self.calc("Q_bw", "Backwash water (average)", "Q = n · v_bw · t_bw · a",
                         {"n": (washes, "calculated"), "v_bw": self.c("backwash_rate"),
                          "t_bw": self.c("backwash_time"), "a": (a, "calculated")}, washes * wash, unit="m**3/day")
        self.washes = washes
        self.wash_flow = (self.c("backwash_rate").quantity * a).to("m**3/h")
        removals = {"toc": self.c("removal_toc").m, "cod": self.c("removal_cod").m, "bod": self.c("removal_bod").m,
                    "color": self.c("removal_color").m, "tss": self.c("removal_tss").m}
        changes = {k: influent.quality[k] * (1 - r) for k, r in removals.items() if k in influent.quality}
        self.removals.update({k: r for k, r in removals.items() if k in influent.quality})
        q_eff = q_avg - q_bw
        self.effluent = influent.derive(flow=q_eff, name=self.t("GAC effluent"), **changes)
        waste = dict(self.effluent.quality)
        # Particles strained by the bed leave with the backwash; adsorbed organics stay on the carbon.
        if "tss" in changes:
            waste["tss"] = ((q_avg * influent.quality["tss"] - q_eff * changes["tss"]) / q_bw).to("mg/L")
        self.add_side_stream(Stream(flow=q_bw, quality=waste, kind="backwash", name=self.t("GAC backwash waste")))

    def _equipment(self, q_avg: Quantity, q_peak: Quantity, a: Quantity) -> None:
        eta_p, eta_m, margin = self.c("pump_efficiency"), self.c("motor_efficiency"), self.c("motor_margin").m
        beds = int(self.sizing["beds"].quantity.magnitude)
        if self.packaged:
            self.add_equipment("-C01", "GAC pressure contactor (lead-lag pairs)", quantity=beds,
                               capacity=self.sizing["volume_per_bed"].quantity, material="carbon steel, epoxy lined")
            p_feed = self.c("feed_pressure")
            w_feed = self.calc("W_feed", "Feed pumps, average power", "W = Q · P / (η_p · η_m)",
                               {"Q": (q_avg, "design"), "P": p_feed, "η_p": eta_p, "η_m": eta_m},
                               q_avg * p_feed.quantity / (eta_p.m * eta_m.m), unit="kW")
            motor = motor_rating(q_peak * p_feed.quantity / eta_p.m * margin)
            self.feed_flow = q_peak.to("L/s")
            self.add_equipment("-P01", self.t("GAC feed pump, {p:g} bar", p=p_feed.quantity.to("bar").magnitude),
                               quantity=2,
                               standby=1, capacity=q_peak, power=motor, material="AISI 316 stainless steel")
            self.add_power("GAC feed pumps", motor * 2, w_feed)
        else:
            self.add_equipment("-C01", "GAC gravity adsorber with underdrain", quantity=beds,
                               standby=int(self.c("standby_gravity_beds").m),
                               capacity=self.sizing["volume_per_bed"].quantity, material="reinforced concrete")
        p_bw = self.c("backwash_pressure")
        wash = self.side_streams[0].flow
        w_bw = self.calc("W_bw", "Backwash pumps, average power", "W = Q_bw · P / (η_p · η_m)",
                         {"Q_bw": (wash, "calculated"), "P": p_bw, "η_p": eta_p, "η_m": eta_m},
                         wash * p_bw.quantity / (eta_p.m * eta_m.m), unit="kW")
        motor = motor_rating(self.wash_flow * p_bw.quantity / eta_p.m * margin)
        self.add_equipment("-P02", "GAC backwash pump", quantity=2, standby=1, capacity=self.wash_flow, power=motor,
                           material="ductile iron / AISI 316 impeller")
        self.add_power("Backwash pumps", motor * 2, w_bw)

    def cost(self) -> None:
        beds = int(self.sizing["beds"].quantity.magnitude)
        per_bed = self.sizing["volume_per_bed"].quantity
        if self.packaged:
            self.curve_cost("pressure_contactor", per_bed, count=beds, description="GAC pressure contactors")
            self.curve_cost("pressure_system", per_bed * beds, description="Piping, valves, instruments and controls")
            self.curve_cost("pump", self.feed_flow, count=2, description="GAC feed pumps")
        else:
            self.curve_cost("gravity_contactor", per_bed, count=beds, category="civil",
                            description="GAC gravity adsorbers")
            self.curve_cost("gravity_system", per_bed * beds, description="Piping, valves, instruments and controls")
        self.curve_cost("pump", self.wash_flow.to("L/s"), count=2, description="Backwash pumps")
        self.curve_cost("carbon", self.sizing["carbon_mass"].quantity, category="media",
                        description="GAC, initial charge")
        # Spent carbon: the reactivated share at the reactivation price, the rest replaced with virgin carbon.
        index = cost_index()
        virgin, react = self.cost_curve("carbon"), self.cost_curve("reactivation")
        f = self.c("regenerated_fraction")
        price = Q_((f.m * react.reference_cost * index.factor(react.year)
                    + (1 - f.m) * virgin.reference_cost * index.factor(virgin.year)), "USD/kg")
        price = self.calc("p_GAC", "Price of replacing exhausted carbon (escalated)",
                          "p = f·p_react·I/I_2020 + (1 − f)·p_virgin·I/I_2020",
                          {"f": f, "p_react": (Q_(react.reference_cost, "USD/kg"), react.source),
                           "p_virgin": (Q_(virgin.reference_cost, "USD/kg"), virgin.source),
                           f"I_{index.latest_year}/I_{virgin.year}": (Q_(index.factor(virgin.year), ""), index.source)},
                          price, unit="USD/kg")
        annual = self.calc("C_GAC,yr", "Carbon replacement", "C = M_use · p", {"M_use": (self.carbon_use, "calculated"),
                                                                               "p": (price, "calculated")},
                           self.carbon_use * price, unit="USD/year")
        self.add_opex("replacement", "GAC reactivation and make-up", annual)
