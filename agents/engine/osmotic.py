"""Osmotic pressure and scaling chemistry for membrane units (pure functions, SI in, floats out).

Concentrations are mg/L, temperatures °C and pressures bar; callers wrap the
results in quantities and record them. Each function names its source: the
formulas are the ones RO designers use in projections (DuPont FilmTec
Technical Manual, MWH ch. 17, AWWA M46), not fitted here.
"""

from __future__ import annotations

import math

# Universal gas constant in L·bar/(mol·K): π in bar from C in mol/L.
GAS_CONSTANT = 0.083145
# NaCl taken as the equivalent salt of the dissolved solids: 58.44 g/mol, i = 2 ions.
NACL_MOLAR_MASS = 58.44
NACL_IONS = 2
KELVIN = 273.15

# Molar masses (g/mol) used in the carbonate and sulfate balances.
HCO3_MOLAR_MASS = 61.02
SO4_MOLAR_MASS = 96.06
CL_MOLAR_MASS = 35.45
CACO3_MOLAR_MASS = 100.09
# mg/L as CaCO3 per mmol/L of a monovalent equivalent (alkalinity, acid dose).
CACO3_PER_EQUIVALENT = 50.04

# Gypsum solubility product at 25 °C, log Ksp = −4.58 (PHREEQC phreeqc.dat; Stumm & Morgan,
# Aquatic Chemistry, 3rd ed. 1996); gypsum solubility varies by < 15 % over 10–40 °C.
GYPSUM_KSP = 10 ** -4.58


def osmotic_pressure(tds_mg_l: float, temperature_c: float, osmotic_coefficient: float) -> float:
    """π = φ · i · (C / M) · R · T in bar, dissolved solids as NaCl (van 't Hoff with φ).

    With φ = 0.93 this gives 27.6 bar for 35,000 mg/L at 25 °C (≈ 0.79 bar per
    1,000 mg/L), the van 't Hoff form of MWH (2012) ch. 17 and AWWA M46 (2007) ch. 2.
    """
    molar = tds_mg_l / 1000.0 / NACL_MOLAR_MASS
    return osmotic_coefficient * NACL_IONS * molar * GAS_CONSTANT * (temperature_c + KELVIN)


def temperature_correction_factor(temperature_c: float) -> float:
    """Membrane permeability relative to 25 °C: TCF = exp[K (1/298 − 1/T)], T in K.

    K = 2640 above 25 °C and 3020 below (DuPont FilmTec Technical Manual,
    System Design, "Temperature correction factor").
    """
    k = 2640.0 if temperature_c >= 25.0 else 3020.0
    return math.exp(k * (1.0 / (KELVIN + 25.0) - 1.0 / (KELVIN + temperature_c)))


def silica_solubility(temperature_c: float) -> float:
    """Amorphous silica solubility, mg/L SiO2: log C = −731 / T + 4.52 (Fournier, 1977).

    117 mg/L at 25 °C, 96 mg/L at 15 °C, in line with the FilmTec Technical
    Manual silica chart for pH 7–7.8 (solubility rises above pH 7.8; ignoring
    that is conservative).
    """
    return 10 ** (-731.0 / (KELVIN + temperature_c) + 4.52)


def ionic_strength(tds_mg_l: float) -> float:
    """Ionic strength from TDS, mol/L: I ≈ 2.5·10⁻⁵ · TDS (Langelier, 1936; Snoeyink & Jenkins, 1980)."""
    return 2.5e-5 * tds_mg_l


def davies_log_gamma(charge: int, strength: float) -> float:
    """log10 of an ion's activity coefficient (Davies equation, 25 °C).

    The equation holds up to I ≈ 0.5 mol/L; above that the value at 0.5 is
    used (Stumm & Morgan, Aquatic Chemistry, 3rd ed., ch. 3).
    """
    s = min(strength, 0.5)
    root = math.sqrt(s)
    return -0.51 * charge**2 * (root / (1.0 + root) - 0.3 * s)


def carbonic_pk1(temperature_c: float) -> float:
    """First dissociation constant of carbonic acid, pK1 = 3404.71/T − 14.8435 + 0.032786·T (Harned & Davis, 1943)."""
    t = KELVIN + temperature_c
    return 3404.71 / t - 14.8435 + 0.032786 * t


