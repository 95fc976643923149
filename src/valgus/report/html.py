"""A self-contained HTML report (images inlined as data URIs; opens offline)."""

from __future__ import annotations

import base64
import html
from datetime import date

from valgus import __version__, present
from valgus.assessment import movements
from valgus.results import AnalysisResult, LegSummary

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px} h2{font-size:1.2rem;margin:28px 0 10px;border-bottom:2px solid #e3e6ea;padding-bottom:4px}
.sub{color:#5b6776;margin:0 0 16px}
.note{background:#fff8e6;border-left:4px solid #e6a700;padding:10px 14px;margin:14px 0;font-size:.92rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:8px 10px;border-bottom:1px solid #e3e6ea;text-align:left;font-size:.95rem}
th{background:#eef1f4}
.typical{color:#2e7d32;font-weight:600} .above{color:#b26a00;font-weight:600} .well{color:#c62828;font-weight:700} .nj{color:#777}
.grid{display:flex;flex-wrap:wrap;gap:12px} .grid figure{margin:0;background:#fff;padding:6px;border:1px solid #e3e6ea}
figure img{display:block;max-height:420px} figcaption{font-size:.85rem;color:#5b6776;padding-top:4px}
ul{padding-left:20px} li{margin:4px 0}
footer{color:#7a8591;font-size:.8rem;margin-top:30px}
h3{font-size:1.02rem;margin:16px 0 6px} .stop{background:#fdecea;border-left-color:#c62828}
.card{background:#fff;border:1px solid #e3e6ea;padding:4px 14px;margin:10px 0}
figure.drill{margin:8px 0} figure.drill img{max-width:100%;height:auto;max-height:240px}
.wide figure{flex:1 1 100%} .wide figure img{max-height:none;max-width:100%;height:auto}
figure img{max-width:100%;height:auto}
@media (max-width:640px){main{padding:12px} table{display:block;overflow-x:auto;white-space:nowrap}}
"""

BAND_CLASS = {
    "typical": "typical",
    "above typical": "above",
    "well above typical": "well",
    "not judged": "nj",
}


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _leg_cells(leg: LegSummary) -> list[str]:
    return [
        f'<span class="{BAND_CLASS[leg.band]}">{html.escape(present.verdict(leg))}</span>',
        html.escape(present.pattern(leg)),
        html.escape(present.knee(leg)),
        html.escape(present.fppa(leg)),
        html.escape(present.sdc(leg)),
        html.escape(present.toe_out(leg)),
    ]


def summary_title(result: AnalysisResult) -> str:
    """The summary heading for the movement, shared by the HTML and PDF reports."""
    return movements.get(result.movement).summary_title


def findings_text(result: AnalysisResult) -> list[str]:
    """Plain-words findings, shared by the HTML and PDF reports."""
    s = result.summary
    spec = movements.get(result.movement)
    lines = [s.left.description, s.right.description, *spec.events(result)]
    if s.kasr_contact is not None and s.kasr_contact.mean is not None:
        lines.append(
            f"Knee separation / ankle separation at first contact: {s.kasr_contact.mean:.2f}."
        )
    a = s.asymmetry
    if a.more_valgus_side:
        lines.append(
            f"The {a.more_valgus_side} knee moved in more; the difference is "
            f"{'beyond' if a.beyond_error else 'within'} the measurement error."
        )
    if s.kasr.mean is not None:
        sd = f" ± {s.kasr.sd:.2f}" if s.kasr.sd is not None else ""
        lines.append(
            f"Knee separation / ankle separation at the {spec.ratios_at or 'bottom'} (KASR): "
            f"{s.kasr.mean:.2f}{sd}; below 1 the knees are inside the ankles."
        )
    return lines


def _figure(png: bytes, caption: str) -> str:
    return (
        f'<figure><img src="{data_uri(png)}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def render_html(
    result: AnalysisResult,
    *,
    key_frames: list[tuple[str, bytes]],
    best_worst: list[tuple[str, bytes]],
    plot_png: bytes | None,
    notes: list[str],
    extra_sections: str = "",
) -> str:
    """The report page. Images are PNG bytes with captions."""
    s, q = result.summary, result.quality
    rows = "".join(
        f"<tr><th>{side} knee</th>" + "".join(f"<td>{c}</td>" for c in _leg_cells(leg)) + "</tr>"
        for side, leg in (("Left", s.left), ("Right", s.right))
    )
    findings = "".join(f"<li>{html.escape(line)}</li>" for line in findings_text(result))
    warnings = "".join(f"<li>{html.escape(w.message)}</li>" for w in q.warnings) or "<li>none</li>"
    extra = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    keys = (
        "".join(_figure(png, cap) for cap, png in key_frames)
        or "<p>No key frames (video not available).</p>"
    )
    bw = "".join(_figure(png, cap) for cap, png in best_worst)
    plot = _figure(plot_png, "Measures over time") if plot_png else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>valgus report: {html.escape(result.source.path.split("/")[-1])}</title><style>{CSS}</style></head>
<body><main>
<h1>Knee valgus screen: {html.escape(movements.get(result.movement).label)}</h1>
<p class="sub">{html.escape(result.source.path.split("/")[-1])} · {len(result.reps)} rep(s) ·
view {html.escape(q.view)} · report made {date.today().isoformat()}</p>
<div class="note">{html.escape(s.statement)}</div>
<h2>{html.escape(summary_title(result))}</h2>
<table><tr><th></th><th>result</th><th>knee moved in</th><th>{html.escape(present.knee_label(s.left, s.right))} (% of leg)</th>
<th>frontal-plane angle (FPPA)</th><th>smallest detectable change</th><th>foot turned (standing, ±10°)</th></tr>{rows}</table>
<p class="sub">Smallest detectable change: {html.escape(present.SDC_MEANING)}.</p>
<h2>What the camera saw</h2><ul>{findings}</ul>
<h2>Key frames (deepest point of each rep)</h2>
<p class="sub">Lines hip–knee–ankle: green typical, amber above typical, red well above typical.
Dashed: the foot's line where the knee has travelled to (the vertical over the toes in results made before it); a knee inside it has moved in. Faces are blurred.</p>
<div class="grid">{keys}</div>
{'<h2>Best and worst rep</h2><div class="grid">' + bw + "</div>" if bw else ""}
{extra_sections}
<h2>Over time</h2><div class="grid wide">{plot}</div>
<h2>Quality and method</h2>
<ul><li>Estimated camera angle: {q.view_yaw_deg if q.view_yaw_deg is not None else "?"}° off frontal; person found in {100 * q.detected_fraction:.0f}% of frames.</li>
<li>Measurement error of the method on rendered footage: about 1-2 % of leg length for the knee position, 1-3° for the angle (more in deep squats); see docs/method.md.</li>
{extra}</ul>
<p>Warnings:</p><ul>{warnings}</ul>
<footer>valgus {__version__} · pose model {html.escape(str(result.method.get("pose_model", "")))} ·
wellness software: it describes movement, it does not diagnose and does not predict injury.</footer>
</main></body></html>
"""
