"""MBBR sized by surface area loading rates (Ødegaard 2006; McQuarrie & Boltz 2011; WEF MOP 8)."""

import pytest

from agents.engine.calc import Sourced
from agents.engine.context import DesignContext
from agents.engine.costing import installed_cost
from agents.engine.i18n import tr
from agents.engine.quantities import Q_
from agents.engine.units import UNIT_TYPES
from agents.engine.units.base import BALANCE_TOLERANCE

from .harness import UnitCase, check_unit, make_stream, value_of

WASTEWATER = dict(bod=200, cod=400, tss=100, tn=40, nh4_n=28, tp=6, alkalinity=250)


def mbbr_case(flow="5000 m3/d", targets=None, overrides=None, temperature=15.0):
    return UnitCase("mbbr", make_stream(flow, peak_factor=2.0, **WASTEWATER), overrides=overrides or {},
                    targets=targets or {}, tag="MBBR-101",
                    context={"design_temperature": Sourced(Q_(temperature, "degC"), "test")})


def test_bod_stage_follows_the_surface_loading_rate():
    # SALR 7.5 g BOD/m2·d (Ødegaard 2006, normal rate): A = 5000·200/7.5 = 133,333 m2;
    # media = 133,333/500 = 266.7 m3 (K3, 500 m2/m3); reactor = 266.7/0.5 = 533.3 m3 (τ = 2.56 h).
    # Soluble BOD in = 200 − 0.63·100 = 137; removed to 8 → ΔbCOD = 1.6·129 = 206.4 g/m3;
    # solids = 0.4·5000·206.4/1000 = 412.8 kg/d → TSS_out = 100 + 82.56 = 182.56 mg/L.
    unit = check_unit(mbbr_case(), {
        "calc.A_BOD": ("133333 m2", 1e-4),
        "sizing.media_volume": ("266.67 m3", 1e-4),
        "sizing.volume": ("533.33 m3", 1e-4),
        "sizing.hrt": ("2.56 h", 0.001),
        "effluent.tss": ("182.56 mg/L", 1e-4),
        # BOD leaving = 8 + 0.63·182.56 = 123.0 mg/L (particulate BOD goes to the separator)
        "effluent.bod": ("123.01 mg/L", 1e-4),
    })
    assert unit.generated["tss"].to("kg/d").magnitude == pytest.approx(412.8, rel=1e-4)
    assert "volume_nitrification" not in unit.sizing
    # O2 = 5000·0.2064 − 1.42·0.85·412.8 = 1032 − 498.3 = 533.7 kg/d = 22.24 kg/h
    assert value_of(unit, "sizing.oxygen_demand").to("kg/h").magnitude == pytest.approx(22.24, rel=0.002)


def test_an_ammonia_target_adds_a_nitrification_stage():
    # Uptake = 0.12·0.85·412.8/5000 = 8.42 g/m3; NOx = 40 − 1 − 8.42 − 1.0 = 29.58 g/m3.
    # SALR_N at 15 °C = 0.7 g/m2·d (McQuarrie & Boltz 2011): A = 5000·29.58/0.7 = 211,278 m2;
    # media 422.6 m3; reactors 845.1 m3 in two in series; O2 = 4.57·5000·29.58 g/d = 28.16 kg/h.
    unit = check_unit(mbbr_case(targets={"nh4_n": "2 mg/L"}), {
        "calc.NOx": ("29.58 mg/L", 0.001),
        "calc.A_N": ("211278 m2", 0.001),
        "sizing.volume_nitrification": ("845.1 m3", 0.001),
        "calc.R_o,N": ("28.16 kg/h", 0.001),
        "effluent.nh4_n": ("1.0 mg/L", 1e-9),
        # Alkalinity 250 − 7.14·29.58 = 38.8 → 31.2 mg/L as CaCO3 added to keep 70
        "calc.Alk_add": ("31.2 mg/L", 0.002),
    })
    assert unit.sizing["reactors"].quantity.magnitude == 2 * 3  # 2 trains × (BOD + 2 nitrification)


def test_cold_water_needs_more_nitrification_surface():
    # At 10 °C: 0.7·1.06^-5 = 0.523 g/m2·d → 0.7/0.523 = 1.338 × the 15 °C surface.
    warm = mbbr_case(targets={"nh4_n": "2 mg/L"}).run()
    cold = mbbr_case(targets={"nh4_n": "2 mg/L"}, temperature=10.0).run()
    ratio = (value_of(cold, "calc.A_N") / value_of(warm, "calc.A_N")).to("").magnitude
    assert ratio == pytest.approx(1.06 ** 5, rel=1e-6)


def test_the_clarifier_downstream_settles_the_biofilm_solids_without_return_sludge():
    ctx = DesignContext(design_temperature=Sourced(Q_(15.0, "degC"), "test"), targets={"nh4_n": Q_(2.0, "mg/L")})
    mbbr = UNIT_TYPES["mbbr"](ctx, "MBBR-101")
    out = mbbr.run(make_stream("5000 m3/d", peak_factor=2.0, **WASTEWATER))
    clarifier = UNIT_TYPES["secondary_clarifier"](ctx, "SC-101")
    effluent = clarifier.run(out)
    assert value_of(clarifier, "sizing.ras_ratio").magnitude == 0
    assert "mlss" not in ctx.shared  # the mixed liquor is separated: consumed by the clarifier
    assert not any(e.tag == "SC-101-03" for e in clarifier.equipment)
    # BOD after settling to 15 mg/L TSS: sBOD 8 + 0.63·15 = 17.45 mg/L
    assert effluent.quality["bod"].to("mg/L").magnitude == pytest.approx(17.45, rel=1e-6)
    # TN is conserved through settling except the particulate N removed: TN_e = 1 + 29.58 + 1 + pN(15 mg/L TSS)
    assert effluent.quality["tn"].to("mg/L").magnitude == pytest.approx(31.58, abs=1.0)
    for unit in (mbbr, clarifier):
        for name, error in unit.balance().items():
            assert error < BALANCE_TOLERANCE, (unit.tag, name)


