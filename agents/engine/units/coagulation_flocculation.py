"""Coagulation (rapid mix) and flocculation (MWH 3rd ed., Ch. 9; Metcalf & Eddy 5th ed., Ch. 6).

Mixing power is the water power P = G²·µ·V at the design temperature. The
coagulant hydrolyses with the bicarbonate alkalinity,

    FeCl3 + 3 HCO3⁻ → Fe(OH)3 + 3 CO2 + 3 Cl⁻
    Al2(SO4)3·14H2O + 6 HCO3⁻ → 2 Al(OH)3 + 6 CO2 + 14 H2O + 3 SO4²⁻

so this unit forms the metal-hydroxide floc (recorded as generated TSS that
leaves with the effluent: the clarifier or DAF downstream removes it),
consumes alkalinity (caustic soda makes up a shortfall) and changes the TDS by
the anion added minus the dried-residue equivalent of the bicarbonate
consumed (0.4917·HCO3⁻, Standard Methods 1030 E). It removes nothing itself.

``dose_chemicals`` is shared with the DAF's in-line conditioning. A unit that
conditions the water records ``ctx.shared["coagulation"]`` (its tag and
coagulant) so the separation downstream applies its with-chemicals removals.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..criteria import load_data
from ..quantities import Q_, Quantity
from ..stream import PARAMETERS, WATER_DENSITY, Stream
from .base import UnitProcess, register
from .oil_water_separator import water_properties

STOICHIOMETRY = "stoichiometry (molar masses, IUPAC 2013)"
CACO3_EQUIVALENT = 50.04  # g/eq
HCO3_MOLAR_MASS = 61.02
# Bicarbonate loses CO2 and water when the TDS residue is dried at 180 °C; Standard
# Methods 1030 E counts 0.4917 of the bicarbonate mass in a TDS by summation.
HCO3_RESIDUE = 0.4917
NAOH_MOLAR_MASS = 40.00
SODIUM_MOLAR_MASS = 22.99
CAUSTIC_DENSITY = Q_(1.52, "kg/L")  # 50 % NaOH, product data sheets


@dataclass(frozen=True)
class Coagulant:
    key: str  # in data/chemicals.yaml
    name: str
    molar_mass: float  # g/mol of the salt as dosed
    precipitate: str
    precipitate_mass: float  # g of hydroxide per mol of salt
    hco3: int  # mol HCO3⁻ consumed per mol of salt
    anion: str  # stream parameter the anion adds to
    anion_mass: float  # g of anion per mol of salt


COAGULANTS = {
    1: Coagulant("ferric_chloride", "FeCl3", 162.20, "Fe(OH)3", 106.87, 3, "chloride", 3 * 35.45),
    2: Coagulant("aluminium_sulfate", "Al2(SO4)3·14H2O", 594.4, "Al(OH)3", 2 * 78.00, 6, "sulfate", 3 * 96.06),
}


def coagulant_of(unit: UnitProcess) -> Coagulant:
    choice = round(unit.c("coagulant_type").m)
    if choice not in COAGULANTS:
        unit.ctx.warnings.append(f"{unit.tag}: coagulant_type {choice} is not 1 (ferric chloride) or 2 (alum); "
                                 "ferric chloride is used.")
        choice = 1
    return COAGULANTS[choice]


def dose_chemicals(unit: UnitProcess, influent: Stream, purpose: str) -> Stream:
    """Dose coagulant and polymer into ``influent`` and return the conditioned stream.

    Records the chemicals, the precipitate (generated TSS), the TDS change, the
    alkalinity consumed and any caustic make-up, and the water of the chemical
    solutions (generated water), so that the unit's balance closes.
    """
    coag = coagulant_of(unit)
    chemicals = load_data("chemicals")["chemicals"]
    q = influent.flow
    dose = unit.c("coagulant_dose")
    active = chemicals[coag.key]["active_fraction"]
    coag_product = unit.add_chemical(coag.key, f"{purpose}: coagulant ({coag.name})", dose.quantity / active, q)
    polymer = unit.add_chemical("polymer", f"{purpose}: flocculant aid", unit.c("polymer_dose").quantity, q)

    ratio = coag.precipitate_mass / coag.molar_mass
    precipitate = unit.calc("X_chem", f"Chemical floc formed ({coag.precipitate})",
                            "X_chem = D · r_ppt · Q",
                            {"D": dose, "r_ppt": (Q_(ratio, ""), STOICHIOMETRY,
                                                  f"g {coag.precipitate} per g {coag.name}: "
                                                  f"{coag.precipitate_mass:g}/{coag.molar_mass:g}"),
                             "Q": (q, "design", "average flow")},
                            dose.quantity * ratio * q, unit="kg/day")
    floc = unit.calc("X", "Solids added to the water (hydroxide floc and polymer)", "X = X_chem + P · Q",
                     {"X_chem": (precipitate, "calculated"), "P": unit.c("polymer_dose"), "Q": (q, "design", "average flow")},
                     precipitate + unit.c("polymer_dose").quantity * q, unit="kg/day")

    k_alk = coag.hco3 * CACO3_EQUIVALENT / coag.molar_mass
    alk_used = unit.calc("Alk_c", "Alkalinity consumed (as CaCO3)", "Alk_c = D · n_HCO3 · 50.04 / M_coag",
                         {"D": dose, "n_HCO3": (Q_(coag.hco3, ""), STOICHIOMETRY, "mol HCO3⁻ per mol coagulant"),
                          "M_coag": (Q_(coag.molar_mass, "g/mol"), STOICHIOMETRY)},
                         dose.quantity * k_alk, unit="mg/L")
    caustic = Q_(0.0, "mg/L")
    alk_in = influent.get("alkalinity")
    alk_out: Quantity | None = None
    if alk_in is None:
        unit.ctx.warnings.append(f"{unit.tag}: influent alkalinity is unknown; the coagulant consumes "
                                 f"{alk_used.magnitude:.0f} mg/L as CaCO3, which is not checked.")
    else:
        residual = alk_in - alk_used
        target = unit.c("residual_alkalinity")
        if residual < target.quantity:
            caustic = unit.calc("D_NaOH", "Caustic soda (as NaOH) to restore the residual alkalinity",
                                "D_NaOH = (Alk_min − (Alk_i − Alk_c)) · 40.00 / 50.04",
                                {"Alk_min": target, "Alk_i": (alk_in, "influent"), "Alk_c": (alk_used, "calculated")},
                                (target.quantity - residual) * NAOH_MOLAR_MASS / CACO3_EQUIVALENT, unit="mg/L")
            naoh_active = chemicals["sodium_hydroxide"]["active_fraction"]
            unit.add_chemical("sodium_hydroxide", f"{purpose}: alkalinity make-up", caustic / naoh_active, q)
            alk_out = target.quantity
            unit.notes.append(f"Influent alkalinity {alk_in.magnitude:.0f} mg/L as CaCO3 is short of the "
                              f"{alk_used.magnitude:.0f} mg/L the coagulant consumes plus the "
                              f"{target.quantity.magnitude:g} mg/L residual; caustic soda makes it up.")
        else:
            alk_out = residual

    anion = coag.anion_mass / coag.molar_mass
    hco3 = coag.hco3 * HCO3_MOLAR_MASS / coag.molar_mass
    naoh_tds = SODIUM_MOLAR_MASS / NAOH_MOLAR_MASS + HCO3_RESIDUE * HCO3_MOLAR_MASS / NAOH_MOLAR_MASS
    d_tds = unit.calc("ΔTDS", "TDS change from the chemicals",
                      "ΔTDS = D · (m_anion − 0.4917 · m_HCO3) / M_coag + D_NaOH · (22.99 + 0.4917 · 61.02) / 40.00",
                      {"D": dose, "m_anion": (Q_(coag.anion_mass, "g/mol"), STOICHIOMETRY, f"{coag.anion} added"),
                       "m_HCO3": (Q_(coag.hco3 * HCO3_MOLAR_MASS, "g/mol"), STOICHIOMETRY, "bicarbonate consumed"),
                       "M_coag": (Q_(coag.molar_mass, "g/mol"), STOICHIOMETRY),
                       "D_NaOH": (caustic, "calculated", "caustic soda dose as NaOH")},
                      dose.quantity * (anion - HCO3_RESIDUE * hco3) + caustic * naoh_tds, unit="mg/L")

    # The chemicals arrive as solutions; their water joins the flow.
    water = unit.calc("Q_chem", "Water added with the chemical solutions", "Q_chem = M_c/ρ_c + M_p/(c_p·ρ_w) + M_NaOH/ρ_NaOH",
                      {"M_c": (coag_product.consumption, "calculated", "coagulant solution"),
                       "ρ_c": unit.c("coagulant_solution_density"),
                       "M_p": (polymer.consumption, "calculated", "polymer product"), "c_p": unit.c("polymer_solution"),
                       "ρ_w": (WATER_DENSITY, "physical constant"),
                       "M_NaOH": ((caustic * q).to("kg/day") / chemicals["sodium_hydroxide"]["active_fraction"],
                                  "calculated", "caustic solution"),
                       "ρ_NaOH": (CAUSTIC_DENSITY, "product data sheets (50 % NaOH)")},
                      coag_product.consumption / unit.c("coagulant_solution_density").quantity
                      + polymer.consumption / (unit.c("polymer_solution").m * WATER_DENSITY)
                      + (caustic * q).to("kg/day") / chemicals["sodium_hydroxide"]["active_fraction"] / CAUSTIC_DENSITY,
                      unit="m**3/day")
    q_out = q + water
    dilution = (q / q_out).to("dimensionless").magnitude
    changes: dict[str, Quantity | None] = {
        key: value * dilution for key, value in influent.quality.items()
        if PARAMETERS.get(key, ("",))[0] == "mg/L"
    }
    changes["tss"] = ((influent.mass_flow("tss") + floc) / q_out).to("mg/L")
    unit.generated["tss"] = unit.generated.get("tss", Q_(0.0, "kg/day")) + floc
    unit.generated["water"] = unit.generated.get("water", Q_(0.0, "m**3/day")) + water
    if influent.get("tds") is not None:
        added = (d_tds * q).to("kg/day")
        changes["tds"] = ((influent.mass_flow("tds") + added) / q_out).to("mg/L")
        unit.generated["tds"] = unit.generated.get("tds", Q_(0.0, "kg/day")) + added
    if influent.get(coag.anion) is not None:
        changes[coag.anion] = ((influent.mass_flow(coag.anion) + dose.quantity * anion * q) / q_out).to("mg/L")
    if alk_out is not None:
        changes["alkalinity"] = alk_out * dilution
    unit.ctx.shared["coagulation"] = {"tag": unit.tag, "coagulant": coag.key}
    return influent.derive(flow=q_out, **changes)


@register
class CoagulationFlocculation(UnitProcess):
    type = "coagulation_flocculation"
    tag_prefix = "CFL"

    def size(self, influent: Stream) -> None:
        q_peak = self.calc("Q_p", "Peak flow through the mixing tanks", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/hour")
        self.packaged = q_peak < self.c("packaged_below").quantity
        _, mu = water_properties(self)

        v_rm = self.calc("V_rm", "Rapid mix volume", "V_rm = Q_p · t_rm",
                         {"Q_p": (q_peak, "calculated"), "t_rm": self.c("rapid_mix_time")},
                         q_peak * self.c("rapid_mix_time").quantity, unit="m**3")
        v_f = self.calc("V_f", "Flocculation volume", "V_f = Q_p · t_f",
                        {"Q_p": (q_peak, "calculated"), "t_f": self.c("flocculation_time")},
                        q_peak * self.c("flocculation_time").quantity, unit="m**3")
        n = 1 if self.packaged else self.parallel_trains(v_f, self.c("max_train_volume"), "flocculation trains")
        stages = max(1, round(self.c("flocculation_stages").m))
        g_rm, g_f = self.c("rapid_mix_g"), self.c("flocculation_g")
        p_rm = self.calc("P_rm", "Rapid mix water power (all trains)", "P_rm = G_rm² · µ · V_rm",
                         {"G_rm": g_rm, "µ": (mu, "calculated"), "V_rm": (v_rm, "calculated")},
                         g_rm.quantity**2 * mu * v_rm, unit="kW")
        p_f = self.calc("P_f", "Flocculation water power (all compartments)", "P_f = G_f² · µ · V_f",
                        {"G_f": g_f, "µ": (mu, "calculated"), "V_f": (v_f, "calculated")},
                        g_f.quantity**2 * mu * v_f, unit="kW")
        gt = self.calc("Gt", "Flocculation G·t", "Gt = G_f · t_f", {"G_f": g_f, "t_f": self.c("flocculation_time")},
                       g_f.quantity * self.c("flocculation_time").quantity)
        if not self.c("min_gt").m <= gt.magnitude <= self.c("max_gt").m:
            self.ctx.warnings.append(f"{self.tag}: flocculation G·t = {gt.magnitude:,.0f} is outside "
                                     f"{self.c('min_gt').m:,.0f}–{self.c('max_gt').m:,.0f} ({self.c('min_gt').source}).")
        self.add_sizing("rapid_mix_volume", "Rapid mix volume per train", v_rm / n, "m**3")
        self.add_sizing("flocculation_volume", "Flocculation volume per train", v_f / n, "m**3")
        v_stage = self.add_sizing("stage_volume", "Volume of each flocculation compartment", v_f / (n * stages), "m**3")
        depth = self.c("flocculator_depth").quantity
        side = self.calc("B_f", "Side of each square flocculation compartment", "B_f = √(V_stage / h)",
                         {"V_stage": (v_stage, "calculated"), "h": self.c("flocculator_depth")},
                         (v_stage / depth) ** 0.5, unit="m")
        self.add_sizing("gt", "Flocculation G·t", gt)

        eta = self.c("mixer_efficiency")
        m_rm = self.calc("P_rm,m", "Rapid mixer motor power (each)", "P_rm,m = P_rm / (N · η)",
                         {"P_rm": (p_rm, "calculated"), "N": (Q_(n, ""), "calculated"), "η": eta},
                         p_rm / (n * eta.m), unit="kW")
        m_f = self.calc("P_f,m", "Flocculator motor power (each)", "P_f,m = P_f / (N · n_s · η)",
                        {"P_f": (p_f, "calculated"), "N": (Q_(n, ""), "calculated"),
                         "n_s": (Q_(stages, ""), "design", "compartments per train"), "η": eta},
                        p_f / (n * stages * eta.m), unit="kW")
        tank = "Steel" if self.packaged else "Reinforced-concrete"
        self.add_equipment("-01", f"{tank} rapid mix tank {(v_rm / n).magnitude:.1f} m3 with high-speed mixer "
                           f"(G = {g_rm.quantity.magnitude:g} 1/s)", quantity=n, capacity=(v_rm / n).to("m**3"),
                           power=m_rm, material="AISI 316 impeller")
        self.add_equipment("-02", f"Vertical-turbine flocculator in a {side.magnitude:.1f} × {side.magnitude:.1f} × "
                           f"{depth.magnitude:g} m compartment (G = {g_f.quantity.magnitude:g} 1/s, variable speed)",
                           quantity=n * stages, capacity=v_stage, power=m_f, material="AISI 316 hydrofoil impeller")
        self.add_power("Rapid mixers and flocculators (continuous)", m_rm * n + m_f * n * stages,
                       (p_rm + p_f) / eta.m)

        self.effluent = dose_chemicals(self, influent, "Coagulation-flocculation")
        self._dosing_equipment()
        if self.packaged:
            self.notes.append("Packaged coagulation-flocculation skid (steel tanks) for a small flow.")
        self.notes.append("The floc formed here is removed by the clarifier or DAF that follows; effluent pH drops "
                          "with the alkalinity consumed (check by jar test).")

    def _dosing_equipment(self) -> None:
        coag = next(c for c in self.chemicals if c.key in ("ferric_chloride", "aluminium_sulfate"))
        polymer = next(c for c in self.chemicals if c.key == "polymer")
        rho = self.c("coagulant_solution_density").quantity
        feed = self.calc("q_c", "Coagulant solution feed rate", "q_c = M_c / ρ_c",
                         {"M_c": (coag.consumption, "calculated"), "ρ_c": self.c("coagulant_solution_density")},
                         coag.consumption / rho, unit="L/hour")
        day_tank = self.calc("V_dt", "Coagulant day tank volume", "V_dt = q_c · t_dt",
                             {"q_c": (feed, "calculated"), "t_dt": self.c("day_tank_storage")},
                             feed * self.c("day_tank_storage").quantity, unit="m**3")
        poly_feed = self.calc("q_p", "Polymer solution feed rate", "q_p = M_p / (c_p · ρ_w)",
                              {"M_p": (polymer.consumption, "calculated"), "c_p": self.c("polymer_solution"),
                               "ρ_w": (WATER_DENSITY, "physical constant")},
                              polymer.consumption / (self.c("polymer_solution").m * WATER_DENSITY), unit="L/hour")
        self.add_sizing("coagulant_feed", "Coagulant solution feed rate", feed)
        self.add_sizing("coagulant_mass_rate", "Coagulant product mass rate", coag.consumption, "kg/hour")
        self.add_sizing("polymer_mass_rate", "Polymer product mass rate", polymer.consumption, "kg/hour")
        pump = self.c("dosing_pump_power").quantity
        self.add_equipment("-03", f"Coagulant day tank {day_tank.magnitude:.2f} m3", quantity=1, capacity=day_tank,
                           material="HDPE / FRP")
        self.add_equipment("-04", f"Coagulant metering pump, {feed.magnitude:.1f} L/h (duty + standby)", quantity=2,
                           standby=1, capacity=feed, power=pump, material="PVDF head, PTFE diaphragm")
        self.add_equipment("-05", "Polymer make-down unit", quantity=1, capacity=polymer.consumption.to("kg/hour"),
                           power=self.c("polymer_unit_power").quantity, material="AISI 304 / PE tanks")
        self.add_equipment("-06", f"Polymer metering pump, {poly_feed.magnitude:.1f} L/h (duty + standby)", quantity=2,
                           standby=1, capacity=poly_feed, power=pump, material="Progressive cavity, EPDM stator")
        n_pumps, installed = 2, pump * 4 + self.c("polymer_unit_power").quantity
        caustic = next((c for c in self.chemicals if c.key == "sodium_hydroxide"), None)
        if caustic is not None:
            self.add_equipment("-07", "Caustic soda metering pump (duty + standby) with day tank", quantity=2, standby=1,
                               capacity=(caustic.consumption / CAUSTIC_DENSITY).to("L/hour"), power=pump,
                               material="PVDF head, EPDM diaphragm")
            n_pumps, installed = 3, installed + pump * 2
        self.add_power("Chemical dosing (metering pumps, polymer make-down)", installed,
                       pump * n_pumps + self.c("polymer_unit_power").quantity)

    def cost(self) -> None:
        if self.packaged:
            q_peak = next(r for r in self.log.records if r.id == f"{self.tag}.Q_p").result
            self.curve_cost("packaged_unit", q_peak)
        else:
            self.curve_cost("rapid_mix", self.sizing["rapid_mix_volume"].quantity, count=self.trains, category="civil")
            self.curve_cost("flocculation", self.sizing["flocculation_volume"].quantity, count=self.trains,
                            category="civil")
        self.curve_cost("coagulant_feed", self.sizing["coagulant_mass_rate"].quantity)
        self.curve_cost("polymer_system", self.sizing["polymer_mass_rate"].quantity)

