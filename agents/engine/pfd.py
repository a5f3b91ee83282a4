"""The process flow as a graph, and a process flow diagram (SVG) drawn from it.

``process_graph`` is the drawing data every later drawing reads (P&ID,
layout): nodes are the units (tag, type, name, line, key sizes, equipment,
power) plus the plant's inlet and outlets; edges are the streams (id, flow,
key quality, kind, from, to).

``render_pfd_svg`` draws the PFD: the water line left to right, the sludge
line below it, side streams (concentrate, backwash, oil, cake) to labelled
outlets, returns (filtrate, supernatant) back to the head of the works; each
unit as a simple symbol with its tag and name; stream numbers on the lines;
a stream table under the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable
from xml.sax.saxutils import escape

from .i18n import local_number
from .quantities import qjson, round_sig
from .report import plant_words, raw_influent
from .stream import parameter_label, parameter_unit

if TYPE_CHECKING:
    from .model import Design
    from .stream import Stream
    from .units.base import UnitProcess

INLET = "INLET"
# Quality shown on the edges and in the stream table.
KEY_QUALITY = ("tss", "bod", "cod", "tds", "fog", "tn", "tp")
# Sizing entries preferred as a unit's "key sizes" (the first found, up to three; else the first three).
KEY_SIZES = ("volume", "surface_area", "area", "diameter", "membrane_area", "filter_area", "channel_width",
             "length", "width", "depth", "vessels", "elements", "lamps", "detention_time")

WATER_KINDS = ("water", "permeate", "effluent", "filtrate", "supernatant", "centrate")
SLUDGE_KINDS = ("sludge", "cake", "scum", "float")

TEXT = {
    "en": {
        "title": "Process flow diagram", "influent": "Influent", "treated": "Treated water",
        "return": "Return to head of works", "to_disposal": "to disposal", "stream": "Stream",
        "description": "Description", "from_to": "From → to", "flow": "Flow m3/d", "legend_water": "Water line",
        "legend_sludge": "Sludge line", "legend_side": "Side stream", "legend_return": "Return",
        "sludge_line": "Sludge line", "water_line": "Water line", "cake": "Cake", "sludge": "Sludge",
        "concentrate": "Concentrate", "backwash": "Backwash water", "oil": "Oil", "reject": "Reject",
        "filtrate": "Filtrate", "residual": "to", "plant": "plant", "effluent_of": "{tag} effluent",
        "side_of": "{tag} {what}", "supernatant": "Supernatant", "centrate": "Centrate", "permeate": "Permeate",
        "scum": "Scum", "float": "Float", "water": "Water", "screenings": "Screenings", "grit": "Grit",
        "landfill": "landfill",
    },
    "es": {
        "title": "Diagrama de flujo de proceso", "influent": "Afluente", "treated": "Agua tratada",
        "return": "Retorno a cabecera", "to_disposal": "a disposición final", "stream": "Corriente",
        "description": "Descripción", "from_to": "De → a", "flow": "Caudal m3/d", "legend_water": "Línea de agua",
        "legend_sludge": "Línea de lodos", "legend_side": "Corriente lateral", "legend_return": "Retorno",
        "sludge_line": "Línea de lodos", "water_line": "Línea de agua", "cake": "Torta", "sludge": "Lodo",
        "concentrate": "Concentrado", "backwash": "Agua de retrolavado", "oil": "Aceite", "reject": "Rechazo",
        "filtrate": "Filtrado", "residual": "a", "plant": "planta", "effluent_of": "Efluente {tag}",
        "side_of": "{What} {tag}", "supernatant": "Sobrenadante", "centrate": "Centrado", "permeate": "Permeado",
        "scum": "Espumas", "float": "Flotado", "water": "Agua", "screenings": "Residuos de cribado", "grit": "Arenas",
        "landfill": "relleno sanitario",
    },
}

COLOURS = {"water": "#1f5fa8", "sludge": "#8a5a2b", "side": "#7c3aed", "return": "#6b7280", "ink": "#1f2937",
           "fill": "#eef4fb", "sludge_fill": "#f6efe6", "muted": "#6b7280", "grid": "#d1d5db"}


# -- graph ---------------------------------------------------------------------


def _unit_name(u: "UnitProcess", language: str) -> str:
    if language == u.ctx.language:
        return u.name
    names = u.data.get("name") if isinstance(u.data, dict) else None
    return names.get(language, names.get("en", u.name)) if isinstance(names, dict) else u.name


def _key_sizes(u: "UnitProcess") -> list[dict[str, Any]]:
    keys = [k for k in KEY_SIZES if k in u.sizing][:3] or list(u.sizing)[:3]
    return [{"key": k, "description": u.sizing[k].description, **qjson(u.sizing[k].quantity, digits=4)} for k in keys]


def _sludge_line(design: "Design") -> set[str]:
    return {u.tag for u in design.units[len(design.train):]}


def process_graph(design: "Design", language: str | None = None) -> dict[str, Any]:
    """Nodes (units, the inlet, the outlets) and edges (streams) of the design."""
    language = language or design.ctx.language
    sludge = _sludge_line(design)
    nodes: list[dict[str, Any]] = [{"id": INLET, "kind": "inlet", "name": TEXT.get(language, TEXT["en"])["influent"]}]
    for order, u in enumerate(design.units):
        nodes.append({
            "id": u.tag, "kind": "unit", "tag": u.tag, "type": u.type, "name": _unit_name(u, language),
            "line": "sludge" if u.tag in sludge else "water", "order": order, "trains": u.trains,
            "packaged": u.packaged, "key_sizes": _key_sizes(u),
            "equipment": [{"tag": e.tag, "description": e.description, "quantity": e.quantity, "standby": e.standby}
                          for e in u.equipment],
            "installed_power": qjson(u.installed_power, "kW"),
            "residuals": [{"kind": r["kind"], "disposal": r["disposal"], "mass": qjson(r["mass"], "kg/d")}
                          for r in u.residuals],
        })
    edges = []
    for s in design.streams:
        target = s.destination or f"OUT-{s.id}"
        if not s.destination:
            nodes.append({"id": target, "kind": "outlet", "stream_kind": s.kind, "name": _outlet_label(s, design, language)})
        edges.append({
            "id": s.id, "from": s.source or INLET, "to": target, "kind": s.kind, "name": s.name,
            "flow": qjson(s.flow, "m3/d"),
            "quality": {p: qjson(s.quality[p]) for p in KEY_QUALITY if p in s.quality},
        })
    return {"nodes": nodes, "edges": edges}


def _outlet_label(s: "Stream", design: "Design", language: str) -> str:
    t = TEXT.get(language, TEXT["en"])
    if s.kind in WATER_KINDS and s.source == (design.units[len(design.train) - 1].tag if design.train else ""):
        return t["treated"]
    return f"{t.get(s.kind, s.kind.capitalize())} {t['to_disposal']}"


# -- symbols -------------------------------------------------------------------

W, H = 96, 64  # symbol box


def _tank(x: float, y: float, fill: str) -> str:
    return (f'<path d="M{x - W / 2},{y - H / 2 + 8} V{y + H / 2} H{x + W / 2} V{y - H / 2 + 8}" '
            f'fill="{fill}" stroke="currentColor" stroke-width="1.6"/>'
            f'<path d="M{x - W / 2 + 4},{y - H / 2 + 16} q8,-4 16,0 t16,0 t16,0 t16,0 t16,0 t12,0" fill="none" '
            f'stroke="currentColor" stroke-width="0.8" opacity="0.7"/>')


def _vessel(x: float, y: float, fill: str, w: float = 44) -> str:
    return (f'<rect x="{x - w / 2}" y="{y - H / 2}" width="{w}" height="{H}" rx="{w / 2 * 0.6}" fill="{fill}" '
            f'stroke="currentColor" stroke-width="1.6"/>')


def _sym_screen(x: float, y: float, fill: str) -> str:
    bars = "".join(f'<line x1="{x - 24 + i * 8}" y1="{y - 22}" x2="{x - 16 + i * 8}" y2="{y + 22}" stroke="currentColor" '
                   f'stroke-width="1.4"/>' for i in range(6))
    return (f'<rect x="{x - W / 2}" y="{y - 26}" width="{W}" height="52" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/>{bars}')


def _sym_grit(x: float, y: float, fill: str) -> str:
    return (f'<path d="M{x - 36},{y - 26} H{x + 36} V{y} L{x + 8},{y + 28} H{x - 8} L{x - 36},{y} Z" fill="{fill}" '
            f'stroke="currentColor" stroke-width="1.6"/>'
            f'<path d="M{x - 16},{y - 10} a16,8 0 1,0 32,0 a16,8 0 1,0 -32,0" fill="none" stroke="currentColor" '
            f'stroke-width="1"/><path d="M{x + 14},{y - 14} l4,4 l-5,2" fill="none" stroke="currentColor"/>')


def _sym_tank(x: float, y: float, fill: str) -> str:
    return _tank(x, y, fill)


def _sym_mixer(x: float, y: float, fill: str) -> str:
    return (_tank(x, y, fill) + f'<line x1="{x}" y1="{y - H / 2 - 6}" x2="{x}" y2="{y + 14}" stroke="currentColor" '
            f'stroke-width="1.6"/><path d="M{x - 14},{y + 10} h28 M{x - 14},{y + 18} h28" stroke="currentColor" '
            f'stroke-width="2.4"/><rect x="{x - 7}" y="{y - H / 2 - 14}" width="14" height="9" fill="white" '
            f'stroke="currentColor"/>')


def _sym_daf(x: float, y: float, fill: str) -> str:
    bubbles = "".join(f'<circle cx="{x - 34 + (i % 6) * 13 + (i // 6) * 6}" cy="{y + 18 - (i // 6) * 14}" r="2.4" '
                      f'fill="none" stroke="currentColor" stroke-width="0.9"/>' for i in range(14))
    return (_tank(x, y, fill) + bubbles +
            f'<path d="M{x - 40},{y - H / 2 + 12} h80" stroke="currentColor" stroke-width="3" opacity="0.45"/>')


def _sym_clarifier(x: float, y: float, fill: str) -> str:
    return (f'<path d="M{x - W / 2},{y - 24} H{x + W / 2} V{y + 6} L{x + 8},{y + 30} H{x - 8} L{x - W / 2},{y + 6} Z" '
            f'fill="{fill}" stroke="currentColor" stroke-width="1.6"/>'
            f'<line x1="{x}" y1="{y - 30}" x2="{x}" y2="{y + 22}" stroke="currentColor" stroke-width="1.4"/>'
            f'<path d="M{x - 40},{y + 6} L{x},{y + 24} L{x + 40},{y + 6}" fill="none" stroke="currentColor" '
            f'stroke-width="1" stroke-dasharray="3 2"/>'
            f'<rect x="{x - 10}" y="{y - 22}" width="20" height="18" fill="none" stroke="currentColor" stroke-width="1"/>')


def _sym_lamella(x: float, y: float, fill: str) -> str:
    plates = "".join(f'<line x1="{x - 30 + i * 10}" y1="{y + 10}" x2="{x - 14 + i * 10}" y2="{y - 16}" '
                     f'stroke="currentColor" stroke-width="1.2"/>' for i in range(6))
    return (f'<path d="M{x - W / 2},{y - 26} H{x + W / 2} V{y + 8} L{x + 10},{y + 30} H{x - 10} L{x - W / 2},{y + 8} Z" '
            f'fill="{fill}" stroke="currentColor" stroke-width="1.6"/>{plates}')


def _sym_aeration(x: float, y: float, fill: str) -> str:
    diffusers = "".join(f'<circle cx="{x - 36 + i * 12}" cy="{y + 22}" r="3" fill="currentColor"/>'
                        f'<circle cx="{x - 34 + i * 12}" cy="{y + 8}" r="1.8" fill="none" stroke="currentColor"/>'
                        f'<circle cx="{x - 37 + i * 12}" cy="{y - 4}" r="1.6" fill="none" stroke="currentColor"/>'
                        for i in range(7))
    return _tank(x, y, fill) + diffusers


def _sym_mbbr(x: float, y: float, fill: str) -> str:
    carriers = "".join(f'<rect x="{x - 38 + (i % 7) * 11}" y="{y - 6 + (i // 7) * 14}" width="6" height="6" '
                       f'transform="rotate(30 {x - 35 + (i % 7) * 11} {y - 3 + (i // 7) * 14})" fill="none" '
                       f'stroke="currentColor"/>' for i in range(14))
    return _tank(x, y, fill) + carriers


def _sym_mbr(x: float, y: float, fill: str) -> str:
    modules = "".join(f'<rect x="{x - 24 + i * 12}" y="{y - 12}" width="7" height="30" fill="white" '
                      f'stroke="currentColor" stroke-width="1"/>' for i in range(5))
    return _tank(x, y, fill) + modules + f'<path d="M{x - 24},{y - 16} h55" stroke="currentColor" stroke-width="1.4"/>'


def _sym_filter(x: float, y: float, fill: str, dots: bool = False) -> str:
    layers = (f'<rect x="{x - 20}" y="{y - 2}" width="40" height="22" fill="url(#media)" stroke="none"/>'
              if not dots else
              "".join(f'<circle cx="{x - 16 + (i % 5) * 8}" cy="{y + 2 + (i // 5) * 7}" r="2.2" fill="currentColor"/>'
                      for i in range(15)))
    return _vessel(x, y, fill) + layers + f'<line x1="{x - 22}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="currentColor"/>'


def _sym_gac(x: float, y: float, fill: str) -> str:
    return _sym_filter(x, y, fill, dots=True)


def _sym_ix(x: float, y: float, fill: str) -> str:
    beads = "".join(f'<circle cx="{x - 16 + (i % 5) * 8}" cy="{y + 2 + (i // 5) * 7}" r="2.6" fill="none" '
                    f'stroke="currentColor"/>' for i in range(15))
    return _vessel(x, y, fill) + beads


def _sym_cartridge(x: float, y: float, fill: str) -> str:
    pleats = "".join(f'<line x1="{x - 10 + i * 5}" y1="{y - 18}" x2="{x - 10 + i * 5}" y2="{y + 22}" '
                     f'stroke="currentColor" stroke-width="0.8"/>' for i in range(5))
    return (f'<rect x="{x - 18}" y="{y - 28}" width="36" height="58" rx="6" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/><path d="M{x - 22},{y - 24} h44" stroke="currentColor" stroke-width="2.5"/>{pleats}')


def _sym_membrane(x: float, y: float, fill: str) -> str:
    # The PFD membrane symbol: a module with a diagonal membrane line, two stacked for UF/RO racks.
    out = ""
    for dy in (-15, 15):
        out += (f'<rect x="{x - 42}" y="{y + dy - 11}" width="84" height="22" rx="11" fill="{fill}" '
                f'stroke="currentColor" stroke-width="1.5"/>'
                f'<line x1="{x - 34}" y1="{y + dy + 9}" x2="{x + 34}" y2="{y + dy - 9}" stroke="currentColor" '
                f'stroke-width="1"/>')
    return out


def _sym_uv(x: float, y: float, fill: str) -> str:
    lamps = ""
    for i in range(3):
        cx = x - 24 + i * 24
        lamps += (f'<circle cx="{cx}" cy="{y + 2}" r="6" fill="white" stroke="currentColor" stroke-width="1.2"/>'
                  + "".join(f'<line x1="{cx + 8 * dx}" y1="{y + 2 + 8 * dy}" x2="{cx + 12 * dx}" y2="{y + 2 + 12 * dy}" '
                            f'stroke="currentColor" stroke-width="0.9"/>'
                            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, -0.7), (0.7, -0.7), (-0.7, 0.7))))
    return (f'<rect x="{x - W / 2}" y="{y - 24}" width="{W}" height="50" rx="4" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/>{lamps}')


def _sym_chlorine(x: float, y: float, fill: str) -> str:
    baffles = "".join(f'<line x1="{x - 30 + i * 15}" y1="{y + (-26 if i % 2 else 26)}" x2="{x - 30 + i * 15}" '
                      f'y2="{y + (8 if i % 2 else -8)}" stroke="currentColor" stroke-width="1.4"/>' for i in range(5))
    return (f'<rect x="{x - W / 2}" y="{y - 26}" width="{W}" height="52" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/>{baffles}'
            f'<path d="M{x - 40},{y} c6,-10 10,10 16,0 s10,-10 16,0 s10,10 16,0 s10,-10 16,0 s10,10 16,0" fill="none" '
            f'stroke="currentColor" stroke-width="0.8" opacity="0.6"/>')


def _sym_oil_separator(x: float, y: float, fill: str) -> str:
    return (_tank(x, y, fill) +
            f'<rect x="{x - W / 2 + 2}" y="{y - H / 2 + 10}" width="{W - 4}" height="8" fill="currentColor" opacity="0.25"/>'
            f'<line x1="{x - 10}" y1="{y - H / 2 + 2}" x2="{x - 10}" y2="{y + 14}" stroke="currentColor" stroke-width="1.6"/>'
            f'<line x1="{x + 18}" y1="{y - 4}" x2="{x + 18}" y2="{y + H / 2}" stroke="currentColor" stroke-width="1.6"/>')


def _sym_thickener(x: float, y: float, fill: str) -> str:
    return (f'<path d="M{x - 40},{y - 22} H{x + 40} V{y} L{x + 8},{y + 28} H{x - 8} L{x - 40},{y} Z" fill="{fill}" '
            f'stroke="currentColor" stroke-width="1.6"/><line x1="{x}" y1="{y - 30}" x2="{x}" y2="{y + 20}" '
            f'stroke="currentColor" stroke-width="1.4"/>'
            + "".join(f'<line x1="{x - 4 - i * 6}" y1="{y - 14 + i * 6}" x2="{x - 4 - i * 6}" y2="{y - 4 + i * 6}" '
                      f'stroke="currentColor"/><line x1="{x + 4 + i * 6}" y1="{y - 14 + i * 6}" x2="{x + 4 + i * 6}" '
                      f'y2="{y - 4 + i * 6}" stroke="currentColor"/>' for i in range(3)))


def _sym_dewatering(x: float, y: float, fill: str) -> str:
    # Belt press / screw press shorthand: two rollers with the belt and a cake chute.
    return (f'<rect x="{x - W / 2}" y="{y - 24}" width="{W}" height="42" rx="4" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/><circle cx="{x - 22}" cy="{y - 3}" r="11" fill="white" stroke="currentColor" '
            f'stroke-width="1.4"/><circle cx="{x + 22}" cy="{y - 3}" r="11" fill="white" stroke="currentColor" '
            f'stroke-width="1.4"/><path d="M{x - 22},{y - 14} H{x + 22} M{x - 22},{y + 8} H{x + 22}" stroke="currentColor" '
            f'stroke-width="1.4"/><path d="M{x + 30},{y + 18} l8,12 h-20 z" fill="currentColor" opacity="0.5"/>')


def _sym_default(x: float, y: float, fill: str) -> str:
    return (f'<rect x="{x - W / 2}" y="{y - H / 2}" width="{W}" height="{H}" rx="8" fill="{fill}" stroke="currentColor" '
            f'stroke-width="1.6"/>')


SYMBOLS: dict[str, Callable[[float, float, str], str]] = {
    "bar_screen": _sym_screen, "grit_chamber": _sym_grit, "equalization": _sym_tank,
    "oil_water_separator": _sym_oil_separator, "daf": _sym_daf, "coagulation_flocculation": _sym_mixer,
    "primary_clarifier": _sym_clarifier, "secondary_clarifier": _sym_clarifier, "lamella_clarifier": _sym_lamella,
    "activated_sludge": _sym_aeration, "mbbr": _sym_mbbr, "mbr": _sym_mbr, "media_filtration": _sym_filter,
    "gac": _sym_gac, "cartridge_filtration": _sym_cartridge, "ultrafiltration": _sym_membrane,
    "reverse_osmosis": _sym_membrane, "ion_exchange": _sym_ix, "uv": _sym_uv, "chlorination": _sym_chlorine,
    "sludge_thickening": _sym_thickener, "sludge_dewatering": _sym_dewatering,
}


# Half-width of the symbols narrower than the symbol box, so that lines meet their outline.
HALF_WIDTH = {"media_filtration": 22, "gac": 22, "ion_exchange": 22, "cartridge_filtration": 18, "grit_chamber": 36,
              "sludge_thickening": 40, "reverse_osmosis": 42, "ultrafiltration": 42}


def _half(unit_type: str) -> float:
    return HALF_WIDTH.get(unit_type, W / 2)


# -- layout and drawing ----------------------------------------------------------


@dataclass
class _Pos:
    x: float
    y: float
    line: str  # water or sludge


def _wrap(text: str, width: int = 18, lines: int = 2) -> list[str]:
    words, out, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return out


def _fmt_number(value: float, language: str = "en") -> str:
    """A number for the diagram: three significant digits, in the language's separators (1,420 / 1 420)."""
    if value == 0:
        return "0"
    v = round_sig(value, 3)
    return local_number(f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}", language)


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, svg: str) -> None:
        self.parts.append(svg)

    def text(self, x: float, y: float, text: str, *, size: float = 11, anchor: str = "middle", weight: str = "normal",
             colour: str = COLOURS["ink"], cls: str = "") -> None:
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
                 f'fill="{colour}"{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{escape(text)}</text>')

    def path(self, points: list[tuple[float, float]], colour: str, *, dashed: bool = False, arrow: bool = True,
             width: float = 1.8) -> None:
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        marker = f' marker-end="url(#arrow-{_marker(colour)})"' if arrow else ""
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        self.add(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}{marker}/>')

    def stream_tag(self, x: float, y: float, sid: str, colour: str) -> None:
        w = 8 + 6.5 * len(sid)
        self.add(f'<rect x="{x - w / 2:.1f}" y="{y - 8:.1f}" width="{w:.1f}" height="16" rx="8" fill="white" '
                 f'stroke="{colour}" stroke-width="1.2"/>')
        self.text(x, y + 4, sid, size=10, weight="bold", colour=colour)


