"""Which landing files are new since the last look: the landing sensor's cursor.

The cursor is the newest modification time seen and the names carrying it, so a file
written in the same second as the last one seen is still noticed, and the cursor stays a
few hundred bytes however many files have landed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LandingScan:
    new_files: tuple[str, ...]  # paths relative to the landing dir, sorted
    cursor: str

    @property
    def run_key(self) -> str:
        """Same new files, same key: a sensor tick repeated after a crash starts no second run."""
        return self.cursor


def _files(landing_dir: Path) -> list[tuple[float, str]]:
    if not landing_dir.exists():
        return []
    found = []
    for path in landing_dir.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            found.append((path.stat().st_mtime, path.relative_to(landing_dir).as_posix()))
    return found


def scan_landing(landing_dir: Path, cursor: str | None) -> LandingScan:
    """Files modified after the cursor, and the cursor to store once a run is requested."""
    seen = json.loads(cursor) if cursor else {"mtime": 0.0, "names": []}
    seen_mtime, seen_names = float(seen["mtime"]), set(seen["names"])
    files = _files(landing_dir)
    new = sorted(name for mtime, name in files if mtime > seen_mtime or (mtime == seen_mtime and name not in seen_names))
    if not new:
        return LandingScan((), cursor or json.dumps(seen))
    newest = max(mtime for mtime, _ in files)
    names_at_newest = sorted(name for mtime, name in files if mtime == newest)
    return LandingScan(tuple(new), json.dumps({"mtime": newest, "names": names_at_newest}))