def co2_from_ph(bicarbonate_mmol: float, ph: float, temperature_c: float, tds_mg_l: float) -> float:
    """Free CO2 (mmol/L) in equilibrium with bicarbonate at a pH (pH < 8.3, carbonate neglected)."""
    gamma1 = 10 ** davies_log_gamma(1, ionic_strength(tds_mg_l))
    return bicarbonate_mmol * gamma1 * 10 ** (carbonic_pk1(temperature_c) - ph)


def ph_from_carbonate(bicarbonate_mmol: float, co2_mmol: float, temperature_c: float, tds_mg_l: float) -> float:
    """pH = pK1 + log γ(HCO3⁻) + log([HCO3⁻] / [CO2]); the FilmTec method for concentrate pH."""
    gamma1 = 10 ** davies_log_gamma(1, ionic_strength(tds_mg_l))
    return carbonic_pk1(temperature_c) + math.log10(gamma1 * bicarbonate_mmol / co2_mmol)


def langelier_index(ph: float, tds_mg_l: float, temperature_c: float, calcium_caco3: float,
                    alkalinity_caco3: float) -> float:
    """LSI = pH − pHs, pHs = (9.3 + A + B) − (C + D) (Langelier, 1936; ASTM D3739 form).

    A = (log TDS − 1)/10, B = −13.12 log(T + 273) + 34.55, C = log Ca(as CaCO3) − 0.4,
    D = log alkalinity(as CaCO3).
    """
    a = (math.log10(tds_mg_l) - 1.0) / 10.0
    b = -13.12 * math.log10(temperature_c + KELVIN) + 34.55
    c = math.log10(calcium_caco3) - 0.4
    d = math.log10(alkalinity_caco3)
    return ph - ((9.3 + a + b) - (c + d))


def gypsum_saturation(calcium_caco3: float, sulfate_mg_l: float, tds_mg_l: float) -> float:
    """Saturation ratio of CaSO4·2H2O: γ²·[Ca²⁺]·[SO4²⁻] / Ksp (1 = saturated)."""
    gamma2 = 10 ** davies_log_gamma(2, ionic_strength(tds_mg_l))
    calcium = calcium_caco3 / 1000.0 / CACO3_MOLAR_MASS
    sulfate = sulfate_mg_l / 1000.0 / SO4_MOLAR_MASS
    return gamma2**2 * calcium * sulfate / GYPSUM_KSP


def permeate_fraction(rejection: float, polarization: float, recovery: float) -> float:
    """Permeate / feed concentration of a solute with the membrane rejection given.

    The permeate is (1 − r)·β times the mean of feed and concentrate
    concentrations, and the concentrate closes the balance,
    Cc = (Cf − Y·Cp)/(1 − Y). Solving both: Cp/Cf = s(2 − Y)/(1 − Y + sY), s = (1 − r)β/2.
    """
    s = (1.0 - rejection) * polarization / 2.0
    return s * (2.0 - recovery) / (1.0 - recovery + s * recovery)


def concentrate_fraction(rejection: float, polarization: float, recovery: float) -> float:
    """Concentrate / feed concentration (the concentration factor) for the same solute."""
    return (1.0 - recovery * permeate_fraction(rejection, polarization, recovery)) / (1.0 - recovery)


# Molar masses (g/mol) of the post-treatment chemicals and ions they form.
CA_MOLAR_MASS = 40.08
NA_MOLAR_MASS = 22.99
CO3_MOLAR_MASS = 60.01
OH_MOLAR_MASS = 17.01
LIME_MOLAR_MASS = 74.09  # Ca(OH)2
NAOH_MOLAR_MASS = 40.00
CO2_MOLAR_MASS = 44.01


def carbonic_pk2(temperature_c: float) -> float:
    """Second dissociation constant of carbonic acid, pK2 = 2902.39/T − 6.4980 + 0.02379·T (Harned & Scholes, 1941)."""
    t = KELVIN + temperature_c
    return 2902.39 / t - 6.4980 + 0.02379 * t


def water_pkw(temperature_c: float) -> float:
    """Ion product of water, pKw = 4470.99/T − 6.0875 + 0.01706·T (Harned & Owen, 1958): 14.00 at 25 °C."""
    t = KELVIN + temperature_c
    return 4470.99 / t - 6.0875 + 0.01706 * t


