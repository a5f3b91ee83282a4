"""Activated sludge by the Metcalf & Eddy 5th ed. (2014) Chapter 7–8 procedure.

Complete-mix kinetics (conservative for plug flow): the SRT comes from the
nitrification requirement with a safety factor when a nitrogen target asks
for it (Example 8-3 Part B), otherwise from BOD removal (Part A). Biomass
production, basin volume, oxygen demand, aeration (SOTR, air, blowers), a
pre-anoxic MLE zone when a TN target needs denitrification (Example 8-7)
and the alkalinity balance follow the book's equations.

The unit's effluent is the mixed liquor leaving for the secondary clarifier
expressed as the net solids the system must lose at steady state: flow Q
with TSS = P_X,TSS / Q. The clarifier then separates them. Values handed to
later units in ``ctx.shared``:

- ``mlss`` (mg/L) and ``ras_ratio`` (dimensionless) and ``ras_concentration``
  (mg/L), read by the secondary clarifier;
- ``biosolids``: {parameter: g per g TSS} of the solids leaving (``bod``,
  ``cod``, ``tn``, ``tp``), so that a separator lowers BOD, COD, N and P with
  the solids it removes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..calc import Sourced
from ..criteria import load_unit_data
from ..i18n import mark
from ..quantities import Q_, Quantity
from ..stream import Stream
from .base import UnitProcess, register
from .common import cheaper_option, cost_nutrient_dosing, nutrient_dose, nutrient_note, phosphorus_dose

GRAVITY = Q_(9.81, "m/s**2")
R_GAS = 8.314  # kJ/(kmol·K)
M_AIR = 28.97  # kg/kmol
# Standard air (20 °C, 1 atm): density and oxygen mass fraction (M&E 5th ed., Example 8-3).
AIR_DENSITY_STD = Q_(1.204, "kg/m**3")
O2_MASS_FRACTION = 0.2318
P_ATM = Q_(101.325, "kPa")
P_ATM_WATER = Q_(10.33, "m")  # standard atmosphere as water column
# Stoichiometry (M&E 5th ed., §7-10 and §8-8).
O2_PER_N_NITRIFIED = 4.57  # g O2 / g NH4-N oxidised to NO3-N
O2_CREDIT_PER_N_DENITRIFIED = 2.86  # g O2 equivalent / g NO3-N reduced
ALK_PER_N_NITRIFIED = 7.14  # g CaCO3 / g NH4-N
ALK_PER_N_DENITRIFIED = 3.57  # g CaCO3 / g NO3-N
COD_PER_VSS = 1.42  # g COD / g biomass VSS
NAOH_PER_CACO3 = 40.0 / 50.0  # g NaOH per g alkalinity as CaCO3
# NaOH dosed ends as NaHCO3 in solution (pH 7–8): 84 g dissolved per 40 g NaOH.
TDS_PER_NAOH = 84.0 / 40.0


def do_saturation(temp_c: float) -> float:
    """Dissolved-oxygen saturation of fresh water at 1 atm, mg/L (Benson & Krause 1984; APHA 4500-O)."""
    t = temp_c + 273.15
    return math.exp(-139.34411 + 1.575701e5 / t - 6.642308e7 / t**2 + 1.243800e10 / t**3 - 8.621949e11 / t**4)


def pressure_ratio(elevation_m: float, temp_c: float) -> float:
    """Barometric pressure at elevation over sea-level pressure (isothermal barometric formula, as in M&E 5th ed. Example 8-3)."""
    return math.exp(-9.81 * M_AIR * elevation_m / (8314.0 * (temp_c + 273.15)))


def monod_effluent(k_half: float, mu_max: float, decay: float, srt: float) -> float | None:
    """Steady-state substrate of a complete-mix reactor, S = K(1 + b·SRT)/(SRT(µ − b) − 1); None at washout."""
    denominator = srt * (mu_max - decay) - 1.0
    if denominator <= 0:
        return None
    return k_half * (1.0 + decay * srt) / denominator


def sdnr_20(fm_b: float, rbcod_fraction: float, rows: list[list[float]]) -> float:
    """Specific denitrification rate at 20 °C, g NO3-N/g active biomass·d (M&E 5th ed., Table 8-22).

    Rows are interpolated linearly in rbCOD/bCOD rather than rounded down.
    """
    if fm_b <= 0.5:
        return 0.24 * fm_b
    f = min(max(rbcod_fraction, rows[0][0]), rows[-1][0])
    for (f0, b00, b10), (f1, b01, b11) in zip(rows, rows[1:]):
        if f0 <= f <= f1:
            w = (f - f0) / (f1 - f0)
            b0, b1 = b00 + w * (b01 - b00), b10 + w * (b11 - b10)
            break
    return b0 + b1 * math.log(fm_b)


def sdnr_recycle_correction(fm_b: float, ir: float) -> float:
    """Change of the SDNR at internal recycle ratios above 1 (M&E 5th ed., §8-8, Eqs. 8-59/8-60).

    The published corrections are for IR = 2 and IR = 3–4; ratios in between
    use the nearer one and ratios below 1.5 need none.
    """
    if ir < 1.5:
        return 0.0
    if ir < 2.5:
        return -0.0166 * math.log(fm_b) - 0.0078
    return -0.029 * math.log(fm_b) - 0.012


@dataclass
class BiologicalDesign:
    """The numbers of the suspended-growth design that other parts of the unit (and the MBR) use."""

    temperature: Quantity
    nitrifying: bool
    b_h: Quantity
    srt: Quantity
    s_effluent: Quantity  # bCOD
    px_bio: Quantity  # heterotrophs + debris + nitrifiers, kg VSS/d
    px_h: Quantity  # heterotrophs + debris
    px_vss: Quantity
    px_tss: Quantity
    nox: Quantity  # NH4-N oxidised to nitrate, mg/L of influent
    nh4_effluent: Quantity | None
    tkn: Quantity | None
    aerobic_volume: Quantity
    mlvss: Quantity
    bod: Quantity
    bcod: Quantity
    nbvss: Quantity
    nbscod: Quantity | None
    rbcod_fraction: float
    n_dose: Quantity = Q_(0.0, "mg/L")  # nitrogen dosed for biomass growth, as N
    p_dose: Quantity = Q_(0.0, "mg/L")  # phosphorus dosed for biomass growth, as P


class SuspendedGrowth(UnitProcess):
    """Steps shared by activated sludge and the membrane bioreactor (same kinetics and aeration)."""

    # -- influent and kinetics ------------------------------------------------

    def _temperature(self) -> Quantity:
        t = self.ctx.design_temperature
        return self.calc("T", "Design (minimum monthly) mixed-liquor temperature", "T = T_design",
                         {"T_design": Sourced(t.quantity, t.source)}, t.quantity, unit="degC")

    def _corrected(self, symbol: str, description: str, base: str, theta: str, temp_c: float,
                   t_ref: float = 20.0, name: str | None = None) -> Quantity:
        """Criterion ``base`` (at ``t_ref`` °C) corrected to ``temp_c`` with the Arrhenius factor ``theta``.

        ``description`` is a message (``mark``-ed by the caller), translated by ``calc``; ``name`` is the
        symbol of the rate at ``t_ref`` in the equation (the criterion's key when None).
        """
        k_ref, th = self.c(base), self.c(theta)
        name = name or base
        return self.calc(symbol, description, f"{symbol} = {name}·θ^(T − {t_ref:g})",
                         {name: k_ref, "θ": th, "T": (Q_(temp_c, "degC"), "design")},
                         k_ref.quantity * th.m ** (temp_c - t_ref))

    def _tkn(self, influent: Stream) -> Quantity | None:
        if influent.get("tn") is not None:
            no3 = influent.get("no3_n", 0.0)
            return self.calc("TKN", "Influent TKN", "TKN = TN − NO3-N",
                             {"TN": (influent.get("tn"), "influent"), "NO3-N": (no3, "influent")},
                             influent.get("tn") - no3, unit="mg/L")
        if influent.get("nh4_n") is not None:
            ratio = self.c("nh4_tkn_ratio")
            return self.calc("TKN", "Influent TKN estimated from ammonia", "TKN = NH4-N / f_NH4",
                             {"NH4-N": (influent.get("nh4_n"), "influent"), "f_NH4": ratio},
                             influent.get("nh4_n") / ratio.m, unit="mg/L")
        return None

    def _design_biology(self, influent: Stream, mlss_name: str, srt_floor: str | None = None) -> BiologicalDesign:
        """M&E 5th ed. Example 8-3: SRT, effluent bCOD and NH4, biomass, nitrate, volume.

        ``srt_floor`` names a criterion the SRT may not fall below (the MBR's minimum SRT).
        """
        q = influent.flow
        temp = self._temperature()
        t = float(temp.magnitude)
        bod = influent.get("bod", 0.0)
        if bod.magnitude <= 0:
            raise ValueError(f"{self.tag}: a biological process needs the influent BOD")
        tss = influent.get("tss", 0.0)

        ratio = self.c("bcod_bod_ratio")
        bcod = self.calc("bCOD", "Influent biodegradable COD", "bCOD = r · BOD",
                         {"r": ratio, "BOD": (bod, "influent")}, bod * ratio.m, unit="mg/L")
        vss = self.calc("VSS", "Influent volatile suspended solids", "VSS = f_v · TSS",
                        {"f_v": self.c("vss_tss_ratio"), "TSS": (tss, "influent")},
                        tss * self.c("vss_tss_ratio").m, unit="mg/L")
        nbvss = self.calc("nbVSS", "Influent non-biodegradable VSS", "nbVSS = f_nb · VSS",
                          {"f_nb": self.c("nbvss_fraction"), "VSS": (vss, "calculated")},
                          vss * self.c("nbvss_fraction").m, unit="mg/L")
        itss = self.calc("iTSS", "Influent inert (fixed) suspended solids", "iTSS = TSS − VSS",
                         {"TSS": (tss, "influent"), "VSS": (vss, "calculated")}, tss - vss, unit="mg/L")
        nbscod = None
        if influent.get("cod") is not None:
            cod = influent.get("cod")
            nbpcod = nbvss * self.c("particulate_cod_vss_ratio").m
            nbscod = self.calc("nbsCOD", "Non-biodegradable soluble COD (passes to the effluent)",
                               "nbsCOD = max(0, COD − bCOD − r_p · nbVSS)",
                               {"COD": (cod, "influent"), "bCOD": (bcod, "calculated"),
                                "r_p": self.c("particulate_cod_vss_ratio"), "nbVSS": (nbvss, "calculated")},
                               max(cod - bcod - nbpcod, Q_(0.0, "mg/L")), unit="mg/L")
        tkn = self._tkn(influent)

        mu_h = self._corrected("µ_H", mark("Heterotroph maximum growth rate at T"), "mu_max_h", "theta_mu_h", t)
        b_h = self._corrected("b_H", mark("Heterotroph decay rate at T"), "b_h", "theta_b_h", t)
        mu_a = self._corrected("µ_AOB,max", mark("AOB maximum growth rate at T"), "mu_max_aob", "theta_mu_aob", t)
        b_a = self._corrected("b_AOB", mark("AOB decay rate at T"), "b_aob", "theta_b_aob", t)
        do, ko, k_nh = self.c("do_aerobic"), self.c("ko_aob"), self.c("k_nh")
        y_h, fd, y_a, ks = self.c("y_h"), self.c("fd"), self.c("y_aob"), self.c("ks_h")
        f_n = self.c("biomass_n_content")
        son = self.c("effluent_soluble_organic_n")

        srt_bod = self.c("srt_bod").quantity
        nitrifying = tkn is not None and self._nitrification_needed(q, bcod, tkn, srt_bod, mu_h, b_h)
        if nitrifying:
            target_nh4 = self.ctx.target("nh4_n")
            ne = self.c("design_effluent_nh4").quantity
            if target_nh4 is not None and target_nh4 < ne:
                ne = target_nh4.to("mg/L")
            inputs: dict[str, Any] = {"N_e,design": self.c("design_effluent_nh4")}
            if target_nh4 is not None:
                inputs["NH4-N target"] = (target_nh4, "target")
            ne = self.calc("N_e,design", "Effluent NH4-N the nitrification SRT is designed for",
                           "N_e = min(N_e,design, NH4-N target)", inputs, ne, unit="mg/L")
            do_term = (do.quantity / (ko.quantity + do.quantity)).to("").magnitude
            mu_aob = self.calc("µ_AOB", "Net AOB growth rate at N_e and DO",
                               "µ_AOB = µ_AOB,max·N_e/(K_NH + N_e)·DO/(K_o + DO) − b_AOB",
                               {"µ_AOB,max": (mu_a, "calculated"), "N_e": (ne, "calculated"), "K_NH": k_nh,
                                "DO": do, "K_o": ko, "b_AOB": (b_a, "calculated")},
                               mu_a * (ne / (k_nh.quantity + ne)).to("").magnitude * do_term - b_a, unit="1/day")
            sf = self.c("nitrification_safety_factor")
            if mu_aob.magnitude <= 1.0 / self.c("srt_max").quantity.to("day").magnitude / sf.m:
                self.warn("nitrifiers cannot reach {ne:g} mg/L NH4-N at {t:g} °C within an SRT of {srt_max:g} d; "
                          "the SRT is capped there and nitrification is not assured.",
                          ne=ne.magnitude, t=t, srt_max=self.c("srt_max").quantity.magnitude)
                srt = self.calc("SRT", "Design SRT (capped at the maximum)", "SRT = SRT_max",
                                {"SRT_max": self.c("srt_max")}, self.c("srt_max").quantity, unit="day")
            else:
                srt_th = self.calc("SRT_th", "Theoretical SRT for nitrification", "SRT_th = 1/µ_AOB",
                                   {"µ_AOB": (mu_aob, "calculated")}, 1.0 / mu_aob, unit="day")
                self.add_sizing("srt_theoretical", "Theoretical SRT for nitrification", srt_th)
                srt = self.calc("SRT", "Design SRT (nitrification with safety factor)", "SRT = max(SF · SRT_th, SRT_BOD)",
                                {"SF": sf, "SRT_th": (srt_th, "calculated"), "SRT_BOD": self.c("srt_bod")},
                                max(srt_th * sf.m, srt_bod), unit="day")
        else:
            srt = self.calc("SRT", "Design SRT for BOD removal", "SRT = SRT_BOD", {"SRT_BOD": self.c("srt_bod")},
                            srt_bod, unit="day")
        if srt_floor is not None and srt < self.c(srt_floor).quantity:
            srt = self.calc("SRT", "Design SRT (raised to the minimum)", "SRT = max(SRT, SRT_min)",
                            {"SRT": (srt, "calculated"), "SRT_min": self.c(srt_floor)}, self.c(srt_floor).quantity,
                            unit="day")
        self.add_sizing("srt", "Solids retention time (aerobic)", srt)

        srt_d = srt.magnitude
        s = monod_effluent(ks.quantity.to("mg/L").magnitude, mu_h.to("1/day").magnitude,
                           b_h.to("1/day").magnitude, srt_d)
        if s is None:
            raise ValueError(f"{self.tag}: the SRT of {srt_d:.2f} d washes out the heterotrophs at {t:g} °C")
        s_q = self.calc("S", "Effluent soluble bCOD", "S = K_s(1 + b_H·SRT) / (SRT(µ_H − b_H) − 1)",
                        {"K_s": ks, "b_H": (b_h, "calculated"), "SRT": (srt, "calculated"), "µ_H": (mu_h, "calculated")},
                        Q_(s, "mg/L"))
        removed = (q * (bcod - s_q)).to("kg/day")
        decay = 1.0 + b_h.to("1/day").magnitude * srt_d
        px_het = self.calc("P_X,het", "Heterotroph biomass production", "P_X,het = Q·Y_H·(S0 − S)/(1 + b_H·SRT)",
                           {"Q": (q, "influent"), "Y_H": y_h, "S0": (bcod, "calculated"), "S": (s_q, "calculated"),
                            "b_H": (b_h, "calculated"), "SRT": (srt, "calculated")},
                           removed * y_h.m / decay, unit="kg/day")
        px_debris = self.calc("P_X,debris", "Cell debris production", "P_X,debris = f_d·b_H·P_X,het·SRT",
                              {"f_d": fd, "b_H": (b_h, "calculated"), "P_X,het": (px_het, "calculated"),
                               "SRT": (srt, "calculated")},
                              px_het * fd.m * b_h.to("1/day").magnitude * srt_d, unit="kg/day")
        px_h = px_het + px_debris
        self.calc("P_X,H", "Heterotroph and debris production", "P_X,H = P_X,het + P_X,debris",
                  {"P_X,het": (px_het, "calculated"), "P_X,debris": (px_debris, "calculated")}, px_h, unit="kg/day")

        # Nitrate formed and nitrifier growth depend on each other through the N taken up by
        # biomass; the fixed point converges in a few passes (M&E Example 8-3, steps 11–12).
        nh4_e: Quantity | None = None
        nox = Q_(0.0, "mg/L")
        px_nit = Q_(0.0, "kg/day")
        n_dose = Q_(0.0, "mg/L")
        if tkn is not None:
            # Nitrogen short of the biomass need is dosed (no nitrifiers grow then: no ammonia is left for them).
            n_dose = nutrient_dose(self, "tn", q, px_h, tkn - son.quantity)
            if nitrifying:
                nh4_e = ne
            else:
                n_kin = monod_effluent(
                    k_nh.quantity.to("mg/L").magnitude,
                    (mu_a * (do.quantity / (ko.quantity + do.quantity)).to("").magnitude).to("1/day").magnitude,
                    b_a.to("1/day").magnitude, srt_d)
                nh4_e = Q_(n_kin, "mg/L") if n_kin is not None else None
            decay_a = 1.0 + b_a.to("1/day").magnitude * srt_d
            available = tkn + n_dose - son.quantity
            for _ in range(30):
                uptake = (f_n.m * (px_h + px_nit) / q).to("mg/L")
                ammonia_left = max(available - uptake, Q_(0.0, "mg/L"))
                n_left = ammonia_left if nh4_e is None else min(nh4_e, ammonia_left)
                new_nox = max(available - uptake - n_left, Q_(0.0, "mg/L"))
                px_nit = (q * new_nox * y_a.m / decay_a).to("kg/day")
                if abs((new_nox - nox).to("mg/L").magnitude) < 1e-6:
                    break
                nox = new_nox
            nox = new_nox
            nh4_e = n_left
            self.calc("N_e", "Effluent NH4-N", "N_e = min(N_e,kinetic, TKN + D_N − sON − 0.12·P_X,bio/Q)",
                      {"TKN": (tkn, "calculated"), "D_N": (n_dose, "calculated"), "sON": son,
                       "P_X,bio": (px_h + px_nit, "calculated"), "Q": (q, "influent")}, nh4_e, unit="mg/L")
            nox = self.calc("NOx", "NH4-N oxidised to nitrate", "NOx = TKN + D_N − sON − N_e − f_N·P_X,bio/Q",
                            {"TKN": (tkn, "calculated"), "D_N": (n_dose, "calculated"), "sON": son,
                             "N_e": (nh4_e, "calculated"), "f_N": f_n,
                             "P_X,bio": (px_h + px_nit, "calculated"), "Q": (q, "influent")}, nox, unit="mg/L")
            px_nit = self.calc("P_X,nit", "Nitrifier biomass production", "P_X,nit = Q·Y_n·NOx/(1 + b_AOB·SRT)",
                               {"Q": (q, "influent"), "Y_n": y_a, "NOx": (nox, "calculated"),
                                "b_AOB": (b_a, "calculated"), "SRT": (srt, "calculated")},
                               q * nox * y_a.m / decay_a, unit="kg/day")
        else:
            self.note("No nitrogen data in the influent: nitrification oxygen and alkalinity are not included.")
            if self.ctx.target("nh4_n") is not None or self.ctx.target("tn") is not None:
                self.warn("a nitrogen target is set but the influent has no TN or NH4-N; "
                          "the nitrogen design cannot be checked.")

        px_bio = self.calc("P_X,bio", "Biomass production (VSS)", "P_X,bio = P_X,H + P_X,nit",
                           {"P_X,H": (px_h, "calculated"), "P_X,nit": (px_nit, "calculated")}, px_h + px_nit,
                           unit="kg/day")
        p_dose = phosphorus_dose(self, influent, px_bio)
        px_vss = self.calc("P_X,VSS", "Volatile solids production", "P_X,VSS = P_X,bio + Q·nbVSS",
                           {"P_X,bio": (px_bio, "calculated"), "Q": (q, "influent"), "nbVSS": (nbvss, "calculated")},
                           px_bio + q * nbvss, unit="kg/day")
        fv = self.c("biomass_vss_tss")
        px_tss = self.calc("P_X,TSS", "Total solids production", "P_X,TSS = P_X,bio/f_v + Q·nbVSS + Q·iTSS",
                           {"P_X,bio": (px_bio, "calculated"), "f_v": fv, "Q": (q, "influent"),
                            "nbVSS": (nbvss, "calculated"), "iTSS": (itss, "calculated")},
                           px_bio / fv.m + q * (nbvss + itss), unit="kg/day")
        self.add_sizing("px_tss", "Excess sludge production (TSS)", px_tss)
        mlss = self.c(mlss_name)
        volume = self.calc("V_aer", "Aerobic volume", "V = P_X,TSS·SRT / X_TSS",
                           {"P_X,TSS": (px_tss, "calculated"), "SRT": (srt, "calculated"), "X_TSS": mlss},
                           px_tss * srt / mlss.quantity, unit="m**3")
        mlvss = self.calc("X_VSS", "Mixed liquor volatile suspended solids", "X_VSS = X_TSS · P_X,VSS/P_X,TSS",
                          {"X_TSS": mlss, "P_X,VSS": (px_vss, "calculated"), "P_X,TSS": (px_tss, "calculated")},
                          mlss.quantity * (px_vss / px_tss).to("").magnitude, unit="mg/L")
        self.add_sizing("mlss", "Mixed liquor suspended solids", mlss.quantity, "mg/L")
        self.add_sizing("mlvss", "Mixed liquor volatile suspended solids", mlvss)
        y_obs = self.calc("Y_obs", "Observed yield (g TSS per g BOD removed)", "Y_obs = P_X,TSS / (Q·(BOD − S/r))",
                          {"P_X,TSS": (px_tss, "calculated"), "Q": (q, "influent"), "BOD": (bod, "influent"),
                           "S": (s_q, "calculated"), "r": ratio},
                          (px_tss / (q * (bod - s_q / ratio.m))).to(""))
        self.add_sizing("observed_yield", "Observed sludge yield, g TSS/g BOD", y_obs)
        return BiologicalDesign(temp, nitrifying, b_h, srt, s_q, px_bio, px_h, px_vss, px_tss, nox, nh4_e, tkn, volume,
                                mlvss, bod, bcod, nbvss, nbscod, self.c("rbcod_fraction").m, n_dose, p_dose)

    def _nitrification_needed(self, q: Quantity, bcod: Quantity, tkn: Quantity, srt_bod: Quantity,
                              mu_h: Quantity, b_h: Quantity) -> bool:
        """Whether the nitrogen targets need a nitrifying SRT (ammonia left after assimilation above the target)."""
        target_nh4, target_tn = self.ctx.target("nh4_n"), self.ctx.target("tn")
        if target_nh4 is None and target_tn is None:
            return False
        srt = srt_bod.to("day").magnitude
        s = monod_effluent(self.c("ks_h").quantity.to("mg/L").magnitude, mu_h.to("1/day").magnitude,
                           b_h.to("1/day").magnitude, srt) or 0.0
        decay = 1.0 + b_h.to("1/day").magnitude * srt
        px_h = self.c("y_h").m * (bcod.to("mg/L").magnitude - s) / decay * (1 + self.c("fd").m * b_h.to("1/day").magnitude * srt)
        ammonia = tkn.to("mg/L").magnitude - self.c("effluent_soluble_organic_n").quantity.to("mg/L").magnitude \
            - self.c("biomass_n_content").m * px_h
        if target_nh4 is not None and ammonia > target_nh4.to("mg/L").magnitude:
            return True
        return target_tn is not None and ammonia > self.c("tn_design_ratio").m * target_tn.to("mg/L").magnitude

    # -- aeration ------------------------------------------------------------

    def _aeration(self, ro: Quantity, alpha: Any, depth: Quantity, temp_c: float,
                  label: str = mark("process air"), do_name: str = "do_aerobic") -> dict[str, Quantity]:
        """SOTR from AOTR (M&E 5th ed., Eq. 5-55 with the diffused-aeration C∞20), air flow and blower power.

        ``alpha`` is a criterion or a ``(quantity, source)`` pair (the MBR computes it from its MLSS);
        ``label`` is a message naming the air (translated here).
        """
        label = self.t(label)
        alpha_value = alpha.m if hasattr(alpha, "m") else float(alpha[0].to("").magnitude)
        beta, fouling = self.c("beta"), self.c("diffuser_fouling")
        theta, d_e = self.c("theta_aeration"), self.c("depth_correction")
        site = self.ctx.site_elevation
        elev = Sourced(site.quantity.to("m"), site.source)
        do = self.c(do_name)
        submergence = self.calc("D_f", "Diffuser submergence", "D_f = SWD − h_d",
                                {"SWD": (depth, "design"), "h_d": self.c("diffuser_height")},
                                depth - self.c("diffuser_height").quantity, unit="m")
        cs_t = self.calc("C_s,T", "DO saturation at T, 1 atm (Benson & Krause; APHA 4500-O)",
                         "C_s,T = f(T)", {"T": (Q_(temp_c, "degC"), "design")}, Q_(do_saturation(temp_c), "mg/L"))
        cs_20 = self.calc("C_s,20", "DO saturation at 20 °C, 1 atm", "C_s,20 = f(20 °C)", {},
                          Q_(do_saturation(20.0), "mg/L"))
        pb = self.calc("P_b/P_a", "Barometric pressure ratio at the site", "P_b/P_a = exp(−g·M·z/(R·T))",
                       {"z": elev, "T": (Q_(temp_c, "degC"), "design")},
                       Q_(pressure_ratio(elev.quantity.to("m").magnitude, temp_c), ""))
        depth_factor = 1.0 + d_e.m * (submergence / P_ATM_WATER).to("").magnitude
        c_inf_20 = self.calc("C∞,20", "Saturation at infinite time, standard conditions, diffused aeration",
                             "C∞,20 = C_s,20·(1 + d_e·D_f/P_a)",
                             {"C_s,20": (cs_20, "calculated"), "d_e": d_e, "D_f": (submergence, "calculated"),
                              "P_a": (P_ATM_WATER, "standard atmosphere")}, cs_20 * depth_factor, unit="mg/L")
        c_avg = self.calc("C̄_s,T,H", "Mean DO saturation in the basin at T and site pressure",
                          "C̄ = C_s,T·(P_b/P_a)·(1 + d_e·D_f/P_a)",
                          {"C_s,T": (cs_t, "calculated"), "P_b/P_a": (pb, "calculated"), "d_e": d_e,
                           "D_f": (submergence, "calculated")}, cs_t * pb.magnitude * depth_factor, unit="mg/L")
        driving = (beta.m * c_avg - do.quantity).to("mg/L")
        if driving.magnitude <= 0:
            raise ValueError(f"{self.tag}: the DO set point is above the oxygen saturation at the site")
        sotr = self.calc("SOTR", self.t("Standard oxygen transfer rate ({label})", label=label),
                         "SOTR = AOTR/(α·F) · C∞,20/(β·C̄ − C_L) · θ^(20 − T)",
                         {"AOTR": (ro, "calculated"), "α": alpha, "F": fouling, "C∞,20": (c_inf_20, "calculated"),
                          "β": beta, "C̄": (c_avg, "calculated"), "C_L": do, "θ": theta,
                          "T": (Q_(temp_c, "degC"), "design")},
                         ro / (alpha_value * fouling.m) * (c_inf_20 / driving).to("").magnitude * theta.m ** (20.0 - temp_c),
                         unit="kg/hour")
        sote = self.c("sote")
        o2_per_air = AIR_DENSITY_STD * O2_MASS_FRACTION
        air = self.calc("Q_air", self.t("Average air flow at standard conditions ({label})", label=label),
                        "Q_air = SOTR/(SOTE·ρ_air·w_O2)",
                        {"SOTR": (sotr, "calculated"), "SOTE": sote,
                         "ρ_air": (AIR_DENSITY_STD, "standard air, 20 °C and 1 atm"),
                         "w_O2": (Q_(O2_MASS_FRACTION, ""), "oxygen mass fraction of air")},
                        sotr / (sote.m * o2_per_air), unit="m**3/hour")
        air_peak = self.calc("Q_air,peak", self.t("Design (peak) air flow ({label})", label=label),
                             "Q_air,peak = PF_O2 · Q_air",
                             {"PF_O2": self.c("peak_oxygen_factor"), "Q_air": (air, "calculated")},
                             air * self.c("peak_oxygen_factor").m, unit="m**3/hour")
        return {"sotr": sotr, "air": air, "air_peak": air_peak, "submergence": submergence, "p_ratio": pb}

    def _with_mixing_air(self, aer: dict[str, Quantity], basis: Quantity) -> dict[str, Quantity]:
        """Raise the air flows to the mixing minimum when the oxygen demand asks for less.

        ``basis`` is the floor area or the volume, whichever the ``mixing_air`` criterion is given per.
        """
        mix = self.calc("Q_air,mix", "Air flow needed for mixing", "Q_mix = q_mix·X",
                        {"q_mix": self.c("mixing_air"), "X": (basis, "calculated", "floor area or volume")},
                        self.c("mixing_air").quantity * basis, unit="m**3/hour")
        if mix > aer["air"]:
            self.note("Mixing, not the oxygen demand, sets the average air flow.")
        return {**aer, "air": max(aer["air"], mix), "air_peak": max(aer["air_peak"], mix)}

    def _blower_power(self, air: Quantity, submergence: Quantity, p_ratio: Quantity, symbol: str) -> Quantity:
        """Adiabatic compression power (M&E 5th ed., Eq. 5-77; the book's constant 29.7 is M_air = 28.97)."""
        p1 = (P_ATM * p_ratio.magnitude).to("kPa")
        rho_w = Q_(1000.0, "kg/m**3")
        p2 = self.calc(f"p2_{symbol}", "Blower discharge pressure (absolute)", "p2 = p1 + ρ·g·D_f + Δp_losses",
                       {"p1": (p1, "site barometric pressure"), "ρ": (rho_w, "water"), "g": (GRAVITY, "constant"),
                        "D_f": (submergence, "calculated"), "Δp_losses": self.c("air_system_losses")},
                       p1 + rho_w * GRAVITY * submergence + self.c("air_system_losses").quantity, unit="kPa")
        t1 = self.c("blower_inlet_temperature")
        eff = self.c("blower_efficiency")
        w = (air * AIR_DENSITY_STD).to("kg/s").magnitude
        t1_k = t1.quantity.to("kelvin").magnitude
        power = w * R_GAS * t1_k / (M_AIR * 0.283 * eff.m) * ((p2 / p1).to("").magnitude ** 0.283 - 1.0)
        return self.calc(symbol, "Blower power (adiabatic compression)",
                         "P = w·R·T1/(M_air·n·e)·[(p2/p1)^n − 1], n = 0.283",
                         {"w": (Q_(w, "kg/s"), "calculated", "air mass flow"), "R": (Q_(R_GAS, "kJ/(kmol*K)"), "constant"),
                          "T1": t1, "M_air": (Q_(M_AIR, "kg/kmol"), "constant"), "e": eff,
                          "p1": (p1, "site"), "p2": (p2, "calculated")}, Q_(power, "kW"))

    def _add_blowers(self, suffix: str, air_avg: Quantity, air_peak: Quantity, submergence: Quantity,
                     p_ratio: Quantity, description: str, key: str = "blower") -> tuple[int, Quantity]:
        """Duty blowers plus one standby for the peak air flow; returns (duty count, capacity of each).

        ``description`` is a message naming the blowers (translated here).
        """
        description = self.t(description)
        p_avg = self._blower_power(air_avg, submergence, p_ratio, f"P_{key}")
        p_peak = self._blower_power(air_peak, submergence, p_ratio, f"P_{key},peak")
        max_air = self.c("max_blower_air_flow").quantity
        # Two duty units at least, so that night loads can be met within one blower's turndown.
        duty = max(2, math.ceil((air_peak / max_air).to("").magnitude - 1e-9))
        self.calc(f"N_{key}", "Duty blowers", "N = max(2, ⌈Q_air,peak / Q_max⌉)",
                  {"Q_air,peak": (air_peak, "calculated"), "Q_max": self.c("max_blower_air_flow")},
                  Q_(duty, ""))
        each = (air_peak / duty).to("m**3/hour")
        power_each = (p_peak / duty).to("kW")
        self.add_equipment(suffix, self.t("{description}, {each:,.0f} Nm3/h each", description=description,
                                          each=each.magnitude), quantity=duty + 1, standby=1,
                           capacity=each, power=power_each, material="cast iron / aluminium, acoustic enclosure")
        self.add_power(description, power_each * (duty + 1), p_avg)
        self.add_sizing(f"{key}_power", self.t("{description}: power at average air flow", description=description),
                        p_avg)
        return duty, each

    # -- reactor, oxygen and alkalinity -----------------------------------------

    def _reactor(self, influent: Stream, bio: BiologicalDesign, ras: Quantity, tss_e_name: str) -> dict[str, Any]:
        """Anoxic zone when the TN target needs one, volumes, loadings and oxygen demand (M&E Eq. 8-17)."""
        q = influent.flow
        no3_in = influent.get("no3_n", 0.0)
        denit = self._denitrification(influent, bio, ras, tss_e_name) if bio.tkn is not None else None
        no3_e = denit["no3_e"] if denit else (bio.nox + no3_in)
        no3_removed = denit["removed"] if denit else Q_(0.0, "mg/L")
        v_anoxic = denit["volume"] if denit else Q_(0.0, "m**3")
        v_aer = bio.aerobic_volume
        v_total = self.calc("V", "Total biological volume", "V = V_aer + V_anox",
                            {"V_aer": (v_aer, "calculated"), "V_anox": (v_anoxic, "calculated")}, v_aer + v_anoxic,
                            unit="m**3")
        self.add_sizing("aerobic_volume", "Aerobic volume", v_aer, "m**3")
        if denit:
            self.add_sizing("anoxic_volume", "Anoxic volume", v_anoxic, "m**3")
        self.add_sizing("volume", "Total biological volume", v_total, "m**3")
        hrt = self.calc("τ", "Hydraulic retention time", "τ = V/Q", {"V": (v_total, "calculated"), "Q": (q, "influent")},
                        v_total / q, unit="hour")
        self.add_sizing("hrt", "Hydraulic retention time", hrt)
        fm = self.calc("F/M", "Food to microorganism ratio", "F/M = Q·BOD/(V·X_VSS)",
                       {"Q": (q, "influent"), "BOD": (bio.bod, "influent"), "V": (v_total, "calculated"),
                        "X_VSS": (bio.mlvss, "calculated")}, q * bio.bod / (v_total * bio.mlvss), unit="1/day")
        self.add_sizing("fm_ratio", "F/M ratio, kg BOD/kg VSS·d", fm)
        lv = self.calc("L_v", "Volumetric BOD loading", "L_v = Q·BOD/V",
                       {"Q": (q, "influent"), "BOD": (bio.bod, "influent"), "V": (v_total, "calculated")},
                       q * bio.bod / v_total, unit="kg/(m**3*day)")
        self.add_sizing("volumetric_loading", "Volumetric BOD loading", lv)
        ro_gross = self.calc("R_o", "Oxygen demand", "R_o = Q(S0 − S) − 1.42·P_X,H + 4.57·Q·NOx",
                             {"Q": (q, "influent"), "S0": (bio.bcod, "calculated"), "S": (bio.s_effluent, "calculated"),
                              "P_X,H": (bio.px_h, "calculated"), "NOx": (bio.nox, "calculated")},
                             q * (bio.bcod - bio.s_effluent) - COD_PER_VSS * bio.px_h + O2_PER_N_NITRIFIED * q * bio.nox,
                             unit="kg/hour")
        ro = ro_gross
        if denit:
            ro = self.calc("R_o,net", "Net oxygen demand with denitrification credit", "R_o,net = R_o − 2.86·Q·NO3_removed",
                           {"R_o": (ro_gross, "calculated"), "Q": (q, "influent"),
                            "NO3_removed": (no3_removed, "calculated")},
                           ro_gross - O2_CREDIT_PER_N_DENITRIFIED * q * no3_removed, unit="kg/hour")
        self.add_sizing("oxygen_demand", "Oxygen demand (average)", ro, "kg/hour")
        return {"denit": denit, "no3_e": no3_e, "no3_removed": no3_removed, "anoxic_volume": v_anoxic,
                "volume": v_total, "ro": ro}

    def _alkalinity(self, influent: Stream, nox: Quantity, no3_removed: Quantity,
                    suffixes: tuple[str, str] = ("-06", "-07")) -> Quantity:
        """Alkalinity balance (M&E Example 8-3 step 19) and caustic dosing to keep the residual; returns the effluent value."""
        q = influent.flow
        alk_in = influent.get("alkalinity")
        alk_source = "influent"
        if alk_in is None:
            alk_in = self.c("assumed_alkalinity").quantity
            alk_source = self.c("assumed_alkalinity").source
            if nox.magnitude > 0:
                self.note("Influent alkalinity not given; {alk:g} mg/L as CaCO3 assumed.", alk=alk_in.magnitude)
        alk_left = self.calc("Alk_left", "Alkalinity left after nitrification and denitrification (as CaCO3)",
                             "Alk = Alk_in − 7.14·NOx + 3.57·NO3_removed",
                             {"Alk_in": (alk_in, alk_source), "NOx": (nox, "calculated"),
                              "NO3_removed": (no3_removed, "calculated")},
                             alk_in - ALK_PER_N_NITRIFIED * nox + ALK_PER_N_DENITRIFIED * no3_removed, unit="mg/L")
        residual = self.c("residual_alkalinity")
        alk_dose = self.calc("Alk_add", "Alkalinity to add (as CaCO3)", "Alk_add = max(0, Alk_residual − Alk)",
                             {"Alk_residual": residual, "Alk": (alk_left, "calculated")},
                             max(residual.quantity - alk_left, Q_(0.0, "mg/L")), unit="mg/L")
        self._dosing: Quantity | None = None
        if alk_dose.magnitude > 0:
            product = self.calc("D_NaOH", "Caustic soda dose as 50 % solution", "D = Alk_add·(40/50)/w_NaOH",
                                {"Alk_add": (alk_dose, "calculated"),
                                 "w_NaOH": (Q_(0.5, ""), "data/chemicals.yaml (50 % solution)")},
                                alk_dose * NAOH_PER_CACO3 / 0.5, unit="mg/L")
            chem = self.add_chemical("sodium_hydroxide", "Alkalinity for nitrification", product, q)
            self._dosing_equipment(suffixes, chem.consumption, Q_(1.52, "kg/L"), mark("Caustic soda (50 %)"))
            self._dosing = chem.consumption
            self.note("Alkalinity is dosed as caustic soda; hydrated lime or magnesium hydroxide slurry cost "
                      "less per unit of alkalinity where their handling is acceptable.")
            if influent.get("tds") is not None:
                self.generated["tds"] = (chem.consumption * 0.5 * TDS_PER_NAOH).to("kg/day")
        return alk_left + alk_dose

    def _denitrification(self, influent: Stream, bio: BiologicalDesign, ras: Quantity,
                         tss_e_name: str) -> dict[str, Any] | None:
        """Pre-anoxic (MLE) zone sized with the SDNR of M&E 5th ed. Table 8-22 (Example 8-7)."""
        target = self.ctx.target("tn")
        if target is None or bio.nox.magnitude <= 0:
            return None
        q = influent.flow
        no3_in = influent.get("no3_n", 0.0)
        tss_e = self.c(tss_e_name)
        f_n = self.c("biomass_n_content")
        pn = self.calc("pN_e", "Particulate N in the clarified effluent", "pN_e = f_N·f_v·TSS_e·(P_X,bio/P_X,VSS)",
                       {"f_N": f_n, "f_v": self.c("biomass_vss_tss"), "TSS_e": tss_e,
                        "P_X,bio": (bio.px_bio, "calculated"), "P_X,VSS": (bio.px_vss, "calculated")},
                       f_n.m * self.c("biomass_vss_tss").m * tss_e.quantity * (bio.px_bio / bio.px_vss).to("").magnitude,
                       unit="mg/L")
        nox_total = bio.nox + no3_in
        ir = self._internal_recycle(
            target, bio.nh4_effluent, pn, nox_total, ras,
            mark("the TN target {target:g} mg/L cannot be met with the effluent ammonia, organic and particulate "
                 "N alone; an MLE process is designed at its limit."),
            mark("the TN target needs an internal recycle of {ir:.1f}, above the practical {ir_max:g}; "
                 "MLE alone cannot reach it (consider 4-stage Bardenpho or external carbon)."))
        if ir is None:
            return None
        no3_e = self.calc("NO3_e", "Effluent nitrate-N of the MLE process", "NO3_e = NOx/(1 + IR + R)",
                          {"NOx": (nox_total, "calculated"), "IR": (ir, "calculated"), "R": (ras, "calculated")},
                          nox_total / (1.0 + ir.magnitude + ras.magnitude), unit="mg/L")
        no3_fed = self.calc("NO3_fed", "Nitrate fed to the anoxic zone", "NO3_fed = Q·(IR + R)·NO3_e",
                            {"Q": (q, "influent"), "IR": (ir, "calculated"), "R": (ras, "calculated"),
                             "NO3_e": (no3_e, "calculated")},
                            q * (ir.magnitude + ras.magnitude) * no3_e, unit="kg/day")

        # Active heterotroph biomass concentration in the aerobic zone (Example 8-7, step 1).
        b_h, srt = bio.b_h, bio.srt
        xb = self.calc("X_b", "Active heterotroph biomass concentration",
                       "X_b = Q·SRT·Y_H·(S0 − S)/[(1 + b_H·SRT)·V_aer]",
                       {"Q": (q, "influent"), "SRT": (srt, "calculated"), "Y_H": self.c("y_h"),
                        "S0": (bio.bcod, "calculated"), "S": (bio.s_effluent, "calculated"),
                        "b_H": (b_h, "calculated"), "V_aer": (bio.aerobic_volume, "calculated")},
                       q * srt * self.c("y_h").m * (bio.bcod - bio.s_effluent)
                       / ((1.0 + (b_h * srt).to("").magnitude) * bio.aerobic_volume), unit="mg/L")
        rows = load_unit_data(self.type)["sdnr_table"]["rows"]
        theta = self.c("theta_sdnr").m ** (float(bio.temperature.magnitude) - 20.0)
        food = (q * bio.bod).to("kg/day").magnitude
        xb_kgm3 = xb.to("kg/m**3").magnitude
        needed = no3_fed.to("kg/day").magnitude

        def reducible(v: float) -> tuple[float, float, float]:
            fm_b = food / (v * xb_kgm3)
            sdnr = sdnr_20(fm_b, bio.rbcod_fraction, rows) * theta + sdnr_recycle_correction(fm_b, ir.magnitude)
            return v * xb_kgm3 * max(sdnr, 0.0), fm_b, sdnr

        # NO_r grows with the anoxic volume until F/Mb falls to 0.5, where the influent
        # carbon limits it; bisection finds the volume that reduces the nitrate fed.
        v_max = food / (0.5 * xb_kgm3)
        if reducible(v_max)[0] < needed:
            v = v_max
            carbon_limited = True
        else:
            lo, hi = 1e-6 * v_max, v_max
            for _ in range(80):
                mid = 0.5 * (lo + hi)
                if reducible(mid)[0] >= needed:
                    hi = mid
                else:
                    lo = mid
            v, carbon_limited = hi, False
        no_r, fm_b, sdnr = reducible(v)
        fm_q = self.calc("F/M_b", "Anoxic F/M on active biomass", "F/M_b = Q·BOD/(V_anox·X_b)",
                         {"Q": (q, "influent"), "BOD": (bio.bod, "influent"), "X_b": (xb, "calculated"),
                          "V_anox": (Q_(v, "m**3"), "calculated")}, Q_(fm_b, "1/day"))
        sdnr_q = self.calc("SDNR", "Specific denitrification rate at T, corrected for the internal recycle",
                           "SDNR = (b0 + b1·ln(F/M_b))·θ^(T−20) + ΔSDNR_IR  (0.24·F/M_b when F/M_b ≤ 0.5)",
                           {"F/M_b": (fm_q, "calculated"), "rbCOD/bCOD": self.c("rbcod_fraction"),
                            "θ": self.c("theta_sdnr"), "T": (bio.temperature, "design"), "IR": (ir, "calculated")},
                           Q_(sdnr, "1/day"), note=load_unit_data(self.type)["sdnr_table"]["source"])
        v_anox = self.calc("V_anox", "Anoxic volume (NO_r = nitrate fed)", "V_anox : V_anox·SDNR·X_b = NO3_fed",
                           {"SDNR": (sdnr_q, "calculated"), "X_b": (xb, "calculated"),
                            "NO3_fed": (no3_fed, "calculated")}, Q_(v, "m**3"))
        no_r_q = self.calc("NO_r", "Nitrate the anoxic zone can reduce", "NO_r = V_anox·SDNR·X_b",
                           {"V_anox": (v_anox, "calculated"), "SDNR": (sdnr_q, "calculated"), "X_b": (xb, "calculated")},
                           Q_(no_r, "kg/day"))
        if carbon_limited:
            self.warn("influent carbon limits denitrification ({reduced:,.0f} of {needed:,.0f} kg NO3-N/d); "
                      "effluent nitrate will be above the design value unless external carbon (methanol) is dosed.",
                      reduced=no_r, needed=needed)
            no3_e = self.calc("NO3_e", "Effluent nitrate-N, carbon-limited", "NO3_e = NOx − NO_r/Q",
                              {"NOx": (nox_total, "calculated"), "NO_r": (no_r_q, "calculated"), "Q": (q, "influent")},
                              nox_total - no_r_q / q, unit="mg/L")
        removed = self.calc("NO3_removed", "Nitrate-N denitrified", "NO3_removed = NOx − NO3_e",
                            {"NOx": (nox_total, "calculated"), "NO3_e": (no3_e, "calculated")}, nox_total - no3_e,
                            unit="mg/L")
        self.add_sizing("internal_recycle_ratio", "Internal (nitrate) recycle ratio", ir)
        return {"ir": ir, "no3_e": no3_e, "removed": removed, "volume": v_anox}

    def _internal_recycle(self, target: Quantity, nh4_e: Quantity, pn: Quantity, nox_total: Quantity,
                          ras: Quantity | None, no_room: str, above_max: str) -> Quantity | None:
        """Internal recycle ratio of a pre-anoxic (MLE) stage, or None when the TN target needs no denitrification.

        The effluent nitrate allowed by the TN target sets IR = NOx/NO3_allowed − 1 − R (M&E 5th ed. §8-8),
        capped at the practical maximum; ``ras`` is the return sludge ratio R (None: no return sludge,
        as in the MBBR). ``no_room`` and ``above_max`` are the unit's warnings (messages) when the target
        leaves no room for nitrate and when the recycle it needs is above the maximum.
        """
        son, ratio = self.c("effluent_soluble_organic_n"), self.c("tn_design_ratio")
        allowed = self.calc("NO3_allowed", "Effluent nitrate that meets the TN target",
                            "NO3_allowed = k_R·TN_target − N_e − sON − pN_e",
                            {"k_R": ratio, "TN_target": (target, "target"), "N_e": (nh4_e, "calculated"),
                             "sON": son, "pN_e": (pn, "calculated")},
                            target * ratio.m - nh4_e - son.quantity - pn, unit="mg/L")
        if allowed >= nox_total:
            return None
        ir_max = self.c("ir_ratio_max")
        if allowed.magnitude <= 0:
            self.warn(no_room, target=target.magnitude)
            ir_needed = math.inf
        else:
            excess = nox_total / allowed - 1.0
            ir_needed = (excess - ras if ras is not None else excess).to("").magnitude
        inputs: dict[str, Any] = {"NOx": (nox_total, "calculated"), "NO3_e": (allowed, "calculated")}
        if ras is not None:
            inputs["R"] = (ras, "calculated")
        inputs["IR_max"] = ir_max
        ir = self.calc("IR", "Internal recycle ratio",
                       "IR = min(NOx/NO3_e − 1 − R, IR_max)" if ras is not None else "IR = min(NOx/NO3_e − 1, IR_max)",
                       inputs, Q_(min(max(ir_needed, 0.0), ir_max.m), ""))
        if ir_max.m < ir_needed < math.inf:
            self.warn(above_max, ir=ir_needed, ir_max=ir_max.m)
        return ir

    def _basins(self, v_aer: Quantity, v_anoxic: Quantity, depth: Quantity) -> None:
        v_total = v_aer + v_anoxic
        n = self.parallel_trains(v_total, self.c("max_basin_volume"), "basins",
                                 minimum=1 if self.packaged else int(self.c("min_basins").m))
        area = self.calc("A", "Plan area of each basin", "A = V/(N·SWD)",
                         {"V": (v_total, "calculated"), "N": (Q_(n, ""), "calculated"),
                          "SWD": self.c("side_water_depth")}, v_total / (n * depth), unit="m**2")
        lw = self.c("length_width_ratio")
        width = self.calc("W", "Basin width", "W = √(A / (L/W))", {"A": (area, "calculated"), "L/W": lw},
                          (area / lw.m) ** 0.5, unit="m")
        length = self.calc("L", "Basin length", "L = (L/W)·W", {"L/W": lw, "W": (width, "calculated")},
                           width * lw.m, unit="m")
        self.add_sizing("basins", "Number of basins", Q_(n, ""))
        self.add_sizing("basin_volume", "Volume of each basin", v_total / n, "m**3")
        self.add_sizing("basin_length", "Basin length", length)
        self.add_sizing("basin_width", "Basin width", width)
        self.add_sizing("side_water_depth", "Side water depth", depth, "m")
        material = mark("welded steel, coated") if self.packaged else mark("reinforced concrete")
        self.add_equipment("-01", self.t("Aeration basin {length:.1f} × {width:.1f} m × {depth:.1f} m SWD "
                                         "(+{freeboard:g} m freeboard)",
                                         length=length.magnitude, width=width.magnitude, depth=depth.magnitude,
                                         freeboard=self.c("freeboard").quantity.magnitude),
                           quantity=n, capacity=(v_total / n).to("m**3"), material=material)

    def _anoxic_equipment(self, denit: dict[str, Any], q: Quantity, suffixes: tuple[str, str]) -> None:
        v = denit["volume"]
        mix = self.calc("P_mix", "Anoxic zone mixing power", "P_mix = p_mix·V_anox",
                        {"p_mix": self.c("anoxic_mixing_power"), "V_anox": (v, "calculated")},
                        self.c("anoxic_mixing_power").quantity * v, unit="kW")
        n = self.trains
        self.add_equipment(suffixes[0], "Submersible propeller mixer, anoxic zone", quantity=n,
                           capacity=(v / n).to("m**3"), power=mix / n, material="AISI 316 stainless steel")
        self.add_power("Anoxic zone mixers", mix, mix)
        ir = denit["ir"].magnitude
        self._ir_flow_each = None
        if ir <= 0:
            self.note("The return flow alone carries enough nitrate to the anoxic zone; no internal recycle.")
            return
        q_ir = self.calc("Q_IR", "Internal recycle flow", "Q_IR = IR·Q", {"IR": (denit["ir"], "calculated"),
                                                                          "Q": (q, "influent")}, q * ir, unit="m**3/hour")
        head, eff = self.c("ir_pump_head"), self.c("pump_efficiency")
        p_ir = self.calc("P_IR", "Internal recycle pumping power", "P = ρ·g·Q_IR·H/η",
                         {"ρ": (Q_(1000.0, "kg/m**3"), "water"), "g": (GRAVITY, "constant"),
                          "Q_IR": (q_ir, "calculated"), "H": head, "η": eff},
                         Q_(1000.0, "kg/m**3") * GRAVITY * q_ir * head.quantity / eff.m, unit="kW")
        self.add_equipment(suffixes[1], "Internal recycle pump (low-head propeller)", quantity=n + 1, standby=1,
                           capacity=(q_ir / n).to("m**3/hour"), power=p_ir / n, material="AISI 316 stainless steel")
        self.add_power("Internal recycle pumps", p_ir / n * (n + 1), p_ir)
        self._ir_flow_each = (q_ir / n).to("L/s")

    def _dosing_equipment(self, suffixes: tuple[str, str], consumption: Quantity, density: Quantity, name: str) -> None:
        """Metering pumps and storage of a liquid chemical; ``name`` is a message (translated here)."""
        name = self.t(name)
        days = self.c("chemical_storage_days")
        volume = self.calc("V_store", self.t("{name} storage volume", name=name), "V = M·t_storage/ρ",
                           {"M": (consumption, "calculated"), "t_storage": days, "ρ": (density, "product density")},
                           consumption * days.quantity / density, unit="m**3")
        pump = (consumption / density).to("L/hour")
        # Metering pumps are sized at twice the average feed for turndown to the peak load.
        self.add_equipment(suffixes[0], self.t("{name} dosing pump (diaphragm metering)", name=name), quantity=2, standby=1,
                           capacity=pump * 2, power=Q_(0.37, "kW"), material="PVDF head")
        self.add_equipment(suffixes[1], self.t("{name} storage tank", name=name), quantity=1,
                           capacity=volume, material="HDPE / carbon steel")
        self.add_power(self.t("{name} dosing pumps", name=name), Q_(0.74, "kW"), Q_(0.37, "kW"))
        self._dosing = consumption

    def _removals(self, influent: Stream) -> None:
        assert self.effluent is not None
        for p in ("bod", "cod", "nh4_n", "tn"):
            c_in, c_out = influent.get(p), self.effluent.get(p)
            if c_in is not None and c_out is not None and c_in.magnitude > 0:
                self.removals[p] = max(0.0, 1.0 - (c_out / c_in).to("").magnitude)

    # -- effluent --------------------------------------------------------------

    def _biosolids(self, q: Quantity, bio: BiologicalDesign, tss_out: Quantity, influent: Stream) -> dict[str, float]:
        """g of BOD, COD, N and P per g of the solids leaving, for the separator downstream.

        The biomass takes up N and P only as far as the influent and the doses bring them: the N
        in the solids is at most TKN + D_N − sON − N_e − NOx and the P at most TP + D_P, so that
        the solids never carry more than came in.
        """
        load = (q * tss_out).to("kg/day")
        particulate_cod = COD_PER_VSS * bio.px_bio + self.c("particulate_cod_vss_ratio").m * q * bio.nbvss
        n_bio = (self.c("biomass_n_content").m * bio.px_bio / q).to("mg/L")
        if bio.tkn is not None and bio.nh4_effluent is not None:
            left = bio.tkn + bio.n_dose - self.c("effluent_soluble_organic_n").quantity - bio.nh4_effluent - bio.nox
            n_bio = min(n_bio, max(left.to("mg/L"), Q_(0.0, "mg/L")))
        p_bio = (self.c("biomass_p_content").m * bio.px_bio / q).to("mg/L")
        if influent.get("tp") is not None:
            p_bio = min(p_bio, (influent.get("tp") + bio.p_dose).to("mg/L"))
        return {
            "bod": self.c("solids_bod_ratio").m,
            "cod": (particulate_cod / load).to("").magnitude,
            "tn": (n_bio * q / load).to("").magnitude,
            "tp": (p_bio * q / load).to("").magnitude,
        }


@register
class ActivatedSludge(SuspendedGrowth):
    type = "activated_sludge"
    tag_prefix = "AS"

    def size(self, influent: Stream) -> None:
        q = influent.flow
        bio = self._design_biology(influent, "mlss")
        t = float(bio.temperature.magnitude)
        # Below the packaged limit both a packaged and a site-built unit are valid: the cheaper installed.
        allowed = ["packaged", "site-built"] if q < self.c("packaged_below").quantity else ["site-built"]
        self.packaged = cheaper_option(self, influent, {"packaged": True, "site-built": False}, allowed,
                                       "construction") == "packaged"
        mlss = self.c("mlss").quantity
        x_r = self.c("ras_concentration")
        ras = self.calc("R", "Return activated sludge ratio", "R = X/(X_R − X)",
                        {"X": self.c("mlss"), "X_R": x_r}, (mlss / (x_r.quantity - mlss)).to(""))
        self.add_sizing("ras_ratio", "Return sludge ratio", ras)

        reactor = self._reactor(influent, bio, ras, "design_effluent_tss")
        denit, v_aer, v_anoxic = reactor["denit"], bio.aerobic_volume, reactor["anoxic_volume"]
        depth = self.c("side_water_depth").quantity
        aer = self._aeration(reactor["ro"], self.c("alpha_nitrification" if bio.nitrifying else "alpha_bod"), depth, t)
        aer = self._with_mixing_air(aer, v_aer / depth)
        self.add_sizing("sotr", "Standard oxygen transfer rate (average)", aer["sotr"])
        self.add_sizing("air_flow", "Air flow at standard conditions (average)", aer["air"])
        self.add_sizing("air_flow_peak", "Design air flow at standard conditions (peak)", aer["air_peak"])
        alk_out = self._alkalinity(influent, bio.nox, reactor["no3_removed"])

        # --- basins ---
        self._basins(v_aer, v_anoxic, depth)
        if not self.packaged:
            n_diff = math.ceil((aer["air_peak"] / self.c("air_flow_per_diffuser").quantity).to("").magnitude)
            n_diff = self.calc("N_diff", "Fine-pore diffusers", "N = ⌈Q_air,peak / q_diffuser⌉",
                               {"Q_air,peak": (aer["air_peak"], "calculated"), "q_diffuser": self.c("air_flow_per_diffuser")},
                               Q_(n_diff, ""))
            self.add_sizing("diffusers", "Number of fine-pore diffusers", n_diff)
            floor = (v_aer / depth).to("m**2")
            self.add_sizing("diffuser_density", "Diffuser density on the aerobic floor",
                            self.calc("ρ_diff", "Diffuser density", "ρ = N_diff / A_aer",
                                      {"N_diff": (n_diff, "calculated"), "A_aer": (floor, "calculated")},
                                      n_diff / floor, unit="1/m**2"))
            self.add_equipment("-02", "Fine-pore membrane disc diffuser, 9 in, with laterals and drop pipes",
                               quantity=int(n_diff.magnitude), capacity=self.c("air_flow_per_diffuser").quantity,
                               material="EPDM membrane, PVC/stainless laterals")
            self._blowers = self._add_blowers("-03", aer["air"], aer["air_peak"], aer["submergence"], aer["p_ratio"],
                                              mark("Aeration blower (multistage centrifugal)"))
        else:
            p_avg = self._blower_power(aer["air"], aer["submergence"], aer["p_ratio"], "P_blower")
            p_peak = self._blower_power(aer["air_peak"], aer["submergence"], aer["p_ratio"], "P_blower,peak")
            self.add_equipment("-03", "Package plant blower (duty/standby)", quantity=2, standby=1,
                               capacity=aer["air_peak"], power=p_peak, material="cast iron")
            self.add_power("Package plant blowers", p_peak * 2, p_avg)
            self.add_sizing("blower_power", "Package plant blowers: power at average air flow", p_avg)
            self.note("Average flow {q:,.0f} m3/d is below {limit:g} m3/d: a prefabricated package plant is used.",
                      q=q.magnitude, limit=self.c("packaged_below").quantity.magnitude)
        if denit:
            self._anoxic_equipment(denit, q, ("-04", "-05"))

        # --- effluent: the net solids leaving for the clarifier ---
        tss_in_load = influent.mass_flow("tss")
        tss_out = self.calc("TSS_out", "Solids leaving to the clarifier (net, steady state)", "TSS_out = P_X,TSS / Q",
                            {"P_X,TSS": (bio.px_tss, "calculated"), "Q": (q, "influent")}, bio.px_tss / q, unit="mg/L")
        generated = self.calc("ΔTSS", "Solids formed in the basin (biomass grown − biodegradable VSS destroyed)",
                              "ΔTSS = P_X,TSS − Q·TSS_in",
                              {"P_X,TSS": (bio.px_tss, "calculated"), "Q·TSS_in": (tss_in_load, "influent")},
                              bio.px_tss - tss_in_load, unit="kg/day")
        self.generated["tss"] = generated
        ratios = self._biosolids(q, bio, tss_out, influent)
        changes = self._effluent_quality(influent, bio, tss_out, ratios, reactor["no3_e"], alk_out)
        self.effluent = influent.derive(**changes)
        self._removals(influent)
        if not bio.nitrifying and bio.nox.magnitude > 1.0:
            self.note("At an SRT of {srt:g} d and {t:g} °C the kinetics predict nitrification ({nox:.1f} mg/L NH4-N "
                      "oxidised); its oxygen and alkalinity are provided for.",
                      srt=bio.srt.magnitude, t=t, nox=bio.nox.magnitude)
        self.ctx.shared.update({"mlss": mlss, "ras_ratio": ras, "ras_concentration": x_r.quantity,
                                "biosolids": ratios})
        nutrient_note(self, influent, {"tn": bio.n_dose, "tp": bio.p_dose})
        self.equipment.sort(key=lambda e: e.tag)
        mode = self.t("nitrifying") if bio.nitrifying else self.t("BOD removal")
        if denit:
            self.note("SRT {srt:.1f} d ({mode}), {temp:g} °C; complete-mix kinetics (M&E 5th ed. Example 8-3); "
                      "MLE pre-anoxic zone with internal recycle {ir:.1f}.",
                      srt=bio.srt.magnitude, mode=mode, temp=bio.temperature.magnitude, ir=denit["ir"].magnitude)
        else:
            self.note("SRT {srt:.1f} d ({mode}), {temp:g} °C; complete-mix kinetics (M&E 5th ed. Example 8-3).",
                      srt=bio.srt.magnitude, mode=mode, temp=bio.temperature.magnitude)

    # -- parts of size() -----------------------------------------------------

    def _effluent_quality(self, influent: Stream, bio: BiologicalDesign, tss_out: Quantity, ratios: dict[str, float],
                          no3_e: Quantity, alk_out: Quantity) -> dict[str, Quantity]:
        ratio = self.c("bcod_bod_ratio").m
        sbod = self.calc("sBOD_e", "Effluent soluble BOD5", "sBOD_e = max(S/r, sBOD_residual)",
                         {"S": (bio.s_effluent, "calculated"), "r": self.c("bcod_bod_ratio"),
                          "sBOD_residual": self.c("residual_soluble_bod")},
                         max(bio.s_effluent / ratio, self.c("residual_soluble_bod").quantity), unit="mg/L")
        changes: dict[str, Quantity] = {
            "tss": tss_out,
            "bod": self.calc("BOD_out", "BOD5 of the mixed-liquor solids stream (soluble + particulate)",
                             "BOD_out = sBOD_e + r_BOD·TSS_out",
                             {"sBOD_e": (sbod, "calculated"), "r_BOD": self.c("solids_bod_ratio"),
                              "TSS_out": (tss_out, "calculated")}, sbod + ratios["bod"] * tss_out, unit="mg/L"),
        }
        if bio.nbscod is not None:
            changes["cod"] = self.calc("COD_out", "COD of the solids stream", "COD_out = nbsCOD + S + r_COD·TSS_out",
                                       {"nbsCOD": (bio.nbscod, "calculated"), "S": (bio.s_effluent, "calculated"),
                                        "r_COD": (Q_(ratios["cod"], ""), "calculated"),
                                        "TSS_out": (tss_out, "calculated")},
                                       bio.nbscod + bio.s_effluent + ratios["cod"] * tss_out, unit="mg/L")
        if bio.tkn is not None:
            son = self.c("effluent_soluble_organic_n").quantity
            changes["nh4_n"] = bio.nh4_effluent
            changes["no3_n"] = no3_e
            changes["tn"] = self.calc("TN_out", "Total N of the solids stream", "TN = N_e + NO3_e + sON + r_N·TSS_out",
                                      {"N_e": (bio.nh4_effluent, "calculated"), "NO3_e": (no3_e, "calculated"),
                                       "sON": self.c("effluent_soluble_organic_n"),
                                       "r_N": (Q_(ratios["tn"], ""), "calculated"), "TSS_out": (tss_out, "calculated")},
                                      bio.nh4_effluent + no3_e + son + ratios["tn"] * tss_out, unit="mg/L")
        if influent.get("tp") is not None:
            changes["tp"] = self.calc("TP_out", "Total P of the solids stream (influent and dosed)", "TP = TP_in + D_P",
                                      {"TP_in": (influent.get("tp"), "influent"), "D_P": (bio.p_dose, "calculated")},
                                      influent.get("tp") + bio.p_dose, unit="mg/L")
        if influent.get("alkalinity") is not None or bio.nox.magnitude > 0:
            changes["alkalinity"] = alk_out
        if "tds" in self.generated:
            changes["tds"] = influent.get("tds") + self.generated["tds"] / influent.flow
        return changes

    # -- cost ------------------------------------------------------------------

    def cost(self) -> None:
        cost_nutrient_dosing(self)
        if self.packaged:
            assert self.influent is not None
            self.curve_cost("packaged_plant", self.influent.flow)
            return
        basin = self.costed_size("V_cost", self.sizing["basin_volume"].quantity, self.c("min_costed_basin_volume"),
                                 mark("aeration basin"))
        self.curve_cost("basin", basin, count=self.trains, category="civil")
        duty, each = self._blowers
        self.curve_cost("blower", self.costed_size("Q_air,cost", each, self.c("min_costed_blower_air_flow"),
                                                   mark("aeration blower")), count=duty + 1)
        self.curve_cost("diffusers", self.sizing["diffusers"].quantity)
        if "anoxic_volume" in self.sizing:
            mixer = next(e for e in self.equipment if e.tag.endswith("-04"))
            self.curve_cost("mixer", mixer.power, count=mixer.quantity)
            if self._ir_flow_each is not None:
                self.curve_cost("recycle_pump", self._ir_flow_each, count=self.trains + 1)
        if self._dosing is not None:
            self.curve_cost("dosing_system", self._dosing)
