"""Result files of one analysis: NAME.analysis.json, NAME.frames.csv and NAME.poses.nc,
each written whole or not at all (io/atomic.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from valgus.assessment.analysis import Analysis
from valgus.errors import OutputError
from valgus.io import atomic
from valgus.io.poses import POSES_SUFFIX, save_poses

ANALYSIS_SUFFIX = ".analysis.json"


def stem_of(path: Path, /) -> str:
    """The name results are filed under: the file name without `.poses.nc` or suffix."""
    for suffix in (POSES_SUFFIX, ANALYSIS_SUFFIX):
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.stem


@contextmanager
def writing(what: Path, /) -> Iterator[None]:
    """Turn a failed write (full disk, no permission) into one clear OutputError."""
    try:
        yield
    except OSError as err:
        raise OutputError(f"cannot write {what}: {err.strerror or err}") from err


def write_frames_csv(analysis: Analysis, path: Path, /) -> Path:
    """The per-frame series, one row per frame (empty cells where not measured)."""
    cols = analysis.series.as_columns()
    with atomic.atomic_text(path, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        for row in zip(*cols.values(), strict=True):
            writer.writerow(["" if not np.isfinite(v) else f"{v:.5g}" for v in row])
    return path


def write_result_json(analysis: Analysis, path: Path, /) -> Path:
    return atomic.write_text(path, json.dumps(analysis.result.model_dump(mode="json"), indent=2))


def save_analysis(analysis: Analysis, out_dir: Path, /, *, stem: str) -> dict[str, Path]:
    """Write <stem>.analysis.json, <stem>.frames.csv and (for a video or motion capture)
    <stem>.poses.nc into out_dir; returns what was written, by kind."""
    paths = {
        "analysis": out_dir / f"{stem}{ANALYSIS_SUFFIX}",
        "poses": out_dir / f"{stem}{POSES_SUFFIX}",
        "frames": out_dir / f"{stem}.frames.csv",
    }
    with writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
        if analysis.result.source.kind != "poses":  # video or motion capture: keep the poses
            save_poses(analysis.poses, paths["poses"])
        else:
            del paths["poses"]
        write_frames_csv(analysis, paths["frames"])
        write_result_json(analysis, paths["analysis"])
    return paths
