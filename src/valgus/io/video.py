"""Stream decoded frames from a video file with PyAV, with bounded memory.

Frames come out upright (the container's rotation metadata is honoured) as RGB
uint8 arrays, each with its real presentation time in seconds. Nothing but the
current frame is held, so memory does not grow with video length.
:func:`iter_decoded` yields the frames before RGB conversion, for callers that skip
some (converting costs more than decoding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from valgus.errors import VideoReadError

RGBFrame = NDArray[np.uint8]

# Frames with more pixels than this are scaled down to the decode size (keeping their pixel
# format) as soon as they are decoded, so that nothing after the decoder (the hand-over
# queue, the ring buffer of frames skipped while the body is still, a second model's
# stretch) holds a full-size frame: an 8192x8192 frame is 100 MB, the same frame at 1280 px
# 2.5 MB. Up to 1080p the frame is kept as decoded and scaled only if and when it is
# converted to RGB (one sws_scale call, and none for the frames skipped while still): that
# path is faster and its pixels are the ones every benchmark was measured on.
EAGER_SCALE_MIN_PIXELS = 1920 * 1088
# Beyond 4K the decoder runs one thread: FFmpeg's frame threads each hold a full-size frame
# (measured on 8192x8192: 700 MB with the default threads, 330 MB with one; decoding ~20 %
# slower, which scaling such frames dwarfs anyway).
ONE_THREAD_MIN_PIXELS = 4096 * 2304


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about the video stream (displayed, upright size)."""

    path: str
    width: int
    height: int
    rotation_deg: int
    fps_nominal: float
    frames_estimate: int
    duration_s: float
    codec: str
    created_at: dt.datetime | None = None  # the recording's creation time (UTC), if tagged


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoReadError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise VideoReadError(f"{path} is a folder, not a video file.")
    if path.stat().st_size == 0:
        raise VideoReadError(f"{path} is empty (0 bytes). Copy the video again from the phone.")
    try:
        container = av.open(str(path), mode="r")
    except PermissionError as err:  # av.error.PermissionError is one too
        raise VideoReadError(
            f"{path} cannot be read: permission denied. Copy the video somewhere you can "
            "read, or ask whoever owns it to share it."
        ) from err
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as err:
        raise VideoReadError(
            f"{path} is not a video FFmpeg can read ({err.__class__.__name__}). "
            "Export it as MP4 or MOV and try again."
        ) from err
    if not container.streams.video:
        container.close()
        raise VideoReadError(f"{path} holds no video stream. Give a video file (MP4, MOV...).")
    return container


def _display_rotation(stream: av.video.stream.VideoStream) -> int:
    """Clockwise rotation (0/90/180/270) to apply to decoded frames to show them upright."""
    # PyAV exposes the display matrix per frame (frame.rotation, counter-clockwise degrees);
    # read it from the first frame in iter_frames. Here: the legacy 'rotate' tag, if any.
    tag = stream.metadata.get("rotate")
    return int(tag) % 360 if tag and tag.lstrip("-").isdigit() else 0


def created_at(*tags: dict[str, str]) -> dt.datetime | None:
    """The `creation_time` tag phones write (ISO 8601, UTC), from the first tags that hold
    a readable one; None when no tag says (or says 1970/1904, an unset clock)."""
    for t in tags:
        text = str(t.get("creation_time", "")).strip().replace("Z", "+00:00")
        try:
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            continue
        stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
        if stamp.year > 1971:
            return stamp.replace(microsecond=0)
    return None


