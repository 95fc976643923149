"""Why two model instances cannot agree exactly with one: MediaPipe's tracking memory.

`valgus bench tracking` renders a 1080p30 squat (the speed benchmark's), decodes it once,
and runs MediaPipe Pose (full, as the product does: tracking, smooth_landmarks=False) on
it under a few graph settings that the solution API does not expose:

- how a fresh tracker started halfway through the clip converges to the one that tracked
  from the start (largest hip/knee/ankle gap after n frames), and the landmarks' jitter
  (median |second difference|), with MediaPipe's always-on filter of the landmarks that
  place the next frame's region of interest at its default (one-euro, min cut-off
  0.01 Hz), switched off, or with a 0.5 Hz cut-off; and with no tracking at all
  (static_image_mode: the detector places every frame's region);
- the model's time per frame with 1 and 2 XNNPACK threads (and whether the landmarks
  differ).

It explains the agreement columns of docs/speed.md; the settings tried here are not
used by the product (docs/speed.md, "Tried and not adopted").
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from valgus.pose.mediapipe_backend import _native_stderr_silenced, _quiet_native_logs
from valgus.schema import KEYPOINTS

LEGS = [KEYPOINTS.index(f"{s}_{p}") for s in ("left", "right") for p in ("hip", "knee", "ankle")]
AFTER_FRAMES = (1, 5, 15, 30, 60, 90, 150)
AUX_FILTER_NODE = "poselandmarkfiltering__LandmarksSmoothingCalculator"


@dataclass(frozen=True)
class Setting:
    label: str
    aux_min_cutoff_hz: float | None = 0.01  # None: the ROI landmarks are not filtered
    static: bool = False
    threads: int = 1


SETTINGS = (
    Setting("default (as the product runs it)"),
    Setting("ROI landmarks not filtered", aux_min_cutoff_hz=None),
    Setting("ROI filter cut-off 0.5 Hz", aux_min_cutoff_hz=0.5),
    Setting("no tracking (static_image_mode)", static=True),
)


def make_pose(setting: Setting) -> Any:
    """A mediapipe Pose (mediapipe==0.10.21 graph) with the setting applied."""
    _quiet_native_logs()
    from mediapipe.calculators.tensor import inference_calculator_pb2 as inference
    from mediapipe.calculators.util import landmarks_smoothing_calculator_pb2 as smoothing
    from mediapipe.python.solutions import pose as mp_pose

    class _Pose(mp_pose.Pose):  # type: ignore[misc]
        def _modify_calculator_options(self, config: Any, params: Any) -> None:
            super()._modify_calculator_options(config, params)
            for node in config.node:
                if node.calculator.startswith("InferenceCalculator"):
                    opts = node.options.Extensions[inference.InferenceCalculatorOptions.ext]
                    opts.delegate.xnnpack.num_threads = setting.threads
                if node.name == AUX_FILTER_NODE:
                    aux = node.options.Extensions[smoothing.LandmarksSmoothingCalculatorOptions.ext]
                    if setting.aux_min_cutoff_hz is None:
                        aux.no_filter.SetInParent()
                    else:
                        aux.one_euro_filter.min_cutoff = setting.aux_min_cutoff_hz

    with _native_stderr_silenced():
        return _Pose(
            static_image_mode=setting.static,
            model_complexity=1,
            smooth_landmarks=False,
            enable_segmentation=False,
        )


def track(frames: list[NDArray[np.uint8]], setting: Setting, start: int = 0) -> NDArray[np.float64]:
    """Landmarks (frames, 33, 2) in pixels; NaN before `start` or where none was found."""
    h, w = frames[0].shape[:2]
    out = np.full((len(frames), len(KEYPOINTS), 2), np.nan)
    pose = make_pose(setting)
    try:
        for i in range(start, len(frames)):
            with _native_stderr_silenced():  # the graph logs as its models first run
                found = pose.process(frames[i]).pose_landmarks
            if found is not None:
                out[i] = np.array([(lm.x, lm.y) for lm in found.landmark]) * [w, h]
    finally:
        pose.close()
    return out


def jitter_px(landmarks: NDArray[np.float64]) -> float:
    """Median |second difference| of the hips, knees and ankles (px per frame^2)."""
    return float(np.nanmedian(np.abs(np.diff(landmarks[:, LEGS], 2, axis=0))))


def convergence(
    full: NDArray[np.float64], fresh: NDArray[np.float64], start: int
) -> dict[int, float]:
    """Largest leg-landmark gap between the two trackers n frames after `start`."""
    gap = np.abs(fresh - full)[:, LEGS].max(axis=(1, 2))
    return {n: float(gap[start + n]) for n in AFTER_FRAMES if start + n < len(gap)}


def model_ms(frames: list[NDArray[np.uint8]], threads: int) -> tuple[float, float]:
    """Wall and CPU ms per frame of the model alone, with `threads` XNNPACK threads."""
    pose = make_pose(Setting("timing", threads=threads))
    try:
        with _native_stderr_silenced():
            pose.process(frames[0])
        t0, c0 = time.perf_counter(), time.process_time()
        for frame in frames:
            pose.process(frame)
        n = len(frames)
        return 1e3 * (time.perf_counter() - t0) / n, 1e3 * (time.process_time() - c0) / n
    finally:
        pose.close()


def _clip(workdir: Path) -> Path:
    from valgus.bench.speed import _squat
    from valgus.synth import CameraParams, RenderParams, render_squat

    path = workdir / "sq-1080-30.mp4"
    render_squat(
        path, _squat(4, 0.5, 0.5), CameraParams(width_px=1080, height_px=1920), RenderParams()
    )
    return path


def report(video: Path, progress: Callable[[str], None]) -> str:
    from valgus.io.video import iter_decoded
    from valgus.pose.extract import DECODE_MAX_SIDE_PX

    frames = [d.rgb() for d in iter_decoded(video, max_side_px=DECODE_MAX_SIDE_PX)]
    start = len(frames) // 2
    lines = [
        f"Video: {video.name}, {len(frames)} frames; fresh tracker started at frame {start}.",
        "",
        "| setting | ms per frame (start-up included) | jitter px | largest leg gap px to the tracker that ran from the start, "
        f"after {', '.join(map(str, AFTER_FRAMES))} frames |",
        "|---|---|---|---|",
    ]
    for setting in SETTINGS:
        progress(setting.label)
        t0 = time.perf_counter()
        full = track(frames, setting)
        ms = 1e3 * (time.perf_counter() - t0) / len(frames)
        gaps = convergence(full, track(frames, setting, start), start)
        lines.append(
            f"| {setting.label} | {ms:.1f} | {jitter_px(full):.2f} | "
            + ", ".join(f"{g:.2f}" for g in gaps.values())
            + " |"
        )
    progress("XNNPACK threads")
    sample = frames[:150]
    one, two = model_ms(sample, 1), model_ms(sample, 2)
    same = np.array_equal(
        track(sample, Setting("1", threads=1)),
        track(sample, Setting("2", threads=2)),
        equal_nan=True,
    )
    lines += [
        "",
        "| XNNPACK threads | model ms per frame, wall / CPU (alone, pre-decoded frames) |",
        "|---|---|",
        f"| 1 | {one[0]:.1f} / {one[1]:.1f} |",
        f"| 2 | {two[0]:.1f} / {two[1]:.1f} |",
        "",
        f"Landmarks with 2 threads {'identical to' if same else 'DIFFERENT from'} 1 thread's "
        f"over {len(sample)} frames.",
    ]
    return "\n".join(lines)


def main(video: Path | None, progress: Callable[[str], None]) -> str:
    if video is not None:
        return report(video, progress)
    with tempfile.TemporaryDirectory(prefix="valgus-tracking-") as tmp:
        progress("rendering a 1080p30 squat")
        return report(_clip(Path(tmp)), progress)
