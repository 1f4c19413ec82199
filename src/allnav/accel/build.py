"""Compile :data:`allnav.accel.ACCEL_MODULES` with mypyc into a build directory with its manifest."""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from allnav.accel import _PACKAGE_ROOT, ACCEL_MODULES, MANIFEST, _python_tag, check, source_path


def build(directory: Path) -> str:
    """Compile :data:`ACCEL_MODULES` with mypyc into ``directory`` (replacing it); return the status line.

    The compilation happens in a temporary copy of the package, never in the source tree, so that an
    extension module can never sit beside (and shadow) the file it was built from.
    """
    mypyc = Path(sys.executable).parent / "mypyc"
    if not mypyc.exists():
        raise RuntimeError(f"mypyc not found beside {sys.executable} (it comes with mypy)")
    work = Path(tempfile.mkdtemp(prefix="allnav-accel-"))
    try:
        src = work / "src"
        shutil.copytree(_PACKAGE_ROOT, src / "allnav", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        # hashes of the files actually compiled (the copy), so that an edit made meanwhile reads as stale
        hashes = {
            m: hashlib.sha256(
                (src / source_path(m).relative_to(_PACKAGE_ROOT.parent)).read_bytes()
            ).hexdigest()
            for m in ACCEL_MODULES
        }
        targets = [str(source_path(m).relative_to(_PACKAGE_ROOT.parent)) for m in ACCEL_MODULES]
        done = subprocess.run([str(mypyc), *targets], cwd=src, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"mypyc failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".allnav-accel-new-", dir=directory.parent))
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        modules: dict[str, tuple[str, str]] = {}
        for module in ACCEL_MODULES:
            rel = Path(*module.split(".")).with_suffix("").as_posix() + suffix
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, staging / rel)
            modules[module] = (hashes[module], rel)
        shared: dict[str, str] = {}
        for lib in src.glob(f"*__mypyc{suffix}"):
            shutil.copy2(lib, staging / lib.name)
            shared[lib.name[: -len(suffix)]] = lib.name
        version = subprocess.run([str(mypyc), "--version"], capture_output=True, text=True, check=False)
        manifest = {
            "modules": modules,
            "shared": shared,
            "python": _python_tag(),
            "compiler": (version.stdout.strip() or "mypyc").replace("mypy", "mypyc", 1),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        staging.rename(directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return check(directory)[1]