def _marker(colour: str) -> str:
    return colour.lstrip("#")


def _kind_colour(kind: str) -> str:
    if kind in SLUDGE_KINDS:
        return COLOURS["sludge"]
    if kind in WATER_KINDS:
        return COLOURS["water"]
    return COLOURS["side"]


def render_pfd_svg(design: "Design", language: str = "en") -> str:
    """A process flow diagram of the design as a standalone SVG document."""
    t = TEXT.get(language, TEXT["en"])
    graph = process_graph(design, language)
    names = {n["id"]: n for n in graph["nodes"]}
    main = design.units[:len(design.train)]
    sludge = design.units[len(design.train):]
    by_tag = {u.tag: u for u in design.units}

    dx, left, top = 176, 224, 112
    main_y = top + 78
    header_y = main_y + 118  # sludge collection header
    sludge_y = header_y + 92
    pos: dict[str, _Pos] = {u.tag: _Pos(left + i * dx, main_y, "water") for i, u in enumerate(main)}
    # The sludge line starts under the first unit that sends it sludge.
    first_source = min((i for i, u in enumerate(main) for s in design.streams
                        if s.source == u.tag and s.destination in {v.tag for v in sludge}), default=0)
    for j, u in enumerate(sludge):
        pos[u.tag] = _Pos(left + (first_source + j) * dx, sludge_y, "sludge")
    right_x = max((p.x for p in pos.values()), default=left) + W / 2
    width = right_x + 270

    returns = [s for s in design.streams if s.source in pos and s.destination in pos
               and pos[s.source].line == "sludge" and pos[s.destination].line == "water"]
    return_y0 = (sludge_y if sludge else main_y) + H / 2 + 78
    return_x = left - W / 2 - 30
    diagram_bottom = (return_y0 + 18 * (len(returns) - 1) + 30 if returns
                      else (sludge_y if sludge else main_y) + H / 2 + 56)

    c = _Canvas()
    # Title
    # The plant's design flow: the client's water (S1), not the first unit's feed with the returned filtrates.
    flow = raw_influent(design).flow.m_as("m**3/day")
    c.text(24, 34, f"{t['title']}", size=17, anchor="start", weight="bold")
    sector, destination = plant_words(design, language)
    subtitle = f"{sector} · {destination} · {_fmt_number(flow, language)} m3/d".replace("_", " ")
    c.text(24, 54, subtitle, size=11, anchor="start", colour=COLOURS["muted"])
    _legend(c, width - 24, 26, t)

    outlet_slots: dict[str, int] = {}
    residual_drawn: set[str] = set()
    tag_positions: list[tuple[float, float, str, str]] = []

    # Streams first, so the symbols sit on top of the line ends.
    for s in design.streams:
        colour = _kind_colour(s.kind)
        src = pos.get(s.source)
        dst = pos.get(s.destination)
        if src is None and dst is not None:  # plant influent
            start = (dst.x - W / 2 - 150, dst.y)
            c.path([start, (dst.x - _half(by_tag[s.destination].type) - 2, dst.y)], COLOURS["water"])
            c.text(start[0], dst.y - 12, t["influent"], size=11, anchor="start", weight="bold", colour=COLOURS["water"])
            tag_positions.append((dst.x - W / 2 - 96, dst.y, s.id, COLOURS["water"]))
        elif src is not None and dst is not None and src.line == dst.line and dst.x > src.x and dst.y == src.y \
                and abs(dst.x - src.x - dx) < 1:
            c.path([(src.x + _half(by_tag[s.source].type), src.y), (dst.x - _half(by_tag[s.destination].type) - 2, dst.y)],
                   colour)
            tag_positions.append(((src.x + dst.x) / 2, src.y, s.id, colour))
        elif src is not None and dst is not None and src.line == "water" and dst.line == "sludge":
            # Leaves by the lower right corner, clear of the main line and of the unit's label.
            drop = src.x + W / 2 + 16
            pts = [(src.x + W / 2, src.y + H / 2 - 8), (drop, src.y + H / 2 - 8), (drop, header_y),
                   (dst.x - 10, header_y), (dst.x - 10, dst.y - H / 2 - 2)]
            c.path(pts, colour)
            tag_positions.append((drop, (src.y + H / 2 + header_y) / 2 + 4, s.id, colour))
        elif s in returns:
            k = returns.index(s)
            y_r = return_y0 + 18 * k
            x_end = return_x + 12 * k
            # Leaves by the lower left side, clear of the unit's label, and joins the influent line.
            side = src.x - W / 2 - 12
            pts = [(src.x - W / 2, src.y + 16), (side, src.y + 16), (side, y_r), (x_end, y_r), (x_end, dst.y + 1)]
            c.path(pts, COLOURS["return"], dashed=True, arrow=False)
            c.add(f'<circle cx="{x_end:.1f}" cy="{dst.y:.1f}" r="3" fill="{COLOURS["return"]}"/>')
            tag_positions.append((side - 40, y_r, s.id, COLOURS["return"]))
            if k == 0:
                c.text(x_end + 8, y_r + 15 + 18 * (len(returns) - 1), t["return"], size=10, anchor="start",
                       colour=COLOURS["return"])
        elif src is not None and dst is not None:  # any other internal connection: a lane under the line
            y_l = src.y + H / 2 + 26
            pts = [(src.x + 14, src.y + H / 2), (src.x + 14, y_l), (dst.x + 14, y_l), (dst.x + 14, dst.y + H / 2 + 2)]
            c.path(pts, colour, dashed=True)
            tag_positions.append(((src.x + dst.x) / 2 + 14, y_l, s.id, colour))
        elif src is not None:  # to a plant outlet
            label = names[f"OUT-{s.id}"]["name"]
            last_water = src.line == "water" and s.kind in WATER_KINDS and main and s.source == main[-1].tag
            last_sludge = src.line == "sludge" and sludge and s.source == sludge[-1].tag and s.kind in SLUDGE_KINDS
            if last_water or last_sludge:
                end = src.x + W / 2 + 120
                c.path([(src.x + _half(by_tag[s.source].type), src.y), (end, src.y)], colour)
                for i, line in enumerate(_wrap(label, 20)):
                    c.text(end + 6, src.y + 4 + i * 13, line, size=11, anchor="start", weight="bold", colour=colour)
                tag_positions.append((src.x + W / 2 + 44, src.y, s.id, colour))
            else:
                n = outlet_slots.get(s.source, 0)
                outlet_slots[s.source] = n + 1
                x = src.x + 30 - 20 * n
                down = src.line == "sludge"
                y0 = src.y + (H / 2 if down else -H / 2 - 4)
                y1 = y0 + (46 if down else -50)
                c.path([(x, y0), (x, y1)], colour)
                for i, line in enumerate(_wrap(label, 22)):
                    c.text(x, y1 + (14 + i * 12 if down else -6 - (len(_wrap(label, 22)) - 1 - i) * 12), line,
                           size=10, colour=colour)
                tag_positions.append((x, (y0 + y1) / 2, s.id, colour))

    # Solid residuals (screenings, grit) that leave outside the streams: a short arrow up with a label.
    for u in main:
        for r in u.residuals:
            p = pos[u.tag]
            n = outlet_slots.get(u.tag, 0)
            outlet_slots[u.tag] = n + 1
            x = p.x + 30 - 20 * n
            c.path([(x, p.y - H / 2 - 4), (x, p.y - H / 2 - 40)], COLOURS["side"], width=1.3)
            what = t.get(r["kind"], r["kind"].capitalize())
            c.text(x, p.y - H / 2 - 48, f"{what} {t['residual']} {t.get(r['disposal'], r['disposal'])}", size=10,
                   colour=COLOURS["side"])
            residual_drawn.add(u.tag)

    # Unit symbols with tag and name.
    for u in design.units:
        p = pos[u.tag]
        fill = COLOURS["fill"] if p.line == "water" else COLOURS["sludge_fill"]
        ink = COLOURS["water"] if p.line == "water" else COLOURS["sludge"]
        draw = SYMBOLS.get(u.type, _sym_default)
        c.add(f'<g class="unit" data-tag="{escape(u.tag)}" data-type="{escape(u.type)}" color="{ink}">'
              f'{draw(p.x, p.y, fill)}</g>')
        if u.type not in SYMBOLS:
            c.text(p.x, p.y + 5, u.type.replace("_", " ")[:14], size=10, colour=ink)
        label_y = p.y + H / 2 + 16
        c.text(p.x, label_y, u.tag, size=11, weight="bold")
        for i, line in enumerate(_wrap(names[u.tag]["name"], 19)):
            c.text(p.x, label_y + 13 + i * 12, line, size=10, colour=COLOURS["muted"])
        if u.trains > 1:
            c.text(p.x + W / 2 - 2, p.y - H / 2 - 4, f"×{u.trains}", size=10, anchor="end", weight="bold", colour=ink)

    for x, y, sid, colour in tag_positions:
        c.stream_tag(x, y, sid, colour)

    # Line labels
    c.text(12, main_y - H / 2 - 14, t["water_line"].upper(), size=9, anchor="start", colour=COLOURS["muted"])
    if sludge:
        c.text(12, sludge_y - H / 2 - 14, t["sludge_line"].upper(), size=9, anchor="start", colour=COLOURS["muted"])

    table_top = diagram_bottom + 28
    table_height = _stream_table(c, graph, t, language, 24, table_top, width - 48)
    height = table_top + table_height + 24

    defs = _defs()
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" '
            f'role="img" aria-label="{escape(t["title"])}">'
            f'<title>{escape(t["title"])}</title>{defs}'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(c.parts) + "</svg>")


