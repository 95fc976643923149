"""`valgus serve`: the local web app."""

from __future__ import annotations

import io
import socket
import webbrowser
from pathlib import Path

import typer

from valgus.cli import common
from valgus.cli.errors import handled
from valgus.errors import InputError
from valgus.web.settings import DEFAULT_MAX_UPLOAD, Settings


def _lan_address() -> str:
    """This machine's address on the local network (for the phone's URL)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: it only picks a route
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _qr(text: str) -> str:
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(text)
    buf = io.StringIO()
    qr.print_ascii(out=buf, invert=True)
    return buf.getvalue()


def serve(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on (0.0.0.0: the "
        "local network too, e.g. to upload from a phone; a token is then "
        "required).",
    ),
    port: int = typer.Option(8000, "--port", help="Port."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in a browser."),
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        help="Folder for uploads and results (default: VALGUS_DATA_DIR, else your data folder).",
    ),
    workers: int = typer.Option(1, "--workers", help="Analyses at once (one per core at most)."),
    max_upload_gb: float = typer.Option(
        DEFAULT_MAX_UPLOAD / 1024**3, "--max-upload-gb", help="Largest upload accepted."
    ),
    clinic: bool = typer.Option(
        False,
        "--clinic",
        help="Accounts required (`valgus user add`): each coach sees only their athletes, an "
        "athlete only themselves; run it behind a TLS proxy (docs/security.md).",
    ),
    keep_videos_days: int | None = typer.Option(
        None,
        "--keep-videos-days",
        min=0,
        help="Retention: delete raw videos this many days after their analysis (pose data, "
        "results and pictures stay). Default: keep.",
    ),
) -> None:
    """Run the web app: people, filming guide and upload, results, safety questions and
    self-tests, program, workout log and progress, in a browser. Works offline."""
    import uvicorn

    from valgus.web.app import create_app

    with handled():
        if not 0 < port < 65536:
            raise InputError(f"--port must be 1-65535, got {port}")
        settings = Settings(
            host=host,
            port=port,
            data_dir=data_dir,
            workers=workers,
            max_upload_bytes=int(max_upload_gb * 1024**3),
            clinic=clinic,
            keep_videos_days=keep_videos_days,
        ).resolved()
        app = create_app(settings)
        if clinic:
            from valgus.services import accounts

            if not accounts.list_users(app.state.valgus.db):
                raise InputError(
                    "clinic mode needs accounts: add an admin first with "
                    "`valgus user add NAME --role admin`"
                )
    out = common.out()
    shown = host if settings.loopback else (_lan_address() if host in ("0.0.0.0", "::") else host)
    url = f"http://{'127.0.0.1' if settings.loopback else shown}:{port}/"
    if settings.clinic:
        out.print(f"valgus (clinic mode: sign in with an account) is running at {url}")
    elif settings.token is None:
        out.print(f"valgus is running at {url}  (Ctrl-C stops it)")
    else:
        link = f"{url}?token={settings.token}"
        out.print(f"valgus is running at {link}\nOpen it on your phone (same Wi-Fi):")
        out.print(_qr(link), markup=False, highlight=False)
        out.print("Every request needs this token; keep the link to yourself.")
    out.print(f"[dim]data: {settings.data_dir}[/]")
    if open_browser:
        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
