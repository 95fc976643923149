// valgus web app: progressive enhancement only; every page works without this file.
"use strict";

function $(sel, root) { return (root || document).querySelector(sel); }
function $all(sel, root) { return Array.from((root || document).querySelectorAll(sel)); }

// Confirm dangerous forms (delete a person).
$all("form[data-confirm]").forEach(function (f) {
  f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
});

// Upload: drag and drop, progress while the file is sent, then the job's page.
(function () {
  var form = $("#upload");
  if (!form) return;
  var drop = $("[data-drop]", form), input = $("input[type=file]", form);
  ["dragenter", "dragover"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); }); });
  drop.addEventListener("drop", function (e) { if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; input.dispatchEvent(new Event("change")); } });
  // Someone else in the picture: the first frame of the chosen video, and a box dragged
  // around the person to measure, in the video's own pixels ("x,y,w,h": the person_box field).
  var pick = $("[data-person-pick]", form);
  if (pick) {
    var canvas = $("[data-pick-canvas]", pick), said = $("[data-pick-said]", pick);
    var field = $("input[name=person_box]", pick), g = canvas.getContext("2d");
    var still = document.createElement("video"), scale = 1, box = null, start = null;
    still.muted = true; still.playsInline = true; still.preload = "auto";
    var paint = function () {
      g.drawImage(still, 0, 0, canvas.width, canvas.height);
      if (!box) return;
      g.lineWidth = 3; g.strokeStyle = "#ffb300";
      g.strokeRect(box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale);
    };
    var show = function () {
      field.value = box ? box.map(Math.round).join(",") : "";
      said.textContent = box ? "Box " + field.value + " (pixels of the first frame): this person is measured." : "No box: the person the pose model finds is measured.";
    };
    still.addEventListener("loadeddata", function () { still.currentTime = 0; });
    still.addEventListener("seeked", function () {
      scale = Math.min(360 / still.videoWidth, 640 / still.videoHeight);
      canvas.width = Math.round(still.videoWidth * scale); canvas.height = Math.round(still.videoHeight * scale);
      pick.hidden = false; paint();
    });
    var at = function (e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width / scale, (e.clientY - r.top) * canvas.height / r.height / scale];
    };
    canvas.addEventListener("pointerdown", function (e) { start = at(e); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) {
      if (!start) return;
      var p = at(e);
      box = [Math.min(start[0], p[0]), Math.min(start[1], p[1]), Math.abs(p[0] - start[0]), Math.abs(p[1] - start[1])];
      paint();
    });
    canvas.addEventListener("pointercancel", function () { start = null; });
    canvas.addEventListener("pointerup", function () {
      start = null;
      if (box && (box[2] < 10 || box[3] < 10)) box = null;
      paint(); show();
    });
    $("[data-pick-clear]", pick).addEventListener("click", function () { box = null; paint(); show(); });
    input.addEventListener("change", function () {
      box = null; show(); pick.hidden = true;
      var f = input.files;
      if (f.length === 1 && f[0].type.indexOf("video/") === 0) { still.src = URL.createObjectURL(f[0]); }
    });
  }

  // One upload per chosen video, one after the other (each its own analysis): one video
  // goes to its page; several to the list of analyses, with any refusal said per file.
  function send(file, onDone) {
    var bar = $("[data-upload-progress]", form);
    var data = new FormData(form);
    data.set("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/analyses");
    var extra = csrfHeaders({});
    for (var k in extra) xhr.setRequestHeader(k, extra[k]);
    xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) bar.value = ev.loaded / ev.total; };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (x) { body = {}; }
      if (xhr.status === 202) onDone(body.id, null);
      else onDone(null, (body.error && body.error.message) || ("upload failed (" + xhr.status + ")"));
    };
    xhr.onerror = function () { onDone(null, "the connection to the server broke; try again"); };
    xhr.send(data);
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var bar = $("[data-upload-progress]", form), err = $("[data-upload-error]", form);
    var status = $("[data-upload-status]", form);
    var files = Array.prototype.slice.call(input.files);
    if (!files.length) return;
    err.hidden = true; err.textContent = ""; bar.hidden = false;
    var ids = [], problems = [];
    (function next(i) {
      if (i === files.length) {
        bar.hidden = true;
        if (!problems.length && ids.length === 1) { window.location = "/analyses/" + ids[0]; return; }
        if (!problems.length) { window.location = "/jobs"; return; }
        err.hidden = false;
        err.textContent = problems.join(" ") + (ids.length ? " The other " + ids.length + " are being analyzed: see Analyses." : "");
        return;
      }
      bar.value = 0;
      if (status) status.textContent = files.length > 1 ? "Sending " + (i + 1) + " of " + files.length + ": " + files[i].name : "";
      send(files[i], function (id, problem) {
        if (id) ids.push(id);
        else problems.push((files.length > 1 ? files[i].name + ": " : "") + problem + ".");
        next(i + 1);
      });
    })(0);
  });
})();

