"""Frontal-plane measures on hand-placed points with exact answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from valgus.kinematics import angles

D5 = 200 * math.tan(math.radians(5))  # knee shift at mid-leg that tilts each segment by 5 deg


def pt(x: float, y: float) -> np.ndarray:
    return np.array([x, y], dtype=np.float64)


# Frontal view, subject facing the camera: the subject's right leg is on the image left.
R_HIP, L_HIP = pt(0, 0), pt(200, 0)
R_ANKLE, L_ANKLE = pt(0, 400), pt(200, 400)


class TestFPPA:
    def test_medial_shift_right_leg_gives_plus_10(self) -> None:
        # right leg on the image left: medial is +x (towards the left hip)
        knee = pt(D5, 200)
        assert angles.fppa_deg(R_HIP, knee, R_ANKLE, L_HIP) == pytest.approx(10.0, abs=1e-9)

    def test_medial_shift_left_leg_gives_plus_10(self) -> None:
        # left leg on the image right: medial is -x
        knee = pt(200 - D5, 200)
        assert angles.fppa_deg(L_HIP, knee, L_ANKLE, R_HIP) == pytest.approx(10.0, abs=1e-9)

    @pytest.mark.parametrize("leg", ["right", "left"])
    def test_lateral_shift_is_negative(self, leg: str) -> None:
        if leg == "right":
            hip, ankle, other, knee = R_HIP, R_ANKLE, L_HIP, pt(-D5, 200)
        else:
            hip, ankle, other, knee = L_HIP, L_ANKLE, R_HIP, pt(200 + D5, 200)
        assert angles.fppa_deg(hip, knee, ankle, other) == pytest.approx(-10.0, abs=1e-9)

    def test_mirrored_image_keeps_the_sign(self) -> None:
        # mirror x -> 200 - x: the right leg now appears on the image right
        def m(p: np.ndarray) -> np.ndarray:
            return pt(200 - p[0], p[1])

        knee = pt(D5, 200)  # medial for the right leg
        direct = angles.fppa_deg(R_HIP, knee, R_ANKLE, L_HIP)
        mirrored = angles.fppa_deg(m(R_HIP), m(knee), m(R_ANKLE), m(L_HIP))
        assert mirrored == pytest.approx(10.0, abs=1e-9)
        assert mirrored == pytest.approx(direct, abs=1e-12)

    def test_collinear_is_zero(self) -> None:
        assert angles.fppa_deg(R_HIP, pt(0, 200), R_ANKLE, L_HIP) == 0.0

    def test_tilted_leg_medial_shift(self) -> None:
        # hip-ankle line tilted; knee displaced perpendicular to it, towards the other hip
        hip, ankle = pt(100, 0), pt(100 + 300, 400)  # length 500, direction (0.6, 0.8)
        normal = pt(-0.8, 0.6)  # perpendicular, points to -x (towards the other hip at x=-100)
        knee = (hip + ankle) / 2 + 250 * math.tan(math.radians(7)) * normal
        assert angles.fppa_deg(hip, knee, ankle, pt(-100, 0)) == pytest.approx(14.0, abs=1e-9)
        assert angles.fppa_deg(hip, knee, ankle, pt(700, 0)) == pytest.approx(-14.0, abs=1e-9)

    def test_works_over_leading_axes(self) -> None:
        n = 5
        deg = np.linspace(-20, 20, n)  # FPPA wanted per frame
        shift = 200 * np.tan(np.radians(deg / 2))
        knee = np.stack([shift, np.full(n, 200.0)], axis=-1)
        hip = np.broadcast_to(R_HIP, (n, 2))
        ankle = np.broadcast_to(R_ANKLE, (n, 2))
        other = np.broadcast_to(L_HIP, (n, 2))
        out = angles.fppa_deg(hip, knee, ankle, other)
        assert out.shape == (n,)
        np.testing.assert_allclose(out, deg, atol=1e-9)

    @pytest.mark.parametrize("which", range(4))
    def test_nan_in_any_point_gives_nan(self, which: int) -> None:
        pts = [R_HIP.copy(), pt(D5, 200), R_ANKLE.copy(), L_HIP.copy()]
        pts[which][0] = np.nan
        assert np.isnan(angles.fppa_deg(*pts))

    def test_nan_frames_only(self) -> None:
        knee = np.array([[D5, 200.0], [np.nan, np.nan], [-D5, 200.0]])
        out = angles.fppa_deg(
            np.broadcast_to(R_HIP, (3, 2)),
            knee,
            np.broadcast_to(R_ANKLE, (3, 2)),
            np.broadcast_to(L_HIP, (3, 2)),
        )
        assert out[0] == pytest.approx(10.0)
        assert np.isnan(out[1])
        assert out[2] == pytest.approx(-10.0)

    def test_inputs_not_modified(self) -> None:
        args = [R_HIP.copy(), pt(D5, 200), R_ANKLE.copy(), L_HIP.copy()]
        before = [a.copy() for a in args]
        angles.fppa_deg(*args)
        angles.knee_deviation(*args)
        for a, b in zip(args, before, strict=True):
            np.testing.assert_array_equal(a, b)


class TestMedialSign:
    def test_values(self) -> None:
        assert angles.medial_sign(R_HIP, R_ANKLE, pt(10, 200), L_HIP) == 1.0
        assert angles.medial_sign(R_HIP, R_ANKLE, pt(-10, 200), L_HIP) == -1.0
        assert angles.medial_sign(R_HIP, R_ANKLE, pt(0, 200), L_HIP) == 0.0
        assert np.isnan(angles.medial_sign(R_HIP, R_ANKLE, pt(np.nan, 200), L_HIP))


class TestKneeDeviation:
    @pytest.mark.parametrize(
        ("knee_x", "other_hip", "expected"),
        [
            (30.0, L_HIP, 30.0),  # towards the other hip: medial
            (-30.0, L_HIP, -30.0),
            (30.0, pt(-200, 0), -30.0),  # other hip on the other side: same point is lateral
            (0.0, L_HIP, 0.0),
        ],
    )
    def test_signed_distance(self, knee_x: float, other_hip: np.ndarray, expected: float) -> None:
        out = angles.knee_deviation(R_HIP, pt(knee_x, 200), R_ANKLE, other_hip)
        assert out == pytest.approx(expected, abs=1e-12)

    def test_tilted_line(self) -> None:
        hip, ankle = pt(0, 0), pt(300, 400)
        knee = pt(150, 200) + 25 * pt(0.8, -0.6)  # 25 px off the line, towards +x
        assert angles.knee_deviation(hip, knee, ankle, pt(500, 0)) == pytest.approx(25.0)


class TestSeparationRatios:
    def test_kasr_knees_inside_ankles(self) -> None:
        out = angles.kasr(pt(50, 200), pt(150, 200), pt(0, 400), pt(200, 400))
        assert out == pytest.approx(0.5)

    def test_kasr_knees_outside_ankles(self) -> None:
        out = angles.kasr(pt(-50, 200), pt(250, 200), pt(0, 400), pt(200, 400))
        assert out == pytest.approx(1.5)

    def test_kasr_uses_euclidean_distance(self) -> None:
        # knees 3-4-5 apart, ankles 10 apart
        out = angles.kasr(pt(0, 0), pt(3, 4), pt(0, 10), pt(10, 10))
        assert out == pytest.approx(0.5)

    def test_nksd(self) -> None:
        out = angles.nksd(pt(40, 200), pt(160, 200), L_HIP, R_HIP)
        assert out == pytest.approx(0.6)

    def test_symmetric_in_left_right(self) -> None:
        a = angles.kasr(pt(50, 200), pt(150, 200), pt(0, 400), pt(200, 400))
        b = angles.kasr(pt(150, 200), pt(50, 200), pt(200, 400), pt(0, 400))
        assert a == b

    def test_zero_ankle_separation_no_warning(self) -> None:
        # filterwarnings=error: a divide warning would fail this test
        assert np.isinf(angles.kasr(pt(0, 0), pt(10, 0), pt(5, 5), pt(5, 5)))
        assert np.isnan(angles.nksd(pt(5, 0), pt(5, 0), pt(5, 5), pt(5, 5)))

    def test_nan_propagates(self) -> None:
        assert np.isnan(angles.kasr(pt(np.nan, 0), pt(10, 0), pt(0, 5), pt(10, 5)))
        assert np.isnan(angles.nksd(pt(0, 0), pt(10, 0), pt(0, np.nan), pt(10, 5)))


class TestMedialKneeDisplacement:
    LEG = 400.0

    def test_right_leg_medial_positive(self) -> None:
        # right hip at x=100, other hip at x=300: medial is +x
        out = angles.medial_knee_displacement(
            pt(120, 200), pt(100, 420), pt(300, 0), pt(100, 0), self.LEG
        )
        assert out == pytest.approx(20 / 400)

    def test_right_leg_lateral_negative(self) -> None:
        out = angles.medial_knee_displacement(
            pt(90, 200), pt(100, 420), pt(300, 0), pt(100, 0), self.LEG
        )
        assert out == pytest.approx(-10 / 400)

    def test_left_leg_medial_positive(self) -> None:
        # left hip at x=300, other hip at x=100: medial is -x
        out = angles.medial_knee_displacement(
            pt(280, 200), pt(300, 420), pt(100, 0), pt(300, 0), self.LEG
        )
        assert out == pytest.approx(20 / 400)

    def test_normalised_by_leg_length_per_frame(self) -> None:
        knee = np.array([[120.0, 200.0], [120.0, 200.0]])
        foot = np.array([[100.0, 420.0], [100.0, 420.0]])
        other, hip = np.array([[300.0, 0.0]] * 2), np.array([[100.0, 0.0]] * 2)
        out = angles.medial_knee_displacement(knee, foot, other, hip, np.array([400.0, 800.0]))
        np.testing.assert_allclose(out, [0.05, 0.025])

    def test_only_horizontal_offset_counts(self) -> None:
        a = angles.medial_knee_displacement(pt(120, 200), pt(100, 420), pt(300, 0), pt(100, 0), 400)
        b = angles.medial_knee_displacement(pt(120, 50), pt(100, 900), pt(300, 77), pt(100, 0), 400)
        assert a == pytest.approx(b)

    def test_nan_propagates(self) -> None:
        out = angles.medial_knee_displacement(
            pt(np.nan, 200), pt(100, 420), pt(300, 0), pt(100, 0), 400
        )
        assert np.isnan(out)


class TestLengthsAndFlexion:
    def test_leg_length(self) -> None:
        assert angles.leg_length_px(pt(0, 0), pt(30, 40), pt(30, 140)) == pytest.approx(150.0)

    def test_thigh_foreshortening(self) -> None:
        assert angles.thigh_foreshortening(pt(0, 0), pt(0, 100), 200.0) == pytest.approx(0.5)

    def test_flexion_straight_is_zero(self) -> None:
        out = angles.flexion_deg_3d(
            np.array([0.0, 0, 0]), np.array([0.0, 0.45, 0]), np.array([0.0, 0.88, 0])
        )
        assert out == pytest.approx(0.0, abs=1e-6)

    def test_flexion_right_angle_is_90(self) -> None:
        out = angles.flexion_deg_3d(
            np.array([0.0, 0.45, 0.45]), np.array([0.0, 0.45, 0]), np.array([0.0, 0.88, 0])
        )
        assert out == pytest.approx(90.0, abs=1e-9)

    def test_flexion_known_angle_over_frames(self) -> None:
        theta = np.radians(np.array([0.0, 30.0, 60.0, 120.0]))
        knee = np.zeros((4, 3))
        ankle = np.tile([0.0, 0.43, 0.0], (4, 1))
        hip = np.stack([np.zeros(4), -0.45 * np.cos(theta), 0.45 * np.sin(theta)], axis=1)
        np.testing.assert_allclose(
            angles.flexion_deg_3d(hip, knee, ankle), [0, 30, 60, 120], atol=1e-6
        )

    def test_flexion_nan(self) -> None:
        out = angles.flexion_deg_3d(np.array([np.nan, 0, 0]), np.zeros(3), np.array([0, 1.0, 0]))
        assert np.isnan(out)
