#!/usr/bin/env python3
"""Every migration in src/store/sqlite is embedded in the build (sqlite_migrations.c), in
name order, and numbered without a gap or a repeat: a migration the build missed would
otherwise fail only when a database is opened.

Usage: test_migrations.py SOURCE_FOLDER EMBEDDED_C
"""
import os
import re
import sys


def main():
    folder, embedded = sys.argv[1], sys.argv[2]
    on_disk = sorted(n for n in os.listdir(folder) if n.endswith(".sql"))
    with open(embedded, encoding="utf-8") as f:
        built = re.findall(r'^\t\{"([^"]+\.sql)",$', f.read(), re.M)
    if built != on_disk:
        print("0 passed, 1 failed")
        sys.exit("migrations in %s: %s; embedded in the build: %s (re-run meson setup"
                 " --reconfigure)" % (folder, on_disk, built))
    numbers = [int(n.split("_", 1)[0]) for n in on_disk]
    if numbers != list(range(1, len(numbers) + 1)):
        print("0 passed, 1 failed")
        sys.exit("migrations must be numbered 001, 002, ... without gaps: %s" % on_disk)
    print("ok   %d migrations embedded, numbered in order" % len(on_disk))
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
