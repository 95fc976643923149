"""The live frame protocol and its back-pressure.

A frame message is binary: 8 bytes, the capture time in milliseconds on the page's clock
(little-endian float64, `performance.now()`), then one JPEG picture. Control messages are
JSON text: `{"type": "hello", "movement": "squat", "person_id": 3, "facing": "user"}` first,
later `{"type": "save"}` or `{"type": "stop"}`.

Back-pressure: the receiver puts each frame into a one-place slot (`Latest`); a new frame
replaces one the model has not started on (counted as dropped). The model always works on
the newest frame, and no queue builds behind it however slow it is.
"""

from __future__ import annotations

import asyncio
import io
import math
import struct
from typing import Generic, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from valgus.errors import InputError

HEADER = struct.Struct("<d")
MAX_FRAME_BYTES = 2 * 1024 * 1024  # a 1920x1080 JPEG at quality 0.9 is ~0.5 MB
MAX_SIDE_PX = 1920
MIN_SIDE_PX = 64

T = TypeVar("T")


class FrameError(InputError):
    """A frame message that cannot be used (said to the page; the session goes on)."""

    code = "bad_frame"


def parse_frame(data: bytes, /) -> tuple[float, bytes]:
    """(capture time ms, JPEG bytes) of a binary frame message."""
    if len(data) > MAX_FRAME_BYTES:
        raise FrameError(f"frame of {len(data)} bytes is larger than {MAX_FRAME_BYTES}")
    if len(data) <= HEADER.size + 2:
        raise FrameError("frame too short: 8 bytes of capture time, then a JPEG picture")
    (t_ms,) = HEADER.unpack_from(data)
    if not math.isfinite(t_ms) or t_ms < 0:
        raise FrameError("frame capture time is not a time")
    jpeg = data[HEADER.size :]
    if jpeg[:2] != b"\xff\xd8":
        raise FrameError("frame is not a JPEG picture")
    return t_ms, jpeg


def jpeg_size(jpeg: bytes, /) -> tuple[int, int]:
    """(width, height) from a JPEG's header, without decoding it (a small file can declare a
    picture of gigabytes), or FrameError."""
    try:
        with Image.open(io.BytesIO(jpeg)) as im:
            kind, size = im.format, im.size
    except Image.DecompressionBombError:
        raise FrameError(
            f"frame declares a picture far too large; send {MIN_SIDE_PX} to {MAX_SIDE_PX} px a side"
        ) from None
    except (OSError, ValueError):
        raise FrameError("frame JPEG could not be decoded") from None
    if kind != "JPEG":
        raise FrameError(f"frame is {kind or 'not an image'}, not a JPEG")
    return size


def decode_jpeg(jpeg: bytes, /) -> NDArray[np.uint8]:
    """The RGB picture (h, w, 3) of a JPEG, or FrameError. Its size is checked from the
    header before anything is decoded."""
    w, h = jpeg_size(jpeg)
    if max(h, w) > MAX_SIDE_PX or min(h, w) < MIN_SIDE_PX:
        raise FrameError(f"frame of {w}x{h} px; send {MIN_SIDE_PX} to {MAX_SIDE_PX} px a side")
    img = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None or img.shape[:2] != (h, w):
        raise FrameError("frame JPEG could not be decoded")
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), dtype=np.uint8)


class Latest(Generic[T]):
    """A one-place slot: put() replaces what was not yet taken; get() waits for the newest."""

    def __init__(self) -> None:
        self._item: T | None = None
        self._ready = asyncio.Event()
        self.closed = False
        self.put_count = 0
        self.dropped = 0

    def put(self, item: T, /) -> None:
        if self._item is not None:
            self.dropped += 1
        self._item = item
        self.put_count += 1
        self._ready.set()

    async def get(self) -> T | None:
        """The newest item, or None once closed."""
        while self._item is None and not self.closed:
            self._ready.clear()
            await self._ready.wait()
        item, self._item = self._item, None
        return item

    def pending(self) -> int:
        return 0 if self._item is None else 1

    def close(self) -> None:
        self.closed = True
        self._ready.set()
