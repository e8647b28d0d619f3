"""What a fetch returns: the cached files of one source version, and what was downloaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dyadwatch.fetch.cache import Entry


@dataclass
class FetchResult:
    source: str
    version: str
    entries: list[Entry]
    paths: list[Path]  # what to give the loader (unpacked folders for zips with unpack)
    downloaded: int = 0
    cached: int = 0
    notes: list[str] = field(default_factory=list)
