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
from .i18n import local_number, mark, tr
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


def threshold_source(name: str, language: str = "en") -> str:
    return tr(language, rules()["thresholds"][name]["source"])


def option_name(key: str, language: str = "en") -> str:
    names = rules()["options"].get(key)
    return names.get(language, names["en"]) if names else key


def _physchem_capability(r: Resolved) -> tuple[float, str]:
    table = rules()["physchem_bod_removal"]
    spec = table.get(r.subsector) or table.get(r.sector) or table["default"]
    return float(spec["value"]), tr(r.language, spec["source"])


# -- selection ---------------------------------------------------------------------------


def select_trains(r: Resolved) -> Selection:
    """Candidate trains for the requirements, the preferred one first."""
    if r.forced_train:
        main = tuple(t for t in r.forced_train if t not in SLUDGE_UNIT_TYPES)
        sludge = tuple(t for t in r.forced_train if t in SLUDGE_UNIT_TYPES) or None
        candidate = Candidate(
            "forced", tr(r.language, "Engineer's train"), main,
            tr(r.language, "Train given by the engineer (forced_train); designed and checked against the targets like "
                           "any other."),
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
            reasons.append(tr(r.language, "{title}: {option} — {why} {reason}", title=item.title,
                              option=option_name(opt.key, r.language), why=item.why_preferred,
                              reason=opt.reason).strip())
        else:
            reasons.append(tr(r.language, "{title}: {option} (alternative) — {reason}", title=item.title,
                              option=option_name(opt.key, r.language), reason=opt.reason))
    final = _simplify(units, reasons)
    name = " + ".join(option_name(k, r.language) for k in chosen.values()) or tr(r.language, "Selected train")
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


def _num(x: float, language: str = "en") -> str:
    return local_number(f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}", language)


def _sector_name(r: Resolved) -> str:
    """The sector in the words of a sentence ("dairy", "municipal"), in the design's language."""
    english = r.subsector.replace("_", " ") if r.sector != "municipal" else "municipal"
    if r.language == "en":
        return english
    if r.sector == "municipal":
        return tr(r.language, "municipal")
    sectors = load_data("sectors").get("sectors", {})
    names = (sectors.get(r.sector, {}).get("subsectors", {}).get(r.subsector) or {}).get("name") or {}
    return str(names.get(r.language, english)).lower()


def _wastewater_plan(r: Resolved) -> tuple[list[Step | Choice], list[str], dict[str, Any]]:
    tol = threshold("removal_tolerance")
    feats = r.features
    notes: list[str] = []
    plan: list[Step | Choice] = []
    flow = float(r.flow.quantity.to("m**3/day").magnitude)
    sector_name = _sector_name(r)
    L = r.language

    def need(p: str, above: float = tol) -> bool:
        return r.removal_needed(p) > above

    fog = r.value("fog") or 0.0
    bod = r.value("bod") or 0.0

    plan.append(Step(("bar_screen",), tr(L, "Screening removes rags and coarse solids that would clog pumps, pipes "
                                          "and the units downstream (Metcalf & Eddy, 5th ed., Ch. 5).")))
    if "grit" in feats:
        plan.append(Step(("grit_chamber",), tr(L, "The {sector} wastewater carries grit; removing it protects pumps "
                                                "and keeps sand out of tanks and sludge (Metcalf & Eddy, 5th ed., "
                                                "Ch. 5).", sector=sector_name)))
    if "free_oil" in feats and fog > threshold("free_oil"):
        plan.append(Step(("oil_water_separator",), tr(L, "Free oil ({fog:g} mg/L of FOG) is separated by gravity "
                                                       "first ({source}).", fog=fog,
                                                       source=threshold_source("free_oil", L))))
    if "batch_discharges" in feats:
        plan.append(Step(("equalization",), tr(L, "Production shifts and batch discharges are equalized so that the "
                                                "units downstream see a steady flow and load (Metcalf & Eddy, 5th "
                                                "ed., Ch. 3).")))

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
        source = threshold_source("fog_pretreatment", L)
        plan.append(Step(("coagulation_flocculation", "daf"),
                         tr(L, "Fats and oils ({fog:g} mg/L) are destabilised with coagulant and polymer and floated "
                               "off in a DAF ahead of the biological stage, which they would impair ({source}).",
                            fog=fog, source=source) if biological else
                         tr(L, "Fats and oils ({fog:g} mg/L) are destabilised with coagulant and polymer and floated "
                               "off in a DAF ({source}).", fog=fog, source=source)))
    elif "metals" in feats and (need("metals") or need("iron") or need("manganese") or need("tss")):
        plan.append(Step(("coagulation_flocculation", "lamella_clarifier"),
                         tr(L, "Metals are precipitated as hydroxides with coagulant and settled in a lamella clarifier "
                               "(US EPA, Metal Products and Machinery Development Document (2003), Ch. 8).")))
    elif "colour" in feats and (need("color") or need("tss") or cod_need > tol or ro):
        plan.append(Choice(
            "separation", tr(L, "Chemical separation"),
            (Option("lamella", ("coagulation_flocculation", "lamella_clarifier"),
                    tr(L, "Coagulation–flocculation removes colour, colloids and part of the COD; dense flocs settle "
                          "in a compact lamella clarifier.")),
             Option("daf", ("coagulation_flocculation", "daf"),
                    tr(L, "Light, colour-laden flocs can be floated instead of settled."))),
            tr(L, "Dye flocs formed with iron or aluminium salts settle well (EU BREF Textiles Industry (2023), "
                  "Ch. 4).")))
    elif "fibres" in feats and (need("tss") or biological):
        plan.append(Step(("primary_clarifier",), tr(L, "Fibres and fillers settle in a primary clarifier (and can be "
                                                     "recovered) (World Bank PPAH (1998), 'Pulp and Paper Mills').")))
    elif r.sector == "municipal" and biological and flow >= threshold("primary_settling_min_flow"):
        plan.append(Step(("primary_clarifier",),
                         tr(L, "At {flow:,.0f} m3/d primary clarifiers remove 50–70 % of the suspended solids and "
                               "25–40 % of the BOD cheaply before the biological stage ({source}).",
                            flow=flow, source=threshold_source("primary_settling_min_flow", L))))
    elif not biological and separation_needed:
        units = ("coagulation_flocculation", "daf") if fog > threshold("fog_pretreatment") else (
            "coagulation_flocculation", "lamella_clarifier")
        plan.append(Step(units, tr(L, "The limits ask for {need:.0%} removal at most, which chemically assisted "
                                      "separation achieves on this wastewater (up to about {cap:.0%} of the BOD: "
                                      "{source}).", need=max(bod_need, cod_need, r.removal_needed("tss")), cap=cap,
                                   source=cap_source)))

    tp_need = r.removal_needed("tp")
    chemical_p = tp_need > (threshold("biological_tp_removal") if biological else tol)
    if biological:
        what = [tr(L, "BOD removal")]
        if nitrify:
            what.append(tr(L, "nitrification"))
        if denitrify:
            what.append(tr(L, "denitrification in a pre-anoxic zone"))
        if nitrify or tn_need > tol:
            why_bio = tr(L, "The limits need {bod:.0%} BOD/COD removal and {n:.0%} nitrogen removal, beyond what "
                            "separation alone achieves on this wastewater (about {cap:.0%} of the BOD; {source}): a "
                            "biological stage for {what}.", bod=max(bod_need, cod_need),
                         n=max(r.removal_needed("nh4_n"), tn_need), cap=cap, source=cap_source, what=", ".join(what))
        else:
            why_bio = tr(L, "The limits need {bod:.0%} BOD/COD removal, beyond what separation alone achieves on this "
                            "wastewater (about {cap:.0%} of the BOD; {source}): a biological stage for {what}.",
                         bod=max(bod_need, cod_need), cap=cap, source=cap_source, what=", ".join(what))
        if bod > 3000:
            notes.append(tr(L, "With {bod:,.0f} mg/L BOD an anaerobic pretreatment (UASB or IC reactor) would usually "
                               "be cheaper to run than aeration alone (Metcalf & Eddy, 5th ed., Ch. 10); the engine "
                               "has no anaerobic unit, so the aerobic stage is sized for the whole load.", bod=bod))
        small = flow < threshold("small_biological_flow")
        if reuse:
            order = ("mbr", "cas", "mbbr")
            why = tr(L, "the water is reused, and MBR permeate is free of suspended solids and bacteria, ready for "
                        "disinfection or reverse osmosis without further filtration.")
        elif small:
            order = ("mbbr", "cas", "mbr")
            why = tr(L, "at {flow:,.0f} m3/d a compact, often packaged biofilm reactor is simpler to run than "
                        "activated sludge ({source}).", flow=flow, source=threshold_source("small_biological_flow", L))
        else:
            order = ("cas", "mbbr", "mbr")
            why = tr(L, "the most established and usually the cheapest biological process at this size (Metcalf & "
                        "Eddy, 5th ed., Ch. 8).")
        reasons = {
            "cas": tr(L, "Suspended-growth activated sludge with a secondary clarifier; the reference process."),
            "mbbr": tr(L, "Biofilm carriers in aerated tanks need a smaller volume and no sludge return; solids settle "
                          "in a clarifier."),
            "mbr": tr(L, "Activated sludge separated by submerged membranes: smallest footprint and the best effluent, "
                         "at higher energy and membrane cost."),
        }
        options = BIOLOGICAL_OPTIONS_WITH_P if chemical_p else BIOLOGICAL_OPTIONS
        if chemical_p:
            why_bio += " " + tr(L, "Phosphorus must fall by {tp:.0%}, more than the biomass takes up ({source}): a metal "
                                   "salt is dosed and flocculated ahead of the solids separation, which removes the "
                                   "precipitate with the sludge (co-precipitation; Metcalf & Eddy, 5th ed., Ch. 6).",
                                tp=tp_need, source=threshold_source("biological_tp_removal", L))
        plan.append(Choice("biological", tr(L, "Biological treatment"),
                           tuple(Option(k, options[k], reasons[k]) for k in order),
                           tr(L, "{why_bio} Preferred because {why}", why_bio=why_bio, why=why)))

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
                         tr(L, "Phosphorus must fall by {tp:.0%}: a metal salt precipitates it and a lamella clarifier "
                               "settles the precipitate (Metcalf & Eddy, 5th ed., Ch. 6).", tp=tp_need)))
    if filtration and not ro:
        plan.append(Step(("media_filtration",), _filtration_reason(r, tss_lim, turb_lim, settled_tss)))
    if organics_polish:
        plan.append(Step(("gac",), tr(L, "Colour or refractory organics left after the biological stage are adsorbed "
                                         "on granular activated carbon (Metcalf & Eddy, 5th ed., Ch. 11; MWH 3rd ed., "
                                         "Ch. 15).")))
    extras: dict[str, Any] = {}
    if ro:
        plan.append(Choice(
            "ro_pretreatment", tr(L, "Membrane pretreatment for the RO"),
            (Option("uf", ("ultrafiltration",),
                    tr(L, "UF alone gives an SDI below 3 from a well-clarified secondary effluent.")),
             Option("mf_uf", ("media_filtration", "ultrafiltration"),
                    tr(L, "A media filter ahead of the UF catches solids carry-over and lengthens the UF's cleaning "
                          "interval."))),
            tr(L, "Wastewater RO needs a membrane-filtered feed (SDI < 3; DuPont FilmTec RO Technical Manual (2023), "
                  "§2.4)."),
        ))
        plan.append(Step(("cartridge_filtration", "reverse_osmosis"), _ro_reason(r)))
        extras["ro_feed_type"] = "wastewater"
    if need("hardness") and not ro:
        plan.append(Step(("ion_exchange",), tr(L, "Hardness must fall by {hardness:.0%}: sodium-cycle ion exchange "
                                                "softening (MWH 3rd ed., Ch. 16).",
                                             hardness=r.removal_needed("hardness"))))
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
    L = r.language
    if tss_lim is not None and tss_lim < settled:
        return tr(L, "The TSS limit ({limit:g} mg/L) is below what clarification leaves (about {settled:g} mg/L; "
                     "{source}): a media filter polishes the effluent.", limit=tss_lim, settled=settled,
                  source=threshold_source("secondary_effluent_tss", L))
    if turb_lim is not None:
        return tr(L, "The turbidity limit ({limit:g} NTU) needs a media filter after clarification (Metcalf & Eddy, "
                     "5th ed., Ch. 11).", limit=turb_lim)
    tp_lim = r.limit("tp")
    if tp_lim is not None and tp_lim < threshold("settled_effluent_tp"):
        return tr(L, "The phosphorus limit ({limit:g} mg/L) is below what settling leaves (particulate P of the "
                     "effluent solids; {source}): a media filter retains them.", limit=tp_lim,
                  source=threshold_source("settled_effluent_tp", L))
    return tr(L, "A media filter protects the activated carbon from suspended solids (MWH 3rd ed., Ch. 15).")


