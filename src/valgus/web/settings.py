"""How `valgus serve` runs: address, folders, limits, the access token."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

ENV_TOKEN = "VALGUS_TOKEN"
ENV_DATA_DIR = "VALGUS_DATA_DIR"
DEFAULT_MAX_UPLOAD = 2 * 1024**3  # 2 GB: a few minutes of 4K phone video
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str, /) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_data_dir() -> Path:
    """VALGUS_DATA_DIR, else the user's data folder: uploads and results of the web app."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    return Path(env) if env else user_data_path("valgus", appauthor=False) / "web"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path | None = None  # default_data_dir()
    database_url: str | None = None  # VALGUS_DATABASE_URL, else the default SQLite file
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    workers: int = 1  # analysis worker processes (one per core at most)
    token: str | None = None  # required for every request when set
    clinic: bool = False  # accounts required (web/authz.py); no access token then
    keep_videos_days: int | None = None  # retention: raw videos deleted after this many days

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def resolved(self) -> Settings:
        """Defaults filled in: the data folder, and a token whenever the server listens
        beyond this machine (VALGUS_TOKEN, else a new random one)."""
        token = self.token or os.environ.get(ENV_TOKEN, "").strip() or None
        if self.clinic:
            token = None  # the accounts guard every request instead
        elif token is None and not self.loopback:
            token = secrets.token_urlsafe(24)
        workers = max(1, min(self.workers, os.cpu_count() or 1))
        return Settings(
            host=self.host,
            port=self.port,
            data_dir=self.data_dir or default_data_dir(),
            database_url=self.database_url,
            max_upload_bytes=self.max_upload_bytes,
            workers=workers,
            token=token,
            clinic=self.clinic,
            keep_videos_days=self.keep_videos_days,
        )
