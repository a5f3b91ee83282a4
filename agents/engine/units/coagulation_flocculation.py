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

Phosphate precipitates with the metal (FePO4, AlPO4) at a metal-to-P molar
ratio; where the plant has a TP limit the dose is set by it (see
``phosphorus_plan``). ``dose_chemicals`` is shared with the DAF's in-line
conditioning. A unit that conditions the water records
``ctx.shared["coagulation"]`` (its tag, coagulant, the floc concentration
``solids`` and the phosphorus bound in it ``tp``) so the separation downstream
applies its with-chemicals removals and takes the floc and its P
(``chemical_removals`` for clarifiers and DAF).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..criteria import Criterion, load_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import PARAMETERS, WATER_DENSITY, Stream
from .base import UnitProcess, register
from .common import cheaper_option
from .oil_water_separator import water_properties

STOICHIOMETRY = mark("stoichiometry (molar masses, IUPAC 2013)")
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
    hco3: int  # mol HCO3⁻ consumed per mol of salt
    anion: str  # stream parameter the anion adds to
    anion_mass: float  # g of anion per mol of salt
    metal: str
    metals: int  # mol of metal per mol of salt
    hydroxide_mass: float  # g of metal hydroxide per mol of metal
    phosphate: str
    phosphate_mass: float  # g of metal phosphate per mol of P


COAGULANTS = {
    1: Coagulant("ferric_chloride", "FeCl3", 162.20, "Fe(OH)3", 3, "chloride", 3 * 35.45, "Fe", 1, 106.87,
                 "FePO4", 150.82),
    2: Coagulant("aluminium_sulfate", "Al2(SO4)3·14H2O", 594.4, "Al(OH)3", 6, "sulfate", 3 * 96.06, "Al", 2, 78.00,
                 "AlPO4", 121.95),
}
P_MOLAR_MASS = 30.97
# The anion each coagulant adds to the water (a calculation input's description).
ANION_ADDED = {"chloride": mark("chloride added"), "sulfate": mark("sulfate added")}
# Phosphate leaves the dissolved solids when it precipitates: 94.97 g PO4 per mol P.
PO4_MOLAR_MASS = 94.97


@dataclass(frozen=True)
class PhosphorusPlan:
    dose: Quantity  # mg/L of the pure salt dosed on average
    capacity_dose: Quantity  # mg/L the dosing equipment is sized for
    precipitated: Quantity  # mg/L of P bound in the floc


def coagulant_of(unit: UnitProcess) -> Coagulant:
    choice = round(unit.c("coagulant_type").m)
    if choice not in COAGULANTS:
        unit.warn("coagulant_type {choice} is not 1 (ferric chloride) or 2 (alum); ferric chloride is used.",
                  choice=choice)
        choice = 1
    return COAGULANTS[choice]


