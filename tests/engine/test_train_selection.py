"""Train selection: each example gets the train an engineer would draw, with its alternatives and reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.engine.requirements import load_requirements
from agents.engine.train import select_trains, sludge_line

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def select(source):
    if isinstance(source, str):
        source = EXAMPLES / f"{source}.json"
    return select_trains(load_requirements(source).resolved())


def trains(selection):
    return [list(c.units) for c in selection.candidates]


def test_dairy_to_sewer_is_pretreated_by_flotation_only():
    # BOD 2000 → 1000 mg/L (50 %) is within what chemically assisted DAF removes on dairy wastewater
    # (50–80 % of COD: fat and protein are colloidal), and FOG 400 → 100 mg/L needs flotation.
    s = select("dairy_to_sewer")
    assert trains(s) == [["bar_screen", "equalization", "coagulation_flocculation", "daf"]]
    assert "DAF" in s.preferred.reason and "equalized" in s.preferred.reason


def test_brewery_to_river_is_biological_with_nutrient_removal_and_three_alternatives():
    s = select("brewery_to_river")
    by_key = {c.key: list(c.units) for c in s.candidates}
    # 1,200 m3/d: below 2,000 m3/d the compact MBBR is preferred.
    assert s.preferred.key == "mbbr"
    assert set(by_key) == {"mbbr", "cas", "mbr"}
    head = ["bar_screen", "equalization"]
    # TP 15 → 2 mg/L: a metal salt flocculated ahead of the clarifier (co-precipitation), the
    # precipitate leaving with the sludge; 2 mg/L is above the ~1 mg/L settling reaches, so no filter.
    assert by_key["cas"] == head + ["activated_sludge", "coagulation_flocculation", "secondary_clarifier"]
    assert by_key["mbbr"] == head + ["mbbr", "coagulation_flocculation", "secondary_clarifier"]
    # The MBR retains the precipitate: coagulant ahead of it.
    assert by_key["mbr"] == head + ["coagulation_flocculation", "mbr"]
    assert "co-precipitation" in s.preferred.reason
    # TN 50 → 15 mg/L (sensitive area, 40,000 p.e.): nitrification and denitrification.
    assert "denitrification" in s.preferred.reason


def test_textile_reuse_ends_in_reverse_osmosis_and_offers_the_classic_train():
    s = select("textile_reuse")
    assert s.preferred.key.startswith("lamella+mbr")
    assert list(s.preferred.units) == ["bar_screen", "equalization", "coagulation_flocculation", "lamella_clarifier",
                                       "mbr", "cartridge_filtration", "reverse_osmosis"]
    assert s.preferred.ro_feed_type == "wastewater"
    classic = ["bar_screen", "equalization", "coagulation_flocculation", "lamella_clarifier", "activated_sludge",
               "secondary_clarifier", "media_filtration", "ultrafiltration", "cartridge_filtration", "reverse_osmosis"]
    assert classic in trains(s)
    assert any("daf" in t for t in trains(s))
    assert all("gac" not in t for t in trains(s))  # RO removes the colour


def test_municipal_plant_has_primary_treatment_nitrogen_removal_and_disinfection():
    s = select("municipal_20000")
    assert list(s.preferred.units) == ["bar_screen", "grit_chamber", "primary_clarifier", "activated_sludge",
                                       "coagulation_flocculation", "secondary_clarifier", "uv"]
    keys = [c.key for c in s.candidates]
    assert keys == ["cas+uv", "mbbr+uv", "mbr+uv", "cas+chlorination"]
    mbr = next(c for c in s.candidates if c.key == "mbr+uv")
    assert list(mbr.units) == ["bar_screen", "grit_chamber", "primary_clarifier", "coagulation_flocculation", "mbr",
                               "uv"]
    assert "denitrification" in s.preferred.reason and "UV" in s.preferred.reason


def test_municipal_plant_outside_a_sensitive_area_needs_no_nutrient_removal():
    s = select_trains(load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "20000 m3/d",
                                         "destination": "surface_water"}).resolved())
    assert "coagulation_flocculation" not in s.preferred.units
    assert "denitrification" not in s.preferred.reason


def test_a_phosphorus_limit_below_one_adds_a_filter_after_the_clarifier():
    s = select_trains(load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "20000 m3/d",
                                         "destination": "surface_water", "targets": {"tp": "0.3 mg/L"}}).resolved())
    assert list(s.preferred.units)[3:] == ["activated_sludge", "coagulation_flocculation", "secondary_clarifier",
                                           "media_filtration", "uv"]
    mbr = next(c for c in s.candidates if c.key.startswith("mbr"))
    assert "media_filtration" not in mbr.units  # the membranes retain the precipitate


def test_small_municipal_plant_skips_primary_settling():
    s = select_trains(load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "800 m3/d",
                                         "destination": "surface_water"}).resolved())
    assert "primary_clarifier" not in s.preferred.units
    assert s.preferred.key.startswith("mbbr")


def test_brackish_groundwater_to_drinking_water_is_cartridge_ro_blend_and_chlorine():
    s = select("brackish_to_drinking")
    assert trains(s) == [["cartridge_filtration", "reverse_osmosis", "chlorination"]]
    assert s.preferred.blend and s.preferred.ro_feed_type == "brackish"


def test_seawater_offers_media_filtration_or_ultrafiltration_ahead_of_the_ro():
    s = select("seawater_ro_10000")
    assert trains(s) == [["bar_screen", "media_filtration", "cartridge_filtration", "reverse_osmosis", "chlorination"],
                         ["bar_screen", "ultrafiltration", "cartridge_filtration", "reverse_osmosis", "chlorination"]]
    assert s.preferred.ro_feed_type == "seawater"
    assert any("remineralisation" in n for n in s.notes)


def test_boiler_feed_is_filtered_softened_and_desalinated():
    s = select("boiler_feed")
    assert trains(s) == [["media_filtration", "ion_exchange", "cartridge_filtration", "reverse_osmosis"]]


def test_a_high_pressure_boiler_gets_an_ion_exchange_polisher_after_the_ro():
    data = load_requirements(EXAMPLES / "boiler_feed.json").model_dump(mode="json")
    data["destination"] = {"type": "boiler_feed", "boiler_pressure": "80 bar"}
    s = select_trains(load_requirements(data).resolved())
    assert list(s.preferred.units) == ["media_filtration", "ion_exchange", "cartridge_filtration", "reverse_osmosis",
                                       "ion_exchange"]


def test_hard_water_for_a_boiler_is_desalinated_first_and_polished_after():
    # Seawater (6,600 mg/L hardness) cannot be softened by ion exchange ahead of the RO:
    # the RO goes first and a softener polishes the permeate's residual hardness.
    s = select_trains(load_requirements({"sector": "industrial", "subsector": "power", "water_source": "seawater",
                                         "flow": "500 m3/d", "destination": "boiler_feed"}).resolved())
    assert [list(c.units) for c in s.candidates] == [
        ["bar_screen", "media_filtration", "cartridge_filtration", "reverse_osmosis", "ion_exchange"],
        ["bar_screen", "ultrafiltration", "cartridge_filtration", "reverse_osmosis", "ion_exchange"],
    ]
    assert "an ion-exchange softener polishes it" in s.preferred.reason


def test_surface_water_to_drinking_water_offers_conventional_and_membrane_trains():
    s = select_trains(load_requirements({"sector": "municipal", "subsector": "drinking_water",
                                         "water_source": "surface_water", "flow": "10000 m3/d",
                                         "destination": "potable"}).resolved())
    assert trains(s) == [
        ["bar_screen", "coagulation_flocculation", "lamella_clarifier", "media_filtration", "chlorination"],
        ["bar_screen", "coagulation_flocculation", "lamella_clarifier", "ultrafiltration", "chlorination"],
        ["bar_screen", "coagulation_flocculation", "ultrafiltration", "chlorination"],  # 20 NTU: direct UF possible
    ]


def test_a_wastewater_already_within_its_limits_is_only_screened():
    s = select_trains(load_requirements({"sector": "industrial", "subsector": "power", "flow": "300 m3/d",
                                         "destination": "sewer"}).resolved())
    assert trains(s) == [["bar_screen"]]


def test_free_oil_goes_through_a_gravity_separator_first():
    s = select_trains(load_requirements({"sector": "industrial", "subsector": "oil_gas", "flow": "1000 m3/d",
                                         "destination": "sewer"}).resolved())
    assert list(s.preferred.units)[:3] == ["bar_screen", "oil_water_separator", "equalization"]
    assert "daf" in s.preferred.units


def test_a_stricter_target_changes_the_train():
    lenient = select_trains(load_requirements({"sector": "industrial", "subsector": "dairy", "flow": "500 m3/d",
                                               "destination": "sewer"}).resolved())
    strict = select_trains(load_requirements({"sector": "industrial", "subsector": "dairy", "flow": "500 m3/d",
                                              "destination": "sewer", "targets": {"bod": "300 mg/L"}}).resolved())
    assert not any(u in lenient.preferred.units for u in ("activated_sludge", "mbbr", "mbr"))
    assert any(u in strict.preferred.units for u in ("activated_sludge", "mbbr", "mbr"))
    assert "daf" in strict.preferred.units  # FOG is still floated off ahead of the biology


def test_a_forced_train_is_used_as_given_with_its_sludge_units_apart():
    s = select_trains(load_requirements({"sector": "industrial", "subsector": "dairy", "flow": "500 m3/d",
                                         "destination": "sewer",
                                         "forced_train": ["bar_screen", "daf", "sludge_thickening"]}).resolved())
    assert s.forced and len(s.candidates) == 1
    assert s.preferred.units == ("bar_screen", "daf") and s.preferred.sludge_units == ("sludge_thickening",)


@pytest.mark.parametrize("dry, fraction, units, decision", [
    (0.0, 0.0, (), "none"),
    (50.0, 0.01, (), "haul"),  # below 100 kg DS/d: held and hauled
    (500.0, 0.01, ("sludge_dewatering",), "dewater"),  # below 1,000 kg DS/d: straight to dewatering
    (5000.0, 0.008, ("sludge_thickening", "sludge_dewatering"), "thicken_dewater"),
    (5000.0, 0.04, ("sludge_dewatering",), "dewater"),  # DAF float and primary sludge are already thick
])
def test_the_sludge_line_follows_the_solids_produced(dry, fraction, units, decision):
    plan = sludge_line(dry, fraction)
    assert plan.units == units and plan.decision == decision and plan.reason


def test_a_spanish_selection_justifies_its_train_in_spanish():
    s = select_trains(load_requirements({"sector": "municipal", "subsector": "wastewater", "flow": "20000 m3/d",
                                         "destination": "surface_water", "language": "es"}).resolved())
    reason = s.preferred.reason
    assert "El cribado retiene trapos y sólidos gruesos" in reason
    assert "20\u00a0000 m3/d" in reason  # no-break space between thousands and "Screening" not in reason
    assert sludge_line(500.0, 0.01, "es").reason.startswith("500 kg/d de sólidos secos está por debajo de 1\u00a0000 kg/d")
    assert sludge_line(0.0, 0.0, "es").reason == "El tren no produce lodos."
