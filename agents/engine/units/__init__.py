"""Unit processes: one module per unit type, sizing and costing side by side.

Importing this package registers every unit type in ``UNIT_TYPES``.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import UNIT_TYPES, UnitProcess, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "common"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["UNIT_TYPES", "UnitProcess", "register"]
