"""Gravity oil-water separator: API channels or a packaged corrugated-plate interceptor.

API Publication 421 (1990): oil globules rise at the Stokes velocity
V_t = g·(ρ_w − ρ_o)·d² / (18·µ) (150 µm for API channels, 60 µm for plate
packs); an API channel needs a cross-section A_c = Q / V_H with
V_H = min(15·V_t, 3 ft/min) and a length L = F·(V_H/V_t)·d, where
F = F_s·F_t is the short-circuiting times the turbulence factor. A CPI needs a
projected plate area A_p = Q / V_t.

Free oil leaves as a skimmed-oil side stream (kind ``oil``), settled solids
as a bottom sludge; emulsified and dissolved oil pass with the effluent.
"""

from __future__ import annotations

import bisect

from ..criteria import Criterion
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import GRAVITY

# Density (kg/m3) and dynamic viscosity (mPa·s) of water by temperature (°C):
# Metcalf & Eddy 5th ed. (2014), Appendix C (physical properties of water, SI units).
WATER_TABLE = (
    (0.0, 999.8, 1.781), (5.0, 1000.0, 1.518), (10.0, 999.7, 1.307), (15.0, 999.1, 1.139),
    (20.0, 998.2, 1.002), (25.0, 997.0, 0.890), (30.0, 995.7, 0.798), (40.0, 992.2, 0.653),
    (50.0, 988.0, 0.547), (60.0, 983.2, 0.466), (70.0, 977.8, 0.404), (80.0, 971.8, 0.354),
)
WATER_TABLE_SOURCE = mark("Metcalf & Eddy, Wastewater Engineering, 5th ed. (2014), Appendix C, linear interpolation")

# API 421 turbulence factor F_t against V_H/V_t (F = 1.2·F_t gives 1.28 … 1.74).
TURBULENCE = ((3.0, 1.07), (6.0, 1.14), (10.0, 1.27), (15.0, 1.37), (20.0, 1.45))
REFERENCE_WATER_DENSITY = Q_(1000.0, "kg/m**3")  # specific gravities are relative to it

SEPARATOR_TYPES = {1: "api", 2: "cpi"}


def interpolate(table: tuple[tuple[float, ...], ...], x: float, column: int) -> float:
    xs = [row[0] for row in table]
    if x <= xs[0]:
        return table[0][column]
    if x >= xs[-1]:
        return table[-1][column]
    i = bisect.bisect_right(xs, x)
    (x0, *r0), (x1, *r1) = table[i - 1], table[i]
    y0, y1 = r0[column - 1], r1[column - 1]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def water_properties(unit: UnitProcess) -> tuple[Quantity, Quantity]:
    """Density and dynamic viscosity of water at the design temperature, recorded."""
    temp = unit.ctx.design_temperature
    t = float(temp.quantity.to("degC").magnitude)
    if not WATER_TABLE[0][0] <= t <= WATER_TABLE[-1][0]:
        unit.warn("design temperature {t:g} °C is outside the water property table ({t_min:g}–{t_max:g} °C); "
                  "the nearest value is used.", t=t, t_min=WATER_TABLE[0][0], t_max=WATER_TABLE[-1][0])
    rho = unit.calc("ρ_w", "Water density at the design temperature", "ρ_w = ρ(T)",
                    {"T": temp}, Q_(interpolate(WATER_TABLE, t, 1), "kg/m**3"), unit="kg/m**3",
                    note=WATER_TABLE_SOURCE)
    mu = unit.calc("µ", "Dynamic viscosity of water at the design temperature", "µ = µ(T)",
                   {"T": temp}, Q_(interpolate(WATER_TABLE, t, 2), "mPa*s"), unit="Pa*s", note=WATER_TABLE_SOURCE)
    return rho, mu


def rise_velocity(unit: UnitProcess, symbol: str, diameter: Criterion, rho_w: Quantity, mu: Quantity) -> Quantity:
    """Stokes rise velocity of an oil globule of the criterion's diameter."""
    sg = unit.c("oil_specific_gravity")
    rho_o = sg.m * REFERENCE_WATER_DENSITY
    return unit.calc(symbol, unit.t("Rise velocity of a {d:g} µm oil globule (Stokes)",
                                    d=diameter.quantity.to('µm').magnitude),
                     f"{symbol} = g · (ρ_w − SG_o·ρ_ref) · d² / (18 · µ)",
                     {"g": (GRAVITY, "physical constant"), "ρ_w": (rho_w, "calculated"), "SG_o": sg,
                      "ρ_ref": (REFERENCE_WATER_DENSITY, "definition of specific gravity"), "d": diameter,
                      "µ": (mu, "calculated")},
                     GRAVITY * (rho_w - rho_o) * diameter.quantity**2 / (18 * mu), unit="m/s")


