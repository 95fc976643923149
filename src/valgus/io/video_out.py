"""Write H.264 MP4 video frame by frame (memory does not grow with length)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from valgus.io.video import RGBFrame

__all__ = ["stored_frame", "video_writer"]


def stored_frame(img: RGBFrame, rotation_deg: int) -> RGBFrame:
    """The upright frame as stored when the player must turn it rotation_deg clockwise."""
    if rotation_deg == 0:
        return img
    return np.ascontiguousarray(np.rot90(img, k=rotation_deg // 90))


@contextmanager
def video_writer(
    path: Path, *, width: int, height: int, fps: float, rotation_deg: int = 0, crf: int = 18
) -> Iterator[Callable[[RGBFrame], None]]:
    """Stream upright RGB frames into an H.264 MP4; yields a write(frame) function.

    rotation_deg (clockwise, as a phone's 'rotate' tag): frames are stored turned the
    other way and the display matrix tells players to turn them back.
    """
    container = av.open(str(path), mode="w")
    try:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        sw, sh = (height, width) if rotation_deg in (90, 270) else (width, height)
        stream.width, stream.height = sw, sh
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        if rotation_deg:
            stream.set_display_rotation(-rotation_deg)

        def write(img: RGBFrame) -> None:
            frame = av.VideoFrame.from_ndarray(stored_frame(img, rotation_deg), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)

        yield write
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()


def write_y4m(video: Path, out: Path, /, *, fps: int = 30, max_side_px: int | None = None) -> Path:
    """A video's frames as raw YUV4MPEG2 (4:2:0), e.g. for Chromium's fake camera
    (`--use-file-for-fake-video-capture=FILE.y4m`). Decoded and converted with PyAV; the
    frames are written at `fps` in order (the source's timing is not kept)."""
    from valgus.io.video import iter_frames

    with out.open("wb") as fh:
        header = False
        for _, rgb in iter_frames(video, max_side_px=max_side_px):
            h, w = rgb.shape[:2]
            h, w = h - h % 2, w - w % 2
            if not header:
                fh.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
                header = True
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb[:h, :w]), format="rgb24")
            fh.write(b"FRAME\n")
            fh.write(frame.reformat(format="yuv420p").to_ndarray().tobytes())
    return out