def probe(path: Path, /) -> VideoInfo:
    """Read the stream header and the first frame's rotation; raises VideoReadError."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        rotation = _first_frame_rotation(container, stream)
        w, h = stream.codec_context.width, stream.codec_context.height
        if rotation in (90, 270):
            w, h = h, w
        fps = float(stream.average_rate) if stream.average_rate else 0.0
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else (container.duration / 1e6 if container.duration else 0.0)
        )
        frames = stream.frames or (round(duration * fps) if fps else 0)
        return VideoInfo(
            str(path),
            w,
            h,
            rotation,
            fps,
            int(frames),
            duration,
            stream.codec_context.name,
            created_at(container.metadata, stream.metadata),
        )
    finally:
        container.close()


def _first_frame_rotation(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> int:
    try:
        for frame in container.decode(stream):
            return _frame_rotation(frame, stream)
    except av.error.FFmpegError as err:
        raise VideoReadError(
            f"{container.name}: the first frame cannot be decoded ({err})."
        ) from err
    raise VideoReadError(f"{container.name} holds no decodable video frame.")


def _frame_rotation(frame: av.VideoFrame, stream: av.video.stream.VideoStream) -> int:
    """Clockwise degrees to turn the decoded picture upright."""
    ccw = getattr(frame, "rotation", 0) or 0  # display matrix, counter-clockwise
    if ccw:
        return int(-ccw) % 360
    return _display_rotation(stream)


def _upright(img: RGBFrame, clockwise_deg: int) -> RGBFrame:
    if clockwise_deg == 0:
        return img
    # np.rot90 turns counter-clockwise for positive k.
    return np.ascontiguousarray(np.rot90(img, k=-(clockwise_deg // 90)))


class DecodedFrame:
    """One decoded picture, converted to an upright RGB array only when asked.

    Converting (scaling + YUV->RGB) costs several times more than decoding, so a
    caller that skips frames keeps them as DecodedFrame and converts only those it uses.
    Not thread-safe: convert a given frame from one thread only.
    """

    __slots__ = ("_frame", "_rgb", "_rotation", "_size", "time_s")

    def __init__(
        self, time_s: float, frame: av.VideoFrame, size: tuple[int, int], rotation_deg: int
    ) -> None:
        self.time_s = time_s
        self._frame: av.VideoFrame | None = frame
        self._size = size
        self._rotation = rotation_deg
        self._rgb: RGBFrame | None = None

    @property
    def held_size(self) -> tuple[int, int] | None:
        """(width, height) of the decoded picture still held, None once converted."""
        return None if self._frame is None else (self._frame.width, self._frame.height)

    def rgb(self) -> RGBFrame:
        """The upright RGB frame (h, w, 3) uint8, converted once and cached."""
        if self._rgb is None:
            assert self._frame is not None
            img = self._frame.to_ndarray(format="rgb24", width=self._size[0], height=self._size[1])
            self._rgb = _upright(np.asarray(img, dtype=np.uint8), self._rotation)  # no copy
            self._frame = None  # the decoder's YUV buffer is no longer needed
        return self._rgb


def iter_decoded(
    path: Path,
    /,
    *,
    max_side_px: int | None = None,
    start_s: float = 0.0,
    end_s: float = np.inf,
) -> Iterator[DecodedFrame]:
    """Yield every frame, in presentation order, decoded but not yet converted to RGB.

    Same frames, times and errors as :func:`iter_frames`; with start_s/end_s only the
    frames with start_s <= time_s < end_s (seeking to the key frame before start_s).
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        ctx = stream.codec_context
        if (ctx.width or 0) * (ctx.height or 0) > ONE_THREAD_MIN_PIXELS:
            ctx.thread_count = 1
        base = stream.start_time or 0
        tb = stream.time_base
        if start_s > 0 and tb:
            container.seek(base + int(start_s / tb), stream=stream, backward=True)
        rotation: int | None = None
        size: tuple[int, int] | None = None
        last_t = -np.inf
        try:
            for frame in container.decode(stream):
                if rotation is None:
                    rotation = _frame_rotation(frame, stream)
                    size = _decode_size(frame.width, frame.height, max_side_px)
                t = (
                    float((frame.pts - base) * tb)
                    if frame.pts is not None and tb
                    else last_t + 1 / 30
                )
                if t <= last_t:  # duplicate or out-of-order timestamp: keep order monotonic
                    continue
                last_t = t
                if t < start_s:
                    continue
                if t >= end_s:
                    return
                assert size is not None
                yield DecodedFrame(t, _shrunk(frame, size), size, rotation)
        except av.error.FFmpegError as err:
            raise VideoReadError(
                f"{path}: decoding stopped at {max(last_t, 0):.2f} s ({err.__class__.__name__}); "
                "the file looks truncated or damaged."
            ) from err
    finally:
        container.close()


def iter_frames(
    path: Path, /, *, max_side_px: int | None = None
) -> Iterator[tuple[float, RGBFrame]]:
    """Yield (time_s, upright RGB frame) for every frame, in presentation order.

    max_side_px: scale frames down at decode time so the longer side is at most this
    (keeps aspect ratio); landmark coordinates are later scaled back to the full size.
    A truncated or corrupt tail ends the stream with a VideoReadError after the frames
    that could be read, so the caller decides what to keep.
    """
    for decoded in iter_decoded(path, max_side_px=max_side_px):
        yield decoded.time_s, decoded.rgb()


def _shrunk(frame: av.VideoFrame, size: tuple[int, int]) -> av.VideoFrame:
    """The frame scaled to size now if it is larger than EAGER_SCALE_MIN_PIXELS, else as is."""
    if (frame.width, frame.height) == size or frame.width * frame.height <= EAGER_SCALE_MIN_PIXELS:
        return frame
    return frame.reformat(width=size[0], height=size[1])


def _decode_size(width: int, height: int, max_side_px: int | None) -> tuple[int, int]:
    if not max_side_px or max(width, height) <= max_side_px:
        return width, height
    scale = max_side_px / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)
