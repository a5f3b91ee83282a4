#!/usr/bin/env python
"""Engine speed: designs of the example cases and of random requirement sets.

    .venv/bin/python bench/engine.py [--random 500] [--seed 1] [--profile]

Designs every ``examples/*.json`` and N random, valid requirement sets (sector,
subsector, flow, peak factor, strength, destination, country drawn at random;
sector defaults fill the rest), with alternatives off and then on, and prints
the median and p95 time per design and designs per second, plus the time to
write the design JSON. Targets (issue 4): median under 20 ms per design with
alternatives off, under 100 ms with alternatives on. Requirement sets the
engine rejects with a RequirementsError (an impossible target, say) are
counted, not timed; any other exception is an engine bug: it is printed and
the benchmark exits with status 1. ``--profile`` prints where the time goes
(cProfile, cumulative) over the random designs, costing included.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import random
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.engine.design import design  # noqa: E402
from agents.engine.report import design_to_json  # noqa: E402
from agents.engine.requirements import RequirementsError, load_requirements  # noqa: E402

# Strength ranges (mg/L) the random sets draw from, by subsector: the span of
# typical raw wastewater in Metcalf & Eddy 5th ed. Table 3-18 (municipal) and
# of the industrial effluents in the sector data; the rest comes from defaults.
WASTEWATER = {
    "wastewater": {"bod": (110, 400), "tss": (120, 400)},
    "food_beverage": {"bod": (500, 4000), "tss": (200, 1500)},
    "dairy": {"bod": (800, 4000), "tss": (300, 1500)},
    "brewery": {"bod": (1000, 3500), "tss": (200, 1000)},
    "textile": {"bod": (200, 800), "tss": (100, 500)},
    "pulp_paper": {"bod": (200, 1500), "tss": (300, 2000)},
    "chemical": {"bod": (200, 2000), "tss": (100, 800)},
    "pharmaceutical": {"bod": (300, 3000), "tss": (100, 600)},
    "automotive": {"bod": (100, 600), "tss": (100, 600)},
    "livestock": {"bod": (1000, 5000), "tss": (1000, 5000)},
}
WATER = ("drinking_water", "electronics", "power", "mining", "oil_gas", "irrigation")
SECTOR_OF = {
    "wastewater": "municipal", "drinking_water": "municipal", "irrigation": "agricultural", "livestock": "agricultural",
}
COUNTRIES = ("ES", "MX", "CO", "CL", "PE", "AR", "BR", "US", "DE", "IN", "AU", "ZA")


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def random_requirements(rng: random.Random) -> dict[str, Any]:
    subsector = rng.choice(list(WASTEWATER) + list(WATER))
    sector = SECTOR_OF.get(subsector, "industrial")
    data: dict[str, Any] = {
        "sector": sector,
        "subsector": subsector,
        "flow": {"average": f"{log_uniform(rng, 20, 100_000):.0f} m3/d", "peak_factor": round(rng.uniform(1.2, 3.0), 2)},
        "location": {"country": rng.choice(COUNTRIES)},
    }
    if subsector in WASTEWATER:
        data["influent"] = {p: f"{rng.uniform(*span):.0f} mg/L" for p, span in WASTEWATER[subsector].items()}
        data["destination"] = rng.choice(["sewer", "surface_water", "irrigation_reuse", "industrial_reuse"])
    else:
        source = rng.choice(["surface_water", "groundwater", "brackish_groundwater", "seawater"])
        data["water_source"] = source
        data["destination"] = rng.choice(["potable", "industrial_reuse", "boiler_feed"]
                                         if subsector != "irrigation" else ["irrigation_reuse"])
    return data


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run(cases: list[tuple[str, Any]], alternatives: bool, errors: list[str]) -> tuple[list[float], list[float], int]:
    times, json_times, rejected = [], [], 0
    for name, data in cases:
        try:
            requirements = load_requirements(data)
            start = time.perf_counter()
            result = design(requirements, alternatives=alternatives)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            design_to_json(result)
            json_times.append(time.perf_counter() - start)
        except RequirementsError:
            rejected += 1
        except Exception:  # an engine bug: report it, keep measuring
            errors.append(f"{name} (alternatives {'on' if alternatives else 'off'}):\n{traceback.format_exc()}")
    return times, json_times, rejected


def report(title: str, times: list[float], json_times: list[float], rejected: int, target_ms: float | None) -> None:
    if not times:
        print(f"{title}: no design completed ({rejected} rejected)")
        return
    median, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
    rate = len(times) / sum(times)
    verdict = "" if target_ms is None else ("  (target < %g ms: %s)" % (target_ms, "met" if median < target_ms else "MISSED"))
    print(f"{title}: {len(times)} designs, median {median:.1f} ms, p95 {p95:.1f} ms, {rate:.0f} designs/s"
          f"{verdict}; JSON median {statistics.median(json_times) * 1000:.1f} ms"
          + (f"; {rejected} rejected as invalid" if rejected else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", type=int, default=500, help="number of random requirement sets (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile the random designs (alternatives off)")
    args = parser.parse_args()

    examples = [(p.name, p) for p in sorted((ROOT / "examples").glob("*.json"))]
    rng = random.Random(args.seed)
    randoms = [(f"random #{i}", random_requirements(rng)) for i in range(args.random)]
    errors: list[str] = []

    # Warm-up: data files are read and cached once per process, as in a worker.
    run(examples[:1], False, errors)

    for alternatives, target in ((False, 20.0), (True, 100.0)):
        label = "on " if alternatives else "off"
        report(f"examples, alternatives {label}", *run(examples, alternatives, errors), None)
        report(f"random,   alternatives {label}", *run(randoms, alternatives, errors), target)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(randoms, False, [])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    if errors:
        print(f"\n{len(errors)} designs failed with an engine error; the first ones:", file=sys.stderr)
        for e in errors[:5]:
            print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