def _ro_reason(r: Resolved) -> str:
    L = r.language
    parts = []
    for p, label in (("tds", mark("TDS")), ("chloride", mark("chloride")), ("sulfate", mark("sulfate")),
                     ("boron", mark("boron")), ("no3_n", mark("nitrate-N"))):
        lim, c = r.limit(p), r.value(p)
        if lim is not None and c is not None and c > lim:
            parts.append(f"{tr(L, label)} {_num(c, L)} → {_num(lim, L)} mg/L")
    gap = "; ".join(parts) or tr(L, "dissolved salts")
    return tr(L, "Dissolved salts must be removed ({gap}): reverse osmosis behind 5 µm cartridge guard filters "
                 "({source}; DuPont FilmTec RO Technical Manual (2023)).", gap=gap,
              source=threshold_source("tds_removal", L))


def _disinfection(r: Resolved, *, municipal_discharge: bool) -> Step | Choice | None:
    tol = threshold("removal_tolerance")
    L = r.language
    needed = r.removal_needed("coliforms") > tol
    if r.destination == "potable":
        return Step(("chlorination",), tr(L, "Drinking water is disinfected and keeps a chlorine residual in "
                                             "distribution (WHO GDWQ (2022), Ch. 7 and 8)."))
    if not needed and not municipal_discharge:
        return None
    why = (tr(L, "Coliforms must fall from {value:.3g} to {limit:.3g} per 100 mL.", value=r.value("coliforms"),
              limit=r.limit("coliforms"))
           if needed else tr(L, "Municipal effluent is disinfected before discharge where the receiving water is used "
                                "for bathing, irrigation or supply (Directive 2006/7/EC; Metcalf & Eddy, 5th ed., "
                                "Ch. 12); no coliform limit was given, so compliance is not assessed for it."))
    uv = Option("uv", ("uv",), tr(L, "UV leaves no residual or by-products that harm the receiving water."))
    cl = Option("chlorination", ("chlorination",), tr(L, "Chlorination in a CT contact tank leaves a residual that "
                                                         "protects the reuse network."))
    if r.destination == "surface_water":
        return Choice("disinfection", tr(L, "Disinfection"), (uv, cl),
                      tr(L, "{why} UV is preferred for discharge: a chlorine residual is toxic to aquatic life and "
                            "would need dechlorination (Metcalf & Eddy, 5th ed., Ch. 12).", why=why))
    return Choice("disinfection", tr(L, "Disinfection"), (cl, uv),
                  tr(L, "{why} Chlorination is preferred for reuse: the residual protects the distribution network "
                        "(US EPA (2012), Guidelines for Water Reuse, Ch. 6).", why=why))


