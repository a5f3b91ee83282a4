"""Process graph and PFD drawing, on designs assembled by hand (see test_report.hand_design)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from agents.engine.pfd import INLET, SYMBOLS, process_graph, render_pfd_svg

from .test_report import hand_design

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def wastewater():
    return hand_design("wastewater")


@pytest.fixture(scope="module")
def brackish():
    return hand_design("ro")


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_the_graph_has_a_node_for_every_unit_and_an_edge_for_every_stream(wastewater):
    graph = process_graph(wastewater)
    ids = {n["id"] for n in graph["nodes"]}
    assert {u.tag for u in wastewater.units} | {INLET} <= ids
    assert [e["id"] for e in graph["edges"]] == [s.id for s in wastewater.streams]
    for e in graph["edges"]:
        assert e["from"] in ids and e["to"] in ids
        assert e["flow"]["unit"] == "m3/d" and e["flow"]["value"] > 0


def test_graph_nodes_carry_what_the_pid_and_layout_need(wastewater):
    nodes = {n["id"]: n for n in process_graph(wastewater)["nodes"]}
    screen = nodes["SCR-101"]
    assert screen["type"] == "bar_screen" and screen["line"] == "water"
    assert screen["key_sizes"] and all({"key", "value", "unit"} <= set(k) for k in screen["key_sizes"])
    assert screen["equipment"][0]["tag"] == "SCR-101-01"
    assert screen["residuals"][0]["kind"] == "screenings"
    assert nodes["DEW-101"]["line"] == "sludge"
    outlets = [n for n in nodes.values() if n["kind"] == "outlet"]
    assert {o["stream_kind"] for o in outlets} == {"water", "cake"}
    assert any(o["name"] == "Treated water" for o in outlets)


def test_edges_carry_the_key_quality(wastewater):
    edges = {e["id"]: e for e in process_graph(wastewater)["edges"]}
    assert edges["S1"]["from"] == INLET
    assert edges["S1"]["quality"]["bod"] == {"value": 600.0, "unit": "mg/L"}
    sludge = next(e for e in edges.values() if e["kind"] == "cake")
    assert sludge["to"].startswith("OUT-") and sludge["quality"]["tss"]["value"] > 100_000


def test_the_svg_is_well_formed_and_draws_every_unit_and_stream_number(wastewater):
    svg = render_pfd_svg(wastewater)
    root = ET.fromstring(svg)  # raises on malformed XML
    assert float(root.get("width")) > 800 and float(root.get("height")) > 400
    drawn = {g.get("data-tag") for g in root.iter(f"{SVG}g") if g.get("class") == "unit"}
    assert drawn == {u.tag for u in wastewater.units}
    labels = texts(svg)
    for s in wastewater.streams:
        assert labels.count(s.id) == 2, s.id  # once on the line, once in the stream table
    assert "Treated water" in labels and "Influent" in labels


def test_every_unit_type_of_the_engine_has_a_symbol():
    engine_types = {
        "bar_screen", "grit_chamber", "equalization", "oil_water_separator", "daf", "coagulation_flocculation",
        "primary_clarifier", "lamella_clarifier", "activated_sludge", "mbbr", "mbr", "secondary_clarifier",
        "media_filtration", "gac", "cartridge_filtration", "ultrafiltration", "reverse_osmosis", "ion_exchange", "uv",
        "chlorination", "sludge_thickening", "sludge_dewatering"}
    assert engine_types <= set(SYMBOLS)
    for draw in SYMBOLS.values():
        ET.fromstring(f'<g xmlns="http://www.w3.org/2000/svg">{draw(100, 100, "#fff")}</g>')


def test_the_stream_table_lists_flow_and_quality_per_stream(brackish):
    labels = texts(render_pfd_svg(brackish))
    assert {"Flow m3/d", "TSS mg/L", "BOD5 mg/L", "COD mg/L", "TDS mg/L"} <= set(labels)
    concentrate = next(s for s in brackish.streams if s.kind == "concentrate")
    # RO concentrate: 250 m3/d at 13,800 mg/L TDS (3,500 × 1,000 − 70 × 750) / 250.
    assert "250" in labels and "13,800" in labels
    assert "RO-101 concentrate" in labels
    assert "Concentrate to" in labels or "Concentrate to disposal" in labels
    assert concentrate.destination == ""


def test_the_drawing_speaks_spanish(wastewater):
    labels = texts(render_pfd_svg(wastewater, language="es"))
    assert "Diagrama de flujo de proceso" in labels and "Afluente" in labels and "Agua tratada" in labels
    assert "Caudal m3/d" in labels and "Retorno a cabecera" in labels


def test_a_real_design_is_drawn():
    from .test_report import real_design

    d = real_design()
    svg = render_pfd_svg(d)
    root = ET.fromstring(svg)
    assert {g.get("data-tag") for g in root.iter(f"{SVG}g") if g.get("class") == "unit"} == {u.tag for u in d.units}
    graph = process_graph(d)
    assert len(graph["edges"]) == len(d.streams)


def test_the_header_gives_the_plant_flow_in_the_language_of_the_drawing():
    import json
    from pathlib import Path

    from agents.engine.design import design

    # The first unit treats the client's 1,200 m3/d plus the filtrates returned from the sludge line;
    # the header states the plant's design flow, in the drawing's numbers and words.
    data = json.loads((Path(__file__).resolve().parents[2] / "examples" / "brewery_to_river.json").read_text())
    spanish = design({**data, "language": "es"})
    assert spanish.influent.flow.m_as("m**3/day") > 1_200
    labels = texts(render_pfd_svg(spanish, language="es"))
    assert "industrial / cervecería · vertido a cauce (agua superficial) · 1\u00a0200 m3/d" in labels
    assert "SST mg/L" in labels and "DBO5 mg/L" in labels
    english = texts(render_pfd_svg(design(data), language="en"))
    assert "industrial / brewery · surface water · 1,200 m3/d" in english


def test_the_same_design_draws_the_same_bytes_in_every_process():
    # Documents are stored with their sha256: the drawing must not depend on the process's hash seed.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import hashlib; from agents.engine import design; from agents.engine.pfd import render_pfd_svg; "
            "print(hashlib.sha256(render_pfd_svg(design('examples/brewery_to_river.json')).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