def phosphorus_plan(unit: UnitProcess, influent: Stream, coag: Coagulant) -> PhosphorusPlan:
    """The coagulant dose and the phosphorus it precipitates (Metcalf & Eddy 5th ed., Ch. 6, chemical P removal).

    Metal salts bind orthophosphate as FePO4 or AlPO4, but compete with their
    own hydroxide, so more metal than the 1:1 stoichiometry is dosed: a molar
    ratio of 1.5–2.5 mol metal per mol of P removed. Only soluble P
    precipitates: the P already in biomass (``ctx.shared["biosolids"]`` of an
    upstream biological unit) is particulate. With a TP limit the unit doses
    for it: the soluble residual is a share of the limit, the rest is left to
    the particulate P of the effluent solids. Into mixed liquor on its way to
    the clarifier (``ctx.shared["mlss"]``: co-precipitation) the metal is dosed
    for phosphorus only; elsewhere the coagulation dose is the floor.
    """
    criterion = unit.c("coagulant_dose")
    tp = influent.get("tp")
    if tp is None:
        return PhosphorusPlan(criterion.quantity, criterion.quantity, Q_(0.0, "mg/L"))
    shared = unit.ctx.shared
    ratio, s_min = unit.c("p_molar_ratio"), unit.c("min_residual_soluble_p")
    salt_per_metal = Q_(coag.molar_mass / coag.metals, "g/mol")
    r_bio = float(shared.get("biosolids", {}).get("tp", 0.0))
    tss = influent.get("tss", 0.0)
    soluble = unit.calc("S_P", "Soluble phosphorus reaching the coagulant", "S_P = TP − min(TP, r_P · TSS)",
                        {"TP": (tp, "influent"),
                         "r_P": (Q_(r_bio, ""), "upstream biological unit", "g P per g of the biological solids"),
                         "TSS": (tss, "influent")}, tp - min(tp, tss * r_bio), unit="mg/L")
    dose = criterion.quantity
    capacity = dose
    limit = unit.ctx.target("tp")
    coprecipitation = "mlss" in shared
    if limit is not None and not criterion.overridden:
        share = unit.c("residual_soluble_p_share")
        s_target = unit.calc("S_P,t", "Soluble phosphorus to leave", "S_P,t = max(S_P,min, f · TP_limit)",
                             {"S_P,min": s_min, "f": share, "TP_limit": (limit, "target")},
                             max(s_min.quantity, share.m * limit), unit="mg/L")
        dose_p = unit.calc("D_P", unit.t("{salt} dose for phosphorus (as the pure salt)", salt=coag.name),
                           "D_P = β · max(0, S_P − S_P,t) / M_P · M_salt / n_metal",
                           {"β": ratio, "S_P": (soluble, "calculated"), "S_P,t": (s_target, "calculated"),
                            "M_P": (Q_(P_MOLAR_MASS, "g/mol"), STOICHIOMETRY),
                            "M_salt / n_metal": (salt_per_metal, STOICHIOMETRY,
                                                 unit.t("g {salt} per mol {metal}", salt=coag.name, metal=coag.metal))},
                           ratio.m * max(soluble - s_target, Q_(0.0, "mg/L")) / Q_(P_MOLAR_MASS, "g/mol")
                           * salt_per_metal, unit="mg/L")
        if coprecipitation:
            dose = unit.calc("D", "Coagulant dose (co-precipitation: for phosphorus only)", "D = D_P",
                             {"D_P": (dose_p, "calculated")}, dose_p, unit="mg/L")
            if dose.magnitude > 0:
                unit.note("{metal}:P molar ratio {ratio:g} on {p:.2f} mg/L of soluble P, dosed into the mixed liquor "
                          "(co-precipitation); the precipitate settles with the biological sludge.", metal=coag.metal,
                          ratio=ratio.m, p=(soluble - s_target).magnitude)
        else:
            dose = unit.calc("D", "Coagulant dose", "D = max(D_coag, D_P)",
                             {"D_coag": criterion, "D_P": (dose_p, "calculated")}, max(criterion.quantity, dose_p),
                             unit="mg/L")
        capacity = max(criterion.quantity, dose)
        if dose.magnitude <= 0:
            unit.note("The biomass takes up the phosphorus: no metal salt is needed on average; the dosing "
                      "equipment stays as a trim for peaks.")
    metal = dose / salt_per_metal
    bound = unit.calc("P_chem", "Phosphorus bound in the floc", "P_chem = min(D / (M_salt / n_metal) / β · M_P, S_P − S_P,min)",
                      {"D": (dose, "design", "coagulant dose as the pure salt"), "β": ratio,
                       "M_salt / n_metal": (salt_per_metal, STOICHIOMETRY), "M_P": (Q_(P_MOLAR_MASS, "g/mol"), STOICHIOMETRY),
                       "S_P": (soluble, "calculated"), "S_P,min": s_min},
                      max(min(metal / ratio.m * Q_(P_MOLAR_MASS, "g/mol"), soluble - s_min.quantity), Q_(0.0, "mg/L")),
                      unit="mg/L")
    return PhosphorusPlan(dose.to("mg/L"), capacity.to("mg/L"), bound)


