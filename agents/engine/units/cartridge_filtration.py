"""Cartridge (guard) filtration ahead of RO (DuPont FilmTec Technical Manual, pretreatment; Voutchkov 2013).

Cartridges are counted from the peak flow and the manufacturers' flow per
10-inch equivalent; housings hold up to a practical number of 40-inch
cartridges and a standby housing lets them be changed on line. The filters
have no pump of their own: the RO feed pump pushes the water through them
(its supply pressure includes this pressure drop). Retained solids leave with
the spent cartridges, a solid residual, not with a water stream.
"""

from __future__ import annotations

import math

from ..quantities import Q_
from ..stream import Stream
from .base import UnitProcess, register

# A 2.5-inch OD × 40-inch cartridge occupies π/4 · 0.0635² · 1.016 m.
CARTRIDGE_VOLUME = Q_(math.pi / 4 * 0.0635**2 * 1.016, "m**3")


@register
class CartridgeFiltration(UnitProcess):
    type = "cartridge_filtration"
    tag_prefix = "CF"

    def size(self, influent: Stream) -> None:
        q_avg = influent.flow.to("m**3/day")
        q_peak = self.calc("Q_pk", "Design (peak) flow", "Q_pk = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (q_avg, "design", "average flow")}, influent.peak_flow, unit="m**3/h")
        q10, length = self.c("flow_per_10in"), self.c("cartridge_length")
        n_cart = self.calc("N_c", "Cartridges required", "N_c = ⌈Q_pk / (q_10 · L)⌉",
                           {"Q_pk": (q_peak, "calculated"), "q_10": q10, "L": length},
                           Q_(math.ceil((q_peak / (q10.quantity * length.m)).to("").magnitude - 1e-9), ""))
        self.packaged = q_avg < self.c("packaged_below").quantity
        duty = self.parallel_trains(n_cart, self.c("max_cartridges_per_housing"), "duty cartridge housings")
        standby = 0 if self.packaged else int(self.c("standby_housings").m)
        per_housing = math.ceil(n_cart.magnitude / duty - 1e-9)
        housings = duty + standby
        self.trains = housings
        installed = self.calc("N_inst", "Cartridges installed (all housings)", "N = (N_duty + N_standby) · ⌈N_c / N_duty⌉",
                              {"N_c": (n_cart, "calculated"), "N_duty": (Q_(duty, ""), "calculated"),
                               "N_standby": (Q_(standby, ""), "design")}, Q_(housings * per_housing, ""))
        self.add_sizing("cartridges", "Cartridges installed", installed)
        self.add_sizing("housings", "Housings (duty + standby)", Q_(housings, ""))
        self.add_sizing("cartridges_per_housing", "Cartridges per housing", Q_(per_housing, ""))
        loading = self.calc("q_10,op", "Flow per 10-inch equivalent at design flow", "q = Q_pk / (N_duty · n_h · L)",
                            {"Q_pk": (q_peak, "calculated"), "N_duty": (Q_(duty, ""), "calculated"),
                             "n_h": (Q_(per_housing, ""), "calculated"), "L": length},
                            q_peak / (duty * per_housing * length.m), unit="m**3/h")
        self.add_sizing("flow_per_10in", "Flow per 10-inch equivalent at design flow", loading)
        dp_clean, dp_change = self.c("clean_pressure_drop"), self.c("change_pressure_drop")
        dp = self.calc("ΔP_avg", "Average pressure drop over a change-out cycle", "ΔP = (ΔP_clean + ΔP_change) / 2",
                       {"ΔP_clean": dp_clean, "ΔP_change": dp_change},
                       (dp_clean.quantity + dp_change.quantity) / 2, unit="bar")
        self.add_sizing("pressure_drop", "Average pressure drop", dp)
        self.add_sizing("max_pressure_drop", "Pressure drop at change-out", dp_change.quantity, "bar")
        rating = self.c("micron_rating").quantity.to("micrometer").magnitude
        self.add_equipment("-H01", self.t("Cartridge filter housing, {n} × 40-inch {rating:g} µm cartridges",
                                          n=per_housing, rating=rating),
                           quantity=housings, standby=standby, capacity=(q_peak / duty).to("m**3/h"),
                           material="AISI 316L stainless steel or FRP")
        self.note("{duty} duty + {standby} standby housing(s) × {per_housing} cartridges of 40 inch, "
                  "{rating:g} µm; {loading:.2f} m³/h per 10-inch at design flow. Driven by the RO "
                  "feed pump (pressure drop {dp:.2f} bar average, {dp_change:g} bar at change-out).",
                  duty=duty, standby=standby, per_housing=per_housing, rating=rating, loading=loading.magnitude,
                  dp=dp.magnitude, dp_change=dp_change.quantity.magnitude)

        per_year = self.calc("N_yr", "Cartridges replaced per year", "N = N_duty · n_h / t_change",
                             {"N_duty": (Q_(duty, ""), "calculated"), "n_h": (Q_(per_housing, ""), "calculated"),
                              "t_change": self.c("replacement_interval")},
                             duty * per_housing / self.c("replacement_interval").quantity, unit="1/year")
        self.add_sizing("replacements_per_year", "Cartridges replaced per year", per_year)

        # Retained solids go out with the spent cartridges (booked as removed inside the unit).
        r = self.c("removal_tss").m
        changes = {}
        retained = Q_(0.0, "kg/day")
        if "tss" in influent.quality:
            changes["tss"] = influent.quality["tss"] * (1 - r)
            retained = (influent.flow * influent.quality["tss"] * r).to("kg/day")
            self.removals["tss"] = r
            self.generated["tss"] = -retained
        self.effluent = influent.derive(name=self.t("Cartridge filtrate"), **changes)
        spent = (per_year * self.c("cartridge_mass").quantity).to("kg/day")
        mass = self.calc("M_res", "Spent cartridges with retained solids", "M = N_yr · m_c + TSS retained",
                         {"N_yr": (per_year, "calculated"), "m_c": self.c("cartridge_mass"),
                          "TSS": (retained, "calculated", "solids retained")}, spent + retained, unit="kg/day")
        volume = (per_year * CARTRIDGE_VOLUME).to("m**3/day")
        self.add_residual("spent cartridges", volume, mass, "landfill")

    def cost(self) -> None:
        housings = int(self.sizing["housings"].quantity.magnitude)
        per_housing = self.sizing["cartridges_per_housing"].quantity
        self.curve_cost("housing", per_housing, count=housings, description="Cartridge filter housings")
        installed = int(self.sizing["cartridges"].quantity.magnitude)
        self.curve_cost("cartridges", Q_(1, ""), count=installed, category="media",
                        description="Cartridges, initial set")
        price = self.cost_curve("cartridges")
        replaced = self.sizing["replacements_per_year"].quantity
        # The unit price, escalated like the initial set, times the yearly count.
        unit_price = self.capex_items[-1].cost / installed
        annual = self.calc("C_cart,yr", "Cartridge replacement", "C = N_yr · C_cartridge",
                           {"N_yr": (replaced, "calculated"),
                            "C_cartridge": (unit_price, price.source, "escalated unit price")},
                           replaced * unit_price, unit="USD/year")
        self.add_opex("replacement", "Cartridge replacement", annual)
