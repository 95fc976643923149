"""The facade for notebooks and research: analyze a recording, save its results.

>>> import valgus
>>> analysis = valgus.analyze_video("squat.mp4")
>>> analysis.result.summary.left.valgus
'mild'

The command line, the web app and batch jobs call the use cases in `valgus.services`,
which build on these functions; the rules themselves live in `valgus.assessment`.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from valgus.assessment import pipeline
from valgus.assessment.analysis import Analysis, Options
from valgus.errors import InputError
from valgus.io import results
from valgus.io.mocap import is_mocap_file, load_mocap
from valgus.io.poses import is_pose_file, load_poses
from valgus.pose.extract import ProgressFn, estimate_poses
from valgus.pose.person_box import Box

__all__ = [
    "Analysis",
    "Options",
    "analyze_file",
    "analyze_poses",
    "analyze_video",
    "movement_choices",
    "save_analysis",
    "settings_of",
]

movement_choices = pipeline.movement_choices


def analyze_video(
    path: str | Path,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    progress: ProgressFn | None = None,
    naive: bool = False,
    person_box: Box | None = None,
) -> Analysis:
    """Run the pose model on a video and analyze it. Raises a ValgusError subclass when
    the footage cannot support a result (see valgus.errors). naive=True: one model instance
    on every frame in order (deterministic, the reference loop; batch jobs run videos side
    by side instead of splitting one). person_box: the person to follow (their box in the
    first frame, pixels), when others are in the picture."""
    pipeline.check_options(movement, options)  # before minutes of pose model, not after
    poses = estimate_poses(Path(path), progress=progress, naive=naive, person_box=person_box)
    return analyze_poses(poses, movement=movement, options=options, source_kind="video")


def analyze_file(
    path: str | Path,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    progress: ProgressFn | None = None,
    naive: bool = False,
    person_box: Box | None = None,
) -> Analysis:
    """Analyze a video, a saved pose file (*.poses.nc) or marker motion capture (.trc, .c3d)."""
    p = Path(path)
    if person_box is not None and (is_pose_file(p) or is_mocap_file(p)):
        raise InputError(
            "a person's box (--person-box) picks a person in a video; this file holds one already"
        )
    if is_pose_file(p):
        return analyze_poses(load_poses(p), movement=movement, options=options)
    if is_mocap_file(p):
        pipeline.check_options(movement, options)
        return analyze_poses(load_mocap(p), movement=movement, options=options, source_kind="mocap")
    return analyze_video(
        p, movement=movement, options=options, progress=progress, naive=naive, person_box=person_box
    )


def analyze_poses(
    poses: xr.Dataset,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    source_kind: str = "poses",
) -> Analysis:
    """Analyze a pose Dataset (pure: no file is read or written)."""
    return pipeline.analyze_poses(
        poses, movement=movement, options=options, source_kind=source_kind
    )


def settings_of(result: dict[str, object], /) -> tuple[str, Options]:
    """The movement and options an earlier result was made with (to rerun it the same way,
    e.g. for a report from its pose file)."""
    movement = str(result.get("movement", "squat"))
    method = result.get("method")
    m = method if isinstance(method, dict) else {}
    sex = m.get("sex")
    return movement, Options(
        side=str(m.get("side", "auto")),
        sex=str(sex) if sex in pipeline.SEXES else None,
        mirrored=m.get("mirrored") == "yes",
    )


def save_analysis(analysis: Analysis, out_dir: str | Path, /, *, stem: str) -> dict[str, Path]:
    """Write <stem>.analysis.json, <stem>.poses.nc and <stem>.frames.csv (each atomically)."""
    return results.save_analysis(analysis, Path(out_dir), stem=stem)