def carbonate_species(alkalinity_meq: float, total_carbonate_mmol: float, temperature_c: float,
                      tds_mg_l: float) -> dict[str, float]:
    """pH and species (mmol/L) of a water from its alkalinity (meq/L) and total carbonate C_T (mmol/L).

    Closed carbonate system with activity coefficients from the Davies
    equation: Alk = C_T·(α1 + 2α2) + [OH⁻] − [H⁺] (Stumm & Morgan, Aquatic
    Chemistry, 3rd ed. (1996), ch. 4; MWH (2012), ch. 22, stabilisation).
    Solved for pH by bisection; species are returned with ``ph``.
    """
    g1 = 10 ** davies_log_gamma(1, ionic_strength(tds_mg_l))
    g2 = 10 ** davies_log_gamma(2, ionic_strength(tds_mg_l))
    k1, k2 = 10 ** -carbonic_pk1(temperature_c), 10 ** -carbonic_pk2(temperature_c)
    kw = 10 ** -water_pkw(temperature_c)
    # Concentrations in mol/L inside; a = [HCO3⁻]/[CO2], b = [CO3²⁻]/[HCO3⁻] at hydrogen-ion activity h.
    alk, ct = alkalinity_meq / 1000.0, total_carbonate_mmol / 1000.0

    def excess(ph: float) -> float:
        h = 10 ** -ph
        a = k1 / (h * g1)
        b = k2 * g1 / (h * g2)
        return ct * (a + 2 * a * b) / (1 + a + a * b) + kw / (h * g1) - h / g1 - alk

    low, high = 2.0, 13.0
    for _ in range(50):
        mid = (low + high) / 2.0
        low, high = (mid, high) if excess(mid) < 0 else (low, mid)
    ph = (low + high) / 2.0
    h = 10 ** -ph
    a = k1 / (h * g1)
    b = k2 * g1 / (h * g2)
    co2 = ct / (1 + a + a * b)
    return {"ph": ph, "co2": co2 * 1000.0, "hco3": a * co2 * 1000.0, "co3": a * b * co2 * 1000.0,
            "oh": kw / (h * g1) * 1000.0}


def total_carbonate_for_ph(alkalinity_meq: float, ph: float, temperature_c: float, tds_mg_l: float) -> float:
    """Total carbonate C_T (mmol/L) that gives ``ph`` at an alkalinity (meq/L): the inverse of :func:`carbonate_species`."""
    g1 = 10 ** davies_log_gamma(1, ionic_strength(tds_mg_l))
    g2 = 10 ** davies_log_gamma(2, ionic_strength(tds_mg_l))
    h = 10 ** -ph
    a = 10 ** -carbonic_pk1(temperature_c) / (h * g1)
    b = 10 ** -carbonic_pk2(temperature_c) * g1 / (h * g2)
    carbonate_alk = alkalinity_meq / 1000.0 - 10 ** -water_pkw(temperature_c) / (h * g1) + h / g1
    return carbonate_alk * (1 + a + a * b) / (a + 2 * a * b) * 1000.0


def dissolved_solids_of(species: dict[str, float]) -> float:
    """mg/L of the carbonate-system anions (HCO3⁻, CO3²⁻, OH⁻) in a speciation; CO2 is not a dissolved solid."""
    return species["hco3"] * HCO3_MOLAR_MASS + species["co3"] * CO3_MOLAR_MASS + species["oh"] * OH_MOLAR_MASS


def alkalinity_for_ph(total_carbonate_mmol: float, ph: float, temperature_c: float, tds_mg_l: float) -> float:
    """Alkalinity (meq/L) of a water with total carbonate C_T (mmol/L) at ``ph`` (same system as above)."""
    g1 = 10 ** davies_log_gamma(1, ionic_strength(tds_mg_l))
    g2 = 10 ** davies_log_gamma(2, ionic_strength(tds_mg_l))
    h = 10 ** -ph
    a = 10 ** -carbonic_pk1(temperature_c) / (h * g1)
    b = 10 ** -carbonic_pk2(temperature_c) * g1 / (h * g2)
    ct = total_carbonate_mmol / 1000.0
    return (ct * (a + 2 * a * b) / (1 + a + a * b) + 10 ** -water_pkw(temperature_c) / (h * g1) - h / g1) * 1000.0