def test_media_is_costed_as_media_and_replaced_over_its_life():
    unit = check_unit(mbbr_case(), {})
    media = next(i for i in unit.capex_items if i.category == "media").cost
    replacement = next(o for o in unit.opex_items if o.category == "replacement").annual
    assert replacement.to("USD/year").magnitude == pytest.approx(media.to("USD").magnitude / 20, rel=1e-9)


def test_fill_fraction_override_changes_the_reactor_not_the_media():
    base = mbbr_case().run()
    fuller = mbbr_case(overrides={"fill_fraction": 0.67}).run()
    assert fuller.sizing["media_volume"].quantity == base.sizing["media_volume"].quantity
    assert fuller.sizing["volume"].quantity.to("m3").magnitude == pytest.approx(266.67 / 0.67, rel=1e-4)


def test_small_flows_use_a_containerised_mbbr_and_large_ones_split():
    # Below 300 m3/d a containerised MBBR is valid as well; with these curves site-built reactors cost less.
    small = mbbr_case(flow="150 m3/d")
    unit, container = small.run(), small.run(option=True)
    assert container.packaged and container.trains == 1
    assert not unit.packaged and installed_cost(unit) < installed_cost(container)
    large = check_unit(mbbr_case(flow="60000 m3/d", targets={"nh4_n": "2 mg/L"}), {})
    per_reactor = large.sizing["volume"].quantity / large.sizing["reactors"].quantity.magnitude
    assert large.trains >= 4 and per_reactor <= Q_(2000, "m**3")


def test_the_influent_cod_is_split_as_in_the_activated_sludge_and_the_separator_sees_the_particulate_part():
    # Brewery-like feed, COD 3,000, BOD 1,700, TSS 600 mg/L (M&E 5th ed. Example 8-3 fractionation):
    # bCOD = 1.6·1,700 = 2,720; nbVSS = 0.33·0.85·600 = 168.3 → nbpCOD = 1.6·168.3 = 269.3;
    # nbsCOD = 3,000 − 2,720 − 269.28 = 10.72 mg/L (brewery COD is almost wholly biodegradable, Brewers Association 2017).
    # Soluble BOD in = 1,700 − 0.63·600 = 1,322 → particulate COD passing to the separator = 3,000 − 10.7 − 1.6·1,322
    # = 874.08 mg/L. The separator's COD per g of solids counts it with the biofilm (1.42·0.85 g/g):
    # solids = 0.4·1.6·(1,322 − 8) = 840.96 mg/L grown; (874.08 + 1.207·840.96)/(600 + 840.96) = 1.311 g COD/g TSS.
    case = UnitCase("mbbr", make_stream("1000 m3/d", peak_factor=1.5, bod=1700, cod=3000, tss=600, tp=15,
                                        alkalinity=300), tag="MBBR-101")
    unit = check_unit(case, {"calc.nbsCOD": ("10.72 mg/L", 1e-3), "calc.pCOD_in": ("874.1 mg/L", 1e-3)})
    ratio = unit.ctx_for_test.shared["biosolids"]["cod"]
    assert ratio == pytest.approx(1.311, rel=2e-3)
    # What settling cannot remove: nbsCOD + 1.6·8 of residual soluble bCOD = 23.52 mg/L.
    cod_out = value_of(unit, "effluent.cod").to("mg/L").magnitude
    tss_out = value_of(unit, "effluent.tss").to("mg/L").magnitude
    assert cod_out - ratio * tss_out == pytest.approx(10.72 + 12.8, rel=2e-3)


def test_installed_cost_never_falls_across_the_packaged_switch():
    # 150 to 600 m3/d in 5 % steps across the 300 m3/d limit: no step may cost more than 2 % less than the one before.
    previous = None
    for i in range(29):
        unit = mbbr_case(flow=f"{150 * 1.05 ** i} m3/d").run()
        cost = installed_cost(unit)
        if previous is not None:
            assert cost >= previous * 0.98, (150 * 1.05 ** i, previous, cost)
        previous = cost


def test_a_spanish_design_writes_its_reactors_and_warnings_through_the_catalogue():
    # A TN target the MBBR cannot meet, designed in Spanish: the reactor description and the warning are the
    # catalogue's texts, with the volumes written the Spanish way.
    case = mbbr_case(targets={"tn": "10 mg/L"})
    case.context["language"] = "es"
    unit = case.run()
    reactor = next(e for e in unit.equipment if e.tag == "MBBR-101-01")
    n = unit.trains
    assert reactor.description == tr(
        "es", "MBBR reactor, {bod:,.0f} m3 (BOD) + {n} × {nit:,.0f} m3 (nitrification) per train, {depth:g} m SWD",
        bod=unit.sizing["volume_bod"].quantity.magnitude / n, n=2,
        nit=unit.sizing["volume_nitrification"].quantity.magnitude / n / 2,
        depth=unit.c("side_water_depth").quantity.magnitude)
    warning = tr("es", "the MBBR nitrifies but does not denitrify; the TN target needs a pre-anoxic MBBR stage or "
                       "another process.")
    assert f"MBBR-101: {warning}" in unit.ctx_for_test.warnings