def dose_chemicals(unit: UnitProcess, influent: Stream, purpose: str) -> Stream:
    """Dose coagulant and polymer into ``influent`` and return the conditioned stream.

    Records the chemicals, the precipitate (generated TSS), the TDS change, the
    alkalinity consumed and any caustic make-up, and the water of the chemical
    solutions (generated water), so that the unit's balance closes.
    """
    coag = coagulant_of(unit)
    chemicals = load_data("chemicals")["chemicals"]
    q = influent.flow
    plan = phosphorus_plan(unit, influent, coag)
    dose = plan.dose
    dose_in = (dose, "design", mark("coagulant dose as the pure salt"))
    active = chemicals[coag.key]["active_fraction"]
    coag_product = unit.add_chemical(coag.key, unit.t("{purpose}: coagulant ({salt})", purpose=purpose, salt=coag.name),
                                     dose / active, q) \
        if dose.magnitude > 0 else None
    # The dosing equipment is sized on the design dose, the chemical bill on the average dose.
    unit.coagulant_capacity = (plan.capacity_dose / active * q).to("kg/day")
    polymer = unit.add_chemical("polymer", unit.t("{purpose}: flocculant aid", purpose=purpose),
                               unit.c("polymer_dose").quantity, q)

    # Each mol of P precipitated takes one mol of metal as phosphate; the rest forms hydroxide.
    metal = (dose / Q_(coag.molar_mass / coag.metals, "g/mol")).to("mmol/L")
    n_p = (plan.precipitated / Q_(P_MOLAR_MASS, "g/mol")).to("mmol/L")
    precipitate = unit.calc("X_chem", unit.t("Chemical floc formed ({phosphate} and {hydroxide})",
                                             phosphate=coag.phosphate, hydroxide=coag.precipitate),
                            f"X_chem = [n_P · M_{coag.phosphate} + (n_{coag.metal} − n_P) · M_{coag.precipitate}] · Q",
                            {"n_P": (n_p, "calculated", "P precipitated"),
                             f"n_{coag.metal}": (metal, STOICHIOMETRY, unit.t("{metal} dosed", metal=coag.metal)),
                             f"M_{coag.phosphate}": (Q_(coag.phosphate_mass, "g/mol"), STOICHIOMETRY),
                             f"M_{coag.precipitate}": (Q_(coag.hydroxide_mass, "g/mol"), STOICHIOMETRY),
                             "Q": (q, "design", "average flow")},
                            (n_p * Q_(coag.phosphate_mass, "g/mol")
                             + (metal - n_p) * Q_(coag.hydroxide_mass, "g/mol")) * q, unit="kg/day")
    floc = unit.calc("X", "Solids added to the water (hydroxide floc and polymer)", "X = X_chem + P · Q",
                     {"X_chem": (precipitate, "calculated"), "P": unit.c("polymer_dose"), "Q": (q, "design", "average flow")},
                     precipitate + unit.c("polymer_dose").quantity * q, unit="kg/day")

    k_alk = coag.hco3 * CACO3_EQUIVALENT / coag.molar_mass
    alk_used = unit.calc("Alk_c", "Alkalinity consumed (as CaCO3)", "Alk_c = D · n_HCO3 · 50.04 / M_coag",
                         {"D": dose_in, "n_HCO3": (Q_(coag.hco3, ""), STOICHIOMETRY, "mol HCO3⁻ per mol coagulant"),
                          "M_coag": (Q_(coag.molar_mass, "g/mol"), STOICHIOMETRY)},
                         dose * k_alk, unit="mg/L")
    caustic = Q_(0.0, "mg/L")
    alk_in = influent.get("alkalinity")
    alk_out: Quantity | None = None
    if alk_in is None:
        unit.warn("influent alkalinity is unknown; the coagulant consumes {alk:.0f} mg/L as CaCO3, which is not checked.",
                  alk=alk_used.magnitude)
    else:
        residual = alk_in - alk_used
        target = unit.c("residual_alkalinity")
        if residual < target.quantity:
            caustic = unit.calc("D_NaOH", "Caustic soda (as NaOH) to restore the residual alkalinity",
                                "D_NaOH = (Alk_min − (Alk_i − Alk_c)) · 40.00 / 50.04",
                                {"Alk_min": target, "Alk_i": (alk_in, "influent"), "Alk_c": (alk_used, "calculated")},
                                (target.quantity - residual) * NAOH_MOLAR_MASS / CACO3_EQUIVALENT, unit="mg/L")
            naoh_active = chemicals["sodium_hydroxide"]["active_fraction"]
            unit.add_chemical("sodium_hydroxide", unit.t("{purpose}: alkalinity make-up", purpose=purpose),
                              caustic / naoh_active, q)
            alk_out = target.quantity
            unit.note("Influent alkalinity {alk_in:.0f} mg/L as CaCO3 is short of the {alk_used:.0f} mg/L the coagulant "
                      "consumes plus the {alk_min:g} mg/L residual; caustic soda makes it up.", alk_in=alk_in.magnitude,
                      alk_used=alk_used.magnitude, alk_min=target.quantity.magnitude)
        else:
            alk_out = residual

    anion = coag.anion_mass / coag.molar_mass
    hco3 = coag.hco3 * HCO3_MOLAR_MASS / coag.molar_mass
    naoh_tds = SODIUM_MOLAR_MASS / NAOH_MOLAR_MASS + HCO3_RESIDUE * HCO3_MOLAR_MASS / NAOH_MOLAR_MASS
    d_tds = unit.calc("ΔTDS", "TDS change from the chemicals",
                      "ΔTDS = D · (m_anion − 0.4917 · m_HCO3) / M_coag + D_NaOH · (22.99 + 0.4917 · 61.02) / 40.00"
                      " − P_chem · 94.97 / 30.97",
                      {"D": dose_in, "m_anion": (Q_(coag.anion_mass, "g/mol"), STOICHIOMETRY,
                                     unit.t(ANION_ADDED[coag.anion])),
                       "m_HCO3": (Q_(coag.hco3 * HCO3_MOLAR_MASS, "g/mol"), STOICHIOMETRY, "bicarbonate consumed"),
                       "M_coag": (Q_(coag.molar_mass, "g/mol"), STOICHIOMETRY),
                       "D_NaOH": (caustic, "calculated", "caustic soda dose as NaOH"),
                       "P_chem": (plan.precipitated, "calculated", "phosphate precipitated")},
                      dose * (anion - HCO3_RESIDUE * hco3) + caustic * naoh_tds
                      - plan.precipitated * PO4_MOLAR_MASS / P_MOLAR_MASS, unit="mg/L")

    # The chemicals arrive as solutions; their water joins the flow.
    coag_mass = coag_product.consumption if coag_product is not None else Q_(0.0, "kg/day")
    water = unit.calc("Q_chem", "Water added with the chemical solutions", "Q_chem = M_c/ρ_c + M_p/(c_p·ρ_w) + M_NaOH/ρ_NaOH",
                      {"M_c": (coag_mass, "calculated", "coagulant solution"),
                       "ρ_c": unit.c("coagulant_solution_density"),
                       "M_p": (polymer.consumption, "calculated", "polymer product"), "c_p": unit.c("polymer_solution"),
                       "ρ_w": (WATER_DENSITY, "physical constant"),
                       "M_NaOH": ((caustic * q).to("kg/day") / chemicals["sodium_hydroxide"]["active_fraction"],
                                  "calculated", "caustic solution"),
                       "ρ_NaOH": (CAUSTIC_DENSITY, "product data sheets (50 % NaOH)")},
                      coag_mass / unit.c("coagulant_solution_density").quantity
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
        changes[coag.anion] = ((influent.mass_flow(coag.anion) + dose * anion * q) / q_out).to("mg/L")
    if alk_out is not None:
        changes["alkalinity"] = alk_out * dilution
    # The separation downstream takes the floc, and the P bound in it, in the share of solids it removes.
    unit.ctx.shared["coagulation"] = {"tag": unit.tag, "coagulant": coag.key,
                                      "solids": (floc / q_out).to("mg/L"),
                                      "tp": plan.precipitated * dilution}
    return influent.derive(flow=q_out, **changes)


def chemical_removals(unit: UnitProcess, feed: Stream, coagulation: dict[str, Any],
                      tss_removal: Criterion) -> dict[str, Quantity]:
    """Colour and phosphorus removed with the floc by the separation after a coagulant (clarifier or DAF).

    Colour: the with-chemicals removal criterion of the separator. TP: the
    better of the typical with-chemicals removal (which counts the particulate
    P of a raw water) and the stoichiometric one, the precipitated P leaving
    in the share of solids the separator removes (Metcalf & Eddy 5th ed., Ch. 6).
    """
    changes: dict[str, Quantity] = {}
    color = feed.get("color")
    if color is not None:
        r_c = unit.c("color_removal_chemical")
        changes["color"] = unit.calc("Colour_e", "Colour after coagulation and separation", "Colour_e = Colour · (1 − R_c)",
                                     {"Colour": (color, "feed"), "R_c": r_c}, color * (1 - r_c.m))
        unit.removals["color"] = r_c.m
    tp = feed.get("tp")
    if tp is not None:
        r_tp = unit.c("tp_removal_chemical")
        inputs: dict[str, Any] = {"TP": (tp, "feed"), "R_TP": r_tp}
        equation = "TP_e = TP · (1 − R_TP)"
        value = tp * (1 - r_tp.m)
        bound = coagulation.get("tp")
        if bound is not None:
            inputs.update({"R_TSS": tss_removal, "P_chem": (bound, coagulation.get("tag", ""), mark("P bound in the floc"))})
            equation = "TP_e = min[TP · (1 − R_TP), TP − R_TSS · P_chem]"
            value = min(value, tp - tss_removal.m * bound)
        changes["tp"] = unit.calc("TP_e", "Total phosphorus after coagulation and separation", equation, inputs,
                                  max(value, Q_(0.0, "mg/L")), unit="mg/L")
        if tp.magnitude > 0:
            unit.removals["tp"] = 1.0 - (changes["tp"] / tp).to("").magnitude
    return changes


@register
class CoagulationFlocculation(UnitProcess):
    type = "coagulation_flocculation"
    tag_prefix = "CFL"

    def size(self, influent: Stream) -> None:
        # Into mixed liquor on its way to the clarifier (co-precipitation) the metal salt is dosed at the
        # aeration tank outlet: the turbulent channel mixes it and the biological floc and the clarifier's
        # flocculating feedwell do the rest, so no mixing or flocculation tanks are built (Metcalf & Eddy,
        # 5th ed., Ch. 6, points of addition for phosphorus removal; WEF MOP 8 (2018), Ch. 15).
        self.coprecipitation = "mlss" in self.ctx.shared
        if self.coprecipitation:
            self.effluent = dose_chemicals(self, influent, self.t("Phosphorus co-precipitation"))
            self._dosing_equipment()
            self.note("Dosed into the mixed liquor at the aeration tank outlet (co-precipitation): no rapid "
                      "mix or flocculation tanks; the precipitate flocculates with the biomass and settles in "
                      "the secondary clarifier.")
            return
        q_peak = self.calc("Q_p", "Peak flow through the mixing tanks", "Q_p = PF · Q",
                           {"PF": (Q_(influent.peak_factor, ""), "design", "peak factor"),
                            "Q": (influent.flow, "design", "average flow")},
                           influent.peak_flow, unit="m**3/hour")
        # Below the packaged limit a skid is built; above the skid's cost data, site-built tanks; in between, the
        # cheaper installed, since the smallest site-built tanks fall below the construction-cost data.
        skid = self.cost_curve("packaged_unit")
        if q_peak < self.c("packaged_below").quantity:
            allowed = ["packaged"]
        elif skid.high is not None and q_peak <= Q_(skid.high, skid.capacity_unit):
            allowed = ["packaged", "site-built"]
        else:
            allowed = ["site-built"]
        self.packaged = cheaper_option(self, influent, {"packaged": True, "site-built": False}, allowed,
                                       "construction") == "packaged"
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
            self.warn("flocculation G·t = {gt:,.0f} is outside {gt_min:,.0f}–{gt_max:,.0f} ({source}).",
                      gt=gt.magnitude, gt_min=self.c('min_gt').m, gt_max=self.c('max_gt').m, source=self.c('min_gt').source)
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
        tank = (mark("Steel rapid mix tank {v:.1f} m3 with high-speed mixer (G = {g:g} 1/s)") if self.packaged else
                mark("Reinforced-concrete rapid mix tank {v:.1f} m3 with high-speed mixer (G = {g:g} 1/s)"))
        self.add_equipment("-01", self.t(tank, v=(v_rm / n).magnitude, g=g_rm.quantity.magnitude), quantity=n, capacity=(v_rm / n).to("m**3"),
                           power=m_rm, material="AISI 316 impeller")
        self.add_equipment("-02", self.t("Vertical-turbine flocculator in a {b:.1f} × {b:.1f} × {h:g} m compartment "
                                         "(G = {g:g} 1/s, variable speed)", b=side.magnitude, h=depth.magnitude,
                                         g=g_f.quantity.magnitude),
                           quantity=n * stages, capacity=v_stage, power=m_f, material="AISI 316 hydrofoil impeller")
        self.add_power("Rapid mixers and flocculators (continuous)", m_rm * n + m_f * n * stages,
                       (p_rm + p_f) / eta.m)

        self.effluent = dose_chemicals(self, influent, self.t("Coagulation-flocculation"))
        self._dosing_equipment()
        if self.packaged:
            self.note("Packaged coagulation-flocculation skid (steel tanks) for a small flow.")
        self.note("The floc formed here is removed by the clarifier or DAF that follows; effluent pH drops "
                  "with the alkalinity consumed (check by jar test).")

    def _dosing_equipment(self) -> None:
        polymer = next(c for c in self.chemicals if c.key == "polymer")
        rho = self.c("coagulant_solution_density").quantity
        feed = self.calc("q_c", "Coagulant solution feed rate (design)", "q_c = M_c / ρ_c",
                         {"M_c": (self.coagulant_capacity, "calculated", "coagulant product at the design dose"),
                          "ρ_c": self.c("coagulant_solution_density")},
                         self.coagulant_capacity / rho, unit="L/hour")
        day_tank = self.calc("V_dt", "Coagulant day tank volume", "V_dt = q_c · t_dt",
                             {"q_c": (feed, "calculated"), "t_dt": self.c("day_tank_storage")},
                             feed * self.c("day_tank_storage").quantity, unit="m**3")
        poly_feed = self.calc("q_p", "Polymer solution feed rate", "q_p = M_p / (c_p · ρ_w)",
                              {"M_p": (polymer.consumption, "calculated"), "c_p": self.c("polymer_solution"),
                               "ρ_w": (WATER_DENSITY, "physical constant")},
                              polymer.consumption / (self.c("polymer_solution").m * WATER_DENSITY), unit="L/hour")
        self.add_sizing("coagulant_feed", "Coagulant solution feed rate", feed)
        self.add_sizing("coagulant_mass_rate", "Coagulant product mass rate (design)", self.coagulant_capacity, "kg/hour")
        self.add_sizing("polymer_mass_rate", "Polymer product mass rate", polymer.consumption, "kg/hour")
        # Above the largest storage and feed system in the cost data, systems are built in parallel.
        curve = self.cost_curve("coagulant_feed")
        m_max = Q_(curve.high, curve.capacity_unit)
        systems = max(1, math.ceil((self.coagulant_capacity / m_max).to("dimensionless").magnitude - 1e-9))
        self.calc("N_cf", "Number of coagulant storage and feed systems in parallel", "N_cf = ⌈M_c / M_max⌉",
                  {"M_c": (self.coagulant_capacity, "calculated", "coagulant product at the design dose"),
                   "M_max": (m_max, curve.source, "largest storage and feed system in the cost data")},
                  Q_(systems, "dimensionless"))
        self.coagulant_systems = systems
        pump = self.c("dosing_pump_power").quantity
        self.add_equipment("-03", self.t("Coagulant day tank {v:.2f} m3", v=(day_tank / systems).magnitude),
                           quantity=systems, capacity=day_tank / systems, material="HDPE / FRP")
        self.add_equipment("-04", self.t("Coagulant metering pump, {q:.1f} L/h (duty + standby)", q=(feed / systems).magnitude),
                           quantity=2 * systems, standby=systems, capacity=feed / systems, power=pump,
                           material="PVDF head, PTFE diaphragm")
        self.add_equipment("-05", "Polymer make-down unit", quantity=1, capacity=polymer.consumption.to("kg/hour"),
                           power=self.c("polymer_unit_power").quantity, material="AISI 304 / PE tanks")
        self.add_equipment("-06", self.t("Polymer metering pump, {q:.1f} L/h (duty + standby)", q=poly_feed.magnitude), quantity=2,
                           standby=1, capacity=poly_feed, power=pump, material="Progressive cavity, EPDM stator")
        n_pumps, installed = systems + 1, pump * (2 * systems + 2) + self.c("polymer_unit_power").quantity
        caustic = next((c for c in self.chemicals if c.key == "sodium_hydroxide"), None)
        if caustic is not None:
            self.add_equipment("-07", "Caustic soda metering pump (duty + standby) with day tank", quantity=2, standby=1,
                               capacity=(caustic.consumption / CAUSTIC_DENSITY).to("L/hour"), power=pump,
                               material="PVDF head, EPDM diaphragm")
            n_pumps, installed = n_pumps + 1, installed + pump * 2
        self.add_power("Chemical dosing (metering pumps, polymer make-down)", installed,
                       pump * n_pumps + self.c("polymer_unit_power").quantity)

    def cost(self) -> None:
        if self.coprecipitation:
            pass
        elif self.packaged:
            q_peak = next(r for r in self.log.records if r.id == f"{self.tag}.Q_p").result
            self.curve_cost("packaged_unit", q_peak)
        else:
            self.curve_cost("rapid_mix", self.sizing["rapid_mix_volume"].quantity, count=self.trains, category="civil")
            self.curve_cost("flocculation", self.sizing["flocculation_volume"].quantity, count=self.trains,
                            category="civil")
        self.curve_cost("coagulant_feed", self.sizing["coagulant_mass_rate"].quantity / self.coagulant_systems,
                        count=self.coagulant_systems)
        self.curve_cost("polymer_system", self.sizing["polymer_mass_rate"].quantity)

