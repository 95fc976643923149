"""The movement tests, one module each: adding a movement is adding a module here.

Each module `<name>.py` (the movement's name with `_` for `-`) exports `SPEC`, a
`MovementSpec`. Names are found from the module files, so this registry never lists them:
`names()` needs no import of the movement code (results.py builds its Literal from it);
`get(name)` imports the one module asked for.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from valgus.assessment.movements.spec import MovementSpec

_NOT_MOVEMENTS = frozenset({"spec"})
_NAMES: tuple[str, ...] = tuple(
    sorted(
        m.name.replace("_", "-")
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_") and m.name not in _NOT_MOVEMENTS
    )
)


def names() -> tuple[str, ...]:
    """Every movement's name, alphabetical (use `all_specs()` for the display order)."""
    return _NAMES


def get(name: str, /) -> MovementSpec:
    """The movement called `name`; KeyError when there is none."""
    if name not in _NAMES:
        raise KeyError(name)
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    spec: MovementSpec = module.SPEC
    return spec


def all_specs() -> list[MovementSpec]:
    """Every movement, in display order (squat first)."""
    return sorted((get(n) for n in _NAMES), key=lambda s: s.order)