def _defs() -> str:
    markers = "".join(
        f'<marker id="arrow-{_marker(colour)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        # In a fixed order, not a set's: the same design draws the same bytes in every process (documents are hashed).
        for colour in dict.fromkeys((COLOURS["water"], COLOURS["sludge"], COLOURS["side"], COLOURS["return"])))
    media = ('<pattern id="media" width="6" height="6" patternUnits="userSpaceOnUse">'
             '<path d="M0,6 L6,0" stroke="#8a8f98" stroke-width="1"/></pattern>')
    return f"<defs>{markers}{media}</defs>"


def _legend(c: _Canvas, x_right: float, y: float, t: dict[str, str]) -> None:
    items = [(t["legend_water"], COLOURS["water"], False), (t["legend_sludge"], COLOURS["sludge"], False),
             (t["legend_side"], COLOURS["side"], False), (t["legend_return"], COLOURS["return"], True)]
    advances = [32 + 6.2 * len(label) + 22 for label, _, _ in items]
    xi = x_right - sum(advances)
    for (label, colour, dashed), advance in zip(items, advances):
        c.path([(xi, y), (xi + 26, y)], colour, dashed=dashed, arrow=False, width=2.2)
        c.text(xi + 32, y + 4, label, size=10, anchor="start", colour=COLOURS["ink"])
        xi += advance


