"""Live feedback without a browser: the frame protocol, the back-pressure slot, and the
WebSocket's refusals and errors through the real app (real MediaPipe, one small picture)."""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from valgus.live.protocol import MAX_FRAME_BYTES, FrameError, Latest, decode_jpeg, parse_frame
from valgus.web.app import create_app
from valgus.web.settings import Settings

HEADER = struct.Struct("<d")
ORIGIN = {"origin": "http://127.0.0.1:8000", "host": "127.0.0.1:8000"}


def _jpeg(w: int = 320, h: int = 480) -> bytes:
    img = np.full((h, w, 3), 120, dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return bytes(buf)


class TestFrames:
    def test_a_frame_is_its_time_then_a_jpeg(self) -> None:
        t, jpeg = parse_frame(HEADER.pack(1234.5) + _jpeg())
        assert t == 1234.5 and decode_jpeg(jpeg).shape == (480, 320, 3)

    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"", "too short"),
            (HEADER.pack(1.0) + b"GIF89a...", "not a JPEG"),
            (HEADER.pack(float("nan")) + b"\xff\xd8\xff", "not a time"),
            (HEADER.pack(-5.0) + b"\xff\xd8\xff", "not a time"),
            (HEADER.pack(1.0) + b"\xff\xd8" + b"\0" * MAX_FRAME_BYTES, "larger than"),
        ],
    )
    def test_bad_frames_are_refused_in_words(self, data: bytes, words: str) -> None:
        with pytest.raises(FrameError, match=words):
            parse_frame(data)

    def test_a_broken_or_odd_sized_jpeg_is_refused(self) -> None:
        with pytest.raises(FrameError, match="could not be decoded"):
            decode_jpeg(b"\xff\xd8" + b"\x00" * 100)
        with pytest.raises(FrameError, match="px a side"):
            decode_jpeg(_jpeg(32, 32))

    def test_a_small_jpeg_declaring_a_huge_picture_is_refused_before_decoding(self) -> None:
        # A 320x480 JPEG whose header (SOF0) says 60000 x 60000: decoding it would ask for
        # ~10 GB. Its size is read from the header and refused first.
        data = bytearray(_jpeg(320, 480))
        sof = data.index(b"\xff\xc0")
        for side, said in ((60000, "far too large"), (4000, "4000x4000 px")):
            data[sof + 5 : sof + 9] = struct.pack(">HH", side, side)
            with pytest.raises(FrameError, match=said):
                decode_jpeg(bytes(data))
        _, png = cv2.imencode(".png", np.zeros((100, 100, 3), np.uint8))
        with pytest.raises(FrameError, match="not a JPEG"):
            decode_jpeg(png.tobytes())


class TestBackPressure:
    def test_a_slow_consumer_gets_the_newest_and_nothing_queues(self) -> None:
        """100 frames put at once while a consumer needs 20 ms a frame: it never sees more
        than one waiting, every frame it takes is the newest at that moment, the rest count
        as dropped."""

        async def run() -> tuple[list[int], list[int], Latest[int]]:
            slot: Latest[int] = Latest()
            taken: list[int] = []
            waiting: list[int] = []

            async def consumer() -> None:
                while (item := await slot.get()) is not None:
                    taken.append(item)
                    await asyncio.sleep(0.02)  # a slow model

            task = asyncio.create_task(consumer())
            for k in range(100):
                slot.put(k)
                waiting.append(slot.pending())
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.05)
            slot.close()
            await task
            return taken, waiting, slot

        taken, waiting, slot = asyncio.run(run())
        assert max(waiting) == 1
        assert taken[-1] == 99 and taken == sorted(taken)
        assert len(taken) < 40 and slot.dropped == 100 - len(taken)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'h.db'}")
    with TestClient(create_app(settings, run_workers=False), base_url="http://127.0.0.1:8000") as c:
        yield c


class TestSocket:
    def test_another_site_may_not_connect(self, client: TestClient) -> None:
        with (
            pytest.raises(WebSocketDisconnect) as e,
            client.websocket_connect(
                "/live/ws", headers={**ORIGIN, "origin": "http://evil.example"}
            ) as ws,
        ):
            ws.receive_text()
        assert e.value.code == 1008

    def test_the_first_message_must_say_hello(self, client: TestClient) -> None:
        with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
            ws.send_text(json.dumps({"type": "frame"}))
            msg = ws.receive_json()
        assert msg["type"] == "error" and "hello" in msg["message"]

    def test_an_unknown_person_or_another_movement_is_said(self, client: TestClient) -> None:
        with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
            ws.send_text(json.dumps({"type": "hello", "person_id": 999}))
            assert "no person" in ws.receive_json()["message"]
        with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
            ws.send_text(json.dumps({"type": "hello", "movement": "drop-jump"}))
            assert "squat" in ws.receive_json()["message"]

    def test_bad_frames_are_answered_and_the_set_goes_on(self, client: TestClient) -> None:
        with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
            ws.send_text(json.dumps({"type": "hello", "movement": "squat"}))
            assert ws.receive_json()["type"] == "ready"
            ws.send_bytes(b"\x00\x01")
            first = ws.receive_json()
            assert (first["type"], first["code"]) == ("error", "bad_frame")
            ws.send_bytes(HEADER.pack(10.0) + b"\xff\xd8" + b"\x00" * 64)  # a broken JPEG
            assert ws.receive_json()["code"] == "bad_frame"
            ws.send_text("not json")
            assert ws.receive_json()["code"] == "bad_input"
            ws.send_bytes(HEADER.pack(20.0) + _jpeg())  # a picture with nobody in it
            frame = ws.receive_json()
            assert frame["type"] == "frame" and frame["setup"] == "no_person"
            assert frame["legs"]["left"]["band"] == "unknown" and frame["reps"] == 0
            ws.send_text(json.dumps({"type": "save"}))  # one frame: nothing to analyze
            assert ws.receive_json()["type"] == "saving"
            assert "nothing was recorded" in ws.receive_json()["message"]

    def test_frames_faster_than_the_model_are_dropped_not_queued(self, client: TestClient) -> None:
        """The real model behind the socket: 40 frames sent at once. Each is either analysed
        or dropped as stale (never queued), answers come newest-last in time order, and the
        newest frame is always analysed."""
        n = 40
        with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
            ws.send_text(json.dumps({"type": "hello", "movement": "squat"}))
            assert ws.receive_json()["type"] == "ready"
            for k in range(n):
                ws.send_bytes(HEADER.pack(float(k)) + _jpeg())
            answered: list[float] = []
            while not answered or answered[-1] != n - 1:
                msg = ws.receive_json()
                assert msg["type"] == "frame", msg
                answered.append(msg["t"])
        assert answered == sorted(answered) and len(set(answered)) == len(answered)
        assert msg["received"] == n
        assert msg["dropped"] > 0 and len(answered) + msg["dropped"] == n, (answered, msg)

    def test_a_closed_socket_ends_the_set_and_frees_its_place(self, client: TestClient) -> None:
        for _ in range(3):  # more than the server's places: each closed set gave its back
            with client.websocket_connect("/live/ws", headers=ORIGIN) as ws:
                ws.send_text(json.dumps({"type": "hello"}))
                assert ws.receive_json()["type"] == "ready"
                ws.send_bytes(HEADER.pack(1.0) + _jpeg())
                assert ws.receive_json()["type"] == "frame"
        assert client.app.state.live_sessions == 0  # type: ignore[attr-defined]
        assert not list((client.app.state.valgus.workspace.root / "live").glob("*"))  # type: ignore[attr-defined]
