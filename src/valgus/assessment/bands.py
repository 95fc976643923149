"""Interpretation bands. Every number cites its source in
docs/evidence.md; DERIVED marks our own proposals.

Levels: 0 = typical ("none"), 1 = above typical ("mild"), 2 = well above typical ("marked").
Wording describes what the camera saw; it never predicts injury (Bahr 2016;
Krosshaug 2016; Cronström 2020).
"""

from __future__ import annotations

import math
from typing import Literal

Level = Literal[0, 1, 2]

# FPPA at the deepest frame. docs/evidence.md §3 (DERIVED from Herrington 2014:
# asymptomatic females 8.4 +/- 5.1 deg, PFP group mean 16.8 deg in the single-leg squat):
# <= 10 typical, 10-16 above typical, >= 17 well above typical. No published bands exist
# for the bilateral squat; we apply the single-leg ones, which are the stricter test
# (bilateral squats show less FPPA), and only where FPPA is valid (shallow enough).
FPPA_MILD_DEG = 10.0
FPPA_MARKED_DEG = 17.0

# Medial knee displacement relative to the vertical through the foot index (2nd toe),
# as a fraction of leg length (hip-knee + knee-ankle). DERIVED from geometry, for the
# depth where FPPA misleads (mocapr; docs/evidence.md §1): the visual criterion is "the knee
# passes inside the big toe" (overhead squat test, Research Square rs-4875904; LESS item 9).
# The big toe lies about 2-3 cm medial of the 2nd toe, about 0.03 of an 85 cm leg: a knee
# further in than that is inside the big toe (above typical). At 0.08 (about 7 cm) the knee
# is past the medial border of the foot (a forefoot is about 9-10 cm wide): well above
# typical. Checked against rendered squats with known valgus (docs/method.md).
MKD_MILD = 0.03
MKD_MARKED = 0.08

# Measurement error of the camera pipeline itself, beyond rep-to-rep spread. MKD: the pose
# model's bias on rendered squats (about -1.1 % of leg length, docs/accuracy.md) plus up to
# +/-1.5 % from a camera 10 deg off frontal, which the view estimate cannot resolve. FPPA:
# MAE 1.4 deg on rendered frontal squats, up to 3 deg at high valgus. A mean closer than
# this to a band edge is reported as borderline.
MKD_MEASUREMENT_ERROR = 0.02
FPPA_MEASUREMENT_ERROR_DEG = 3.0

# Measurement error of the knee over the foot's line (angles.knee_over_foot), which takes
# the foot's direction from its apparent toe-out: 2 % of leg length, as MKD, plus a part that
# grows with the toe-out as the camera sees it (feet turned out, or a camera off square),
# where an error of a few degrees in the foot's direction moves the line at the knee by the
# knee's forward travel (~0.3 leg lengths) times that error. DERIVED on rendered squats
# (toe-out 0-45 deg x stance 1-2 hip widths x valgus 0-30 deg, camera yaw -25..25 deg;
# docs/accuracy.md "Knee over the foot"): the largest error was about 2 % + 6 % x sin(toe-out).
KOF_MEASUREMENT_ERROR = 0.02
KOF_ERROR_PER_SIN_TOE_OUT = 0.06


def knee_over_foot_error(toe_out_deg: float | None) -> float:
    """The knee over the foot's measurement error for a foot turned out this far (as the
    camera sees it; unknown: as for 30 deg)."""
    toe = 30.0 if toe_out_deg is None or not math.isfinite(toe_out_deg) else toe_out_deg
    return KOF_MEASUREMENT_ERROR + KOF_ERROR_PER_SIN_TOE_OUT * abs(math.sin(math.radians(toe)))


# KASR < 1: knees inside the ankles (docs/evidence.md §3, geometric, DERIVED).
KASR_INSIDE = 1.0

# Published smallest detectable difference of 2D FPPA: 7.5-9 deg (Munro 2012); reference
# section 5 rule 6 uses 8 deg for changes and left-right differences.
FPPA_SDD_DEG = 8.0

# FPPA is used for the verdict only in reps no deeper than this hip drop (fraction of leg
# length). Deeper, the thighs point at the camera and FPPA becomes "high, and potentially
# misleading" (mocapr, planar cross-talk; docs/evidence.md §3). DERIVED on rendered squats with
# the phone at hip height: hip drop 0.12 at 60 deg of knee flexion, 0.16 at 65, 0.21 at 75,
# 0.30 at 90; so 0.2 keeps FPPA to about 75 deg, near where its norms were measured (single-
# leg squats to 45-60 deg). By then the projected thigh has shrunk to about 85 % of its
# standing length, and a few px of hip-landmark error move FPPA by degrees.
FPPA_MAX_DEPTH = 0.2

BAND_WORDS = {0: "typical", 1: "above typical", 2: "well above typical"}
VERDICTS = {0: "none", 1: "mild", 2: "marked"}


def level_of(value: float, mild: float, marked: float) -> Level:
    """Band of a value given its two edges."""
    if value >= marked:
        return 2
    if value >= mild:
        return 1
    return 0


def fppa_level(fppa_deg: float) -> Level:
    return level_of(fppa_deg, FPPA_MILD_DEG, FPPA_MARKED_DEG)


def mkd_level(mkd: float) -> Level:
    return level_of(mkd, MKD_MILD, MKD_MARKED)


def crosses_edge(mean: float, half_width: float, edges: tuple[float, float]) -> bool:
    """True when [mean - half_width, mean + half_width] contains a band edge."""
    if not math.isfinite(half_width):
        return False
    return any(mean - half_width < e < mean + half_width for e in edges)


def near_edge(mean: float, ci_half_width: float, floor: float, edges: tuple[float, float]) -> bool:
    """Borderline: a band edge lies within the larger of the 95% interval and the
    measurement error of the method (floor)."""
    half = max(ci_half_width, floor) if math.isfinite(ci_half_width) else floor
    return crosses_edge(mean, half, edges)


WELLNESS_STATEMENT = (
    "This describes what the camera saw in 2D; it is not a medical assessment, it does not "
    "diagnose anything and it does not predict injury. Single-camera frontal-plane angles "
    "differ from 3D knee motion; manual 2D FPPA has a smallest detectable difference of "
    "about 8 degrees (Munro 2012)."
)

# Drop-jump landing FPPA (docs/evidence.md §4; Herrington & Munro 2010, healthy
# adults 18-28, 50 F / 50 M): "normal" 7-13 deg in women, 3-8 deg in men. Above the upper
# end of the normal range = above typical. Well above typical from 21 deg: the mean of
# women with patellofemoral pain in single-leg landing (21.7 deg, Herrington 2014), as
# docs/evidence.md §4 proposes. Without the person's sex the women's (wider) range is used, and said.
LANDING_TYPICAL_MAX_DEG = {"female": 13.0, "male": 8.0}
LANDING_MARKED_DEG = 21.0


def landing_level(fppa_deg: float, sex: str | None) -> Level:
    return level_of(fppa_deg, LANDING_TYPICAL_MAX_DEG[sex or "female"], LANDING_MARKED_DEG)
