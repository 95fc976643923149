"""The Live page: the browser's camera, frames over a WebSocket, the legs and a cue back.

One connection is one live set. Frames arrive as binary messages (live/protocol.py); the
receiver records every frame and puts it into a one-place slot; one model thread takes the
newest frame (stale ones are dropped, never queued), runs MediaPipe and the live session
(live/session.py) and answers with the landmarks, each leg's state and a cue. When a rep
ends, a second thread judges it with the analysis itself. "save" (or standing still after
the reps, when the page asks for it) encodes the recorded frames to an MP4 and queues it as
an analysis like any upload; the page then goes to its results page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from valgus.errors import InputError, NotFoundError, ValgusError
from valgus.live.protocol import FrameError, Latest, decode_jpeg, parse_frame
from valgus.live.recorder import Recorder
from valgus.live.session import IDX, LEG_POINTS, LiveFrame, LiveSession, RepVerdict, judge_rep
from valgus.services import jobs as job_service
from valgus.services import people
from valgus.services.accounts import Scope
from valgus.storage import jobs, store
from valgus.web import authz
from valgus.web.authz import authorize, scope_of
from valgus.web.pages import State, render
from valgus.web.security import websocket_refusal

log = logging.getLogger("valgus.web")
router = APIRouter(include_in_schema=False)  # the page and the socket call authz themselves

HELLO_TIMEOUT_S = 20.0
MAX_BAD_FRAMES = 30  # then the connection is closed: the page is not sending pictures
DRAWN = (
    "left_shoulder",
    "right_shoulder",
    *(f"{side}_{p}" for side in ("left", "right") for p in LEG_POINTS),
)
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


def max_live_sessions() -> int:
    """One live set per two cores: each needs a core for its model to keep up."""
    return max(1, (os.cpu_count() or 1) // 2)


@router.get("/live", response_class=HTMLResponse, dependencies=[Depends(authorize)])
def live_page(
    request: Request, s: State, person: int | None = Query(default=None, ge=1, le=2**31 - 1)
) -> HTMLResponse:
    scope = scope_of(request)
    cards = sorted(people.overview(s.db, scope=scope), key=lambda c: c.name.lower())
    return render(request, "live.html", people=cards, person_id=person)


@router.websocket("/live/ws")
async def live_socket(ws: WebSocket) -> None:
    s = ws.app.state.valgus
    refusal = websocket_refusal(s.settings, ws.headers, ws.cookies)
    scope = Scope()
    if refusal is None:
        try:
            scope, _ = await run_in_threadpool(authz.check, ws, "WEBSOCKET")
        except ValgusError as e:
            refusal = str(e)
    if refusal is not None:
        await ws.close(code=POLICY_VIOLATION, reason=refusal)
        return
    app_state = ws.app.state
    active = getattr(app_state, "live_sessions", 0)
    await ws.accept()
    if active >= max_live_sessions():
        await ws.send_json(
            _error("busy", "another live set is running on this server; try again when it ends")
        )
        await ws.close(code=TRY_AGAIN_LATER)
        return
    app_state.live_sessions = active + 1
    try:
        await LiveConnection(ws, s, scope).run()
    finally:
        app_state.live_sessions = getattr(app_state, "live_sessions", 1) - 1


def _error(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message}


class LiveConnection:
    """One live set over one WebSocket."""

    def __init__(self, ws: WebSocket, s: Any, scope: Scope | None = None) -> None:
        self.ws = ws
        self.s = s
        self.scope = scope or Scope()
        self.slot: Latest[tuple[float, bytes]] = Latest()
        self.session = LiveSession()
        self.model = ThreadPoolExecutor(1, thread_name_prefix="valgus-live-model")
        self.judge = ThreadPoolExecutor(1, thread_name_prefix="valgus-live-judge")
        self.send_lock = asyncio.Lock()
        self.person: str | None = None
        self.recorder: Recorder | None = None
        self.estimator: Any = None
        self.t0_ms: float | None = None
        self.done_times: deque[float] = deque(maxlen=120)
        self.bad_frames = 0
        self.received = 0
        self.saving = False
        self.pending: set[asyncio.Future[Any]] = set()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.send_text(json.dumps(message))

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            if not await self.hello():
                return
            from valgus.pose.mediapipe_backend import MediaPipePose

            self.estimator = await loop.run_in_executor(self.model, MediaPipePose)
            folder = self.s.workspace.root / "live"
            self.recorder = Recorder(folder / f"{uuid.uuid4().hex}.frames")
            await self.send({"type": "ready", "person": self.person})
            receiver = asyncio.create_task(self.receive())
            worker = asyncio.create_task(self.process())
            await asyncio.wait({receiver, worker}, return_when=asyncio.FIRST_COMPLETED)
            self.slot.close()
            for task in (receiver, worker):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        except WebSocketDisconnect:
            pass
        finally:
            self.slot.close()
            if self.recorder is not None and not self.saving:
                self.recorder.discard()
            estimator = self.estimator
            if estimator is not None:
                await loop.run_in_executor(self.model, estimator.close)
            self.model.shutdown(wait=False, cancel_futures=True)
            self.judge.shutdown(wait=False, cancel_futures=True)
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # the page left
                await self.ws.close()

    async def hello(self) -> bool:
        """The first message says who and what: {"type": "hello", "movement": "squat",
        "person_id": 3 (optional)}."""
        try:
            raw = await asyncio.wait_for(self.ws.receive_text(), HELLO_TIMEOUT_S)
            hello = json.loads(raw)
            if not isinstance(hello, dict) or hello.get("type") != "hello":
                raise InputError('the first message must be {"type": "hello", ...}')
            if hello.get("movement", "squat") != "squat":
                raise InputError("live feedback is for the squat; film other tests and upload them")
            pid = hello.get("person_id")
            if pid not in (None, ""):
                if not self.scope.allows(int(pid), "write"):
                    raise NotFoundError("no such person")
                self.person = await run_in_threadpool(store.person_name, self.s.db, int(pid))
            elif not self.scope.everything:
                raise InputError("choose the person this set is for")
            return True
        except (TimeoutError, json.JSONDecodeError, ValueError, KeyError, ValgusError) as e:
            message = str(e) if isinstance(e, ValgusError) else "no valid hello message came"
            await self.send(_error("bad_input", message))
            return False

    async def receive(self) -> None:
        while True:
            msg = await self.ws.receive()
            if msg["type"] == "websocket.disconnect":
                return
            if msg.get("bytes") is not None:
                await self.frame_in(msg["bytes"])
                if self.bad_frames > MAX_BAD_FRAMES:
                    await self.send(
                        _error("bad_frame", "too many frames could not be read; closing")
                    )
                    return
                continue
            try:
                control = json.loads(msg.get("text") or "")
            except json.JSONDecodeError:
                await self.send(_error("bad_input", "a text message must be JSON"))
                continue
            kind = control.get("type") if isinstance(control, dict) else None
            if kind == "save":
                await self.save()
                return
            if kind == "stop":
                return
            await self.send(_error("bad_input", f"unknown message type {kind!r}"))

    async def frame_in(self, data: bytes) -> None:
        try:
            t_ms, jpeg = parse_frame(data)
        except FrameError as e:
            self.bad_frames += 1
            await self.send(_error("bad_frame", str(e)))
            return
        self.received += 1
        assert self.recorder is not None
        if not self.saving:
            self.recorder.add(t_ms, jpeg)
        self.slot.put((t_ms, jpeg))

    async def process(self) -> None:
        loop = asyncio.get_running_loop()
        while (item := await self.slot.get()) is not None:
            t_ms, jpeg = item
            try:
                frame, points, size = await loop.run_in_executor(
                    self.model, self.analyse, t_ms, jpeg
                )
            except FrameError as e:
                self.bad_frames += 1
                await self.send(_error("bad_frame", str(e)))
                continue
            self.done_times.append(time.monotonic())
            await self.send(self.frame_message(t_ms, frame, points))
            if frame.rep_ended is not None:
                frames = self.session.window(*frame.rep_ended)
                future = loop.run_in_executor(
                    self.judge, judge_rep, frames, frame.reps, size[0], size[1]
                )
                task = asyncio.ensure_future(self.rep_done(future))
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)

    def analyse(
        self, t_ms: float, jpeg: bytes
    ) -> tuple[LiveFrame, dict[str, list[float]] | None, tuple[int, int]]:
        """In the model thread: decode, run the model, update the session."""
        rgb = decode_jpeg(jpeg)
        h, w = rgb.shape[:2]
        pose = self.estimator.process(rgb)
        if self.t0_ms is None:
            self.t0_ms = t_ms
        frame = self.session.update((t_ms - self.t0_ms) / 1000, pose, w, h)
        points = None
        if pose is not None:
            points = {
                name: [
                    round(float(pose.xy_norm[IDX[name]][0]), 4),
                    round(float(pose.xy_norm[IDX[name]][1]), 4),
                    round(float(pose.visibility[IDX[name]]), 2),
                ]
                for name in DRAWN
            }
        return frame, points, (w, h)

    def fps(self) -> float:
        times = self.done_times
        if len(times) < 2 or times[-1] - times[0] <= 0:
            return 0.0
        recent = [t for t in times if t >= times[-1] - 2.0]
        span = recent[-1] - recent[0]
        return round((len(recent) - 1) / span, 1) if span > 0 else 0.0

    def frame_message(
        self, t_ms: float, f: LiveFrame, points: dict[str, list[float]] | None
    ) -> dict[str, Any]:
        return {
            "type": "frame",
            "t": t_ms,
            "setup": f.setup,
            "cue": f.cue,
            "legs": {
                side: {"band": leg.band, "mkd": leg.mkd, "line_x": leg.line_x}
                for side, leg in f.legs.items()
            },
            "depth": f.depth,
            "reps": f.reps,
            "still": f.still,
            "points": points,
            "fps": self.fps(),
            "received": self.received,
            "dropped": self.slot.dropped,
            "recorded_s": round(self.recorder.duration_s, 1) if self.recorder else 0.0,
            "recording_full": bool(self.recorder and self.recorder.full),
        }

    async def rep_done(self, future: asyncio.Future[RepVerdict]) -> None:
        try:
            v = await future
        except Exception:  # a judgement that failed says so; the set goes on
            log.exception("live rep judgement failed")
            return
        await self.send(
            {
                "type": "rep",
                "number": v.number,
                "left": v.left,
                "right": v.right,
                "reason": v.reason,
            }
        )

    async def save(self) -> None:
        """Encode the recorded frames, queue them as an analysis, send its page."""
        assert self.recorder is not None
        self.saving = True  # frames that still come are answered, not recorded
        await self.send({"type": "saving"})
        job_id = jobs.new_id()
        path = self.s.workspace.upload_path(job_id, "live.mp4")
        try:
            await run_in_threadpool(self.recorder.to_mp4, path)
            job = await run_in_threadpool(
                job_service.submit,
                self.s.db,
                self.s.workspace,
                job_id,
                path,
                upload_name=f"live set {time.strftime('%Y-%m-%d %H:%M')}.mp4",
                movement="squat",
                person=self.person,
            )
        except ValgusError as e:
            path.unlink(missing_ok=True)
            self.recorder.discard()
            await self.send(_error(e.code, str(e)))
            return
        await self.send({"type": "saved", "id": job.id, "url": f"/analyses/{job.id}"})
