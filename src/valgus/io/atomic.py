"""Write a file whole or not at all: into `NAME.part` beside it, then rename over it.

A run killed mid-write leaves the old file (or none), never half a file. The rename is
atomic on POSIX and Windows file systems when both names are in one folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def part_path(path: Path, /, *, keep_suffix: bool = False) -> Path:
    """The temporary name a file is written under before it is renamed into place
    (NAME.part, or NAME.part.mp4 with keep_suffix, for writers that read the format from
    the suffix)."""
    return path.with_name(path.name + ".part" + (path.suffix if keep_suffix else ""))


@contextmanager
def atomic_path(path: Path, /, *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; renamed to `path` when the block ends without an
    error, removed otherwise. The folder is created if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path(path, keep_suffix=keep_suffix)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(path: Path, /, *, newline: str | None = None) -> Iterator[IO[str]]:
    """An open UTF-8 text file whose content replaces `path` when the block ends."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline=newline) as fh:
        yield fh


def write_bytes(path: Path, data: bytes, /) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_text(path: Path, text: str, /) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
