"""The naive MediaPipe loop, as a user would write it: OpenCV decodes each frame, converts
it to RGB and hands it to one MediaPipe Pose instance, one frame after the other; the
landmarks go to a JSON file. The baseline of `valgus bench batch` (a whole process, start-up
included). It imports nothing from valgus, so its start-up is its own.

    python naive_loop.py VIDEO OUT.json
"""

from __future__ import annotations

import json
import sys


def main(video: str, out: str) -> int:
    import cv2
    from mediapipe.python.solutions import pose as mp_pose

    cap = cv2.VideoCapture(video)
    frames: list[list[list[float]] | None] = []
    # The same model and settings as valgus (mediapipe_backend.py): the "full" model,
    # tracking on, MediaPipe's own smoothing off.
    with mp_pose.Pose(
        static_image_mode=False,
        model_complexity=1,
        smooth_landmarks=False,
        enable_segmentation=False,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    ) as pose:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            found = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).pose_landmarks
            frames.append(
                [[p.x, p.y, p.z, p.visibility] for p in found.landmark] if found else None
            )
    cap.release()
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(frames, fh)
    return 0 if frames else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1], sys.argv[2]))
