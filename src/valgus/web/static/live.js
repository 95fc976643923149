/* The Live page: camera -> JPEG frames over a WebSocket -> legs, cue and reps back.
   The server does every measure and verdict; this file only captures, sends and draws. */
(function () {
  "use strict";
  var $ = function (s) { return document.querySelector(s); };
  var state = $("#live-state");
  if (!state) return;
  var video = $("[data-live-video]"), overlay = $("[data-live-overlay]"), stage = $("[data-live-stage]");
  var cueEl = $("[data-live-cue]"), errEl = $("[data-live-error]"), startBtn = $("[data-live-start]");
  var saveBtn = $("[data-live-save]"), reasonEl = $("[data-live-reason]");
  var WORDS = { none: "typical", mild: "above typical", marked: "well above typical", unknown: "not seen", standing: "standing (read in the squat)" };
  var COLOURS = { none: "#43a047", mild: "#ffb300", marked: "#e53935", unknown: "#bbbbbb", standing: "#ffffff" };
  var MAX_SIDE = 640, FRAME_MS = 33, MAX_BUFFERED = 512 * 1024;
  var ws = null, grab = document.createElement("canvas"), lastSent = 0, sending = false;
  var latencies = [], lastSpoken = "", lastSpokenAt = 0, saved = false, stream = null;

  function setState(key, value) { state.setAttribute("data-" + key, String(value)); }
  function status(text) { setState("status", text); $("[data-live-status]").textContent = text; }
  function showError(text) { errEl.textContent = text; errEl.hidden = false; status("stopped"); }

  function say(cue) {
    if (!$("[data-live-speak]").checked || !window.speechSynthesis) return;
    var now = performance.now();
    if (cue === lastSpoken || now - lastSpokenAt < 2500) return;
    lastSpoken = cue; lastSpokenAt = now;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(cue));
  }

  function median(xs) {
    var s = xs.slice().sort(function (a, b) { return a - b; });
    return s.length ? s[Math.floor(s.length / 2)] : 0;
  }

  function draw(msg) {
    var w = video.videoWidth, h = video.videoHeight;
    if (overlay.width !== w || overlay.height !== h) { overlay.width = w; overlay.height = h; }
    overlay.style.width = video.clientWidth + "px";
    overlay.style.height = video.clientHeight + "px";
    var g = overlay.getContext("2d");
    g.clearRect(0, 0, w, h);
    var p = msg.points;
    if (!p) return;
    var lw = Math.max(3, Math.round(w / 160));
    ["left", "right"].forEach(function (side) {
      var leg = msg.legs[side] || {};
      var band = leg.band || "unknown";
      var pt = function (name) { var q = p[side + "_" + name]; return [q[0] * w, q[1] * h]; };
      var hip = pt("hip"), knee = pt("knee"), ankle = pt("ankle"), toe = pt("foot_index");
      // The foot's line at the knee (the measure's reference, as on the key frames); the
      // vertical over the toes until the server has seen the feet standing.
      var lineX = typeof leg.line_x === "number" ? leg.line_x * w : toe[0];
      var base = typeof leg.line_x === "number" ? ankle[1] : toe[1];
      g.setLineDash([lw * 2, lw * 2]); g.strokeStyle = "#ffffff"; g.lineWidth = Math.max(1, lw / 2);
      g.beginPath(); g.moveTo(lineX, base); g.lineTo(lineX, knee[1] - 0.15 * Math.abs(ankle[1] - hip[1])); g.stroke();
      g.setLineDash([]); g.strokeStyle = COLOURS[band]; g.lineWidth = lw;
      g.beginPath(); g.moveTo(hip[0], hip[1]); g.lineTo(knee[0], knee[1]); g.lineTo(ankle[0], ankle[1]); g.stroke();
      g.strokeStyle = "#ffffff"; g.lineWidth = Math.max(1, lw / 2);
      g.beginPath(); g.moveTo(ankle[0], ankle[1]); g.lineTo(toe[0], toe[1]); g.stroke();
      g.fillStyle = COLOURS[band];
      [hip, knee, ankle].forEach(function (q) { g.beginPath(); g.arc(q[0], q[1], lw + 2, 0, 2 * Math.PI); g.fill(); });
    });
  }

  function onFrame(msg) {
    draw(msg);
    latencies.push(performance.now() - msg.t);
    if (latencies.length > 100) latencies.shift();
    var lat = Math.round(median(latencies));
    cueEl.textContent = msg.cue;
    say(msg.cue);
    ["left", "right"].forEach(function (side) {
      var band = (msg.legs[side] || {}).band || "unknown";
      var cell = $('[data-live-now="' + side + '"]');
      cell.textContent = WORDS[band]; cell.className = "lv-" + band;
    });
    setState("reps", msg.reps); $("[data-live-reps]").textContent = msg.reps + (msg.reps === 1 ? " rep" : " reps");
    setState("fps", msg.fps); $("[data-live-fps]").textContent = msg.fps;
    setState("setup", msg.setup);
    setState("latency-ms", lat); $("[data-live-latency]").textContent = lat;
    setState("dropped", msg.dropped);
    if (msg.recording_full) status("recording full (3 minutes): save the set");
    if (msg.still && msg.reps > 0 && $("[data-live-autosave]").checked) save();
  }

  function onRep(msg) {
    setState("judged", msg.number);
    ["left", "right"].forEach(function (side) {
      setState(side, msg[side]);
      var cell = $('[data-live-rep="' + side + '"]');
      cell.textContent = "rep " + msg.number + ": " + WORDS[msg[side]]; cell.className = "lv-" + msg[side];
    });
    reasonEl.hidden = !msg.reason; reasonEl.textContent = msg.reason ? "Not judged: " + msg.reason : "";
  }

  function onMessage(ev) {
    var msg = JSON.parse(ev.data);
    if (msg.type === "frame") onFrame(msg);
    else if (msg.type === "rep") onRep(msg);
    else if (msg.type === "ready") { status("live"); saveBtn.disabled = false; loop(); }
    else if (msg.type === "saving") status("saving");
    else if (msg.type === "saved") { status("saved"); setState("saved-url", msg.url); window.location.href = msg.url; }
    else if (msg.type === "error") {
      if (msg.code === "bad_frame") { setState("frame-error", msg.message); return; }
      showError(msg.message);
    }
  }

  function send() {
    if (!ws || ws.readyState !== 1 || saved || sending || !video.videoWidth) return;
    if (ws.bufferedAmount > MAX_BUFFERED) return;  // the network is behind: skip this frame
    var scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    grab.width = Math.round(video.videoWidth * scale / 2) * 2;
    grab.height = Math.round(video.videoHeight * scale / 2) * 2;
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    var t = performance.now();
    sending = true;
    grab.toBlob(function (blob) {
      if (!blob) { sending = false; return; }
      blob.arrayBuffer().then(function (buf) {
        var out = new Uint8Array(8 + buf.byteLength);
        new DataView(out.buffer).setFloat64(0, t, true);
        out.set(new Uint8Array(buf), 8);
        if (ws && ws.readyState === 1 && !saved) ws.send(out.buffer);
        sending = false;
      });
    }, "image/jpeg", 0.8);
  }

  function loop() {
    // Each new camera picture once (requestVideoFrameCallback), at most 30 a second;
    // a timer where the browser has no such callback.
    var live = function () { return ws && ws.readyState === 1 && !saved; };
    var maybeSend = function () {
      var now = performance.now();
      if (now - lastSent >= FRAME_MS - 3) { lastSent = now; send(); }
    };
    if (video.requestVideoFrameCallback) {
      var onVideoFrame = function () { if (!live()) return; maybeSend(); video.requestVideoFrameCallback(onVideoFrame); };
      video.requestVideoFrameCallback(onVideoFrame);
    } else {
      var tick = function () { if (!live()) return; maybeSend(); setTimeout(tick, 5); };
      tick();
    }
  }

  function save() {
    if (saved || !ws || ws.readyState !== 1) return;
    saved = true; saveBtn.disabled = true;
    ws.send(JSON.stringify({ type: "save" }));
  }

  function connect(facing) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + window.location.host + "/live/ws");
    ws.onopen = function () {
      var person = $("[data-live-person]").value;
      ws.send(JSON.stringify({ type: "hello", movement: "squat", person_id: person ? Number(person) : null, facing: facing }));
      status("starting the model");
    };
    ws.onmessage = onMessage;
    ws.onclose = function (ev) {
      if (state.getAttribute("data-status") === "live") showError("the connection closed" + (ev.reason ? ": " + ev.reason : "") + "; start again");
    };
  }

  startBtn.addEventListener("click", function () {
    errEl.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError("this browser gives no camera to this page: open it at http://127.0.0.1 or localhost on this machine, or over HTTPS");
      return;
    }
    var facing = $("[data-live-facing]").value;
    startBtn.disabled = true;
    status("asking for the camera");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then(function (s) {
        stream = s; video.srcObject = s;
        var track = s.getVideoTracks()[0], settings = track && track.getSettings ? track.getSettings() : {};
        // The picture a front camera shows is a mirror image: the page mirrors its preview
        // (and the drawing) and sends the frames as the camera took them, so the legs are
        // named from the person's side without anyone saying so.
        var mirrored = (settings.facingMode || facing) !== "environment";
        stage.classList.toggle("mirror", mirrored);
        setState("mirrored", mirrored);
        return video.play();
      })
      .then(function () { connect(facing); })
      .catch(function (e) { startBtn.disabled = false; showError("no camera: " + (e && e.message ? e.message : e)); });
  });
  saveBtn.addEventListener("click", save);
  window.addEventListener("pagehide", function () {
    if (ws) ws.close();
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
  });
})();