# The stream table's quality columns (in mg/L).
_TABLE_PARAMETERS = ("tss", "bod", "cod", "tds")


def _stream_table(c: _Canvas, graph: dict[str, Any], t: dict[str, str], language: str, x: float, y: float,
                  width: float) -> float:
    """The stream table; returns its height."""
    names = {n["id"]: n for n in graph["nodes"]}
    columns = [(t["stream"], 58, "start"), (t["description"], 170, "start"), (t["from_to"], 220, "start"),
               (t["flow"], 84, "end")]
    columns += [(f"{parameter_label(p, language)} {parameter_unit(p)}", 78, "end") for p in _TABLE_PARAMETERS]
    row_h = 17
    width = min(width, sum(w for _, w, _ in columns) + 12)
    c.add(f'<rect x="{x}" y="{y}" width="{width:.0f}" height="{row_h + 4}" fill="#f3f4f6"/>')
    cx = x + 6
    col_x = []
    for title, w, anchor in columns:
        tx = cx if anchor == "start" else cx + w - 8
        col_x.append((tx, anchor))
        c.text(tx, y + 14, title, size=10, anchor=anchor, weight="bold")
        cx += w
    for i, e in enumerate(graph["edges"]):
        ry = y + row_h + 4 + i * row_h
        if i % 2:
            c.add(f'<rect x="{x}" y="{ry}" width="{width:.0f}" height="{row_h}" fill="#fafafa"/>')
        src = e["from"]
        dst = e["to"]
        src_label = t["influent"] if src == INLET else src
        dst_label = names[dst]["name"] if dst.startswith("OUT-") else dst
        description = _describe(e, names, t)
        q = e["quality"]
        cells = [e["id"], description, f"{src_label} → {dst_label}", _fmt_number(e["flow"]["value"], language)]
        cells += [_fmt_number(q[p]["value"], language) if p in q else "–" for p in _TABLE_PARAMETERS]
        for (tx, anchor), value, (_, w, _) in zip(col_x, cells, columns):
            limit = int(w / 6.2)
            text = value if len(value) <= limit else value[: limit - 1] + "…"
            c.text(tx, ry + 13, text, size=10, anchor=anchor,
                   weight="bold" if value == e["id"] else "normal")
    bottom = y + row_h + 4 + len(graph["edges"]) * row_h
    c.add(f'<line x1="{x}" y1="{bottom}" x2="{x + width:.0f}" y2="{bottom}" stroke="{COLOURS["grid"]}"/>')
    return bottom - y


def _describe(edge: dict[str, Any], names: dict[str, dict[str, Any]], t: dict[str, str]) -> str:
    """What a stream is, for the table: the influent, a unit's effluent, or the side stream's own name."""
    src = edge["from"]
    if src == INLET:
        return t["influent"]
    node = names.get(src, {})
    if edge["kind"] in WATER_KINDS and node.get("line") == "water":
        return t["effluent_of"].format(tag=src)
    what = t.get(edge["kind"], edge["kind"].capitalize())
    return t["side_of"].format(tag=src, what=what.lower(), What=what)
