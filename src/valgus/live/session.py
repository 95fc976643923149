"""Live feedback, the pure core: one person squatting in front of a camera, frame by frame.

Each processed frame gives the legs' knee-over-foot state (the knee over the foot's line, the
same definition and bands as the analysis: kinematics/angles.py, assessment/bands.py, with the
foot's toe-out and the shin's length from the standing frames so far), the set-up step (person in the
picture, feet in the picture, facing the camera: the analysis's view gate thresholds) and a
cue. Reps are counted as they happen from the hips' drop (the analysis's depth: hip drop /
standing leg length, a rep deeper than MIN_REP_DEPTH). When a rep ends, its stretch of frames
is judged by the analysis itself (assessment.pipeline.analyze_poses on those frames), so the
rep's verdict per leg is the one a recorded video of that rep would get.

No I/O here: the web adapter (web/live.py) decodes frames, runs the model and sends messages.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from valgus.assessment.analysis import Options
from valgus.assessment.bands import VERDICTS, mkd_level
from valgus.assessment.quality import USABLE_MAX_YAW_DEG
from valgus.errors import ValgusError
from valgus.kinematics.angles import (
    foot_line_x,
    knee_forward_px,
    knee_over_foot,
    leg_length_px,
    separation,
    toe_out_deg,
)
from valgus.kinematics.reps import MIN_REP_DEPTH
from valgus.pose.base import FramePose
from valgus.schema import KEYPOINTS, make_poses

Setup = Literal["no_person", "feet_out", "turn", "ready"]
LegState = Literal["none", "mild", "marked", "unknown"]
FrameBand = Literal["none", "mild", "marked", "unknown", "standing"]

SETUP_CUES = {
    "no_person": "Step into the picture, whole body, facing the camera.",
    "feet_out": "Step back until your feet are in the picture.",
    "turn": "Turn to face the camera.",
    "ready": "Good: start when ready.",
}
IDX = {name: i for i, name in enumerate(KEYPOINTS)}
LEG_POINTS = ("hip", "knee", "ankle", "heel", "foot_index")
FEET = (
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
    "left_ankle",
    "right_ankle",
)
MIN_FOOT_VISIBILITY = 0.5  # the analysis's leg_visible uses 0.5 for the median confidence
EDGE_MARGIN = 0.01  # quality.check_framing: 1 % of the picture
VIEW_FRAMES = 10  # frames in the median yaw of the set-up check
STANDING_PERCENTILE = 20.0  # series.standing_frames: the 20 % of frames with the hips highest
REP_END_FRACTION = 0.35  # a rep ends when the hips are back above this share of its depth
STILL_S = 3.0  # standing still this long after a rep: the set is over
STILL_DEPTH = 0.03  # "still": the hips' depth varies less than this (in leg lengths)
WINDOW_LEAD_S = 0.8  # frames kept before a rep's start for its judgement (standing frames)
MAX_SAMPLES = 20_000  # about 10 minutes at 30 fps; older frames are dropped
FEET_EVERY = 15  # frames between two updates of the standing feet (0.5 s at 30 fps)


@dataclass(frozen=True)
class LegLive:
    band: FrameBand  # this frame's knee-over-foot band; unknown: the leg is not seen well
    # enough; standing: the hips are not down in a squat (the measure is read at the bottom)
    mkd: float | None  # the knee over the foot's line, / leg length (+ = inside); the name
    # is the page's message key
    line_x: float | None = None  # picture x of the foot's line at the knee, / frame width


@dataclass(frozen=True)
class LiveFrame:
    """What the page shows for one processed frame."""

    setup: Setup
    cue: str
    legs: dict[str, LegLive]
    depth: float | None
    reps: int
    rep_ended: tuple[float, float] | None = None  # (start_s, end_s) of a rep that just ended
    still: bool = False  # standing still after at least one rep: the set may be saved


@dataclass(frozen=True)
class RepVerdict:
    number: int
    left: LegState
    right: LegState
    reason: str = ""  # why a leg is unknown


@dataclass
class _Sample:
    t: float
    xy: NDArray[np.float64]  # (33, 2) px
    world: NDArray[np.float64]  # (33, 3) m
    vis: NDArray[np.float64]  # (33,)


def _point(s: _Sample, name: str) -> NDArray[np.float64]:
    return np.asarray(s.xy[IDX[name]], dtype=np.float64)


def _yaw_deg(pose: FramePose) -> float:
    """Yaw of the hips' left-right axis in the model's 3D landmarks (quality._pair_yaw_world)."""
    d = pose.world_m[IDX["left_hip"]] - pose.world_m[IDX["right_hip"]]
    return float(np.degrees(np.arctan2(d[2], abs(d[0]))))


def feet_in_picture(pose: FramePose) -> bool:
    """Heels, toes and ankles seen, inside the picture (the analysis's framing margin)."""
    for name in FEET:
        x, y = pose.xy_norm[IDX[name]]
        if pose.visibility[IDX[name]] < MIN_FOOT_VISIBILITY:
            return False
        if not (EDGE_MARGIN <= x <= 1 - EDGE_MARGIN and EDGE_MARGIN <= y <= 1 - EDGE_MARGIN):
            return False
    return True


@dataclass
class LiveSession:
    """State of one live set. Feed it every processed frame in time order."""

    width: int = 0
    height: int = 0
    samples: deque[_Sample] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    hip_y: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    leg_len: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    # per frame, both legs: (left, right) toe-out as seen, deg, and shin length, px
    toe_out: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    shin: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    yaws: deque[float] = field(default_factory=lambda: deque(maxlen=VIEW_FRAMES))
    reps: int = 0
    ready_once: bool = False
    _standing_len: float | None = None
    _standing_feet: dict[str, tuple[float, float]] = field(default_factory=dict)  # toe, shin
    _down: bool = False
    _rep_start: float = 0.0
    _last_up_t: float = 0.0
    _max_depth: float = 0.0
    _recent: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=400))

    # --- the frame ---------------------------------------------------------------------

    def update(self, t_s: float, pose: FramePose | None, width: int, height: int) -> LiveFrame:
        """One processed frame (t_s strictly increasing; pose None: nobody found)."""
        self.width, self.height = width, height
        if pose is None:
            return self._frame("no_person", {}, None)
        sample = _Sample(
            t_s,
            pose.xy_norm * np.array([width, height], dtype=np.float64),
            np.asarray(pose.world_m, dtype=np.float64),
            np.asarray(pose.visibility, dtype=np.float64),
        )
        if self.samples and t_s <= self.samples[-1].t:
            return self._frame(self._setup(pose), {}, None)
        self.samples.append(sample)
        self.yaws.append(_yaw_deg(pose))
        setup = self._setup(pose)
        depth = self._depth(sample)
        # Off the frontal view or with the feet cut off, the knee-over-foot state is not shown
        # (the analysis would not judge such footage either).
        legs = (
            {side: self._leg(sample, side, pose, depth) for side in ("left", "right")}
            if setup == "ready"
            else {}
        )
        ended = self._count(t_s, depth) if setup == "ready" or self.ready_once else None
        return self._frame(setup, legs, depth, ended=ended, still=self._still(t_s, depth))

    def _setup(self, pose: FramePose) -> Setup:
        if not feet_in_picture(pose):
            return "feet_out"
        if len(self.yaws) and abs(float(np.median(self.yaws))) > USABLE_MAX_YAW_DEG:
            return "turn"
        self.ready_once = True
        return "ready"

    def _depth(self, s: _Sample) -> float | None:
        """Hip drop / standing leg length, with the standing pose from the frames so far
        (series.standing_frames: the 20 % with the hips highest); keeps the standing leg
        length for this frame's MKD."""
        hip_y = float((_point(s, "left_hip")[1] + _point(s, "right_hip")[1]) / 2)
        length_now = np.mean(
            [
                leg_length_px(
                    _point(s, f"{k}_hip"), _point(s, f"{k}_knee"), _point(s, f"{k}_ankle")
                )
                for k in ("left", "right")
            ]
        )
        self.hip_y.append(hip_y)
        self.leg_len.append(float(length_now))
        feet = [self._foot_now(s, side, float(length_now)) for side in ("left", "right")]
        self.toe_out.append((feet[0][0], feet[1][0]))
        self.shin.append((feet[0][1], feet[1][1]))
        ys = np.fromiter(self.hip_y, dtype=np.float64, count=len(self.hip_y))
        standing = ys <= np.percentile(ys, STANDING_PERCENTILE)
        lengths = np.fromiter(self.leg_len, dtype=np.float64, count=len(self.leg_len))
        length = float(np.median(lengths[standing]))
        if not np.isfinite(length) or length <= 0:
            self._standing_len = None
            return None
        self._standing_len = length
        if not self._standing_feet or len(self.toe_out) % FEET_EVERY == 0:
            self._standing_feet = self._feet_standing(standing)
        return (hip_y - float(np.median(ys[standing]))) / length

    def _feet_standing(self, standing: NDArray[np.bool_]) -> dict[str, tuple[float, float]]:
        """Each foot's toe-out and shin length over the standing frames so far (medians).
        They change only as standing frames accrue, so this runs every FEET_EVERY frames,
        not on every frame (2-3 ms over 20 000 samples)."""
        toes = np.asarray(self.toe_out, dtype=np.float64)[standing]
        shins = np.asarray(self.shin, dtype=np.float64)[standing]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a foot never seen: NaN
            return {
                side: (float(np.nanmedian(toes[:, i])), float(np.nanmedian(shins[:, i])))
                for i, side in enumerate(("left", "right"))
            }

    @staticmethod
    def _foot_now(s: _Sample, side: str, length: float) -> tuple[float, float]:
        """This frame's toe-out (deg, as seen) and shin length (px) of one leg."""
        other = "right" if side == "left" else "left"
        toe = toe_out_deg(
            _point(s, f"{side}_heel"),
            _point(s, f"{side}_foot_index"),
            _point(s, f"{side}_hip"),
            _point(s, f"{other}_hip"),
            length,
        )
        shin = separation(_point(s, f"{side}_knee"), _point(s, f"{side}_ankle"))
        return float(toe), float(shin)

    def _leg(self, s: _Sample, side: str, pose: FramePose, depth: float | None) -> LegLive:
        other = "right" if side == "left" else "left"
        names = [f"{side}_{p}" for p in ("hip", "knee", "ankle", "foot_index")]
        if min(float(pose.visibility[IDX[n]]) for n in names) < MIN_FOOT_VISIBILITY:
            return LegLive("unknown", None)
        hip, knee, ankle = (_point(s, f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        length = self._standing_len or float(leg_length_px(hip, knee, ankle))
        toe, shin = self._standing_feet.get(side, (float("nan"), float("nan")))
        other_hip, forward = _point(s, f"{other}_hip"), knee_forward_px(knee, ankle, shin)
        mkd = float(
            knee_over_foot(
                knee,
                ankle,
                hip,
                other_hip,
                forward_px=forward,
                toe_out_deg=toe,
                leg_length_px=length,
            )
        )
        if not np.isfinite(mkd):
            return LegLive("unknown", None)
        x = float(foot_line_x(ankle, hip, other_hip, forward_px=forward, toe_out_deg=toe))
        line_x = round(x / self.width, 4) if np.isfinite(x) and self.width else None
        if depth is None or depth < MIN_REP_DEPTH:
            return LegLive("standing", round(mkd, 4), line_x)
        return LegLive(VERDICTS[mkd_level(mkd)], round(mkd, 4), line_x)  # type: ignore[arg-type]

    # --- reps --------------------------------------------------------------------------

    def _count(self, t: float, depth: float | None) -> tuple[float, float] | None:
        """A rep starts when the hips drop deeper than MIN_REP_DEPTH (kinematics/reps.py)
        and ends when they are back near standing; returns (start, end) when one ends."""
        if depth is None:
            return None
        if not self._down:
            if depth < MIN_REP_DEPTH / 2:
                self._last_up_t = t
            if depth > MIN_REP_DEPTH:
                self._down, self._rep_start, self._max_depth = True, self._last_up_t, depth
            return None
        self._max_depth = max(self._max_depth, depth)
        if depth < min(MIN_REP_DEPTH / 2, REP_END_FRACTION * self._max_depth):
            self._down = False
            self._last_up_t = t
            self.reps += 1
            return (self._rep_start, t)
        return None

    def _still(self, t: float, depth: float | None) -> bool:
        if depth is None:
            self._recent.clear()
            return False
        self._recent.append((t, depth))
        while self._recent and self._recent[0][0] < t - STILL_S:
            self._recent.popleft()
        if self.reps == 0 or self._down:
            return False
        span = self._recent[-1][0] - self._recent[0][0]
        values = [d for _, d in self._recent]
        return span >= STILL_S * 0.9 and max(values) - min(values) < STILL_DEPTH

    def _frame(
        self,
        setup: Setup,
        legs: dict[str, LegLive],
        depth: float | None,
        *,
        ended: tuple[float, float] | None = None,
        still: bool = False,
    ) -> LiveFrame:
        return LiveFrame(
            setup=setup,
            cue=self._cue(setup, legs, depth),
            legs=legs or {s: LegLive("unknown", None) for s in ("left", "right")},
            depth=None if depth is None else round(depth, 3),
            reps=self.reps,
            rep_ended=ended,
            still=still,
        )

    def _cue(self, setup: Setup, legs: dict[str, LegLive], depth: float | None) -> str:
        if setup != "ready":
            return SETUP_CUES[setup]
        if depth is None or depth < MIN_REP_DEPTH:
            return SETUP_CUES["ready"] if self.reps == 0 else f"Rep {self.reps} done."
        inward = [s for s, leg in legs.items() if leg.band in ("mild", "marked")]
        if len(inward) == 2:
            return "Knees out: over your toes."
        if inward:
            return f"{inward[0].capitalize()} knee out: over your toes."
        return "Good: knees over your toes."

    # --- a rep's verdict, by the analysis ------------------------------------------------

    def window(self, start_s: float, end_s: float) -> list[_Sample]:
        """The frames of a rep, with standing frames before it."""
        return [s for s in self.samples if start_s - WINDOW_LEAD_S <= s.t <= end_s]


def judge_rep(
    frames: list[_Sample], number: int, width: int, height: int, *, movement: str = "squat"
) -> RepVerdict:
    """The rep's verdict per leg from the analysis itself (build_track, the view gate,
    framing, the movement's measures and bands) on the rep's frames."""
    from valgus.assessment import pipeline

    if len(frames) < 8:
        return RepVerdict(number, "unknown", "unknown", "too few frames of this rep were seen")
    t = np.array([s.t for s in frames])
    xy = np.stack([s.xy for s in frames]).transpose(0, 2, 1)
    world = np.stack([s.world for s in frames]).transpose(0, 2, 1)
    vis = np.stack([s.vis for s in frames])
    attrs = {
        "source": "live",
        "width": width,
        "height": height,
        "rotation": 0,
        "fps": float(1.0 / np.median(np.diff(t))),
        "model": "live",
        "interpolated_frames": 0,
    }
    try:
        analysis = pipeline.analyze_poses(
            make_poses(xy, world, vis, t, attrs=attrs),
            movement=movement,
            options=Options(),
            source_kind="poses",
        )
    except ValgusError as e:
        return RepVerdict(number, "unknown", "unknown", str(e))
    s = analysis.result.summary
    why = "; ".join(leg.description for leg in (s.left, s.right) if leg.valgus is None)
    return RepVerdict(number, s.left.valgus or "unknown", s.right.valgus or "unknown", why)