// A running analysis: its stage and progress, live; the results when done.
(function () {
  var box = $("[data-job]");
  if (!box) return;
  var id = box.dataset.job;
  function poll() {
    fetch("/api/analyses/" + id).then(function (r) { return r.json(); }).then(function (j) {
      $("[data-stage]", box).textContent = j.stage + " (" + Math.round(100 * j.progress) + "%)";
      $("[data-progress]", box).value = j.progress;
      if (j.status === "queued" || j.status === "running") setTimeout(poll, 1000);
      else window.location.reload();
    }).catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

// The video with the legs drawn: step frame by frame, the measures of that frame beside it.
(function () {
  var box = $("[data-player]");
  if (!box) return;
  var video = $("[data-video]", box), fps = parseFloat(box.dataset.fps) || 30, cols = null;
  fetch("/api/analyses/" + box.dataset.player + "/frames").then(function (r) { return r.json(); }).then(function (c) { cols = c; show(); });
  function fmt(name, v) {
    if (v === null || v === undefined) return "-";
    if (name.indexOf("mkd") >= 0 || name.indexOf("knee_over_foot") >= 0) return (100 * v).toFixed(1);
    if (name === "time_s") return v.toFixed(2) + " s";
    return v.toFixed(name === "depth" ? 2 : 1);
  }
  function show() {
    if (!cols) return;
    var t = cols.time_s, now = video.currentTime + t[0], lo = 0, hi = t.length - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (t[mid] < now) lo = mid + 1; else hi = mid; }
    $all("[data-v]", box).forEach(function (dd) { dd.textContent = fmt(dd.dataset.v, (cols[dd.dataset.v] || [])[lo]); });
  }
  video.addEventListener("timeupdate", show);
  video.addEventListener("seeked", show);
  $all("[data-step]", box).forEach(function (b) {
    b.addEventListener("click", function () { video.pause(); video.currentTime = Math.max(0, video.currentTime + parseInt(b.dataset.step, 10) / fps); });
  });
})();

// Manual check: drag the points; the server computes FPPA and MKD by the product's definitions.
(function () {
  var box = $("[data-manual]");
  if (!box) return;
  var id = box.dataset.manual, svg = $("[data-canvas]", box), NS = "http://www.w3.org/2000/svg";
  var repSel = $("[data-rep]"), sideSel = $("[data-side]"), points = null, drag = null;
  var names = ["hip", "knee", "ankle", "foot_index"];
  function values(c) {
    var f = { fppa_deg: 1, auto_fppa_deg: 1, fppa_difference_deg: 1, mkd: 100, auto_mkd: 100, mkd_difference: 100 };
    $all("[data-m]", box).forEach(function (td) { var v = c[td.dataset.m]; td.textContent = (v === null || v === undefined) ? "-" : (v * f[td.dataset.m]).toFixed(1); });
  }
  function draw() {
    $all("circle,line", svg).forEach(function (n) { n.remove(); });
    for (var i = 0; i < names.length - 1; i++) {
      var a = points[names[i]], b = points[names[i + 1]], l = document.createElementNS(NS, "line");
      l.setAttribute("x1", a[0]); l.setAttribute("y1", a[1]); l.setAttribute("x2", b[0]); l.setAttribute("y2", b[1]); svg.appendChild(l);
    }
    names.forEach(function (n) {
      var c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", points[n][0]); c.setAttribute("cy", points[n][1]); c.setAttribute("r", 9); c.dataset.point = n; svg.appendChild(c);
    });
  }
  function zoom(w, h) {  // the leg and its surroundings, not the whole frame
    var xs = names.map(function (n) { return points[n][0]; }).concat([points.other_hip[0]]);
    var ys = names.map(function (n) { return points[n][1]; });
    var pad = 0.6 * (Math.max.apply(null, ys) - Math.min.apply(null, ys));
    var x0 = Math.max(0, Math.min.apply(null, xs) - pad), y0 = Math.max(0, Math.min.apply(null, ys) - pad);
    var x1 = Math.min(w, Math.max.apply(null, xs) + pad), y1 = Math.min(h, Math.max.apply(null, ys) + pad);
    return [x0, y0, x1 - x0, y1 - y0].join(" ");
  }
  function toSvg(ev) { var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY; return p.matrixTransform(svg.getScreenCTM().inverse()); }
  function send() {
    fetch("/api/analyses/" + id + "/manual", { method: "POST", headers: csrfHeaders({ "Content-Type": "application/json" }), body: JSON.stringify(points) })
      .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
      .then(function (rb) { var err = $("[data-manual-error]", box); if (rb[0]) { err.hidden = true; values(rb[1]); } else { err.hidden = false; err.textContent = rb[1].error.message; } });
  }
  svg.addEventListener("pointerdown", function (ev) { if (ev.target.dataset && ev.target.dataset.point) { drag = ev.target.dataset.point; svg.setPointerCapture(ev.pointerId); } });
  svg.addEventListener("pointermove", function (ev) { if (!drag) return; var p = toSvg(ev); points[drag] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]; draw(); });
  svg.addEventListener("pointerup", function () { if (drag) { drag = null; send(); } });
  function load() {
    fetch("/api/analyses/" + id + "/manual/" + repSel.value + "/" + sideSel.value).then(function (r) { return r.json(); }).then(function (d) {
      // A check kept earlier shows its own points; otherwise the automatic ones, and nothing
      // is stored until a point is moved.
      points = d.kept ? d.kept.points : d.points;
      var img = new Image();
      img.onload = function () {
        svg.setAttribute("viewBox", zoom(img.naturalWidth, img.naturalHeight));
        $all("image", svg).forEach(function (n) { n.remove(); });
        var im = document.createElementNS(NS, "image");
        im.setAttribute("href", d.image); im.setAttribute("width", img.naturalWidth); im.setAttribute("height", img.naturalHeight);
        svg.insertBefore(im, svg.firstChild); draw();
        values(d.kept || Object.assign({ fppa_deg: null, mkd: null, fppa_difference_deg: null, mkd_difference: null }, d.auto));
      };
      img.src = d.image;
    });
  }
  repSel.addEventListener("change", load); sideSel.addEventListener("change", load); load();
})();

// Safety questions: the injury's follow-up questions only after "yes, a recent injury".
(function () {
  var follow = $all("[data-after-injury]");
  if (!follow.length) return;
  function update() {
    var yes = $("input[name=rf_recent_injury][value=yes]");
    var on = yes && yes.checked;
    follow.forEach(function (q) { q.hidden = !on; $all("input", q).forEach(function (i) { i.required = on; }); });
  }
  $all("input[name=rf_recent_injury]").forEach(function (i) { i.addEventListener("change", update); });
  update();
})();

// Two analyses side by side, in step at their first rep's bottom.
(function () {
  var box = $("[data-sync]");
  if (!box) return;
  var vids = $all("video", box), play = $("[data-sync-play]");
  if (vids.length !== 2 || !play) return;
  var b0 = parseFloat(vids[0].dataset.bottom) || 0, b1 = parseFloat(vids[1].dataset.bottom) || 0;
  function align() { vids[1].currentTime = Math.max(0, vids[0].currentTime - b0 + b1); }
  play.addEventListener("click", function () { vids[0].currentTime = Math.max(0, b0 - 1.5); align(); vids.forEach(function (v) { v.play(); }); });
  $all("[data-sync-rep]").forEach(function (b) {
    b.addEventListener("click", function () { vids.forEach(function (v) { v.pause(); }); vids[0].currentTime = Math.max(0, vids[0].currentTime + parseInt(b.dataset.syncRep, 10) * 2); align(); });
  });
})();

// The program's print view: the browser's print dialog (the page's print styles drop the menus).
if (new URLSearchParams(window.location.search).get("print") === "1") {
  window.addEventListener("load", function () { window.print(); });
}

// The menu shows where you are.
(function () {
  var path = window.location.pathname, best = null;
  $all("nav a").forEach(function (a) {
    var href = a.getAttribute("href");
    if ((href === "/" && (path === "/" || path.indexOf("/people") === 0)) || (href !== "/" && path.indexOf(href) === 0)) best = a;
  });
  if (best) best.setAttribute("aria-current", "page");
})();

// Clinic mode: the session's CSRF token (a meta tag of the page) goes with every POST.
function csrfHeaders(h) {
  var m = document.querySelector('meta[name="csrf-token"]');
  if (m) h["X-CSRF-Token"] = m.getAttribute("content");
  return h;
}

