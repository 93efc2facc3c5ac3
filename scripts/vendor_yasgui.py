"""Vendor YASGUI (@zazuko/yasgui, MIT) into kg/serve/vendor/, at release time, never at run time:

    python scripts/vendor_yasgui.py [VERSION]     # default: the version in kg/serve/vendor/VERSION

Takes the package from the npm registry (`npm pack`), keeps its built bundle
(build/yasgui.min.js, build/yasgui.min.css), and writes the licence and the version beside
them. `kg serve` then serves the query editor offline, from the package."""
from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "kg" / "serve" / "vendor"
PACKAGE = "@zazuko/yasgui"
MIT = """The MIT License (MIT)

Copyright (c) {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def main(argv: list[str]) -> int:
    version = argv[0] if argv else (VENDOR / "VERSION").read_text(encoding="utf-8").split()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / name) as tar:
            meta = json.load(tar.extractfile("package/package.json"))
            if meta.get("license") != "MIT":
                print(f"Error: {PACKAGE} {version} is not MIT-licensed ({meta.get('license')})", file=sys.stderr)
                return 1
            VENDOR.mkdir(parents=True, exist_ok=True)
            for part in ("yasgui.min.js", "yasgui.min.css"):
                (VENDOR / part).write_bytes(tar.extractfile(f"package/build/{part}").read())
    holder = meta.get("author", "Triply").split("<")[0].strip()
    (VENDOR / "LICENSE.yasgui").write_text(MIT.format(holder=holder), encoding="utf-8")
    (VENDOR / "VERSION").write_text(f"{PACKAGE} {meta['version']}\n", encoding="utf-8")
    print(f"Vendored {PACKAGE} {meta['version']} into {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
