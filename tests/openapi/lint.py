#!/usr/bin/env python3
"""Lints the API's contract with @redocly/cli (tests/openapi/redocly.yaml: the recommended
rules, strict). Runs offline: telemetry and the update check are off, and nothing it reads
lives elsewhere than this folder and the document. scripts/install-deps check installs it.

usage: lint.py [web/openapi.json]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(HERE, "..", "..", "web", "openapi.json"))
REDOCLY = os.path.join(HERE, "node_modules", ".bin", "redocly")

if not os.path.exists(REDOCLY):
    print("@redocly/cli is not installed: run scripts/install-deps check")
    print("0 passed, 1 failed")
    sys.exit(1)
env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
           NO_COLOR="1")
r = subprocess.run([REDOCLY, "lint", "--config", os.path.join(HERE, "redocly.yaml"),
                    "--format=stylish", DOC], env=env, cwd=HERE, timeout=300)
print("%d passed, %d failed" % (r.returncode == 0, r.returncode != 0))
sys.exit(r.returncode)
