"""When a recording was made: the phone's creation_time tag, into the pose data, the result's
source.recorded_at and the history's filming date (else --date, else today)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av
import numpy as np

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.io.video import created_at, probe
from valgus.schema import RECORDED_AT_ATTR
from valgus.services.analyses import filmed_at


def test_creation_time_tags_are_read_as_utc() -> None:
    assert created_at({"creation_time": "2026-11-02T09:15:30.000000Z"}) == dt.datetime(
        2026, 11, 2, 9, 15, 30, tzinfo=dt.UTC
    )
    assert created_at({}, {"creation_time": "2026-11-02T10:15:30+01:00"}).hour == 9  # type: ignore[union-attr]
    assert created_at({"creation_time": "1970-01-01T00:00:00Z"}) is None  # an unset clock
    assert created_at({"creation_time": "yesterday"}) is None


def test_a_tagged_video_says_when_it_was_filmed(tmp_path: Path) -> None:
    path = tmp_path / "tagged.mp4"
    with av.open(str(path), "w") as out:
        out.metadata["creation_time"] = "2026-11-02T09:15:30.000000Z"
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(
                np.full((64, 64, 3), 20 * i, np.uint8), format="rgb24"
            )
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    assert probe(path).created_at == dt.datetime(2026, 11, 2, 9, 15, 30, tzinfo=dt.UTC)


def test_the_result_and_the_history_use_it() -> None:
    poses = make_squat_poses(Squat()).assign_attrs({RECORDED_AT_ATTR: "2026-11-02T09:15:30+00:00"})
    analysis = analyze_poses(poses)
    assert analysis.result.source.recorded_at == dt.datetime(2026, 11, 2, 9, 15, 30, tzinfo=dt.UTC)
    assert filmed_at(analysis) == dt.datetime(2026, 11, 2, 9, 15, 30)  # stored as naive UTC
    assert filmed_at(analysis, dt.date(2026, 11, 5)) == dt.datetime(2026, 11, 5, 12)  # --date wins
    untagged = analyze_poses(make_squat_poses(Squat()))
    assert untagged.result.source.recorded_at is None and filmed_at(untagged) is None
