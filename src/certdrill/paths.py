"""Where certdrill keeps its data: one small function per location, each creating its folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "CERTDRILL_HOME"


def data_dir(override: Path | str | None = None) -> Path:
    """`--data-dir`, else $CERTDRILL_HOME, else the platform's user data folder."""
    if override is not None:
        path = Path(override).expanduser()
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME]).expanduser()
    else:
        import platformdirs

        path = platformdirs.user_data_path("certdrill")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(override: Path | str | None = None) -> Path:
    return data_dir(override) / "certdrill.db"


def backups_dir(override: Path | str | None = None) -> Path:
    path = data_dir(override) / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path
