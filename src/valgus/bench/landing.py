"""`valgus bench landing`: drop-jump events from motion capture against the force plate.

The OpenCap lab drop jumps (Uhlrich et al. 2023; ../shared/data/SOURCES.md) are read as
pose data (valgus.io.mocap: an ideal orthographic frontal camera), resampled to 60 and
30 fps at many sampling phases, optionally with Gaussian jitter on every landmark (a
pose model's few mm to 1 cm), and passed to valgus.kinematics.landing. Initial contact
and take-off are compared with the force plates of DJ1 (total vertical force crossing
FORCE_THRESHOLD_N, interpolated between samples). DJ4 has no force data: its events at
lower frame rates are compared with its own 100 Hz estimate.

Also tabulates FPPA, KASR and NKSD at initial contact and peak flexion, as measured on
the markers and with the knee and ankle points moved from the lateral markers to the
estimated joint centres (the offsets measured on the standing frames).

Run: ``python -m valgus.bench.landing [--out FILE]`` (or ``valgus bench landing`` once
hooked into the CLI).
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.assessment.movements.drop_jump import find_events
from valgus.errors import ValgusError
from valgus.io.mocap import PX_PER_M, load_mocap
from valgus.io.mot import read_mot
from valgus.kinematics.angles import fppa_deg, kasr, nksd
from valgus.kinematics.filtering import interpolate_gaps
from valgus.kinematics.landing import JumpEvents
from valgus.schema import make_poses

FloatArray = NDArray[np.float64]

# Initial contact / take-off on a force plate: vertical force above 20 N. Thresholds of
# 10-20 N are what landing studies use; 20 N is clear of the plate's noise floor. (The
# exact figure for the Noyes drop-jump test was not retrieved (docs/evidence.md §10).)
FORCE_THRESHOLD_N = 20.0
FORCE_COLUMNS = ("ground_force_1_vy", "ground_force_2_vy", "ground_force_3_vy")
PHASE_STEP_S = 0.002  # sampling phases tried for the resampled frame rates
JITTER = ((60.0, 5.0), (30.0, 10.0))  # (fps, landmark jitter SD in mm) rows
STANDING_S = 0.5  # standing frames at the start, for the marker offsets


def shared_dir() -> Path:
    """../shared beside the repository (or $VALGUS_SHARED)."""
    env = os.environ.get("VALGUS_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared"


# ---------------------------------------------------------------------------- truth


def force_events(
    time_s: FloatArray, vertical_n: FloatArray, /, *, threshold_n: float = FORCE_THRESHOLD_N
) -> list[tuple[float, float | None]]:
    """(contact, take-off) times of each stance on the plates: the force crossing the
    threshold upwards and downwards, linearly interpolated between samples."""
    above = vertical_n >= threshold_n
    out: list[tuple[float, float | None]] = []
    contact: float | None = None
    for i in range(1, len(time_s)):
        if above[i] == above[i - 1]:
            continue
        a, b = float(vertical_n[i - 1]), float(vertical_n[i])
        cross = float(time_s[i - 1] + (threshold_n - a) / (b - a) * (time_s[i] - time_s[i - 1]))
        if above[i]:
            contact = cross
        elif contact is not None:
            out.append((contact, cross))
            contact = None
    if contact is not None:
        out.append((contact, None))
    return out


def plate_events(
    path: Path, /, *, threshold_n: float = FORCE_THRESHOLD_N
) -> list[tuple[float, float | None]]:
    """force_events of the summed vertical forces of an OpenSim GRF .mot file."""
    table = read_mot(path)
    total = sum(
        (table.column(c) for c in FORCE_COLUMNS if c in table.names), np.zeros(len(table.data))
    )
    return force_events(table.time_s, total, threshold_n=threshold_n)


# ---------------------------------------------------------------------------- poses


def resample_poses(
    ds: xr.Dataset, fps: float, /, *, phase_s: float = 0.0, jitter_mm: float = 0.0, seed: int = 0
) -> xr.Dataset:
    """The poses a camera at `fps` would give (linear interpolation of the mocap, short
    gaps bridged first), starting `phase_s` after the first sample, with Gaussian jitter
    of `jitter_mm` on every landmark coordinate (pixels are mm in the mocap projection)."""
    t = ds.time.values.astype(np.float64)
    new_t = np.arange(t[0] + phase_s, t[-1] + 1e-9, 1.0 / fps)
    xy = interpolate_gaps(ds.position.transpose("time", "space", "keypoint").values, t)
    world = interpolate_gaps(ds.world.transpose("time", "space3", "keypoint").values, t)

    def interp(a: FloatArray) -> FloatArray:
        flat = a.reshape(len(t), -1)
        cols = [np.interp(new_t, t, c) for c in flat.T]
        return np.stack(cols, axis=1).reshape((len(new_t), *a.shape[1:]))

    new_xy = interp(xy)
    if jitter_mm:
        new_xy = new_xy + np.random.default_rng(seed).normal(
            0.0, jitter_mm * PX_PER_M / 1000.0, new_xy.shape
        )
    conf = np.all(np.isfinite(new_xy), axis=1).astype(np.float64)
    attrs = dict(ds.attrs)
    attrs["fps"] = float(fps)
    for key in ("schema", "schema_version"):
        attrs.pop(key, None)
    return make_poses(new_xy, interp(world), conf, new_t, attrs=attrs)


def pose_drop_jumps(ds: xr.Dataset, /) -> list[JumpEvents]:
    """Drop-jump events of a pose Dataset, exactly as `valgus analyze` finds them."""
    return find_events(ds)


# ---------------------------------------------------------------------------- event errors


@dataclass(frozen=True)
class Row:
    file: str
    fps: float
    jitter_mm: float
    runs: int
    found: int  # runs in which exactly one trial with a take-off was found
    contact_ms: tuple[float, float, float]  # mean, min, max error
    take_off_ms: tuple[float, float, float]
    truth: str


def _stats(errors: list[float]) -> tuple[float, float, float]:
    if not errors:
        return math.nan, math.nan, math.nan
    a = np.asarray(errors)
    return float(a.mean()), float(a.min()), float(a.max())


def event_rows(
    name: str, ds: xr.Dataset, truth: tuple[float, float], truth_label: str
) -> list[Row]:
    """Errors (ms) of contact and take-off against `truth` at 100 Hz (native), 60 and 30
    fps over all sampling phases, and with jitter."""
    native = float(ds.attrs["fps"])
    settings = [(native, 0.0), (60.0, 0.0), (30.0, 0.0), *JITTER]
    rows = []
    for fps, jitter in settings:
        phases = [0.0] if fps == native else list(np.arange(0.0, 1.0 / fps - 1e-9, PHASE_STEP_S))
        contact, take_off, found = [], [], 0
        for seed, phase in enumerate(phases):
            poses = (
                ds
                if fps == native
                else resample_poses(ds, fps, phase_s=phase, jitter_mm=jitter, seed=seed)
            )
            events = [e for e in pose_drop_jumps(poses) if e.take_off_s is not None]
            if len(events) != 1 or events[0].take_off_s is None:
                continue
            found += 1
            contact.append(1000 * (events[0].contact_s - truth[0]))
            take_off.append(1000 * (events[0].take_off_s - truth[1]))
        rows.append(
            Row(
                name,
                fps,
                jitter,
                len(phases),
                found,
                _stats(contact),
                _stats(take_off),
                truth_label,
            )
        )
    return rows


# ---------------------------------------------------------------------------- frontal measures


@dataclass(frozen=True)
class Measures:
    file: str
    event: str
    time_s: float
    knee_sep_cm: float  # lateral knee markers
    ankle_sep_cm: float  # lateral ankle markers
    hip_sep_cm: float  # hip joint centres
    kasr_markers: float
    kasr_centres: float
    nksd_markers: float
    nksd_centres: float
    fppa_markers: tuple[float, float]  # left, right
    fppa_centres: tuple[float, float]


@dataclass(frozen=True)
class Offsets:
    """Lateral offsets (m) of the knee and ankle markers from the joint centres, standing:
    knee marker from the vertical through the hip joint centre, ankle (lateral malleolus)
    marker from the calcaneus marker (on the heel's midline). Mean of both legs."""

    knee_m: float
    ankle_m: float


def _point(ds: xr.Dataset, name: str) -> FloatArray:
    return np.asarray(ds.position.sel(keypoint=name).transpose("time", "space").values)


def standing_offsets(ds: xr.Dataset, /) -> Offsets:
    t = ds.time.values
    standing = t <= t[0] + STANDING_S
    knee, ankle = [], []
    for side, sign in (("left", 1.0), ("right", -1.0)):  # image x = subject's left
        x = {p: _point(ds, f"{side}_{p}")[standing, 0] for p in ("hip", "knee", "ankle", "heel")}
        knee.append(sign * float(np.nanmedian(x["knee"] - x["hip"])))
        ankle.append(sign * float(np.nanmedian(x["ankle"] - x["heel"])))
    return Offsets(float(np.mean(knee)) / PX_PER_M, float(np.mean(ankle)) / PX_PER_M)


def frontal_measures(name: str, ds: xr.Dataset, event: JumpEvents, /) -> list[Measures]:
    """FPPA per leg, KASR and NKSD at contact and peak flexion; 'centres' moves the knee
    and ankle points medially by the standing offsets (joint-centre estimates)."""
    off = standing_offsets(ds)
    out = []
    for label, frame in (("initial contact", event.contact), ("peak flexion", event.peak_flexion)):
        p = {
            f"{s}_{part}": _point(ds, f"{s}_{part}")[frame]
            for s in ("left", "right")
            for part in ("hip", "knee", "ankle")
        }
        centre = dict(p)
        for s, medial in (("left", -1.0), ("right", 1.0)):  # medial = towards the other leg
            centre[f"{s}_knee"] = p[f"{s}_knee"] + [medial * off.knee_m * PX_PER_M, 0.0]
            centre[f"{s}_ankle"] = p[f"{s}_ankle"] + [medial * off.ankle_m * PX_PER_M, 0.0]

        def ratio(q: dict[str, FloatArray], f: Callable[..., FloatArray], hips: bool) -> float:
            other = ("left_hip", "right_hip") if hips else ("left_ankle", "right_ankle")
            return float(f(q["left_knee"], q["right_knee"], q[other[0]], q[other[1]]))

        def fppa(q: dict[str, FloatArray]) -> tuple[float, float]:
            return (
                float(fppa_deg(q["left_hip"], q["left_knee"], q["left_ankle"], q["right_hip"])),
                float(fppa_deg(q["right_hip"], q["right_knee"], q["right_ankle"], q["left_hip"])),
            )

        def sep_cm(q: dict[str, FloatArray], part: str) -> float:
            return float(np.linalg.norm(q[f"left_{part}"] - q[f"right_{part}"])) / PX_PER_M * 100

        out.append(
            Measures(
                name,
                label,
                float(ds.time.values[frame]),
                sep_cm(p, "knee"),
                sep_cm(p, "ankle"),
                sep_cm(p, "hip"),
                ratio(p, kasr, False),
                ratio(centre, kasr, False),
                ratio(p, nksd, True),
                ratio(centre, nksd, True),
                fppa(p),
                fppa(centre),
            )
        )
    return out


# ---------------------------------------------------------------------------- report


def _ms(v: tuple[float, float, float]) -> str:
    return "-" if np.isnan(v[0]) else f"{v[0]:+.1f} [{v[1]:+.1f}, {v[2]:+.1f}]"


def report(
    rows: list[Row],
    measures: list[Measures],
    offsets: dict[str, Offsets],
    command: str,
) -> str:
    lines = [
        "# Drop-jump events: motion capture against the force plate",
        "",
        f"Command: `{command}`",
        "",
        "Error = detected - truth, ms: mean [min, max] over sampling phases (2 ms steps) and "
        "jitter draws. Truth for DJ1: force plates, total vertical force crossing "
        f"{FORCE_THRESHOLD_N:.0f} N; DJ4 has no force data, so its truth is its own 100 Hz "
        "detection.",
        "",
        "| file | fps | jitter (mm) | found | contact error (ms) | take-off error (ms) | truth |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.file} | {r.fps:.0f} | {r.jitter_mm:.0f} | {r.found}/{r.runs} | "
            f"{_ms(r.contact_ms)} | {_ms(r.take_off_ms)} | {r.truth} |"
        )
    lines += [
        "",
        "## Frontal-plane measures at initial contact and peak flexion (100 Hz)",
        "",
        "'markers': hip joint centres, lateral knee and ankle markers as they are; "
        "'centres': knee and ankle moved medially by the standing offsets below.",
        "",
        "| file | event | t (s) | knee sep. (cm) | ankle sep. (cm) | hip sep. (cm) | "
        "KASR markers | KASR centres | NKSD markers | NKSD centres |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measures:
        lines.append(
            f"| {m.file} | {m.event} | {m.time_s:.2f} | {m.knee_sep_cm:.1f} | "
            f"{m.ankle_sep_cm:.1f} | {m.hip_sep_cm:.1f} | {m.kasr_markers:.2f} | "
            f"{m.kasr_centres:.2f} | {m.nksd_markers:.2f} | {m.nksd_centres:.2f} |"
        )
    lines += [
        "",
        "| file | event | FPPA left markers (deg) | FPPA right markers | FPPA left centres | "
        "FPPA right centres |",
        "|---|---|---|---|---|---|",
    ]
    for m in measures:
        lines.append(
            f"| {m.file} | {m.event} | {m.fppa_markers[0]:+.1f} | {m.fppa_markers[1]:+.1f} | "
            f"{m.fppa_centres[0]:+.1f} | {m.fppa_centres[1]:+.1f} |"
        )
    lines += ["", "Standing lateral offsets of the markers (mean of both legs):", ""]
    for name, off in offsets.items():
        lines.append(
            f"- {name}: knee marker {100 * off.knee_m:.1f} cm lateral of the vertical through "
            f"the hip joint centre; ankle marker {100 * off.ankle_m:.1f} cm lateral of the "
            "calcaneus marker."
        )
    return "\n".join(lines) + "\n"


def run(
    data_dir: Path, progress: Callable[[str], None]
) -> tuple[list[Row], list[Measures], dict[str, Offsets]]:
    mocap = data_dir / "data" / "mocap"
    dj1 = load_mocap(mocap / "DJ1.trc")
    plate = plate_events(mocap / "DJ1_grf.mot")
    if not plate or plate[0][1] is None:
        raise ValgusError("DJ1_grf.mot shows no complete stance on the force plates")
    first = (plate[0][0], plate[0][1])
    progress(f"DJ1 force plate: contact {first[0]:.4f} s, take-off {first[1]:.4f} s")
    rows = event_rows("DJ1", dj1, first, f"force plate {FORCE_THRESHOLD_N:.0f} N")
    dj4 = load_mocap(mocap / "DJ4.trc")
    own = pose_drop_jumps(dj4)
    if len(own) != 1 or own[0].take_off_s is None:
        raise ValgusError(f"DJ4 at 100 Hz: expected one drop jump, found {len(own)}")
    rows += event_rows("DJ4", dj4, (own[0].contact_s, own[0].take_off_s), "own 100 Hz detection")
    measures: list[Measures] = []
    offsets = {}
    for name, ds in (("DJ1", dj1), ("DJ4", dj4)):
        progress(f"{name}: frontal measures")
        measures += frontal_measures(name, ds, pose_drop_jumps(ds)[0])
        offsets[name] = standing_offsets(ds)
    return rows, measures, offsets


def main(out: Path | None, progress: Callable[[str], None]) -> str:
    """What `valgus bench landing [--out FILE]` runs: the report as Markdown text."""
    command = "valgus bench landing" + (f" --out {out}" if out else "")
    text = report(*run(shared_dir(), progress), command)
    if out is not None:
        out.write_text(text)
    return text


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    print(main(args.out, print))
