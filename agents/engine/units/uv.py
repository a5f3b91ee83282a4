"""UV disinfection with low-pressure high-output lamps.

The lamp power follows from a radiometric balance: in a reactor whose
water absorbs the UV, the volume-averaged dose is the UV power absorbed by
the water over (absorption coefficient × flow),
    D_avg = P_UV·f_abs / (Q·a),  a = ln(10)·A254,  f_abs = 1 − 10^(−A254·L),
so the electrical power for a reduction equivalent dose D at the peak flow is
    P = D·Q·a / (f_abs·η_UVC·T_sleeve·EOLL·F_fouling·η_RED)
with the lamp efficiency, sleeve transmittance, end-of-lamp-life and fouling
factors of the USEPA UVDGM (2006) and the RED/average dose ratio η_RED.
Lamps = P / lamp power; reactors in parallel with a standby; lamp
replacement as a yearly cost; coliform log inactivation from the dose with
a tailing limit.
"""

from __future__ import annotations

import math

from ..quantities import Q_
from ..stream import Stream
from .base import UnitProcess, register

LN10 = math.log(10.0)
HOURS_PER_YEAR = Q_(8760.0, "hour/year")
# Destinations and the criteria that set their dose and UV transmittance.
USE = {"potable": "potable", "boiler_feed": "potable", "irrigation_reuse": "reuse", "industrial_reuse": "reuse"}


