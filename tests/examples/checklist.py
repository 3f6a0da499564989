"""Shared by the example tests run by ctest as `SCRIPT SPINSPICE_BINARY SOURCE_DIR`: puts the binary in
$SPINSPICE and SOURCE_DIR/scripts on the path (for rfnet.py and friends), and collects named checks
(each printed PASS or FAIL with its detail); finish() exits 1 when any failed."""
import os
import sys


class Checklist:
    def __init__(self, argv):
        os.environ["SPINSPICE"] = argv[1]
        sys.path.insert(0, os.path.join(argv[2], "scripts"))
        self.failures = []

    def check(self, name, ok, detail):
        print(("PASS " if ok else "FAIL ") + name + ": " + detail, flush=True)
        if not ok:
            self.failures.append(name)

    def finish(self):
        print(f"{len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)
