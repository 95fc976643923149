"""The stance benchmark's arithmetic: cue vetoes read from the warning, the summary."""

from __future__ import annotations

from valgus.assessment import quality_warnings as qw
from valgus.bench import stance

TRUE_REPS = [
    {"stance_side": "left", "bottom_s": 2.0},
    {"stance_side": "right", "bottom_s": 5.0},
    {"stance_side": "left", "bottom_s": 8.0},
]


def test_vetoes_are_counted_by_cue_and_foot_lift_alone_is_checked_against_the_truth() -> None:
    message = qw.stance_unclear(
        [
            # the right leg stood, but the right foot read higher: foot lift alone was wrong
            (
                2,
                5.03,
                "the right foot 0.62 leg lengths higher, but the left leg is the shorter "
                "in the picture (bent or pointing at the camera)",
            ),
            # the left leg stood and the right foot read higher: foot lift alone was right
            (
                3,
                7.97,
                "the right foot 0.20 leg lengths higher, but the left foot moved while "
                "the right foot stayed put",
            ),
        ]
    ).message
    out = stance.Outcome(stance.Case("pistol", "alternate", 15.0))
    stance._count_vetoes(out, message, TRUE_REPS)
    assert (out.vetoed_by_reach, out.vetoed_by_planted, out.lift_alone_wrong) == (1, 1, 1)


def test_a_case_is_as_rendered_only_when_clean_legs_read_typical() -> None:
    one_knee = stance.Case("behind", "alternate", 0.0, valgus_right=0.0)
    assert one_knee.valgus("left") == 15.0 and one_knee.valgus("right") == 0.0
    assert one_knee.label() == "behind, alternate, yaw 0, knee-in on the left only"
    assert len(stance.cases()) == 21 and one_knee in stance.cases()


def test_summary_adds_up_the_cases() -> None:
    a = stance.Outcome(
        stance.Case("behind", "left", 0.0),
        reps_true=2,
        reps_found=2,
        stance_right=2,
        planted_cue=2,
        knees_in_found=True,
    )
    b = stance.Outcome(
        stance.Case("pistol", "alternate", 15.0),
        reps_true=4,
        reps_found=3,
        stance_right=3,
        unclear=1,
        vetoed_by_reach=1,
        lift_alone_wrong=1,
        planted_cue=1,
    )
    text = stance.summary([a, b])
    assert text.startswith("Standing leg right on 5 of 5 reps kept (6 true; 1 not judged")
    assert "verdicts as rendered in 1 of 2 cases" in text
    assert "took part in 3 of 5" in text
    assert "leg reach stopped 1 and the planted foot 0" in text
    assert "lifted leg as the standing one in 1 of them" in text
