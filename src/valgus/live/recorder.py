"""The recording of a live set: every frame received (also those the model skipped), kept
on disk as it arrives, then encoded to an MP4 with the frames' own capture times, so the
saved set is analyzed like any uploaded video."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from valgus.errors import InputError
from valgus.live.protocol import FrameError, decode_jpeg

RECORD = struct.Struct("<dI")  # capture time ms, JPEG length
MAX_RECORD_S = 180.0  # three minutes of a set are kept; later frames are not recorded
MAX_RECORD_BYTES = 600 * 1024 * 1024


class Recorder:
    """Append frames to a file; encode them to MP4 at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.frames = 0
        self.bytes = 0
        self.first_ms: float | None = None
        self.last_ms = -1.0
        self.full = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("wb")

    def add(self, t_ms: float, jpeg: bytes, /) -> bool:
        """Keep one frame (False once the set is longer than MAX_RECORD_S or out of order)."""
        if self.first_ms is None:
            self.first_ms = t_ms
        if t_ms <= self.last_ms:
            return False
        if t_ms - self.first_ms > MAX_RECORD_S * 1000 or self.bytes > MAX_RECORD_BYTES:
            self.full = True
            return False
        self._fh.write(RECORD.pack(t_ms, len(jpeg)))
        self._fh.write(jpeg)
        self.frames += 1
        self.bytes += len(jpeg)
        self.last_ms = t_ms
        return True

    @property
    def duration_s(self) -> float:
        return 0.0 if self.first_ms is None else (self.last_ms - self.first_ms) / 1000

    def close(self) -> None:
        self._fh.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def to_mp4(self, out: Path, /) -> Path:
        """Encode the kept frames (H.264, each at its capture time; a frame that cannot be
        decoded is left out) and drop the raw file."""
        self.close()
        written = 0
        size: tuple[int, int] | None = None
        container = av.open(str(out), mode="w")
        try:
            stream = container.add_stream("libx264", rate=30)
            stream.codec_context.time_base = Fraction(1, 1000)
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": "20", "preset": "veryfast"}
            for t_ms, jpeg in self._read():
                try:
                    img = decode_jpeg(jpeg)
                except FrameError:
                    continue
                if size is None:
                    h, w = img.shape[:2]
                    size = (w - w % 2, h - h % 2)
                    stream.width, stream.height = size
                if (img.shape[1], img.shape[0]) != size:
                    img = np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), np.uint8)
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
                frame.pts = round(t_ms - (self.first_ms or 0.0))
                frame.time_base = Fraction(1, 1000)
                for packet in stream.encode(frame):
                    container.mux(packet)
                written += 1
            if written:
                for packet in stream.encode():
                    container.mux(packet)
        finally:
            container.close()
            self.path.unlink(missing_ok=True)
        if written < 2:
            out.unlink(missing_ok=True)
            raise InputError("nothing was recorded: fewer than two pictures reached the server")
        return out

    def _read(self) -> Iterator[tuple[float, bytes]]:
        last_pts = -1
        with self.path.open("rb") as fh:
            while header := fh.read(RECORD.size):
                t_ms, n = RECORD.unpack(header)
                jpeg = fh.read(n)
                pts = round(t_ms - (self.first_ms or 0.0))
                if pts <= last_pts:  # two frames in one millisecond: keep the first
                    continue
                last_pts = pts
                yield t_ms, jpeg
