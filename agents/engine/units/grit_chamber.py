"""Grit removal: aerated grit chambers or forced-vortex grit units (Metcalf & Eddy 5th ed., §5-6).

Grit (sand, gravel, > 0.2 mm) is not part of the TSS the samplers measure, so,
like screenings, it leaves the process as a washed residual to landfill and
the water balance is unchanged (the classifier's wash water returns to the
channel).
"""

from __future__ import annotations

from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import blower_power, cheaper_option

GRIT_TYPES = {1: "aerated", 2: "vortex"}


@register
class GritChamber(UnitProcess):
    type = "grit_chamber"
    tag_prefix = "GRT"
    kind: str = ""  # "aerated" or "vortex", set by size()

    def size(self, influent: Stream) -> None:
        q_avg = influent.flow
        q_peak = self.calc("Q_p", "Peak hourly flow to grit removal", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")},
                           influent.peak_flow, unit="m**3/s")
        self.kind = self._grit_type(influent, q_peak)
        if self.kind == "aerated":
            self._size_aerated(q_peak)
        else:
            self._size_vortex(q_avg, q_peak)

        grit = self.calc("V_g", "Grit removed", "V_g = y · Q",
                         {"y": self.c("grit_yield"), "Q": (q_avg, "design", "average flow")},
                         self.c("grit_yield").quantity * q_avg, unit="m**3/day")
        grit_mass = self.calc("M_g", "Wet mass of washed grit", "M_g = V_g · ρ_g",
                              {"V_g": (grit, "calculated"), "ρ_g": self.c("grit_bulk_density")},
                              grit * self.c("grit_bulk_density").quantity, unit="kg/day")
        self.add_sizing("grit", "Grit removed (washed)", grit)
        self.add_residual("grit", grit, grit_mass, "landfill")
        self.effluent = influent.derive()
        self.note("Grit {v:.3f} m3/d ({m:.0f} kg/d) washed and hauled to landfill.",
                  v=grit.to("m**3/day").magnitude, m=grit_mass.to("kg/day").magnitude)

    def _grit_type(self, influent: Stream, q_peak: Quantity) -> str:
        choice = round(self.c("grit_type").m)
        if choice in GRIT_TYPES:
            return GRIT_TYPES[choice]
        if choice != 0:
            self.warn("grit_type {choice} is not 0, 1 or 2; chosen by peak flow instead.", choice=choice)
        # Aerated chambers suit any flow (M&E 5th ed. §5-6); vortex units are made for small and medium plants
        # (WEF MOP 8). Where both are valid the one that costs less installed is built, which keeps the cost
        # continuous where vortex units stop.
        threshold = self.c("aerated_above")
        allowed = ["vortex", "aerated"] if q_peak <= threshold.quantity else ["aerated"]
        kind = cheaper_option(self, influent, {"vortex": "vortex", "aerated": "aerated"}, allowed, "grit removal")
        self.note(mark("Vortex grit removal chosen: peak flow {q:.3f} m3/s; vortex units are made up to {limit:g} m3/s "
                       "({source}).") if kind == "vortex" else
                  mark("Aerated grit removal chosen: peak flow {q:.3f} m3/s; vortex units are made up to {limit:g} m3/s "
                       "({source})."),
                  q=q_peak.to("m**3/s").magnitude, limit=threshold.quantity.to("m**3/s").magnitude, source=threshold.source)
        return kind

    def _size_aerated(self, q_peak: Quantity) -> None:
        t, depth = self.c("detention_time_peak"), self.c("depth")
        r_wd, lw_min, lw_max = self.c("width_depth_ratio"), self.c("min_length_width_ratio"), self.c("max_length_width_ratio")
        volume = self.calc("V", "Total aerated grit chamber volume", "V = Q_p · t",
                           {"Q_p": (q_peak, "calculated"), "t": t}, q_peak * t.quantity, unit="m**3")
        v_max = self.calc("V_max", "Largest chamber at the design depth (L:W at its upper limit)",
                          "V_max = (r_wd·D)·D·(r_lw,max·r_wd·D) = r_wd²·r_lw,max·D³",
                          {"r_wd": r_wd, "r_lw,max": lw_max, "D": depth},
                          r_wd.m**2 * lw_max.m * depth.quantity**3, unit="m**3")
        n = self.parallel_trains(volume, v_max, "aerated grit chambers", minimum=round(self.c("min_aerated_chambers").m))
        v_each = self.add_sizing("chamber_volume", "Volume of each chamber", volume / n, "m**3")
        d = depth.quantity
        ratio = (v_each / (r_wd.m**2 * d**3)).to("dimensionless").magnitude
        if ratio < lw_min.m:
            # A chamber this small at the design depth would be shorter than 3 widths; a
            # shallower chamber keeps the spiral roll and the length the grit needs to settle.
            d = self.calc("D", "Depth reduced so that L:W reaches its minimum",
                          "D = max(D_min, [V_each / (r_wd²·r_lw,min)]^(1/3))",
                          {"V_each": (v_each, "calculated"), "r_wd": r_wd, "r_lw,min": lw_min, "D_min": self.c("min_depth")},
                          max(self.c("min_depth").quantity,
                              ((v_each / (r_wd.m**2 * lw_min.m)) ** (1 / 3)).to("m")), unit="m")
            self.note("Chamber depth reduced to {d:.2f} m to keep a length-to-width ratio of at least {ratio:g}.",
                      d=d.magnitude, ratio=lw_min.m)
        depth_used = self.add_sizing("depth", "Side water depth", d, "m")
        width = self.calc("W", "Chamber width", "W = r_wd · D", {"r_wd": r_wd, "D": (depth_used, "design")},
                          r_wd.m * depth_used, unit="m")
        length = self.calc("L", "Chamber length", "L = V_each / (W · D)",
                           {"V_each": (v_each, "calculated"), "W": (width, "calculated"), "D": (depth_used, "design")},
                           v_each / (width * depth_used), unit="m")
        self.add_sizing("width", "Chamber width", width)
        self.add_sizing("length", "Chamber length", length)
        lw = (length / width).to("dimensionless").magnitude
        if lw < lw_min.m - 1e-6:
            self.warn("length-to-width ratio {lw:.2f} is below {minimum:g} even at the minimum depth; grit capture may "
                      "suffer ({source}).", lw=lw, minimum=lw_min.m, source=lw_min.source)
        detention = self.calc("t_p", "Detention time at peak flow", "t_p = N · V_each / Q_p",
                              {"N": (Q_(n, ""), "calculated"), "V_each": (v_each, "calculated"), "Q_p": (q_peak, "calculated")},
                              n * v_each / q_peak, unit="min")
        self.add_sizing("detention_time_peak", "Detention time at peak flow", detention)

        air = self.calc("Q_a", "Air supply to all chambers", "Q_a = q_a · L · N",
                        {"q_a": self.c("air_supply"), "L": (length, "calculated"), "N": (Q_(n, ""), "calculated")},
                        self.c("air_supply").quantity * length * n, unit="m**3/min")
        self.add_sizing("air_flow", "Air supply (standard air)", air)
        submergence = self.calc("h_s", "Diffuser submergence", "h_s = D − h_d",
                                {"D": (depth_used, "design"), "h_d": self.c("diffuser_height")},
                                depth_used - self.c("diffuser_height").quantity, unit="m")
        p_blower = blower_power(self, air, submergence, self.c("air_system_losses"), self.c("blower_efficiency"),
                                self.t("Grit chamber aeration"))
        self.add_sizing("blower_power", "Blower absorbed power", p_blower)

        op = self.c("grit_system_operating_fraction").m
        collector, pump, classifier = (self.c("collector_power").quantity, self.c("grit_pump_power").quantity,
                                       self.c("classifier_power").quantity)
        self.add_equipment("-01", self.t("Aerated grit chamber {length:.1f} × {width:.1f} × {depth:.1f} m (L × W × SWD), "
                                         "coarse-bubble diffusers along one side", length=length.magnitude,
                                         width=width.magnitude, depth=depth_used.magnitude),
                           quantity=n, capacity=v_each, material="Reinforced concrete, AISI 304 diffuser header")
        self.add_equipment("-02", "Grit chamber blower (duty + standby)", quantity=2, standby=1, capacity=air,
                           power=p_blower, material="Cast iron casing, acoustic enclosure")
        self.add_equipment("-03", "Grit screw collector", quantity=n, capacity=length, power=collector,
                           material="AISI 304 stainless steel")
        self.add_equipment("-04", "Grit slurry pump (one per chamber plus standby)", quantity=n + 1, standby=1,
                           power=pump, material="Ni-hard cast iron, recessed impeller")
        self.add_equipment("-05", "Grit classifier / washer", quantity=1, power=classifier, material="AISI 304 stainless steel")
        self.add_power("Grit chamber blowers (one duty, continuous)", p_blower * 2, p_blower)
        self.add_power("Grit collectors, pumps and classifier (intermittent)",
                       collector * n + pump * (n + 1) + classifier, (collector * n + pump * n + classifier) * op)

    def _size_vortex(self, q_avg: Quantity, q_peak: Quantity) -> None:
        n = self.parallel_trains(q_peak, self.c("vortex_max_flow"), "vortex grit units")
        q_unit = self.add_sizing("unit_peak_flow", "Peak flow per vortex unit", q_peak / n, "m**3/s")
        volume = self.calc("V_u", "Upper chamber volume per unit", "V_u = (Q / N) · t",
                           {"Q": (q_avg, "design", "average flow"), "N": (Q_(n, ""), "calculated"),
                            "t": self.c("vortex_detention_time")},
                           q_avg / n * self.c("vortex_detention_time").quantity, unit="m**3")
        self.add_sizing("unit_volume", "Upper chamber volume per unit (at average flow detention)", volume)
        paddle, pump, classifier = (self.c("paddle_drive_power").quantity, self.c("grit_pump_power").quantity,
                                    self.c("classifier_power").quantity)
        op = self.c("grit_system_operating_fraction").m
        self.add_equipment("-01", self.t("Forced-vortex grit unit rated {q:.3f} m3/s peak, with paddle drive",
                                         q=q_unit.magnitude),
                           quantity=n, capacity=q_unit.to("m**3/hour"), power=paddle,
                           material="Reinforced concrete or coated steel, AISI 304 paddles")
        self.add_equipment("-02", "Grit slurry pump (one per unit plus standby)", quantity=n + 1, standby=1, power=pump,
                           material="Ni-hard cast iron, recessed impeller")
        self.add_equipment("-03", "Grit cyclone and classifier / washer", quantity=1, power=classifier,
                           material="AISI 304 stainless steel")
        self.add_power("Vortex paddle drives (continuous)", paddle * n, paddle * n)
        self.add_power("Grit pumps and classifier (intermittent)", pump * (n + 1) + classifier, (pump * n + classifier) * op)
        if n == 1:
            self.note("Single vortex unit with a bypass channel (Ten States Standards 2014, Ch. 60).")

    def cost(self) -> None:
        if self.kind == "aerated":
            volume = self.costed_size("V_cost", self.sizing["chamber_volume"].quantity, self.c("min_chamber_volume"),
                                      mark("aerated grit chamber"))
            self.curve_cost("aerated_chamber", volume, count=self.trains, category="civil")
            air = self.costed_size("Q_a,cost", self.sizing["air_flow"].quantity, self.c("min_blower_air_flow"),
                                   mark("grit chamber blower"))
            self.curve_cost("blower", air, count=2)
            length = self.costed_size("L_cost", self.sizing["length"].quantity, self.c("min_collector_length"),
                                      mark("grit collector"))
            self.curve_cost("grit_handling", length, count=self.trains)
        else:
            q_unit = self.costed_size("Q_cost", self.sizing["unit_peak_flow"].quantity, self.c("min_vortex_flow"),
                                      mark("vortex grit unit"))
            self.curve_cost("vortex_unit", q_unit, count=self.trains)

