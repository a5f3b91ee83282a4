"""The design of a plant: requirements → train → sized units in series → balance, compliance, costs.

The units of the chosen train run in order, the effluent of each feeding the
next. Sludge from the main line is collected into the sludge line
(thickening and dewatering, or hauled liquid when there is little of it);
filtrates and, in wastewater plants, filter backwash return to the head of
the plant. Because what returns changes what the units treat, the train is
run again with the returned streams until they stop changing: successive
substitution accelerated by Wegstein's method on the loads that build up
(see :class:`_Recycle`), usually three passes. Plants specified by their
product flow and RO plants that blend part of their feed are solved in the
same loop.

Every pass starts from a fresh :class:`DesignContext`, so the calculation
log, warnings and criteria of the result are those of the converged pass
only. The plant balance (water, TSS, TDS) is then checked over the plant's
boundary: raw influent + what the units form = treated water + every stream
leaving (cake, concentrate, hauled sludge, oil, backwash to drain).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .calc import Sourced
from .context import DesignContext
from .i18n import local_quantity, mark, tr
from .model import Alternative, ComplianceItem, Design
from .quantities import Q_, Quantity, _preprocess, ureg
from .requirements import Requirements, Resolved, Target, load_requirements
from .stream import KIND_WORDS, MASS_PARAMETERS, PARAMETERS, Stream, parameter_label, parameter_unit
from .train import Candidate, SludgePlan, select_trains, sludge_line, threshold, threshold_source
from .units import UNIT_TYPES, UnitProcess
from .units.reverse_osmosis import ReverseOsmosis

PLANT = "PLANT"
MAX_PASSES = 12
# A plant specified by its product flow makes it within 0.1 % (unit counts make the
# product a step function of the feed, so an exact match may not exist).
PRODUCT_TOLERANCE = 1e-3
_CONSERVED = ("water", "tss", "tds")
_INTENSIVE = frozenset({"ph", "temperature"})
# Loads that separators send to the sludge and the sludge line partly returns, so
# that they build up: extrapolated pass to pass rather than taken as they came.
_ACCUMULATING = ("tss", "fog")
# Side streams by where they go.
SLUDGE_KINDS = frozenset({"sludge", "float", "scum", "underflow"})
RETURN_KINDS = frozenset({"filtrate", "supernatant", "centrate", "overflow", "decant"})
SOLIDS_SEPARATORS = frozenset({"primary_clarifier", "secondary_clarifier", "lamella_clarifier", "daf", "mbr"})
# Unit objects, not strings: pint re-parses a compound unit string on every conversion.
_M3D = ureg.Unit("m**3/day")
_MG_L = ureg.Unit("mg/L")
_KG_D = ureg.Unit("kg/day")
_DIMENSIONLESS = ureg.Unit("dimensionless")


_OUTLET_NAMES = {"concentrate": mark("to disposal"), "reject": mark("to disposal"), "cake": mark("to disposal"),
                 "oil": mark("to recovery"), "sludge": mark("hauled off site"), "backwash": mark("to drain")}


@cache
def _unit(p: str) -> Any:
    """The pint unit of a water-quality parameter."""
    return ureg.Unit(_preprocess(parameter_unit(p)))


class DesignError(RuntimeError):
    """A train that cannot be designed (a unit type the engine does not have)."""


# -- streams ---------------------------------------------------------------------------------


def mix(streams: list[Stream], *, name: str, kind: str = "water") -> Stream:
    """One stream from several: loads add, intensive values (pH, temperature…) are flow-weighted.

    TSS and TDS missing from a stream count as zero so that loads are kept
    exactly; other parameters are averaged over the streams that carry them.
    """
    live = [s for s in streams if s.flow.magnitude > 0]
    if not live:
        return Stream(flow=Q_(0.0, _M3D), quality={}, kind=kind, name=name)
    flows = [float(s.flow.m_as(_M3D)) for s in live]
    total = sum(flows)
    quality: dict[str, Quantity] = {}
    for p in {p for s in live for p in s.quality}:
        unit = _unit(p) if p in PARAMETERS else None
        pairs = [(q, s.quality[p]) for q, s in zip(flows, live) if p in s.quality]
        if unit is None:
            quality[p] = pairs[0][1]
            continue
        weighted = sum(q * float(c.m_as(unit)) for q, c in pairs)
        basis = total if p in MASS_PARAMETERS else sum(q for q, _ in pairs)
        quality[p] = Q_(weighted / basis, unit)
    peak = sum(q * s.peak_factor for q, s in zip(flows, live)) / total
    return Stream(flow=Q_(total, _M3D), quality=quality, kind=kind, name=name, peak_factor=peak)


def _load(s: Stream | None, p: str) -> float:
    """kg/d of a conserved parameter (m3/d for ``water``)."""
    if s is None or s.flow.magnitude <= 0:
        return 0.0
    if p == "water":
        return float(s.flow.m_as(_M3D))
    c = s.quality.get(p)
    return 0.0 if c is None else float(s.flow.m_as(_M3D)) * float(c.m_as(_MG_L)) / 1000.0


def _load_any(s: Stream | None, p: str) -> float:
    """Flow × concentration of any parameter in its own unit per day (m3/d for ``water``)."""
    if s is None or s.flow.magnitude <= 0:
        return 0.0
    q = float(s.flow.m_as(_M3D))
    if p == "water":
        return q
    c = s.quality.get(p)
    return 0.0 if c is None else q * float(c.m_as(_unit(p)))


# -- one pass through the plant ------------------------------------------------------------


@dataclass
class _Pass:
    ctx: DesignContext
    units: list[UnitProcess]  # main line then sludge line
    main: list[UnitProcess]
    sludge_units: list[UnitProcess]
    raw: Stream
    head: Stream  # raw + returned streams, entering the first unit
    effluent: Stream
    outlets: list[Stream]  # streams leaving the plant other than the treated water
    returns: list[Stream]  # streams sent back to the head of the plant
    sludge_plan: SludgePlan
    sludge_solids: float  # kg/d of dry solids to the sludge line
    sludge_fraction: float
    bypass: Stream | None = None
    ro_feed: Stream | None = None  # RO feed before the bypass is split off
    ro: ReverseOsmosis | None = None


class _Recycle:
    """The streams returned to the head of the plant, solved pass after pass.

    The returned water and the loads that build up through the sludge line
    (solids and the fats floated with them) are each, as a fraction of the
    plant's own, a function of what was assumed to return, L = f(L_in), with a
    slope g: the share of a returned load that comes back again. After the
    first pass g is taken as the share of the plant's load that came back,
    after that as the secant of the last two passes (Wegstein's method):
    L_next = L_in + (f(L_in) − L_in) / (1 − g).
    After the first pass the returned water follows the returned solids (it is
    mostly the water of the sludge). The plant's loads of the first pass are
    the reference, scaled with the feed, so that a change of feed flow between
    passes does not read as a change of the recycle. Dissolved parameters keep
    their concentration in the returned water (it is the plant's own). Converged
    when water, TSS and TDS match what was assumed within the tolerance.
    """

    def __init__(self, tolerance: float):
        self.tolerance = tolerance
        self.base_per_scale: dict[str, float] = {}
        self.history: list[tuple[dict[str, float], dict[str, float]]] = []

    def step(self, p: _Pass, assumed_stream: Stream | None, out: Stream | None,
             scale: float) -> tuple[bool, Stream | None]:
        keys = ["water", *sorted({k for s in (out, assumed_stream) if s is not None for k in s.quality
                                  if k in PARAMETERS and k not in _INTENSIVE})]
        extrapolated = ("water", *(k for k in _ACCUMULATING if k in keys))
        for k in keys:
            if k not in self.base_per_scale:
                load = _load_any(p.raw, k) + sum(_generated(u, k) for u in p.units if k in _CONSERVED)
                self.base_per_scale[k] = max(load, _load_any(out, k), 1e-9) / scale
        base = {k: self.base_per_scale[k] * scale for k in keys}
        assumed = {k: _load_any(assumed_stream, k) / base[k] for k in keys}
        obtained = {k: _load_any(out, k) / base[k] for k in keys}
        if all(abs(obtained[k] - assumed[k]) <= self.tolerance for k in _CONSERVED if k in keys):
            return True, assumed_stream
        self.history.append((assumed, obtained))
        if out is None:
            return False, None
        first = len(self.history) == 1

        def wegstein(k: str) -> float:
            if first:
                g = obtained[k]
            else:
                prev_in, prev_out = self.history[-2][0].get(k, 0.0), self.history[-2][1].get(k, 0.0)
                step = assumed[k] - prev_in
                g = (obtained[k] - prev_out) / step if abs(step) > 1e-12 else 0.0
            g = min(max(g, 0.0), 0.9)
            return max(assumed[k] + (obtained[k] - assumed[k]) / (1.0 - g), 0.0)

        # Salts dosed in the plant (coagulants, acid, caustic) and returned with the filtrates
        # build up too: after the first pass their load is extrapolated like the solids, or
        # it creeps up by a fifth of the last change per pass.
        if not first and "tds" in keys and "tds" in out.quality:
            extrapolated = (*extrapolated, "tds")
        target = {k: wegstein(k) for k in extrapolated}
        if first and obtained.get("tss", 0.0) > 0:
            target["water"] = obtained["water"] * target["tss"] / obtained["tss"]
        flow = target["water"] * base["water"]
        quality = dict(out.quality)  # other dissolved parameters keep their concentration
        if flow > 0:
            for k in extrapolated[1:]:
                if k in out.quality:
                    quality[k] = Q_(target[k] * base[k] / flow, _unit(k))
        return False, Stream(flow=Q_(flow, _M3D), quality=quality, kind=out.kind, name=out.name,
                             peak_factor=out.peak_factor)


class _Designer:
    """Designs one candidate train for one set of resolved requirements."""

    def __init__(self, req: Requirements, r: Resolved, candidate: Candidate):
        self.req = req
        self.r = r
        self.candidate = candidate
        for t in (*candidate.units, *(candidate.sludge_units or ())):
            if t not in UNIT_TYPES:
                raise DesignError(f"unit type {t!r} is not available in this engine "
                                  f"(available: {', '.join(sorted(UNIT_TYPES))})")
        self.targets_q = {p: t.max for p, t in r.targets.items() if t.max is not None}
        # UF fluxes differ by feed (AWWA M53): secondary effluent fouls most, seawater pretreatment next.
        self.uf_feed_type = ("wastewater" if r.kind == "wastewater"
                             else "seawater" if r.water_source == "seawater" else "fresh")
        self.main_tags = self._tags(candidate.units, 101)
        # Filter backwash of a wastewater plant goes back to the head, where a clarifier (or
        # flotation, or the MBR) takes its solids to the sludge; without one the solids
        # would have no way out, so the backwash leaves the plant instead.
        self.backwash_returns = r.kind == "wastewater" and any(t in SOLIDS_SEPARATORS for t in candidate.units)
        self.sludge_plan: SludgePlan | None = None
        # What the adopted bypass fraction was computed from (the limiting parameter, its limit and allowance).
        self.blend_basis: dict[str, Any] | None = None

    @staticmethod
    def _tags(types: tuple[str, ...], start: int) -> list[str]:
        return [f"{UNIT_TYPES[t].tag_prefix}-{start + i}" for i, t in enumerate(types)]

    def context(self) -> DesignContext:
        r = self.r
        ctx = DesignContext(
            overrides={k: dict(v) for k, v in r.overrides.items()},
            targets=dict(self.targets_q), limits=dict(r.targets),
            destination=r.destination, sector=r.sector, subsector=r.subsector,
            design_temperature=r.design_temperature, site_elevation=r.site_elevation,
            electricity_price=r.electricity_price,
            labour_cost=r.labour_cost, sludge_disposal_price=r.sludge_disposal_price,
            discount_rate=r.discount_rate, plant_life=r.plant_life, language=r.language,
        )
        if self.candidate.ro_feed_type:
            ctx.shared["reverse_osmosis.feed_type"] = self.candidate.ro_feed_type
        if "ultrafiltration" in self.candidate.units:
            ctx.shared["ultrafiltration.feed_type"] = self.uf_feed_type
        return ctx

    def raw_influent(self, scale: float) -> Stream:
        r = self.r
        quality = {p: s.quantity.to(_unit(p)) for p, s in r.influent.items()}
        name = tr(r.language, "Raw water") if r.kind == "raw_water" else tr(r.language, "Raw wastewater")
        return Stream(flow=r.flow.quantity.to(_M3D) * scale, quality=quality, kind="water", name=name,
                      peak_factor=float(r.peak_factor.quantity.m_as(_DIMENSIONLESS)))

    # -- the pass ------------------------------------------------------------------------

    def run(self, scale: float, returned: Stream | None, blend: float) -> _Pass:
        ctx = self.context()
        self._record_basis(ctx, scale, blend)
        raw = self.raw_influent(scale)
        head = (mix([raw, returned], name=ctx.t("Plant influent with returned streams"))
                if returned is not None else raw)
        s = head
        main: list[UnitProcess] = []
        outlets: list[Stream] = []
        returns: list[Stream] = []
        sludge: list[Stream] = []
        bypass = ro_feed = None
        ro_unit = None
        for t, tag in zip(self.candidate.units, self.main_tags):
            unit = UNIT_TYPES[t](ctx, tag)
            if isinstance(unit, ReverseOsmosis):
                ro_feed, ro_unit = s, unit
                if blend > 0:
                    # The RO blends the bypass into its permeate before it stabilises the water, so that the
                    # lime, CO2 or caustic are sized on the water delivered (AWWA M46 (2007), post-treatment).
                    bypass = unit.bypass = s.derive(flow=s.flow * blend, name=ctx.t("RO bypass for blending"))
                    s = s.derive(flow=s.flow * (1.0 - blend), name=s.name)
            s = unit.run(s)
            main.append(unit)
            for side in unit.side_streams:
                self._route(side, sludge, returns, outlets)
        effluent = s

        dry = sum(_load(x, "tss") for x in sludge)
        wet = sum(_load(x, "water") for x in sludge)
        fraction = dry / (wet * 1000.0) if wet > 0 else 0.0
        if self.candidate.sludge_units is not None:
            plan = SludgePlan(self.candidate.sludge_units, "forced",
                              ctx.t("Sludge line given by the engineer (forced_train)."))
        elif self.sludge_plan is not None:
            plan = self.sludge_plan
        else:
            # Decided once, on the sludge of the first pass: a decision flipping at a
            # threshold from pass to pass would keep the returned streams from settling.
            plan = sludge_line(dry, fraction, self.r.language)
            if sludge:
                self.sludge_plan = plan
        sludge_units: list[UnitProcess] = []
        if plan.units and sludge:
            s_in = mix(sludge, name=ctx.t("Combined sludge"), kind="sludge")
            onward: list[Stream] = []
            for t, tag in zip(plan.units, self._tags(plan.units, 201)):
                unit = UNIT_TYPES[t](ctx, tag)
                unit.run(s_in)
                sludge_units.append(unit)
                assert unit.effluent is not None
                outputs = [unit.effluent, *unit.side_streams]
                # The thickest sludge goes on; any thinner sludge stream goes back like a filtrate.
                onward = sorted((o for o in outputs if o.kind in SLUDGE_KINDS), key=lambda o: -_concentration(o))[:1]
                for o in outputs:
                    if any(o is x for x in onward):
                        continue
                    if o.kind in RETURN_KINDS or o.kind in SLUDGE_KINDS or o.kind == "water":
                        returns.append(o)
                    else:
                        outlets.append(o)
                if not onward:
                    break
                s_in = onward[0]
            outlets.extend(onward)  # sludge still leaving the last unit is hauled
        else:
            outlets.extend(sludge)
        p = _Pass(ctx, main + sludge_units, main, sludge_units, raw, head, effluent, outlets, returns, plan, dry,
                  fraction, bypass, ro_feed, ro_unit)
        return p

    def _route(self, side: Stream, sludge: list[Stream], returns: list[Stream], outlets: list[Stream]) -> None:
        if side.kind in SLUDGE_KINDS:
            sludge.append(side)
        elif side.kind in RETURN_KINDS or (side.kind == "backwash" and self.backwash_returns):
            returns.append(side)
        else:
            outlets.append(side)

    def _record_basis(self, ctx: DesignContext, scale: float, blend: float) -> None:
        r = self.r
        log = ctx.log
        product = r.flow_basis == "product"
        q = log.record(PLANT, "Q", ctx.t("Design average flow (plant feed)") if product else ctx.t("Design average flow"),
                       "Q = Q_given · k" if product else "Q = Q_given",
                       {"Q_given": Sourced(r.flow.quantity, ctx.t("{source} (product flow)", source=ctx.t(r.flow.source))
                                           if product else r.flow.source),
                        **({"k": (Q_(scale, ""), mark("calculated"),
                                  mark("feed per unit of product, from the plant's recovery"))}
                           if product else {})},
                       r.flow.quantity * scale, unit=_M3D)
        if r.harmon_population is not None:
            log.record(PLANT, "PF", "Peak factor (Harmon)", "PF = 1 + 14 / (4 + √(P / 1000))",
                       {"P": r.harmon_population}, r.peak_factor.quantity)
        log.record(PLANT, "Q_peak", "Peak design flow", "Q_peak = PF · Q",
                   {"PF": r.peak_factor, "Q": (q, "calculated")}, q * r.peak_factor.quantity, unit=_M3D)
        if r.population_equivalent is not None and r.destination == "surface_water":
            log.record(PLANT, "PE", "Population equivalent", "PE = Q · BOD / 60 g/(p.e.·d)",
                       {"Q": r.flow, "BOD": r.influent["bod"]}, r.population_equivalent.quantity)
        if blend > 0 and self.blend_basis is not None:
            self._record_blend(ctx, blend)

    def _record_blend(self, ctx: DesignContext, blend: float) -> None:
        """The bypass fraction from the limiting parameter, as ``_blend_fraction`` computed it."""
        b = self.blend_basis
        assert b is not None
        label, unit = parameter_label(b["param"], ctx.language), b["unit"]
        # What the post-treatment adds (lime: calcium and bicarbonate) is taken off the room under the
        # limit, so the stabilised blend stays within it (AWWA M46 (2007), post-treatment).
        allowance = b["added"] is not None
        ctx.log.record(
            PLANT, "f_bypass", "Fraction of the RO feed bypassed and blended into the permeate",
            "f = k / (1 + k), k = x / (1 − x) · r_RO, x = (d · L − A − C_p) / (C_f − C_p)" if allowance
            else "f = k / (1 + k), k = x / (1 − x) · r_RO, x = (d · L − C_p) / (C_f − C_p)",
            {"C_f": (Q_(b["feed"], unit), mark("calculated"), ctx.t("{parameter} of the RO feed", parameter=label)),
             "C_p": (Q_(b["permeate"], unit), mark("calculated"),
                     ctx.t("{parameter} of the RO permeate", parameter=label)),
             "L": (Q_(b["limit"], unit), b["limit_source"], ctx.t("{parameter} limit", parameter=label)),
             "d": (Q_(b["design"], ""), threshold_source("blend_design_fraction", ctx.language),
                   mark("design fraction of the limit the blend is taken to")),
             **({"A": (Q_(b["added"], unit), mark("calculated"),
                       ctx.t("{parameter} added by the post-treatment of {tag} ({what}), in the pass the fraction "
                             "was set on", parameter=label, tag=b["tag"], what=ctx.t(b["post"])))}
                if allowance else {}),
             "r_RO": (Q_(b["recovery"], ""), mark("calculated"), mark("RO recovery"))},
            Q_(blend, ""))

    # -- the loop ---------------------------------------------------------------------------

    def solve(self, returned: Stream | None = None) -> tuple[_Pass, dict[str, Any]]:
        """Run passes until the returned streams, blending and feed flow settle.

        ``returned`` is a first guess of the returned streams (another train's,
        when alternatives are compared: their sludge lines return much the same).
        """
        r = self.r
        tol = threshold("recycle_tolerance")
        product_target = float(r.flow.quantity.m_as(_M3D))
        scale, blend = 1.0, 0.0
        info: dict[str, Any] = {"passes": 0, "converged": True}
        blend_note = ""
        recycle = _Recycle(tol)
        for n in range(1, MAX_PASSES + 1):
            p = self.run(scale, returned, blend)
            info["passes"] = n
            done = True

            # Returned streams: converged when they match what was assumed.
            out = mix(p.returns, name="Returned streams") if p.returns else None
            if out is not None or returned is not None:
                settled, returned = recycle.step(p, returned, out, scale)
                done = done and settled

            # Blending: the bypass that takes the product to the design fraction of its limits.
            product_change = 1.0
            if self.candidate.blend and p.ro is not None:
                new_blend, blend_note, basis = self._blend_fraction(p)
                if abs(new_blend - blend) > 1e-3:
                    done = False
                    self.blend_basis = basis
                    # The product changes with the bypass: per unit of RO feed it is r(1 − f) + f.
                    recovery = self._recovery(p)
                    product_change = (recovery * (1 - new_blend) + new_blend) / (recovery * (1 - blend) + blend)
                    blend = new_blend

            # Product basis: scale the feed until the treated water is the flow asked for.
            if r.flow_basis == "product":
                product = float(p.effluent.flow.m_as(_M3D))
                if product <= 0:
                    raise DesignError("the train produces no treated water")
                if abs(product - product_target) > PRODUCT_TOLERANCE * product_target or product_change != 1.0:
                    done = False
                    scale *= product_target / (product * product_change)
            if done:
                break
        else:
            info["converged"] = False
            p.ctx.warnings.append(p.ctx.t("The returned streams, blending and feed flow did not converge in {n} "
                                          "passes; the plant balance may be off by the last change.", n=MAX_PASSES))
        info["blend"] = blend
        info["blend_note"] = blend_note
        info["scale"] = scale
        info["returned"] = returned
        return p, info

    @staticmethod
    def _recovery(p: _Pass) -> float:
        assert p.ro is not None and p.ro.permeate is not None and p.ro.influent is not None
        return float((p.ro.permeate.flow / p.ro.influent.flow).m_as(_DIMENSIONLESS))

    def _blend_fraction(self, p: _Pass) -> tuple[float, str, dict[str, Any] | None]:
        """Bypass fraction f of the RO feed so that every limited parameter stays within its design fraction.

        Returns f, the note on it and what it was computed from (None when there is no blend).
        """
        assert p.ro is not None and p.ro_feed is not None and p.ro.permeate is not None
        design = threshold("blend_design_fraction")
        L = self.r.language
        feed, permeate = p.ro_feed, p.ro.permeate
        # What the post-treatment adds to the blended product (lime: calcium and bicarbonate) is
        # taken off the room the bypass may fill, from the previous pass.
        added = p.ro.post_added or {}
        recovery = self._recovery(p)
        x = 1.0
        limiting = ""
        basis: dict[str, Any] = {}
        for param, t in self.r.targets.items():
            if t.max is None or param in ("ph", "temperature", "coliforms", "turbidity"):
                continue
            c_f, c_p = feed.quality.get(param), permeate.quality.get(param)
            if c_f is None or c_p is None:
                continue
            unit = _unit(param)
            cf, cp, limit = float(c_f.m_as(unit)), float(c_p.m_as(unit)), float(t.max.m_as(unit))
            goal = design * limit
            allowance = float(added[param].m_as(unit)) if param in added else None
            if allowance is not None:
                goal -= allowance
            if cf <= goal:
                continue
            share = 0.0 if cp >= goal else (goal - cp) / (cf - cp)
            if share < x:
                x, limiting = share, parameter_label(param, L)
                basis = {"param": param, "unit": unit, "feed": cf, "permeate": cp, "limit": limit,
                         "limit_source": t.source, "design": design, "added": allowance}
        if x >= 1.0:
            return 0.0, tr(L, "Blending not applied: the raw water already meets the limits the RO treats for."), None
        k = x / (1.0 - x) * recovery
        f = k / (1.0 + k)
        minimum = threshold("blend_min_fraction")
        if x < minimum:
            return 0.0, tr(L, "Blending not applied: {limiting} would allow only {x:.1%} of the product from the "
                              "bypass, below the {minimum:.0%} that justifies it ({source}).", limiting=limiting, x=x,
                           minimum=minimum, source=threshold_source("blend_min_fraction", L)), None
        basis.update(recovery=recovery, tag=p.ro.tag, post=p.ro.post or "")
        return f, tr(L, "{f:.1%} of the RO feed bypasses the membranes and is blended into the permeate, {x:.1%} of "
                        "the product; {limiting} limits the blend to {design:.0%} of its limit ({source}).",
                     f=f, x=x, limiting=limiting, design=design,
                     source=threshold_source("blend_design_fraction", L)), basis


def _concentration(s: Stream) -> float:
    c = s.quality.get("tss")
    return 0.0 if c is None else float(c.m_as(_MG_L))


def _generated(u: UnitProcess, x: str) -> float:
    g = u.generated.get(x)
    if g is None:
        return 0.0
    return float(g.m_as(_M3D)) if x == "water" else float(g.m_as(_KG_D))


# -- assembling the result -------------------------------------------------------------------


def _assign_streams(p: _Pass) -> list[Stream]:
    """Number every stream (S1…) in process order and tag where it comes from and goes."""
    t = p.ctx.t
    streams: list[Stream] = []
    first = p.main[0].tag if p.main else ""
    sludge_first = p.sludge_units[0].tag if p.sludge_units else ""

    def among(s: Stream, group: list[Stream]) -> bool:
        return any(s is x for x in group)

    def add(s: Stream, source: str, destination: str) -> None:
        if among(s, streams):
            return
        s.id, s.source, s.destination = f"S{len(streams) + 1}", source, destination
        streams.append(s)

    add(p.raw, "", first)
    for i, u in enumerate(p.main):
        nxt = p.main[i + 1].tag if i + 1 < len(p.main) else ""
        if u is p.ro and p.bypass is not None:
            add(p.bypass, p.main[i - 1].tag if i > 0 else "", u.tag)
        assert u.effluent is not None
        add(u.effluent, u.tag, nxt)
        for side in u.side_streams:
            if among(side, p.returns):
                add(side, u.tag, first)
            elif side.kind in SLUDGE_KINDS and sludge_first and not among(side, p.outlets):
                add(side, u.tag, sludge_first)
            else:
                add(side, u.tag, "")
    for i, u in enumerate(p.sludge_units):
        nxt = p.sludge_units[i + 1].tag if i + 1 < len(p.sludge_units) else ""
        assert u.effluent is not None
        for out in (u.effluent, *u.side_streams):
            add(out, u.tag, first if among(out, p.returns) else ("" if among(out, p.outlets) else nxt))
    # Units pass their influent's name on to what they make; name streams by where they come from.
    inherited = {p.raw.name, p.head.name, ""}
    for u in p.units:
        if u.effluent is not None and u.effluent is not p.effluent and u.effluent.name in inherited | {
                u.influent.name if u.influent is not None else ""}:
            u.effluent.name = t("{tag} effluent", tag=u.tag)
    for s in streams:
        if not s.name or (s.source and s.name in inherited):
            kind = t(KIND_WORDS[s.kind]) if s.kind in KIND_WORDS else s.kind
            if s.source:
                named = t("{source} {kind}", source=s.source, kind=kind)
                s.name = named[:1].upper() + named[1:]
            else:
                s.name = kind
        if not s.destination and s is not p.effluent and s.kind in _OUTLET_NAMES and "(" not in s.name:
            s.name = t("{name} ({where})", name=s.name, where=t(_OUTLET_NAMES[s.kind]))
    p.effluent.name = (t("Treated water (blended)") if p.bypass is not None and p.main[-1] is p.ro
                       else t("Treated water"))
    return streams


def _balance(p: _Pass) -> dict[str, float]:
    """Relative closure error over the plant boundary: in + formed = treated + leaving."""
    errors = {}
    for x in ("water", "tss", "tds"):
        gen = sum(_generated(u, x) for u in p.units)
        m_in = _load(p.raw, x) + max(gen, 0.0)
        m_out = _load(p.effluent, x) + sum(_load(s, x) for s in p.outlets) - min(gen, 0.0)
        scale = max(m_in, m_out)
        errors[x] = abs(m_out - m_in) / scale if scale > 1e-9 else 0.0
    return errors


def _compliance(effluent: Stream, targets: dict[str, Target], warnings: list[str],
                language: str = "en") -> list[ComplianceItem]:
    items = []
    for param, t in targets.items():
        c = effluent.quality.get(param)
        label = parameter_label(param, language)
        if c is None:
            warnings.append(tr(language, "{label}: the limit ({limit}) cannot be checked — the treated water has no "
                                         "value for it (no influent value or default).", label=label,
                               limit=local_quantity(t.max if t.max is not None else t.min, language)))
            continue
        unit = _unit(param)
        value = float(c.m_as(unit))
        low = float(t.min.m_as(unit)) if t.min is not None else None
        high = float(t.max.m_as(unit)) if t.max is not None else None
        eps = 1e-9
        met = (low is None or value >= low * (1 - eps) - eps) and (high is None or value <= high * (1 + eps) + eps)
        margins: list[float] = []
        if high is not None:
            margins.append((high - value) / high if high > 0 else (0.0 if value <= 0 else -1.0))
        if low is not None:
            margins.append((value - low) / abs(low) if low != 0 else (0.0 if value >= 0 else -1.0))
        # For a range, the margin is the one to the bound the water is closest to (or beyond).
        margin = min(margins)
        limit = t.max if t.max is not None else t.min
        assert limit is not None
        items.append(ComplianceItem(param, c.to(unit), limit.to(unit), t.kind, met, margin, t.source,
                                    low=t.min.to(unit) if t.min is not None else None))
    return items


def _design_one(req: Requirements, r: Resolved, candidate: Candidate, currency: str, notes: list[str],
                warm: Stream | None = None) -> tuple[Design, Stream | None]:
    """The design of one candidate, and the returned streams it converged on."""
    from .costing import cost_design

    designer = _Designer(req, r, candidate)
    p, info = designer.solve(warm if r.flow_basis == "influent" else None)
    ctx = p.ctx
    streams = _assign_streams(p)
    compliance = _compliance(p.effluent, r.targets, ctx.warnings, ctx.language)
    balance = _balance(p)
    for name, err in balance.items():
        if err > 1e-3:
            ctx.warnings.append(ctx.t("The plant {name} balance closes only within {err:.2%}.",
                                      name=parameter_label(name, ctx.language) if name != "water" else ctx.t("water"),
                                      err=err))
    costs = cost_design(p.units, ctx, treated_flow=p.effluent.flow, currency=currency, rates=r.exchange_rates or None)
    returned = sum(_load(s, "water") for s in p.returns)
    extra: dict[str, Any] = {
        "candidate": {"key": candidate.key, "name": candidate.name, "choices": dict(candidate.choices)},
        "raw_influent": p.raw,
        "targets": dict(r.targets),
        "sludge_line": {
            "decision": p.sludge_plan.decision, "reason": p.sludge_plan.reason,
            "dry_solids": Q_(p.sludge_solids, _KG_D), "solids_fraction": Q_(p.sludge_fraction, ""),
            "units": [u.tag for u in p.sludge_units],
        },
        "recycle": {"passes": info["passes"], "converged": info["converged"],
                    "returned_flow": Q_(returned, _M3D),
                    "returned_streams": [s.id for s in p.returns]},
        "notes": list(dict.fromkeys([*notes, *r.notes])),
        "location": {"country": r.country, "name": r.country_name, "city": r.city, "currency": r.currency},
        "flow_basis": r.flow_basis,
        "peak_factor": r.peak_factor,
        "population_equivalent": r.population_equivalent,
        "boiler_class": r.boiler_class or None,
    }
    if r.flow_basis == "product":
        extra["feed_flow"] = p.raw.flow
    if candidate.blend:
        extra["blending"] = {"fraction": Q_(info["blend"], ""), "note": info["blend_note"],
                             "bypass": p.bypass.id if p.bypass is not None else None}
    d = Design(
        requirements=req, ctx=ctx, train=list(candidate.units), units=p.units, streams=streams, influent=p.head,
        effluent=p.effluent, compliance=compliance, balance=balance, costs=costs,
        choice_reason=candidate.reason, defaults_used=dict(r.defaults_used), extra=extra,
    )
    return d, info["returned"]


def design(requirements: "Requirements | dict[str, Any] | str | Path", *, alternatives: bool = False,
           currency: str | None = None) -> Design:
    """Design the plant for ``requirements``; with ``alternatives``, design every candidate train and keep the best.

    The best train is the one with the lowest levelized cost of water among
    those meeting every limit (or, when none does, the one missing the fewest
    limits). ``currency`` is the currency of the cost report (default: the
    requirements', else the country's).
    """
    req = load_requirements(requirements)
    r = req.resolved()
    selection = select_trains(r)
    cur = (currency or r.currency).upper()
    notes = list(selection.notes)
    if not alternatives or len(selection.candidates) == 1:
        d, _ = _design_one(req, r, selection.preferred, cur, notes)
        others = selection.candidates[1:]
        if others:
            d.choice_reason += " " + tr(r.language, "Other trains that meet the targets and can be compared with "
                                                    "alternatives on: {trains}.",
                                        trains="; ".join(f"{c.name} ({' → '.join(c.units)})" for c in others))
        d.extra["candidates"] = [_candidate_json(c) for c in selection.candidates]
        d.alternatives = []
        return d

    designs: list[tuple[Candidate, Design]] = []
    failures: list[str] = []
    warm = None
    for c in selection.candidates:
        try:
            d, returned = _design_one(req, r, c, cur, notes, warm)
            designs.append((c, d))
            warm = warm or returned
        except Exception as exc:  # noqa: BLE001 — one alternative's failure must not sink the others
            if c.preferred:
                raise
            failures.append(tr(r.language, "Alternative '{name}' could not be designed ({error}); it is left out of "
                                           "the comparison.", name=c.name, error=f"{type(exc).__name__}: {exc}"))

    def rank(item: tuple[Candidate, Design]) -> tuple[int, float]:
        d = item[1]
        missed = sum(1 for x in d.compliance if not x.met)
        lcow = float(d.costs.lcow.magnitude)
        return missed, lcow if math.isfinite(lcow) else math.inf

    ordered = sorted(designs, key=rank)
    best_c, best = ordered[0]
    meets = [(c, d) for c, d in ordered if all(x.met for x in d.compliance)]
    alts = []
    for c, d in ordered:
        ok = all(x.met for x in d.compliance)
        alts.append(Alternative(name=c.name, train=list(c.units), capex=d.costs.capex_total, opex=d.costs.opex_total,
                                lcow=d.costs.lcow, meets_targets=ok, chosen=c is best_c, reason=c.reason, design=d))
    L = r.language
    lcow_text = "; ".join(f"{c.name}: {_lcow(d, L)}"
                          + ("" if all(x.met for x in d.compliance) else " " + tr(L, "(misses a limit)"))
                          for c, d in ordered)
    if meets:
        why = tr(L, "Chosen for the lowest levelized cost of water of the {n} train(s) that meet every limit "
                    "({lcow}).", n=len(meets), lcow=lcow_text)
    else:
        why = tr(L, "No train meets every limit; chosen for missing the fewest, then for the lowest levelized cost "
                    "({lcow}).", lcow=lcow_text)
    best.choice_reason = f"{best_c.reason} {why}"
    best.alternatives = alts
    best.extra["candidates"] = [_candidate_json(c) for c in selection.candidates]
    best.ctx.warnings.extend(failures)
    return best


def _lcow(d: Design, language: str = "en") -> str:
    summary = d.costs
    return local_quantity(Q_(summary.convert(summary.lcow), ""), language, digits=3) + f" {summary.currency}/m3"


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {"key": c.key, "name": c.name, "train": list(c.units), "preferred": c.preferred, "reason": c.reason}
