"""packetflow/generated is what `npm run codegen` makes from the schemas today."""

import filecmp
import os
import shutil
import subprocess
import tempfile

PACKAGE = os.path.join(os.path.dirname(__file__), "..")
GENERATED = os.path.join(PACKAGE, "packetflow", "generated")


def files(root):
    return sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, names in os.walk(root)
        for f in names
        if "__pycache__" not in d
    )


def test_generated_code_is_not_stale():
    # flatc is a test dependency (scripts/system-packages.mjs installs it): missing, this fails rather than skips.
    assert shutil.which("flatc"), "flatc is missing: apt-get install -y flatbuffers-compiler"
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["node", "scripts/codegen.mjs", "--into", scratch], cwd=PACKAGE, check=True)
        assert files(GENERATED) == files(scratch), "generated file list is stale: npm run codegen"
        for name in files(scratch):
            same = filecmp.cmp(os.path.join(GENERATED, name), os.path.join(scratch, name), shallow=False)
            assert same, f"{name} is stale: npm run codegen -w @packetflow/python"
