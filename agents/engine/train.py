"""Train selection: from the gap between the influent and the limits to ordered unit processes, each with its reason.

The rules read the resolved requirements (sector, water source, influent
with its defaults, destination limits) and the thresholds of
``data/train_rules.yaml``. They build a plan of fixed steps and *choices*
— points where more than one technology meets the target (activated sludge,
MBBR or MBR; media filtration + UF or UF alone; UV or chlorination). The
preferred candidate takes the first option of every choice; each other
option gives an alternative that differs in that one choice, so the
comparison by LCOW says what each choice costs.

The sludge line is decided after the main line has run, from the dry solids
it actually produces (:func:`sludge_line`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .criteria import load_data
from .requirements import SLUDGE_UNIT_TYPES, Resolved

RAW_WATER_REUSE = ("potable", "irrigation_reuse", "industrial_reuse")
HIGH_QUALITY = ("potable", "irrigation_reuse", "industrial_reuse", "boiler_feed")

BIOLOGICAL_OPTIONS = {
    "cas": ("activated_sludge", "secondary_clarifier"),
    "mbbr": ("mbbr", "secondary_clarifier"),
    "mbr": ("mbr",),
}
# The same with a metal salt for phosphorus dosed and flocculated ahead of the
# solids separation (co-precipitation): the precipitate leaves with the sludge.
BIOLOGICAL_OPTIONS_WITH_P = {
    "cas": ("activated_sludge", "coagulation_flocculation", "secondary_clarifier"),
    "mbbr": ("mbbr", "coagulation_flocculation", "secondary_clarifier"),
    "mbr": ("coagulation_flocculation", "mbr"),
}


@dataclass(frozen=True)
class Step:
    units: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Option:
    key: str
    units: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Choice:
    key: str
    title: str
    options: tuple[Option, ...]  # the preferred option first
    why_preferred: str


@dataclass(frozen=True)
class Candidate:
    """One train to design: the main line in process order and why."""

    key: str
    name: str
    units: tuple[str, ...]
    reason: str
    choices: dict[str, str] = field(default_factory=dict)  # choice key → option key
    preferred: bool = False
    blend: bool = False  # bypass part of the RO feed into the permeate where the limits allow
    ro_feed_type: str | None = None  # hint for the reverse osmosis unit: seawater, brackish, wastewater
    sludge_units: tuple[str, ...] | None = None  # None: decided from the sludge produced


@dataclass
class Selection:
    candidates: list[Candidate]  # the preferred one first
    notes: list[str]
    forced: bool = False

    @property
    def preferred(self) -> Candidate:
        return self.candidates[0]


@dataclass(frozen=True)
class SludgePlan:
    units: tuple[str, ...]
    decision: str  # none, haul, dewater, thicken_dewater
    reason: str


# -- rules data --------------------------------------------------------------------------


@cache
def rules() -> dict[str, Any]:
    return load_data("train_rules")


def threshold(name: str) -> float:
    return float(rules()["thresholds"][name]["value"])


def threshold_source(name: str) -> str:
    return rules()["thresholds"][name]["source"]


def option_name(key: str, language: str = "en") -> str:
    names = rules()["options"].get(key)
    return names.get(language, names["en"]) if names else key


def _physchem_capability(r: Resolved) -> tuple[float, str]:
    table = rules()["physchem_bod_removal"]
    spec = table.get(r.subsector) or table.get(r.sector) or table["default"]
    return float(spec["value"]), spec["source"]


# -- selection ---------------------------------------------------------------------------


def select_trains(r: Resolved) -> Selection:
    """Candidate trains for the requirements, the preferred one first."""
    if r.forced_train:
        main = tuple(t for t in r.forced_train if t not in SLUDGE_UNIT_TYPES)
        sludge = tuple(t for t in r.forced_train if t in SLUDGE_UNIT_TYPES) or None
        candidate = Candidate(
            "forced", "Engineer's train", main,
            "Train given by the engineer (forced_train); designed and checked against the targets like any other.",
            preferred=True, ro_feed_type=_ro_feed_type(r), sludge_units=sludge,
            blend="reverse_osmosis" in main and r.kind == "raw_water" and r.destination in RAW_WATER_REUSE,
        )
        return Selection([candidate], [], forced=True)
    plan, notes, extras = (_raw_water_plan(r) if r.kind == "raw_water" else _wastewater_plan(r))
    return Selection(_expand(plan, r, extras), notes)


def _ro_feed_type(r: Resolved) -> str:
    if r.kind == "raw_water":
        return "seawater" if r.water_source == "seawater" else "brackish"
    return "wastewater"


def _expand(plan: list[Step | Choice], r: Resolved, extras: dict[str, Any]) -> list[Candidate]:
    """The preferred train, then one alternative per non-preferred option.

    Each alternative differs from the preferred train in one choice, so the
    LCOW comparison prices that choice alone. When an option makes no
    difference with the preferred picks (UF pretreatment behind an MBR), it is
    tried with the first alternative of another choice instead (behind
    activated sludge), so that every option is designed once.
    """
    choices = [item for item in plan if isinstance(item, Choice)]
    base = {c.key: 0 for c in choices}
    candidates = [_candidate(plan, base, r, extras, preferred=True)]
    seen = {candidates[0].units}
    for c in choices:
        for i in range(1, len(c.options)):
            tries = [{**base, c.key: i}] + [{**base, c.key: i, d.key: j}
                                            for d in choices if d is not c for j in range(1, len(d.options))]
            for pick in tries:
                cand = _candidate(plan, pick, r, extras, preferred=False)
                if cand.units not in seen:
                    seen.add(cand.units)
                    candidates.append(cand)
                    break
    return candidates


def _candidate(plan: list[Step | Choice], pick: dict[str, int], r: Resolved, extras: dict[str, Any], *,
               preferred: bool) -> Candidate:
    units: list[str] = []
    reasons: list[str] = []
    chosen: dict[str, str] = {}
    for item in plan:
        if isinstance(item, Step):
            units.extend(item.units)
            reasons.append(item.reason)
            continue
        opt = item.options[pick[item.key]]
        units.extend(opt.units)
        chosen[item.key] = opt.key
        if pick[item.key] == 0:
            reasons.append(f"{item.title}: {option_name(opt.key, r.language)} — {item.why_preferred} {opt.reason}".strip())
        else:
            reasons.append(f"{item.title}: {option_name(opt.key, r.language)} (alternative) — {opt.reason}")
    final = _simplify(units, reasons)
    name = " + ".join(option_name(k, r.language) for k in chosen.values()) or "Selected train"
    key = "+".join(chosen.values()) or "base"
    with_ro = "reverse_osmosis" in final
    return Candidate(key, name, final, " ".join(reasons), chosen, preferred=preferred,
                     blend=bool(extras.get("blend")) and with_ro,
                     ro_feed_type=extras.get("ro_feed_type") if with_ro else None)


def _simplify(units: list[str], reasons: list[str]) -> tuple[str, ...]:
    """Make a combination of options a train an engineer would build."""
    out = list(units)
    if "mbr" in out:
        # MBR permeate is already ultrafiltered: no filter or UF after it.
        i = out.index("mbr")
        out = out[:i + 1] + [u for u in out[i + 1:] if u not in ("media_filtration", "ultrafiltration")]
    deduped: list[str] = []
    for u in out:
        # A unit repeated back to back (two media filters from two rules) is one unit.
        if not deduped or deduped[-1] != u:
            deduped.append(u)
    return tuple(deduped)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _wastewater_plan(r: Resolved) -> tuple[list[Step | Choice], list[str], dict[str, Any]]:
    tol = threshold("removal_tolerance")
    feats = r.features
    notes: list[str] = []
    plan: list[Step | Choice] = []
    flow = float(r.flow.quantity.to("m**3/day").magnitude)
    sector_name = r.subsector.replace("_", " ") if r.sector != "municipal" else "municipal"

    def need(p: str, above: float = tol) -> bool:
        return r.removal_needed(p) > above

    fog = r.value("fog") or 0.0
    bod = r.value("bod") or 0.0

    plan.append(Step(("bar_screen",), "Screening removes rags and coarse solids that would clog pumps, pipes and the "
                                      "units downstream (Metcalf & Eddy, 5th ed., Ch. 5)."))
    if "grit" in feats:
        plan.append(Step(("grit_chamber",), f"The {sector_name} wastewater carries grit; removing it protects pumps and "
                                            f"keeps sand out of tanks and sludge (Metcalf & Eddy, 5th ed., Ch. 5)."))
    if "free_oil" in feats and fog > threshold("free_oil"):
        plan.append(Step(("oil_water_separator",), f"Free oil ({fog:g} mg/L of FOG) is separated by gravity first "
                                                   f"({threshold_source('free_oil')})."))
    if "batch_discharges" in feats:
        plan.append(Step(("equalization",), "Production shifts and batch discharges are equalized so that the units "
                                            "downstream see a steady flow and load (Metcalf & Eddy, 5th ed., Ch. 3)."))

    cap, cap_source = _physchem_capability(r)
    bod_need, cod_need = r.removal_needed("bod"), r.removal_needed("cod")
    tn_need = r.removal_needed("tn")
    denitrify = tn_need > threshold("biological_tn_removal")
    nitrify = need("nh4_n") or denitrify
    biological = bod_need > cap or cod_need > cap or nitrify or tn_need > tol
    ro = _needs_desalination(r)
    reuse = r.destination in HIGH_QUALITY or ro

    # Chemically assisted separation ahead of (or instead of) the biology.
    emulsified = ("emulsified_fat" in feats or "free_oil" in feats) and fog > threshold("fog_pretreatment")
    separation_needed = need("tss") or need("fog") or bod_need > tol or cod_need > tol
    if emulsified and (need("fog") or biological or separation_needed):
        plan.append(Step(("coagulation_flocculation", "daf"),
                         f"Fats and oils ({fog:g} mg/L) are destabilised with coagulant and polymer and floated off in a "
                         f"DAF{' ahead of the biological stage, which they would impair' if biological else ''} "
                         f"({threshold_source('fog_pretreatment')})."))
    elif "metals" in feats and (need("metals") or need("iron") or need("manganese") or need("tss")):
        plan.append(Step(("coagulation_flocculation", "lamella_clarifier"),
                         "Metals are precipitated as hydroxides with coagulant and settled in a lamella clarifier "
                         "(US EPA, Metal Products and Machinery Development Document (2003), Ch. 8)."))
    elif "colour" in feats and (need("color") or need("tss") or cod_need > tol or ro):
        plan.append(Choice(
            "separation", "Chemical separation",
            (Option("lamella", ("coagulation_flocculation", "lamella_clarifier"),
                    "Coagulation–flocculation removes colour, colloids and part of the COD; dense flocs settle in a compact "
                    "lamella clarifier."),
             Option("daf", ("coagulation_flocculation", "daf"),
                    "Light, colour-laden flocs can be floated instead of settled.")),
            "Dye flocs formed with iron or aluminium salts settle well (EU BREF Textiles Industry (2023), Ch. 4)."))
    elif "fibres" in feats and (need("tss") or biological):
        plan.append(Step(("primary_clarifier",), "Fibres and fillers settle in a primary clarifier (and can be recovered) "
                                                 "(World Bank PPAH (1998), 'Pulp and Paper Mills')."))
    elif r.sector == "municipal" and biological and flow >= threshold("primary_settling_min_flow"):
        plan.append(Step(("primary_clarifier",),
                         f"At {flow:,.0f} m3/d primary clarifiers remove 50–70 % of the suspended solids and 25–40 % of the "
                         f"BOD cheaply before the biological stage ({threshold_source('primary_settling_min_flow')})."))
    elif not biological and separation_needed:
        units = ("coagulation_flocculation", "daf") if fog > threshold("fog_pretreatment") else (
            "coagulation_flocculation", "lamella_clarifier")
        plan.append(Step(units, f"The limits ask for {_pct(max(bod_need, cod_need, r.removal_needed('tss')))} removal at most, "
                                f"which chemically assisted separation achieves on this wastewater (up to about "
                                f"{_pct(cap)} of the BOD: {cap_source})."))

    tp_need = r.removal_needed("tp")
    chemical_p = tp_need > (threshold("biological_tp_removal") if biological else tol)
    if biological:
        what = ["BOD removal"]
        if nitrify:
            what.append("nitrification")
        if denitrify:
            what.append("denitrification in a pre-anoxic zone")
        why_bio = (f"The limits need {_pct(max(bod_need, cod_need))} BOD/COD removal"
                   + (f" and {_pct(max(r.removal_needed('nh4_n'), tn_need))} nitrogen removal" if nitrify or tn_need > tol else "")
                   + f", beyond what separation alone achieves on this wastewater (about {_pct(cap)} of the BOD; "
                   f"{cap_source}): a biological stage for {', '.join(what)}.")
        if bod > 3000:
            notes.append(f"With {bod:,.0f} mg/L BOD an anaerobic pretreatment (UASB or IC reactor) would usually be "
                         f"cheaper to run than aeration alone (Metcalf & Eddy, 5th ed., Ch. 10); the engine has no "
                         f"anaerobic unit, so the aerobic stage is sized for the whole load.")
        small = flow < threshold("small_biological_flow")
        if reuse:
            order = ("mbr", "cas", "mbbr")
            why = ("the water is reused, and MBR permeate is free of suspended solids and bacteria, ready for "
                   "disinfection or reverse osmosis without further filtration.")
        elif small:
            order = ("mbbr", "cas", "mbr")
            why = (f"at {flow:,.0f} m3/d a compact, often packaged biofilm reactor is simpler to run than activated sludge "
                   f"({threshold_source('small_biological_flow')}).")
        else:
            order = ("cas", "mbbr", "mbr")
            why = "the most established and usually the cheapest biological process at this size (Metcalf & Eddy, 5th ed., Ch. 8)."
        reasons = {
            "cas": "Suspended-growth activated sludge with a secondary clarifier; the reference process.",
            "mbbr": "Biofilm carriers in aerated tanks need a smaller volume and no sludge return; solids settle in a clarifier.",
            "mbr": "Activated sludge separated by submerged membranes: smallest footprint and the best effluent, at higher "
                   "energy and membrane cost.",
        }
        options = BIOLOGICAL_OPTIONS_WITH_P if chemical_p else BIOLOGICAL_OPTIONS
        if chemical_p:
            why_bio += (f" Phosphorus must fall by {_pct(tp_need)}, more than the biomass takes up "
                        f"({threshold_source('biological_tp_removal')}): a metal salt is dosed and flocculated ahead of "
                        f"the solids separation, which removes the precipitate with the sludge (co-precipitation; "
                        f"Metcalf & Eddy, 5th ed., Ch. 6).")
        plan.append(Choice("biological", "Biological treatment",
                           tuple(Option(k, options[k], reasons[k]) for k in order),
                           f"{why_bio} Preferred because {why}"))

    # Tertiary treatment after the clarifier (the MBR needs none; see _simplify).
    tss_lim, turb_lim = r.limit("tss"), r.limit("turbidity")
    settled_tss = threshold("secondary_effluent_tss") if biological else threshold("physchem_effluent_tss")
    tp_lim = r.limit("tp")
    organics_polish = (need("color") or need("toc") or _refractory_cod_gap(r, biological)) and not ro
    p_polish = chemical_p and tp_lim is not None and tp_lim < threshold("settled_effluent_tp")
    filtration = ((tss_lim is not None and tss_lim < settled_tss) or (turb_lim is not None and need("turbidity"))
                  or organics_polish or p_polish)
    if chemical_p and not biological:
        plan.append(Step(("coagulation_flocculation", "lamella_clarifier"),
                         f"Phosphorus must fall by {_pct(tp_need)}: a metal salt precipitates it and a lamella clarifier "
                         f"settles the precipitate (Metcalf & Eddy, 5th ed., Ch. 6)."))
    if filtration and not ro:
        plan.append(Step(("media_filtration",), _filtration_reason(r, tss_lim, turb_lim, settled_tss)))
    if organics_polish:
        plan.append(Step(("gac",), "Colour or refractory organics left after the biological stage are adsorbed on "
                                   "granular activated carbon (Metcalf & Eddy, 5th ed., Ch. 11; MWH 3rd ed., Ch. 15)."))
    extras: dict[str, Any] = {}
    if ro:
        plan.append(Choice(
            "ro_pretreatment", "Membrane pretreatment for the RO",
            (Option("uf", ("ultrafiltration",), "UF alone gives an SDI below 3 from a well-clarified secondary effluent."),
             Option("mf_uf", ("media_filtration", "ultrafiltration"),
                    "A media filter ahead of the UF catches solids carry-over and lengthens the UF's cleaning interval.")),
            "Wastewater RO needs a membrane-filtered feed (SDI < 3; DuPont FilmTec RO Technical Manual (2023), §2.4).",
        ))
        plan.append(Step(("cartridge_filtration", "reverse_osmosis"), _ro_reason(r)))
        extras["ro_feed_type"] = "wastewater"
    if need("hardness") and not ro:
        plan.append(Step(("ion_exchange",), f"Hardness must fall by {_pct(r.removal_needed('hardness'))}: sodium-cycle "
                                            f"ion exchange softening (MWH 3rd ed., Ch. 16)."))
    polisher = _boiler_polisher(r, ro, presoftened=False)
    if polisher is not None:
        plan.append(polisher)
    disinfection = _disinfection(r, municipal_discharge=(r.sector == "municipal" and r.destination == "surface_water"))
    if disinfection is not None:
        plan.append(disinfection)
    return plan, notes, extras


def _refractory_cod_gap(r: Resolved, biological: bool) -> bool:
    """Whether the COD limit is below what a biological stage leaves (soluble refractory COD + microbial products)."""
    cod, lim = r.value("cod"), r.limit("cod")
    if not biological or cod is None or lim is None:
        return False
    table = rules()["refractory_soluble_cod"]
    fraction = float((table.get(r.subsector) or table.get(r.sector) or table["default"])["value"])
    return lim < threshold("residual_soluble_cod") + fraction * cod


def _needs_desalination(r: Resolved) -> bool:
    tol = threshold("removal_tolerance")
    if r.removal_needed("tds") > threshold("tds_removal"):
        return True
    return any(r.removal_needed(p) > tol for p in ("chloride", "sulfate", "boron"))


def _filtration_reason(r: Resolved, tss_lim: float | None, turb_lim: float | None, settled: float) -> str:
    if tss_lim is not None and tss_lim < settled:
        return (f"The TSS limit ({tss_lim:g} mg/L) is below what clarification leaves (about {settled:g} mg/L; "
                f"{threshold_source('secondary_effluent_tss')}): a media filter polishes the effluent.")
    if turb_lim is not None:
        return f"The turbidity limit ({turb_lim:g} NTU) needs a media filter after clarification (Metcalf & Eddy, 5th ed., Ch. 11)."
    tp_lim = r.limit("tp")
    if tp_lim is not None and tp_lim < threshold("settled_effluent_tp"):
        return (f"The phosphorus limit ({tp_lim:g} mg/L) is below what settling leaves (particulate P of the effluent "
                f"solids; {threshold_source('settled_effluent_tp')}): a media filter retains them.")
    return "A media filter protects the activated carbon from suspended solids (MWH 3rd ed., Ch. 15)."


def _ro_reason(r: Resolved) -> str:
    parts = []
    for p, label in (("tds", "TDS"), ("chloride", "chloride"), ("sulfate", "sulfate"), ("boron", "boron"),
                     ("no3_n", "nitrate-N")):
        lim, c = r.limit(p), r.value(p)
        if lim is not None and c is not None and c > lim:
            parts.append(f"{label} {_num(c)} → {_num(lim)} mg/L")
    gap = "; ".join(parts) or "dissolved salts"
    return (f"Dissolved salts must be removed ({gap}): reverse osmosis behind 5 µm cartridge guard filters "
            f"({threshold_source('tds_removal')}; DuPont FilmTec RO Technical Manual (2023))." )


def _disinfection(r: Resolved, *, municipal_discharge: bool) -> Step | Choice | None:
    tol = threshold("removal_tolerance")
    needed = r.removal_needed("coliforms") > tol
    if r.destination == "potable":
        return Step(("chlorination",), "Drinking water is disinfected and keeps a chlorine residual in distribution "
                                       "(WHO GDWQ (2022), Ch. 7 and 8).")
    if not needed and not municipal_discharge:
        return None
    why = (f"Coliforms must fall from {r.value('coliforms'):.3g} to {r.limit('coliforms'):.3g} per 100 mL."
           if needed else "Municipal effluent is disinfected before discharge where the receiving water is used for "
                          "bathing, irrigation or supply (Directive 2006/7/EC; Metcalf & Eddy, 5th ed., Ch. 12); no "
                          "coliform limit was given, so compliance is not assessed for it.")
    uv = Option("uv", ("uv",), "UV leaves no residual or by-products that harm the receiving water.")
    cl = Option("chlorination", ("chlorination",), "Chlorination in a CT contact tank leaves a residual that protects "
                                                   "the reuse network.")
    if r.destination == "surface_water":
        return Choice("disinfection", "Disinfection", (uv, cl),
                      f"{why} UV is preferred for discharge: a chlorine residual is toxic to aquatic life and would "
                      f"need dechlorination (Metcalf & Eddy, 5th ed., Ch. 12).")
    return Choice("disinfection", "Disinfection", (cl, uv),
                  f"{why} Chlorination is preferred for reuse: the residual protects the distribution network "
                  f"(US EPA (2012), Guidelines for Water Reuse, Ch. 6).")


def _boiler_polisher(r: Resolved, ro: bool, *, presoftened: bool) -> Step | None:
    """Ion exchange after the RO of boiler makeup, when one RO pass leaves too much TDS or hardness."""
    if r.destination != "boiler_feed" or not ro:
        return None
    lim_tds = r.limit("tds")
    if lim_tds is not None and lim_tds < threshold("ro_min_permeate_tds"):
        return Step(("ion_exchange",), f"The boiler class ({r.boiler_class}) needs feedwater below {lim_tds:g} mg/L TDS, "
                                       f"below what one RO pass gives: an ion-exchange polisher follows "
                                       f"({threshold_source('ro_min_permeate_tds')}).")
    if r.removal_needed("hardness") > threshold("removal_tolerance") and not presoftened:
        return Step(("ion_exchange",), f"RO permeate keeps about 1–2 % of the feed hardness, more than the boiler limit "
                                       f"({r.limit('hardness'):g} mg/L as CaCO3): an ion-exchange softener polishes it "
                                       f"(ASME consensus; MWH 3rd ed., Ch. 16).")
    return None


def _raw_water_plan(r: Resolved) -> tuple[list[Step | Choice], list[str], dict[str, Any]]:
    tol = threshold("removal_tolerance")
    plan: list[Step | Choice] = []
    notes: list[str] = []
    extras: dict[str, Any] = {}
    src = r.water_source or "groundwater"

    def need(p: str) -> bool:
        return r.removal_needed(p) > tol

    ro = _needs_desalination(r) or need("no3_n")
    boiler = r.destination == "boiler_feed"
    hardness = r.value("hardness") or 0.0
    # Ahead of an RO, softening protects the membranes from scale, but only where the
    # resin's regeneration keeps up with the hardness; otherwise a polisher after the RO
    # takes the permeate's residual hardness to the boiler limit.
    pre_soften = need("hardness") and boiler and ro and hardness <= threshold("softening_max_hardness")
    soften = pre_soften or (need("hardness") and not ro)
    iron, manganese = r.value("iron") or 0.0, r.value("manganese") or 0.0
    iron_mn = (iron > threshold("iron_for_filtration") or manganese > threshold("manganese_for_filtration")) and (
        need("iron") or need("manganese") or ro or soften)
    turbidity = r.value("turbidity") or 0.0
    particles = need("turbidity") or need("tss") or need("color") or need("toc")

    if src in ("surface_water", "seawater"):
        plan.append(Step(("bar_screen",), "Intake screens keep debris, weed and fish out of the plant "
                                          "(MWH 3rd ed., Ch. 8)."))
    if src == "surface_water" and (particles or ro or soften or r.destination in RAW_WATER_REUSE):
        options = [Option("conventional", ("coagulation_flocculation", "lamella_clarifier", "media_filtration"),
                          "Coagulation, lamella settling and rapid media filtration: the conventional surface-water "
                          "treatment (MWH 3rd ed., Ch. 9–11)."),
                   Option("clarified_uf", ("coagulation_flocculation", "lamella_clarifier", "ultrafiltration"),
                          "UF after clarification is an absolute barrier to particles and protozoa (AWWA M53).")]
        if turbidity <= threshold("direct_membrane_turbidity"):
            options.append(Option("direct_uf", ("coagulation_flocculation", "ultrafiltration"),
                                  f"At {turbidity:g} NTU coagulated water can go straight to UF "
                                  f"({threshold_source('direct_membrane_turbidity')})."))
        plan.append(Choice("clarification", "Particle removal", tuple(options),
                           f"The surface water carries {turbidity:g} NTU of turbidity, colour and pathogens to remove."))
    elif src == "seawater":
        plan.append(Choice(
            "seawater_pretreatment", "RO pretreatment",
            (Option("media", ("media_filtration",), "Dual-media filters with in-line coagulant: the established seawater "
                                                     "pretreatment."),
             Option("uf", ("ultrafiltration",), "UF gives a steadier SDI through algal blooms and storms at a higher "
                                                "membrane cost.")),
            "Open-intake seawater must reach SDI < 4 before the RO (DuPont FilmTec RO Technical Manual (2023), §2.4; "
            "AWWA M61, Ch. 5).",
        ))
    elif iron_mn or (particles and src != "surface_water"):
        what = f"iron {iron:g} mg/L, manganese {manganese:g} mg/L" if iron_mn else "turbidity"
        plan.append(Step(("media_filtration",), f"Oxidation and media filtration remove {what} "
                                                f"({threshold_source('iron_for_filtration')})."))
    # Coagulation removes most colour from surface water (MWH 3rd ed., Ch. 9); carbon is for organics it leaves.
    if (need("toc") or (need("color") and src != "surface_water")) and not ro:
        plan.append(Step(("gac",), "Colour and natural organic matter are adsorbed on granular activated carbon "
                                   "(MWH 3rd ed., Ch. 15)."))
    if pre_soften:
        plan.append(Step(("ion_exchange",), f"Sodium-cycle softening takes the hardness to the boiler limit "
                                            f"({r.limit('hardness'):g} mg/L as CaCO3) and keeps scale off the RO "
                                            f"membranes (ASME consensus; MWH 3rd ed., Ch. 16)."))
    if ro:
        plan.append(Step(("cartridge_filtration", "reverse_osmosis"), _ro_reason(r)))
        extras["ro_feed_type"] = "seawater" if src == "seawater" else "brackish"
        extras["blend"] = r.destination in RAW_WATER_REUSE
        if r.destination in ("potable", "irrigation_reuse"):
            notes.append("RO permeate is soft and corrosive: remineralisation (calcite contactors or lime and CO2) is "
                         "normally added before distribution (AWWA M46, Ch. 9); it is not a unit of this engine and is "
                         "not costed.")
    if soften and not pre_soften:
        plan.append(Step(("ion_exchange",), f"Hardness must fall by {_pct(r.removal_needed('hardness'))}: sodium-cycle "
                                            f"ion exchange softening (MWH 3rd ed., Ch. 16)."))
    polisher = _boiler_polisher(r, ro, presoftened=pre_soften)
    if polisher is not None:
        plan.append(polisher)
    disinfection = _disinfection(r, municipal_discharge=False)
    if disinfection is not None:
        plan.append(disinfection)
    if not plan:
        plan.append(Step(("cartridge_filtration",), "The water already meets every limit; a cartridge guard filter is "
                                                    "the minimum treatment before use."))
    return plan, notes, extras


# -- the sludge line ------------------------------------------------------------------


def sludge_line(dry_solids: float, solids_fraction: float) -> SludgePlan:
    """How to handle ``dry_solids`` (kg/d) of sludge at ``solids_fraction`` (0.01 = 1 %)."""
    if dry_solids <= 0:
        return SludgePlan((), "none", "The train produces no sludge.")
    haul, thicken, thick = threshold("sludge_haul_below"), threshold("sludge_thicken_above"), threshold("sludge_thick_enough")
    if dry_solids < haul:
        return SludgePlan((), "haul", f"{dry_solids:,.0f} kg/d of dry solids is below {haul:g} kg/d: the liquid sludge "
                                      f"is held in a tank and hauled by tanker, no dewatering on site "
                                      f"({threshold_source('sludge_haul_below')}).")
    if solids_fraction >= thick:
        return SludgePlan(("sludge_dewatering",), "dewater",
                          f"The sludge is already at {solids_fraction:.1%} solids (≥ {thick:.0%}): it goes straight to "
                          f"dewatering ({threshold_source('sludge_thick_enough')}).")
    if dry_solids < thicken:
        return SludgePlan(("sludge_dewatering",), "dewater",
                          f"{dry_solids:,.0f} kg/d of dry solids is below {thicken:,.0f} kg/d: a dewatering machine takes "
                          f"the sludge directly ({threshold_source('sludge_thicken_above')}).")
    return SludgePlan(("sludge_thickening", "sludge_dewatering"), "thicken_dewater",
                      f"{dry_solids:,.0f} kg/d of dry solids at {solids_fraction:.1%}: the sludge is thickened before "
                      f"dewatering ({threshold_source('sludge_thicken_above')}).")
