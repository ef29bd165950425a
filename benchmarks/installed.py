"""certdrill as learners run it: a wheel of this tree, installed by pip into a scratch venv.

pip compiles every module to bytecode when it installs a wheel (PYTHONDONTWRITEBYTECODE does not
stop it), so start-up reads .pyc files as a learner's does; an editable install in an environment
that sets PYTHONDONTWRITEBYTECODE=1 (as this one does) would compile every module on every
start instead. The dependencies come from the running environment (its site-packages folder is
appended to the venv's path), where pip compiled them too.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PYTHON: list[Path] = []


def installed_python() -> Path:
    """The interpreter of a venv holding this tree's wheel (built and installed once per process)."""
    if _PYTHON:
        return _PYTHON[0]
    root = Path(tempfile.mkdtemp(prefix="certdrill-wheel-"))
    atexit.register(shutil.rmtree, root, True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(root / "dist"), str(ROOT)], check=True, capture_output=True)
    [wheel] = (root / "dist").glob("certdrill-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, capture_output=True)
    python = root / "venv" / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "certdrill-bench-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    package = site / "certdrill"
    modules = list(package.rglob("*.py"))
    missing = [m for m in modules if not any((m.parent / "__pycache__").glob(f"{m.stem}.cpython-*.pyc"))]
    if missing:
        raise RuntimeError(f"pip left {len(missing)} of {len(modules)} modules uncompiled, e.g. {missing[0]}")
    found = subprocess.run([str(python), "-c", "import certdrill; print(certdrill.__file__)"], check=True,
                           capture_output=True, text=True, env=env()).stdout.strip()
    if not found.startswith(str(package)):
        raise RuntimeError(f"the venv imports certdrill from {found}, not from the installed wheel")
    print(f"  certdrill installed from its wheel ({len(modules)} modules, all compiled) in {root / 'venv'}")
    _PYTHON.append(python)
    return python


def env() -> dict[str, str]:
    """The environment for the installed interpreter: no PYTHONPATH (this tree's src/ must not leak in)."""
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