def _boiler_polisher(r: Resolved, ro: bool, *, presoftened: bool) -> Step | None:
    """Ion exchange after the RO of boiler makeup, when one RO pass leaves too much TDS or hardness."""
    if r.destination != "boiler_feed" or not ro:
        return None
    L = r.language
    lim_tds = r.limit("tds")
    if lim_tds is not None and lim_tds < threshold("ro_min_permeate_tds"):
        return Step(("ion_exchange",), tr(L, "The boiler class ({boiler_class}) needs feedwater below {limit:g} mg/L "
                                             "TDS, below what one RO pass gives: an ion-exchange polisher follows "
                                             "({source}).", boiler_class=r.boiler_class, limit=lim_tds,
                                          source=threshold_source("ro_min_permeate_tds", L)))
    if r.removal_needed("hardness") > threshold("removal_tolerance") and not presoftened:
        return Step(("ion_exchange",), tr(L, "RO permeate keeps about 1–2 % of the feed hardness, more than the boiler "
                                             "limit ({limit:g} mg/L as CaCO3): an ion-exchange softener polishes it "
                                             "(ASME consensus; MWH 3rd ed., Ch. 16).", limit=r.limit("hardness")))
    return None


def _raw_water_plan(r: Resolved) -> tuple[list[Step | Choice], list[str], dict[str, Any]]:
    tol = threshold("removal_tolerance")
    plan: list[Step | Choice] = []
    notes: list[str] = []
    extras: dict[str, Any] = {}
    src = r.water_source or "groundwater"
    L = r.language

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
        plan.append(Step(("bar_screen",), tr(L, "Intake screens keep debris, weed and fish out of the plant "
                                                "(MWH 3rd ed., Ch. 8).")))
    if src == "surface_water" and (particles or ro or soften or r.destination in RAW_WATER_REUSE):
        options = [Option("conventional", ("coagulation_flocculation", "lamella_clarifier", "media_filtration"),
                          tr(L, "Coagulation, lamella settling and rapid media filtration: the conventional "
                                "surface-water treatment (MWH 3rd ed., Ch. 9–11).")),
                   Option("clarified_uf", ("coagulation_flocculation", "lamella_clarifier", "ultrafiltration"),
                          tr(L, "UF after clarification is an absolute barrier to particles and protozoa (AWWA M53)."))]
        if turbidity <= threshold("direct_membrane_turbidity"):
            options.append(Option("direct_uf", ("coagulation_flocculation", "ultrafiltration"),
                                  tr(L, "At {turbidity:g} NTU coagulated water can go straight to UF ({source}).",
                                     turbidity=turbidity, source=threshold_source("direct_membrane_turbidity", L))))
        plan.append(Choice("clarification", tr(L, "Particle removal"), tuple(options),
                           tr(L, "The surface water carries {turbidity:g} NTU of turbidity, colour and pathogens to "
                                 "remove.", turbidity=turbidity)))
    elif src == "seawater":
        plan.append(Choice(
            "seawater_pretreatment", tr(L, "RO pretreatment"),
            (Option("media", ("media_filtration",), tr(L, "Dual-media filters with in-line coagulant: the established "
                                                          "seawater pretreatment.")),
             Option("uf", ("ultrafiltration",), tr(L, "UF gives a steadier SDI through algal blooms and storms at a "
                                                      "higher membrane cost."))),
            tr(L, "Open-intake seawater must reach SDI < 4 before the RO (DuPont FilmTec RO Technical Manual (2023), "
                  "§2.4; AWWA M61, Ch. 5)."),
        ))
    elif iron_mn or (particles and src != "surface_water"):
        what = (tr(L, "iron {iron:g} mg/L, manganese {manganese:g} mg/L", iron=iron, manganese=manganese) if iron_mn
                else tr(L, "turbidity"))
        plan.append(Step(("media_filtration",), tr(L, "Oxidation and media filtration remove {what} ({source}).",
                                                   what=what, source=threshold_source("iron_for_filtration", L))))
    # Coagulation removes most colour from surface water (MWH 3rd ed., Ch. 9); carbon is for organics it leaves.
    if (need("toc") or (need("color") and src != "surface_water")) and not ro:
        plan.append(Step(("gac",), tr(L, "Colour and natural organic matter are adsorbed on granular activated carbon "
                                         "(MWH 3rd ed., Ch. 15).")))
    if pre_soften:
        plan.append(Step(("ion_exchange",), tr(L, "Sodium-cycle softening takes the hardness to the boiler limit "
                                                "({limit:g} mg/L as CaCO3) and keeps scale off the RO membranes (ASME "
                                                "consensus; MWH 3rd ed., Ch. 16).", limit=r.limit("hardness"))))
    if ro:
        plan.append(Step(("cartridge_filtration", "reverse_osmosis"), _ro_reason(r)))
        extras["ro_feed_type"] = "seawater" if src == "seawater" else "brackish"
        extras["blend"] = r.destination in RAW_WATER_REUSE
        if r.destination in ("potable", "irrigation_reuse"):
            notes.append(tr(L, "RO permeate is soft and corrosive: remineralisation (calcite contactors or lime and "
                               "CO2) is normally added before distribution (AWWA M46, Ch. 9); it is not a unit of this "
                               "engine and is not costed."))
    if soften and not pre_soften:
        plan.append(Step(("ion_exchange",), tr(L, "Hardness must fall by {hardness:.0%}: sodium-cycle ion exchange "
                                                "softening (MWH 3rd ed., Ch. 16).",
                                             hardness=r.removal_needed("hardness"))))
    polisher = _boiler_polisher(r, ro, presoftened=pre_soften)
    if polisher is not None:
        plan.append(polisher)
    disinfection = _disinfection(r, municipal_discharge=False)
    if disinfection is not None:
        plan.append(disinfection)
    if not plan:
        plan.append(Step(("cartridge_filtration",), tr(L, "The water already meets every limit; a cartridge guard "
                                                           "filter is the minimum treatment before use.")))
    return plan, notes, extras


