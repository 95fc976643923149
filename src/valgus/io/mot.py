"""OpenSim storage files (.mot / .sto): a text header, ``endheader``, then a table.

Used for force-plate data (``ground_force_1_vy`` ... vertical forces, N) and inverse-kinematics
coordinates (``knee_angle_r`` ..., radians or degrees as the header's ``inDegrees`` says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from valgus.errors import MocapFileError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MotTable:
    """The table of one .mot/.sto file. data is (rows, columns); the first column is time."""

    names: tuple[str, ...]
    data: FloatArray
    header: dict[str, str] = field(default_factory=dict)

    @property
    def time_s(self) -> FloatArray:
        return self.column("time")

    @property
    def in_degrees(self) -> bool | None:
        """What the header says about rotational columns (None when it does not say)."""
        value = self.header.get("inDegrees", "").strip().lower()
        return {"yes": True, "no": False}.get(value)

    def column(self, name: str) -> FloatArray:
        if name not in self.names:
            raise MocapFileError(
                f"column {name!r} is not in this table; it has: {', '.join(self.names[:12])}"
                + (" ..." if len(self.names) > 12 else "")
            )
        return np.asarray(self.data[:, self.names.index(name)], dtype=np.float64)


def read_mot(path: Path | str, /) -> MotTable:
    """Read an OpenSim .mot/.sto file; raises MocapFileError saying what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise MocapFileError(f"{p}: no such file. Check the path.")
    try:
        lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise MocapFileError(f"{p} cannot be read ({err.strerror or err}).") from err
    end = next((i for i, line in enumerate(lines) if line.strip().lower() == "endheader"), None)
    if end is None or end + 1 >= len(lines):
        raise MocapFileError(
            f"{p} is not an OpenSim .mot/.sto file: no 'endheader' line followed by column "
            "names. Export the table from OpenSim (File > Save) or check the file is complete."
        )
    header = {}
    for line in lines[:end]:
        key, sep, value = line.partition("=")
        if sep:
            header[key.strip()] = value.strip()
    names = tuple(lines[end + 1].split())
    if not names:
        raise MocapFileError(f"{p}: the line after 'endheader' should hold the column names.")
    rows = []
    for number, line in enumerate(lines[end + 2 :], start=end + 3):
        if not line.strip():
            continue
        cells = line.split()
        if len(cells) != len(names):
            raise MocapFileError(
                f"{p}, line {number}: {len(cells)} values for {len(names)} columns; "
                "the file is damaged or truncated."
            )
        try:
            rows.append([float(c) for c in cells])
        except ValueError as err:
            raise MocapFileError(f"{p}, line {number}: a value is not a number ({err}).") from err
    if not rows:
        raise MocapFileError(f"{p} holds no data rows.")
    return MotTable(names, np.asarray(rows, dtype=np.float64), header)
