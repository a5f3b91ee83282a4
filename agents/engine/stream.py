"""Streams: a flow and its quality, passed from unit to unit.

Concentrations are kept in mg/L (organisms per 100 mL, NTU, pH and °C where
they apply). ``MASS_PARAMETERS`` are the ones whose mass flow the balance
checks; the others (pH, temperature, turbidity…) are intensive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .i18n import mark
from .quantities import Q_, Quantity, qjson

# name -> (unit, English label, Spanish label, conserved in the mass balance)
PARAMETERS: dict[str, tuple[str, str, str, bool]] = {
    "bod": ("mg/L", "BOD5", "DBO5", False),
    "cod": ("mg/L", "COD", "DQO", False),
    "tss": ("mg/L", "TSS", "SST", True),
    "tds": ("mg/L", "TDS", "SDT", True),
    "fog": ("mg/L", "Fats, oils and grease", "Grasas y aceites", False),
    "tn": ("mg/L", "Total nitrogen", "Nitrógeno total", False),
    "nh4_n": ("mg/L", "Ammonia-N", "N amoniacal", False),
    "no3_n": ("mg/L", "Nitrate-N", "N de nitratos", False),
    "tp": ("mg/L", "Total phosphorus", "Fósforo total", False),
    "ph": ("dimensionless", "pH", "pH", False),
    "temperature": ("degC", "Temperature", "Temperatura", False),
    "turbidity": ("NTU", "Turbidity", "Turbiedad", False),
    "hardness": ("mg/L", "Hardness (as CaCO3)", "Dureza (como CaCO3)", False),
    "alkalinity": ("mg/L", "Alkalinity (as CaCO3)", "Alcalinidad (como CaCO3)", False),
    "silica": ("mg/L", "Silica (SiO2)", "Sílice (SiO2)", False),
    "iron": ("mg/L", "Iron", "Hierro", False),
    "manganese": ("mg/L", "Manganese", "Manganeso", False),
    "metals": ("mg/L", "Heavy metals (total)", "Metales pesados (total)", False),
    "boron": ("mg/L", "Boron", "Boro", False),
    "chloride": ("mg/L", "Chloride", "Cloruros", False),
    "sulfate": ("mg/L", "Sulfate", "Sulfatos", False),
    "toc": ("mg/L", "TOC", "COT", False),
    "color": ("dimensionless", "Colour (Pt-Co units)", "Color (unidades Pt-Co)", False),
    "coliforms": ("CFU_per_100mL", "Fecal coliforms", "Coliformes fecales", False),
}

MASS_PARAMETERS = tuple(k for k, v in PARAMETERS.items() if v[3])

# Stream kinds as words ("SCR-101 screenings", "liquid sludge hauled"), translated where they are shown.
KIND_WORDS = {
    "water": mark("water"), "sludge": mark("sludge"), "float": mark("float"), "scum": mark("scum"),
    "underflow": mark("underflow"), "filtrate": mark("filtrate"), "supernatant": mark("supernatant"),
    "centrate": mark("centrate"), "overflow": mark("overflow"), "decant": mark("decant"),
    "concentrate": mark("concentrate"), "reject": mark("reject"), "cake": mark("cake"), "oil": mark("oil"),
    "backwash": mark("backwash"),
}

# Water density used to turn a solids fraction into a sludge volume (sludge ≈ water).
WATER_DENSITY = Q_(1000.0, "kg/m**3")


def parameter_unit(name: str) -> str:
    return PARAMETERS[name][0]


def parameter_label(name: str, language: str = "en") -> str:
    """The parameter's name in ``language`` (Spanish or English)."""
    entry = PARAMETERS[name]
    return entry[2] if language == "es" else entry[1]


@dataclass
class Stream:
    """A stream between two units (or in/out of the plant).

    ``peak_factor`` travels with the stream: equalization flattens it, so
    units downstream of a tank are sized on a smaller peak.
    """

    flow: Quantity
    quality: dict[str, Quantity] = field(default_factory=dict)
    kind: str = "water"  # water, sludge, concentrate, backwash, screenings, grit, oil, reject, permeate
    name: str = ""
    peak_factor: float = 1.0
    id: str = ""
    source: str = ""  # tag of the unit it leaves ("" for the plant influent)
    destination: str = ""  # tag of the unit it enters ("" for a plant outlet)

    def __post_init__(self) -> None:
        self.flow = self.flow.to("m**3/day")

    @property
    def peak_flow(self) -> Quantity:
        return self.flow * self.peak_factor

    def get(self, name: str, default: float | None = None) -> Quantity | None:
        if name in self.quality:
            return self.quality[name]
        return None if default is None else Q_(default, parameter_unit(name))

    def mass_flow(self, name: str) -> Quantity:
        """Load of a concentration parameter, kg/d (zero if the parameter is unknown)."""
        c = self.quality.get(name)
        if c is None:
            return Q_(0.0, "kg/day")
        return (self.flow * c).to("kg/day")

    def derive(self, *, flow: Quantity | None = None, kind: str | None = None, name: str | None = None,
               peak_factor: float | None = None, **quality: Quantity | None) -> "Stream":
        """A new stream with some values changed (``None`` drops a parameter)."""
        q = dict(self.quality)
        for key, value in quality.items():
            if value is None:
                q.pop(key, None)
            else:
                q[key] = value.to(parameter_unit(key)) if key in PARAMETERS else value
        return replace(
            self,
            flow=flow if flow is not None else self.flow,
            quality=q,
            kind=kind or self.kind,
            name=name if name is not None else self.name,
            peak_factor=self.peak_factor if peak_factor is None else peak_factor,
            id="",
            source="",
            destination="",
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "from": self.source or None,
            "to": self.destination or None,
            "flow": qjson(self.flow, "m3/d"),
            "quality": {k: qjson(v) for k, v in self.quality.items()},
        }


def sludge_stream(solids: Quantity, solids_fraction: float, *, kind: str = "sludge", name: str = "",
                  base: Stream | None = None) -> Stream:
    """A sludge stream carrying ``solids`` (kg/d dry) at a solids fraction (0.005 = 0.5 %)."""
    solids = solids.to("kg/day")
    flow = (solids / (solids_fraction * WATER_DENSITY)).to("m**3/day") if solids.magnitude > 0 else Q_(0.0, "m**3/day")
    quality = dict(base.quality) if base is not None else {}
    if flow.magnitude > 0:
        quality["tss"] = (solids / flow).to("mg/L")
    else:
        quality["tss"] = Q_(0.0, "mg/L")
    return Stream(flow=flow, quality=quality, kind=kind, name=name)
