#!/usr/bin/env python3
"""Lists the files of a folder whose names end in SUFFIX, one path a line, in name order
(meson.build finds the migrations so; there is no glob in Meson).

Usage: list-files.py FOLDER SUFFIX
"""
import os
import sys


def main():
    folder, suffix = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(folder) if n.endswith(suffix))
    if not names:
        sys.exit("list-files: no %s file in %s" % (suffix, folder))
    print("\n".join(os.path.join(folder, n) for n in names))


if __name__ == "__main__":
    main()