# -- the sludge line ------------------------------------------------------------------


def sludge_line(dry_solids: float, solids_fraction: float, language: str = "en") -> SludgePlan:
    """How to handle ``dry_solids`` (kg/d) of sludge at ``solids_fraction`` (0.01 = 1 %); the reason in ``language``."""
    L = language
    if dry_solids <= 0:
        return SludgePlan((), "none", tr(L, "The train produces no sludge."))
    haul, thicken, thick = threshold("sludge_haul_below"), threshold("sludge_thicken_above"), threshold("sludge_thick_enough")
    if dry_solids < haul:
        return SludgePlan((), "haul", tr(L, "{dry:,.0f} kg/d of dry solids is below {haul:g} kg/d: the liquid sludge "
                                            "is held in a tank and hauled by tanker, no dewatering on site ({source}).",
                                         dry=dry_solids, haul=haul, source=threshold_source("sludge_haul_below", L)))
    if solids_fraction >= thick:
        return SludgePlan(("sludge_dewatering",), "dewater",
                          tr(L, "The sludge is already at {fraction:.1%} solids (≥ {thick:.0%}): it goes straight to "
                                "dewatering ({source}).", fraction=solids_fraction, thick=thick,
                             source=threshold_source("sludge_thick_enough", L)))
    if dry_solids < thicken:
        return SludgePlan(("sludge_dewatering",), "dewater",
                          tr(L, "{dry:,.0f} kg/d of dry solids is below {thicken:,.0f} kg/d: a dewatering machine "
                                "takes the sludge directly ({source}).", dry=dry_solids, thicken=thicken,
                             source=threshold_source("sludge_thicken_above", L)))
    return SludgePlan(("sludge_thickening", "sludge_dewatering"), "thicken_dewater",
                      tr(L, "{dry:,.0f} kg/d of dry solids at {fraction:.1%}: the sludge is thickened before "
                            "dewatering ({source}).", dry=dry_solids, fraction=solids_fraction,
                         source=threshold_source("sludge_thicken_above", L)))