@register
class OilWaterSeparator(UnitProcess):
    type = "oil_water_separator"
    tag_prefix = "OWS"
    kind: str = ""  # "api" or "cpi", set by size()

    def size(self, influent: Stream) -> None:
        q_peak = self.calc("Q_p", "Peak flow to the separator", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/hour")
        self.kind = self._separator_type(q_peak)
        rho_w, mu = water_properties(self)
        if self.kind == "api":
            self._size_api(q_peak, rho_w, mu)
        else:
            self._size_cpi(q_peak, rho_w, mu)
        self._separate(influent)

    def _separator_type(self, q_peak: Quantity) -> str:
        choice = round(self.c("separator_type").m)
        if choice in SEPARATOR_TYPES:
            return SEPARATOR_TYPES[choice]
        limit = self.c("cpi_max_flow")
        kind = "cpi" if q_peak <= limit.quantity else "api"
        message = (mark("Packaged corrugated-plate interceptor chosen for a peak flow of {q:.1f} m3/h "
                        "(packaged CPI units up to {q_max:g} m3/h).") if kind == "cpi" else
                   mark("API gravity separator chosen for a peak flow of {q:.1f} m3/h "
                        "(packaged CPI units up to {q_max:g} m3/h)."))
        self.note(message, q=q_peak.to('m**3/hour').magnitude, q_max=limit.quantity.to('m**3/hour').magnitude)
        return kind

    def _size_api(self, q_peak: Quantity, rho_w: Quantity, mu: Quantity) -> None:
        v_t = rise_velocity(self, "V_t", self.c("design_globule_api"), rho_w, mu)
        ratio_max, v_h_max = self.c("max_velocity_ratio"), self.c("max_horizontal_velocity")
        v_h = self.calc("V_H", "Design horizontal velocity", "V_H = min(r_max · V_t, V_H,max)",
                        {"r_max": ratio_max, "V_t": (v_t, "calculated"), "V_H,max": v_h_max},
                        min(ratio_max.m * v_t, v_h_max.quantity), unit="m/s")
        a_c = self.calc("A_c", "Minimum total channel cross-section", "A_c = Q_p / V_H",
                        {"Q_p": (q_peak, "calculated"), "V_H": (v_h, "calculated")}, q_peak / v_h, unit="m**2")
        b_max, d_max = self.c("max_channel_width"), self.c("max_channel_depth")
        a_max = self.calc("A_c,max", "Largest channel cross-section", "A_c,max = B_max · d_max",
                          {"B_max": b_max, "d_max": d_max}, b_max.quantity * d_max.quantity, unit="m**2")
        n = self.parallel_trains(a_c, a_max, "API separator channels", minimum=round(self.c("min_channels").m))
        r = self.c("depth_width_ratio")
        b_min, d_min = self.c("min_channel_width"), self.c("min_channel_depth")
        width = self.calc("B", "Channel width", "B = max(B_min, √(A_c / (N · r_dB)))",
                          {"A_c": (a_c, "calculated"), "N": (Q_(n, ""), "calculated"), "r_dB": r, "B_min": b_min},
                          max(b_min.quantity, ((a_c / (n * r.m)) ** 0.5).to("m")), unit="m")
        depth = self.calc("d", "Channel depth", "d = max(d_min, r_dB · B)",
                          {"r_dB": r, "B": (width, "calculated"), "d_min": d_min},
                          max(d_min.quantity, r.m * width), unit="m")
        v_h_actual = self.calc("V_H,a", "Horizontal velocity in the channels as built", "V_H,a = Q_p / (N · B · d)",
                               {"Q_p": (q_peak, "calculated"), "N": (Q_(n, ""), "calculated"),
                                "B": (width, "calculated"), "d": (depth, "calculated")},
                               q_peak / (n * width * depth), unit="m/s")
        ratio = (v_h_actual / v_t).to("dimensionless").magnitude
        f_t = interpolate(TURBULENCE, ratio, 1)
        factor = self.calc("F", "Turbulence and short-circuiting factor", "F = F_s · F_t(V_H,a / V_t)",
                           {"F_s": self.c("short_circuit_factor"),
                            "F_t": (Q_(f_t, ""), "API Publication 421 (1990), Ch. 4, turbulence factor table",
                                    self.t("at V_H/V_t = {ratio:.2f}", ratio=ratio))},
                           Q_(self.c("short_circuit_factor").m * f_t, ""))
        lw = self.c("min_length_width_ratio")
        length = self.calc("L", "Channel length", "L = max(F · (V_H,a / V_t) · d, r_LB · B)",
                           {"F": (factor, "calculated"), "V_H,a": (v_h_actual, "calculated"), "V_t": (v_t, "calculated"),
                            "d": (depth, "calculated"), "r_LB": lw, "B": (width, "calculated")},
                           max(factor.magnitude * ratio * depth, lw.m * width), unit="m")
        self.add_sizing("rise_velocity", "Design globule rise velocity", v_t)
        self.add_sizing("horizontal_velocity", "Horizontal velocity at peak flow", v_h_actual)
        self.add_sizing("width", "Channel width", width)
        self.add_sizing("depth", "Channel water depth", depth)
        self.add_sizing("length", "Channel length", length)
        surface = self.calc("A_H", "Total separator surface", "A_H = N · B · L",
                            {"N": (Q_(n, ""), "calculated"), "B": (width, "calculated"), "L": (length, "calculated")},
                            n * width * length, unit="m**2")
        self.add_sizing("surface_area", "Total separator surface", surface)
        channel_volume = self.add_sizing("channel_volume", "Water volume of each channel", width * depth * length, "m**3")

        op = self.c("intermittent_fraction").m
        scraper, skimmer, sludge = (self.c("scraper_power").quantity, self.c("skimmer_power").quantity,
                                    self.c("sludge_pump_power").quantity)
        self.add_equipment("-01", self.t("API separator channel {l:.1f} × {b:.2f} × {d:.2f} m (L × B × d), with forebay "
                                         "and oil-retention baffle", l=length.magnitude, b=width.magnitude,
                                         d=depth.magnitude), quantity=n,
                           capacity=channel_volume, material="Reinforced concrete, covered")
        self.add_equipment("-02", "Chain-and-flight scraper", quantity=n, power=scraper, material="Non-metallic flights and chains")
        self.add_equipment("-03", "Rotating slotted-pipe oil skimmer with oil pump", quantity=n, power=skimmer,
                           material="AISI 316 stainless steel")
        self.add_equipment("-04", "Oily sludge pump (duty + standby)", quantity=2, standby=1, power=sludge,
                           material="Progressive cavity, cast iron / NBR stator")
        self.add_power("Flight scrapers (continuous)", scraper * n, scraper * n)
        self.add_power("Skimmers, oil and sludge pumps (intermittent)", skimmer * n + sludge * 2, (skimmer * n + sludge) * op)

    def _size_cpi(self, q_peak: Quantity, rho_w: Quantity, mu: Quantity) -> None:
        v_t = rise_velocity(self, "V_t", self.c("design_globule_cpi"), rho_w, mu)
        self.packaged = True
        n = self.parallel_trains(q_peak, self.c("cpi_max_flow"), "packaged CPI units")
        area = self.calc("A_p", "Projected plate area (all units)", "A_p = Q_p / V_t",
                         {"Q_p": (q_peak, "calculated"), "V_t": (v_t, "calculated")}, q_peak / v_t, unit="m**2")
        self.add_sizing("rise_velocity", "Design globule rise velocity", v_t)
        self.add_sizing("projected_area", "Projected plate area (all units)", area)
        q_unit = self.add_sizing("unit_flow", "Peak flow per CPI unit", q_peak / n, "m**3/hour")
        op = self.c("intermittent_fraction").m
        skimmer, sludge = self.c("skimmer_power").quantity, self.c("sludge_pump_power").quantity
        self.add_equipment("-01", self.t("Packaged corrugated-plate interceptor, {q:.1f} m3/h, {a:.0f} m2 projected "
                                         "plate area, oil weir and sludge hopper", q=q_unit.magnitude,
                                         a=(area / n).magnitude),
                           quantity=n, capacity=q_unit, material="Coated carbon steel, polypropylene plate packs")
        self.add_equipment("-02", "Skimmed-oil pump", quantity=n, power=skimmer, material="Cast iron, Viton seals")
        self.add_equipment("-03", "Oily sludge pump", quantity=n, power=sludge, material="Progressive cavity, NBR stator")
        self.add_power("Oil and sludge pumps (intermittent)", (skimmer + sludge) * n, (skimmer + sludge) * n * op)
        self.notes.append(self.tn("{n} packaged CPI unit(s); no flight scrapers (sludge hopper drawn off by pump).",
                                  "{n} packaged CPI unit(s); no flight scrapers (sludge hopper drawn off by pump).", n))

    def _separate(self, influent: Stream) -> None:
        r_fog = self.c("fog_removal_api" if self.kind == "api" else "fog_removal_cpi")
        changes: dict[str, Quantity | None] = {}
        fog_in = influent.get("fog")
        removed_cod = Q_(0.0, "mg/L")
        if fog_in is not None:
            fog_out = self.calc("FOG_e", "Effluent oil and grease", "FOG_e = FOG_i · (1 − r_FOG)",
                                {"FOG_i": (fog_in, "influent"), "r_FOG": r_fog}, fog_in * (1 - r_fog.m), unit="mg/L")
            changes["fog"] = fog_out
            self.removals["fog"] = r_fog.m
            cod_in = influent.get("cod")
            if cod_in is not None and cod_in.magnitude > 0:
                removed_cod = self.calc("ΔCOD", "COD removed with the free oil", "ΔCOD = min(k · (FOG_i − FOG_e), COD_i)",
                                        {"k": self.c("cod_per_fog"), "FOG_i": (fog_in, "influent"),
                                         "FOG_e": (fog_out, "calculated"), "COD_i": (cod_in, "influent")},
                                        min(self.c("cod_per_fog").m * (fog_in - fog_out), cod_in), unit="mg/L")
                changes["cod"] = cod_in - removed_cod
                self.removals["cod"] = (removed_cod / cod_in).to("dimensionless").magnitude
                bod_in = influent.get("bod")
                if bod_in is not None:
                    # The oil's BOD is taken in the influent's BOD/COD ratio: free oils
                    # degrade no faster or slower than the rest on average.
                    changes["bod"] = bod_in * (1 - self.removals["cod"])
                    self.removals["bod"] = self.removals["cod"]
        else:
            self.warn("influent oil and grease (FOG) is not given; no oil removal is computed.")

        effluent, sludge = self.separate_solids(influent, self.c("tss_removal").m, self.c("sludge_solids").m,
                                                effluent_changes=changes, name=self.t("Oily bottom sludge"))
        if fog_in is None:
            return
        oil_mass = self.calc("M_o", "Free oil skimmed", "M_o = Q · (FOG_i − FOG_e)",
                             {"Q": (influent.flow, "design", "average flow"), "FOG_i": (fog_in, "influent"),
                              "FOG_e": (changes["fog"], "calculated")},
                             influent.flow * (fog_in - changes["fog"]), unit="kg/day")
        f_oil, sg = self.c("skimmed_oil_fraction"), self.c("oil_specific_gravity")
        oil_flow = self.calc("Q_o", "Skimmed oil stream (oil and entrained water)", "Q_o = M_o / (f_o · SG_o · ρ_ref)",
                             {"M_o": (oil_mass, "calculated"), "f_o": f_oil, "SG_o": sg,
                              "ρ_ref": (REFERENCE_WATER_DENSITY, "definition of specific gravity")},
                             oil_mass / (f_oil.m * sg.m * REFERENCE_WATER_DENSITY), unit="m**3/day")
        # The skimmings take their volume out of the effluent; their water carries the
        # effluent's dissolved and suspended matter, so every load still closes.
        oil_quality = dict(effluent.quality)
        oil_quality["fog"] = (oil_mass / oil_flow).to("mg/L")
        self.effluent = effluent.derive(flow=effluent.flow - oil_flow)
        self.add_side_stream(Stream(flow=oil_flow, quality=oil_quality, kind="oil", name=self.t("Skimmed oil")))
        self.add_sizing("oil_recovered", "Free oil recovered", oil_mass)
        self.add_sizing("sludge_flow", "Oily bottom sludge", sludge.flow, "m**3/day")
        self.note("Skimmed oil {q:.2f} m3/d ({f:.0%} oil) to the slop-oil tank; emulsified and dissolved oil remain "
                  "in the effluent.", q=oil_flow.to('m**3/day').magnitude, f=f_oil.m)

    def cost(self) -> None:
        if self.kind == "cpi":
            self.curve_cost("cpi_unit", self.sizing["unit_flow"].quantity, count=self.trains)
        else:
            self.curve_cost("api_channel", self.sizing["channel_volume"].quantity, count=self.trains, category="civil")
            self.curve_cost("api_mechanical", self.sizing["length"].quantity, count=self.trains)

