"""Mechanically cleaned bar screen (Metcalf & Eddy 5th ed., §5-2)."""

from __future__ import annotations

from ..quantities import Q_
from ..stream import Stream
from .base import UnitProcess, register

GRAVITY = Q_(9.81, "m/s**2")


@register
class BarScreen(UnitProcess):
    type = "bar_screen"
    tag_prefix = "SCR"

    def size(self, influent: Stream) -> None:
        q_peak = self.calc("Q_p", "Peak flow to the screens", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/s")
        v_bar, v_app = self.c("velocity_through_bars"), self.c("approach_velocity")
        b, s, depth = self.c("bar_width"), self.c("clear_spacing"), self.c("flow_depth")
        a_clear = self.calc("A_c", "Clear opening area at peak flow", "A_c = Q_p / V",
                            {"Q_p": (q_peak, "calculated"), "V": v_bar}, q_peak / v_bar.quantity, unit="m**2")
        self.add_sizing("clear_area", "Clear opening area (all duty screens)", a_clear, "m**2")
        # Below a few hundred m3/h one compact screen in its own tank replaces channels.
        self.packaged = q_peak < self.c("packaged_below").quantity
        n = 1
        if not self.packaged:
            width = self.calc("W", "Total channel width", "W = A_c / d · (b + s) / s",
                              {"A_c": (a_clear, "calculated"), "d": depth, "b": b, "s": s},
                              a_clear / depth.quantity * (b.quantity + s.quantity) / s.quantity, unit="m")
            n = self.parallel_trains(width, self.c("max_channel_width"), "screen channels")
            min_width = self.c("min_channel_width")
            width_each = self.calc("W_ch", "Width of each screen channel", "W_ch = max(W / N, W_min)",
                                   {"W": (width, "calculated"), "N": (Q_(n, ""), "calculated"), "W_min": min_width},
                                   max(width / n, min_width.quantity), unit="m")
            self.add_sizing("channel_width", "Width of each screen channel", width_each, "m")
            self.add_sizing("flow_depth", "Depth of flow at peak", depth.quantity, "m")
        headloss = self.calc("h_L", "Headloss through the clogged screen", "h_L = (V² − v²) / (2 g C)",
                             {"V": v_bar, "v": v_app, "g": (GRAVITY, "physical constant"),
                              "C": self.c("discharge_coefficient")},
                             (v_bar.quantity**2 - v_app.quantity**2) / (2 * GRAVITY * self.c("discharge_coefficient").m),
                             unit="m")
        self.add_sizing("headloss", "Headloss at peak flow, clogged screen", headloss)
        screenings = self.calc("V_s", "Screenings volume", "V_s = y · Q",
                               {"y": self.c("screenings_yield"), "Q": (influent.flow, "design", "average flow")},
                               self.c("screenings_yield").quantity * influent.flow, unit="m**3/day")
        self.add_sizing("screenings", "Screenings produced", screenings)

        # One duty screen per channel plus a standby screen (or a manual bypass
        # rack on a single channel), Ten States Standards 61.13.
        power_each = self.c("drive_power").quantity
        spacing = s.quantity.to("mm").magnitude
        capacity = (q_peak / n).to("m**3/hour")
        if self.packaged:
            self.add_equipment("-01", self.t("Packaged fine screen in a stainless-steel tank, {spacing:g} mm openings, "
                                             "with integral washer-compactor and manual bypass rack", spacing=spacing),
                               quantity=n,
                               capacity=capacity, power=power_each, material="AISI 316 stainless steel")
            installed, running = power_each * n, power_each * n
            self.note("Packaged screen with a manual bypass rack for a peak of {q:.0f} m3/h.", q=capacity.magnitude)
        else:
            self.add_equipment("-01", self.t("Mechanically cleaned bar screen, {spacing:g} mm clear spacing, "
                                             "{width:.2f} m channel", spacing=spacing,
                                             width=self.sizing["channel_width"].quantity.magnitude), quantity=n + 1,
                               standby=1, capacity=capacity, power=power_each, material="AISI 316 stainless steel")
            self.add_equipment("-02", "Screenings washer-compactor", quantity=1, capacity=screenings.to("m**3/day"),
                               power=Q_(1.1, "kW"), material="AISI 304 stainless steel")
            installed, running = power_each * (n + 1) + Q_(1.1, "kW"), power_each * n + Q_(1.1, "kW")
            self.note("{n} duty channel(s) plus a standby screen.", n=n)
        self.add_power("Screen drives and compactor", installed, running * self.c("operating_fraction").m)

        # Gross solids (rags, plastics) are not measured as TSS, so screenings leave as a
        # residual to landfill rather than as a stream; the water balance is unchanged.
        # Bulk density 960 kg/m3 and 20 % dry solids: M&E 5th ed., Table 5-3.
        self.effluent = influent.derive()
        self.add_residual("screenings", screenings, screenings * Q_(960.0, "kg/m**3"), "landfill")
        self.note("Screenings {v:.3f} m3/d to landfill.", v=screenings.to("m**3/day").magnitude)

    def cost(self) -> None:
        if self.packaged:
            self.curve_cost("packaged_screen", self.equipment[0].capacity, count=self.trains)
        else:
            self.curve_cost("screen", self.sizing["channel_width"].quantity, count=self.trains + 1)
