"""The `valgus` command."""

from __future__ import annotations

import sys

import typer

from valgus import __version__
from valgus.cli.analyze import analyze
from valgus.cli.assess import assess_command
from valgus.cli.batch import batch
from valgus.cli.bench import bench_app
from valgus.cli.compare import compare_command
from valgus.cli.db import db_app
from valgus.cli.demo import demo
from valgus.cli.errors import INTERRUPTED, report_error
from valgus.cli.history import history_command
from valgus.cli.log import log_command
from valgus.cli.person import person_app
from valgus.cli.program import program_command
from valgus.cli.report import report
from valgus.cli.serve import serve
from valgus.cli.synth import synth
from valgus.cli.user import audit_command, user_app
from valgus.errors import InputError

app = typer.Typer(
    name="valgus",
    help="Measure how the knees cave in (dynamic knee valgus) from a phone video of a squat.\n\n"
    "Not a medical assessment: it describes what the camera saw.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(
    "analyze",
    epilog="Examples:\n\n"
    "  valgus analyze squat.mp4\n\n"
    "  valgus analyze squat.mp4 --json > result.json\n\n"
    "  valgus analyze valgus-results/squat/squat.poses.nc   (rerun without the video)\n\n"
    "  valgus analyze squat.mp4 --person ann   (also store it in ann's history)\n\n"
    "  valgus analyze sls.mp4 --movement single-leg-squat --side left\n\n"
    "  valgus analyze jump.mp4 --movement drop-jump --sex female\n\n"
    "  valgus analyze clip.mp4 --movement auto   (recognise the movement)\n\n"
    "  valgus analyze DJ1.trc --movement drop-jump   (marker motion capture)",
)(analyze)
app.command(
    "compare",
    epilog="Examples:\n\n"
    "  valgus compare flat.analysis.json heels.analysis.json   (heel-raise test)\n\n"
    "  valgus compare march.analysis.json may.analysis.json --json",
)(compare_command)

app.command(
    "assess",
    epilog="Examples:\n\n"
    "  valgus assess squat.analysis.json   (asks the questions)\n\n"
    "  valgus assess squat.analysis.json heel.analysis.json --answers answers.toml --json\n\n"
    "  valgus assess --guide",
)(assess_command)
app.command(
    "program",
    epilog="Examples:\n\n"
    "  valgus program assessment.json --start 2025-03-03 --ics program.ics\n\n"
    "  valgus program --answers answers.toml --analysis squat.analysis.json --json",
)(program_command)
app.command("demo")(demo)
app.command(
    "report",
    epilog="Examples:\n\n  valgus report valgus-results/squat\n\n"
    "  valgus report squat.analysis.json --video squat.mp4 --out reports/",
)(report)
app.command(
    "synth",
    epilog="Example:\n\n  valgus synth squat.mp4 --valgus-left 15 --view 20",
)(synth)
app.command(
    "serve",
    epilog="Examples:\n\n  valgus serve --open\n\n"
    "  valgus serve --host 0.0.0.0   (a phone on the same Wi-Fi uploads; a token is required)",
)(serve)
app.command(
    "batch",
    epilog="Examples:\n\n  valgus batch team.csv --out screening/\n\n"
    "  valgus batch videos/   (every video in the folder, person from the file name)\n\n"
    "  valgus batch team.csv --scheduler tcp://10.0.0.5:8786   (a Dask cluster)",
)(batch)
app.add_typer(bench_app, name="bench")
app.add_typer(person_app, name="person")
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.command("audit")(audit_command)
app.command(
    "log",
    epilog="Example:\n\n  valgus log ann banded_clamshell --sets 2 --reps 12 --band red --pain 2",
)(log_command)
app.command(
    "history",
    epilog="Examples:\n\n  valgus history ann\n\n  valgus history ann --json",
)(history_command)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of `valgus analyze --json` (result and error objects)."""
    import json

    from valgus.results import published_schema

    typer.echo(json.dumps(published_schema(), indent=2))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"valgus {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """valgus command line."""


def main() -> None:
    """Run the command. Usage mistakes (a missing argument, an unknown option, a file that
    cannot be read) end like every other error: one line on stderr, exit status 2, and the
    JSON error object on stdout with --json."""
    as_json = "--json" in sys.argv[1:]
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        report_error("interrupted", "interrupted.", as_json=as_json)
        sys.exit(INTERRUPTED)
    except Exception as e:
        if not _is_usage_error(e):
            raise
        report_error(InputError.code, _usage_line(e), as_json=as_json)
        sys.exit(InputError.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _is_usage_error(e: Exception) -> bool:
    """Click's own errors (bad option, missing argument, unreadable path), whether Typer
    uses click or its vendored copy of it."""
    return any(c.__name__ == "ClickException" for c in type(e).__mro__)


def _usage_line(e: Exception) -> str:
    """The problem in one line, with where to look for help."""
    message = str(e.format_message()) if hasattr(e, "format_message") else str(e)
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message
