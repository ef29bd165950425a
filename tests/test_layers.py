"""The headless layers work without Textual, and the installed wheel finds its decks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_headless_layers_never_import_textual() -> None:
    code = (
        "import sys\n"
        "import certdrill.cli, certdrill.study.workspace, certdrill.study.review, certdrill.study.reports, certdrill.study.session\n"
        "import certdrill.study.library, certdrill.decks.format.loader, certdrill.decks.format.quality, certdrill.storage.engine\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_core_imports_no_database_or_yaml() -> None:
    code = (
        "import sys\nimport certdrill.core.model, certdrill.core.scheduling, certdrill.core.grading, certdrill.core.text, certdrill.core.daily_new\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy','sqlmodel','yaml','textual'))))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == ""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    [built] = out.glob("certdrill-*.whl")
    return built


def test_wheel_ships_every_bundled_deck(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for deck in sorted(p.name for p in (ROOT / "decks").iterdir() if (p / "deck.yaml").is_file()):
        assert f"certdrill/bundled_decks/{deck}/deck.yaml" in names


def test_installed_wheel_finds_and_loads_its_decks(wheel: Path, tmp_path: Path) -> None:
    # Unpack the wheel as pip would into site-packages, then run from an unrelated folder
    # with only that copy of certdrill importable (the dependencies come from this venv).
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target), CERTDRILL_HOME=str(tmp_path / "home"))
    code = (
        "import certdrill, json, sys\n"
        "from certdrill.cli import main\n"
        "assert certdrill.__file__.startswith(sys.argv[1]), certdrill.__file__\n"
        "sys.exit(main(['decks', '--json']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    decks = {d["id"]: d for d in json.loads(result.stdout)["decks"]}
    expected = {p.name for p in (ROOT / "decks").iterdir() if (p / "deck.yaml").is_file()}
    assert set(decks) == expected
    assert all(d["source"] == "bundled" for d in decks.values())
