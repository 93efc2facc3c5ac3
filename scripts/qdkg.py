"""The README's two commands, as typed on a fresh machine with only `python3`: a command run in
the project's own virtual environment, after installing qdkg into it.

    python3 scripts/qdkg.py kg build [ARGS...]   # pip install ., then `kg build ARGS`
    python3 scripts/qdkg.py pytest [ARGS...]     # pip install '.[test]', then `pytest ARGS`

The project's own virtual environment (`.venv` beside this folder) is made when missing and
reused after, so nothing is installed into the system's Python (which Debian and Ubuntu refuse,
PEP 668). Where `python3 -m venv` cannot install pip (Debian without python3-venv), the venv is
made without it and pip is taken from the system's pip, else from PyPI. Standard library only.
Exit code: the command's own, or 1 with one line when the environment cannot be made."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
VENV = PROJECT / ".venv"
COMMANDS = {"kg": (".", ["kg"]), "pytest": (".[test]", ["python", "-m", "pytest"])}  # what each installs, runs


def fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(1)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_pip(python: Path) -> bool:
    return subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True).returncode == 0


def pip_from_pypi(python: Path) -> None:
    """Install pip into the venv from its wheel on PyPI (or $PIP_INDEX_URL's JSON API)."""
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/").removesuffix("/simple")
    with urllib.request.urlopen(f"{index}/pypi/pip/json", timeout=60) as r:
        files = json.load(r)["urls"]
    wheel = next(f for f in files if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=300) as r:
            path.write_bytes(r.read())
        subprocess.run([str(python), f"{path}/pip", "install", "-q", str(path)], check=True)


def ensure_venv() -> Path:
    python = venv_python()
    if python.exists() and has_pip(python):
        return python
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
        if made.returncode != 0:  # typically: ensurepip is not available
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(VENV)], check=True)
    if not has_pip(python):
        if has_pip(Path(sys.executable)):
            subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "pip"], check=True)
        else:
            pip_from_pypi(python)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("\n\n".join(__doc__.split("\n\n")[:2]), file=sys.stderr)
        return 2
    if sys.version_info < (3, 10):
        fail(f"qdkg needs Python 3.10 or newer; this python3 is {sys.version.split()[0]}")
    target, command = COMMANDS[argv[0]]
    try:
        python = ensure_venv()
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", target],
                       check=True, cwd=PROJECT)
    except (OSError, subprocess.CalledProcessError, ValueError, StopIteration) as exc:
        fail(f"could not prepare {VENV} ({exc}): check the network access to PyPI, or remove .venv and retry")
    program = [str(python), *command[1:]] if command[0] == "python" else [str(python.parent / command[0]), *command[1:]]
    if argv[0] == "pytest":
        os.chdir(PROJECT)
    os.execv(program[0], program + argv[1:])  # the command's own exit code, signals and Ctrl-C
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        sys.exit(130)
