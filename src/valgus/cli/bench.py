"""`valgus bench ...`: benchmarks that print a table (not tests)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

bench_app = typer.Typer(
    help="Benchmarks: accuracy against rendered ground truth, drop-jump landing detection "
    "against a force plate, speed of the pose pipeline and of whole commands (batch), MediaPipe's tracking memory.",
    no_args_is_help=True,
)


@bench_app.command("accuracy")
def accuracy(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    quick: bool = typer.Option(
        False, "--quick", help="One case per movement instead of the full sweep (about 1.5 min)."
    ),
    feet: bool = typer.Option(
        False,
        "--feet",
        help="Only the knee-over-foot sweeps: toe-out x stance x valgus, and camera yaw x "
        "valgus (71 squats, about 35 min); written to its own section of --out.",
    ),
    cache: Path | None = typer.Option(
        None, "--cache", help="--feet: keep the rendered clips' poses here and reuse them."
    ),
) -> None:
    """Render squats, single-leg squats, drop jumps and heel-raised squats with known
    valgus, analyze them (and with --movement auto), and tabulate the errors."""
    err = Console(stderr=True)
    if feet:
        from valgus.bench import feet as feet_bench

        text = feet_bench.main(out, quick, lambda msg: err.print(msg, highlight=False), cache)
    else:
        from valgus.bench.accuracy import main

        text = main(out, quick, lambda msg: err.print(msg, highlight=False))
    typer.echo(text)


@bench_app.command("speed")
def speed(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    quick: bool = typer.Option(False, "--quick", help="2 short rendered clips, no real ones."),
    long_loops: int = typer.Option(
        10, "--long-loops", help="Loop the idle clip this many times for the memory check."
    ),
    repeats: int = typer.Option(2, "--repeats", help="Runs of each variant; the best is kept."),
) -> None:
    """Time the naive loop and the pipeline on the same videos (rendered squats, a drop
    jump, single-leg squats, the real clips); compare their results and peak memory."""
    from valgus.bench.speed import main

    err = Console(stderr=True)
    text = main(out, quick, long_loops, repeats, lambda msg: err.print(msg, highlight=False))
    typer.echo(text)


@bench_app.command("batch")
def batch(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    videos: int = typer.Option(8, "--videos", min=2, help="Videos in the batch."),
    reps: int = typer.Option(4, "--reps", min=1, help="Squat reps in each batch video."),
    repeats: int = typer.Option(
        2, "--repeats", min=1, help="Runs of the one-video comparison; the best is kept."
    ),
) -> None:
    """Speed as a user sees it, whole processes: `valgus --help`; one 1080p video, the
    naive MediaPipe loop against `valgus analyze`; a batch, the naive loop one video after
    the other against `valgus batch` with 1 and 2 workers and on a Dask LocalCluster."""
    from valgus.bench.batch import main

    err = Console(stderr=True)
    typer.echo(main(out, videos, reps, repeats, lambda msg: err.print(msg, highlight=False)))


@bench_app.command("live")
def live(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    video: Path | None = typer.Option(
        None, "--video", help="A frontal squat video to send [default: one rendered]."
    ),
) -> None:
    """Live feedback on loopback: a `valgus serve` process, frames sent in real time over
    the Live page's WebSocket; latency, frames processed, live reps and verdicts against
    the saved analysis of the same frames."""
    from valgus.bench.live import main

    err = Console(stderr=True)
    typer.echo(main(out, video, lambda msg: err.print(msg, highlight=False)))


@bench_app.command("stance")
def stance(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    quick: bool = typer.Option(False, "--quick", help="One case (a pistol, alternating legs)."),
) -> None:
    """The standing leg of rendered single-leg squats: free leg behind, in front, straight
    out (pistol); one leg or alternating; the camera 0-15 deg off square."""
    from valgus.bench.stance import main

    err = Console(stderr=True)
    typer.echo(main(out, quick, lambda msg: err.print(msg, highlight=False)))


@bench_app.command("landing")
def landing(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
) -> None:
    """Drop-jump events from the OpenCap motion capture against the force plate (at 100,
    60 and 30 fps); FPPA, KASR and NKSD at contact and peak flexion."""
    from valgus.bench.landing import main

    err = Console(stderr=True)
    typer.echo(main(out, lambda msg: err.print(msg, highlight=False)))


@bench_app.command("tracking")
def tracking(
    video: Path | None = typer.Argument(
        None, help="Video to use (default: a rendered 1080p30 squat)."
    ),
) -> None:
    """MediaPipe's tracking memory: how a fresh tracker converges to one that ran from the
    start, under graph settings the product does not use; model time with 2 threads."""
    from valgus.bench.tracking import main

    err = Console(stderr=True)
    typer.echo(main(video, lambda msg: err.print(msg, highlight=False)))


@bench_app.command("fuzz")
def fuzz(
    seconds: float = typer.Option(
        70.0, "--seconds", help="Time budget, shared equally by the parsers (plus set-up)."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the mutations."),
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
) -> None:
    """Mutated files (real seeds) through every file parser: video probe and decoding, pose
    files, TRC, C3D, OpenSim .mot, answers TOML/JSON, the batch manifest CSV and the
    sign-in's JSON and form bodies; failures are tracebacks, hangs and crashes (exit status
    1 when there is one)."""
    from valgus.bench.fuzz import main

    err = Console(stderr=True)
    text, failures = main(out, seconds, seed, lambda msg: err.print(msg, highlight=False))
    typer.echo(text)
    if failures:
        raise typer.Exit(1)