@register
class UVDisinfection(UnitProcess):
    type = "uv"
    tag_prefix = "UV"

    def size(self, influent: Stream) -> None:
        q, q_peak = influent.flow, influent.peak_flow
        self.packaged = q < self.c("packaged_below").quantity
        use = USE.get(self.ctx.destination, "discharge")
        dose, uvt = self.c(f"dose_{use}"), self.c(f"uvt_{use}")
        layer = self.c("water_layer")
        absorbance = self.calc("A254", "UV absorbance at 254 nm (1 cm)", "A254 = −log10(UVT)", {"UVT": uvt},
                               Q_(-math.log10(uvt.m), "1/cm"))
        a = self.calc("a", "Napierian absorption coefficient", "a = ln(10)·A254", {"A254": (absorbance, "calculated")},
                      absorbance * LN10, unit="1/m")
        f_abs = self.calc("f_abs", "Fraction of the UV absorbed in the water layer", "f_abs = 1 − 10^(−A254·L)",
                          {"A254": (absorbance, "calculated"), "L": layer},
                          Q_(1.0 - 10 ** (-(absorbance * layer.quantity).to("").magnitude), ""))
        eta = self.c("uvc_efficiency").m * self.c("sleeve_transmittance").m * self.c("end_of_lamp_life_factor").m \
            * self.c("fouling_factor").m * self.c("dose_delivery_efficiency").m
        power = self.calc("P_UV", "Lamp electrical power for the design dose at peak flow",
                          "P = D·Q_peak·a / (f_abs·η_UVC·T_sleeve·EOLL·F·η_RED)",
                          {"D": dose, "Q_peak": (q_peak, "influent peak"), "a": (a, "calculated"),
                           "f_abs": (f_abs, "calculated"), "η_UVC": self.c("uvc_efficiency"),
                           "T_sleeve": self.c("sleeve_transmittance"), "EOLL": self.c("end_of_lamp_life_factor"),
                           "F": self.c("fouling_factor"), "η_RED": self.c("dose_delivery_efficiency")},
                          dose.quantity * q_peak * a / (f_abs.magnitude * eta), unit="kW")
        lamp = self.c("lamp_power")
        lamps = math.ceil((power / lamp.quantity).to("").magnitude - 1e-9)
        per_max = self.c("max_lamps_per_reactor")
        duty = self.parallel_trains(Q_(lamps, ""), per_max, "duty UV reactors")
        per_reactor = math.ceil(lamps / duty)
        standby = int(self.c("standby_reactors").m)
        self.calc("N_lamps", "Lamps per reactor", "n = ⌈(P/P_lamp)/N⌉",
                  {"P": (power, "calculated"), "P_lamp": lamp, "N": (Q_(duty, ""), "calculated")},
                  Q_(per_reactor, ""))
        total_lamps = per_reactor * (duty + standby)
        self.add_sizing("dose", "Design UV dose (RED)", dose.quantity, "mJ/cm**2")
        self.add_sizing("uvt", "Design UV transmittance (254 nm, 1 cm)", Q_(uvt.m, ""))
        self.add_sizing("power_required", "Lamp power required at peak flow", power)
        self.add_sizing("reactors", "UV reactors (duty + standby)", Q_(duty + standby, ""))
        self.add_sizing("lamps", "Lamps installed", Q_(total_lamps, ""))
        self.add_sizing("lamps_per_reactor", "Lamps per reactor", Q_(per_reactor, ""))
        installed = (lamp.quantity * total_lamps).to("kW")
        duty_power = (lamp.quantity * per_reactor * duty).to("kW")
        # Lamps dim with flow and UVT down to the ballast's minimum setting.
        average = self.calc("P_avg", "Average lamp power", "P_avg = max(P·Q/Q_peak, d_min·P_duty)",
                            {"P": (power, "calculated"), "Q": (q, "influent"), "Q_peak": (q_peak, "influent peak"),
                             "d_min": self.c("min_dimming"), "P_duty": (duty_power, "calculated")},
                            max(power * (q / q_peak).to("").magnitude, duty_power * self.c("min_dimming").m),
                            unit="kW")
        self.add_sizing("energy", "Specific energy", self.calc(
            "E", "Specific energy at average flow", "E = P_avg/Q", {"P_avg": (average, "calculated"),
                                                                    "Q": (q, "influent")}, average / q, unit="kWh/m**3"))
        kind = self.t("closed-vessel") if use != "discharge" else self.t("open-channel bank")
        self.add_equipment("-01", self.t("UV reactor, {kind}, {lamps} LPHO lamps of {watts:g} W, automatic sleeve wiping",
                                         kind=kind, lamps=per_reactor, watts=lamp.quantity.magnitude),
                           quantity=duty + standby, standby=standby,
                           capacity=(q_peak / duty).to("m**3/hour"), power=lamp.quantity * per_reactor,
                           material="AISI 316L stainless steel")
        self.add_equipment("-02", "On-line UVT analyser and UV intensity sensors", quantity=1, material="")
        self.add_power("UV lamps and ballasts", installed, average)
        self._reactor_flow, self._lamp_kw = (q_peak / duty).to("m**3/hour"), installed

        self.effluent = influent.derive()
        n0 = influent.get("coliforms")
        if n0 is not None:
            lrv = self.calc("LRV", "Coliform log inactivation", "LRV = min(D/D_log, LRV_max)",
                            {"D": dose, "D_log": self.c("dose_per_log_coliform"), "LRV_max": self.c("max_log_coliform")},
                            Q_(min((dose.quantity / self.c("dose_per_log_coliform").quantity).to("").magnitude,
                                   self.c("max_log_coliform").m), ""))
            # Set on the stream directly: Stream.derive cannot convert to the "CFU/(100 mL)" unit text.
            self.effluent.quality["coliforms"] = n0 * 10 ** (-lrv.magnitude)
            self.removals["coliforms"] = 1.0 - 10 ** (-lrv.magnitude)
        if use == "potable":
            self.note("The dose covers 3-log Cryptosporidium (12 mJ/cm2) and Giardia (11 mJ/cm2) per the "
                      "UVDGM; viruses need chlorine (4-log by UV would take 186 mJ/cm2).")
        if self.packaged:
            self.note("Average flow {q:,.0f} m3/d is below {limit:g} m3/d: packaged closed-vessel units are used.",
                      q=q.magnitude, limit=self.c("packaged_below").quantity.magnitude)

    def cost(self) -> None:
        n = int(self.sizing["reactors"].quantity.magnitude)
        self.curve_cost("reactor", self._reactor_flow, count=n)
        self.curve_cost("lamps", self._lamp_kw)
        lamps = self.sizing["lamps"].quantity
        life, price = self.c("lamp_life"), self.c("lamp_price")
        annual = self.calc("C_repl", "Lamp replacement (yearly)", "C = N_lamps·(8760 h/y / life)·price",
                           {"N_lamps": (lamps, "calculated"), "life": life, "price": price},
                           lamps.magnitude * HOURS_PER_YEAR / life.quantity * price.quantity, unit="USD/year")
        self.add_opex("replacement", self.t("UV lamp replacement every {life:,.0f} h", life=life.quantity.magnitude), annual)
