#!/usr/bin/env bash
# Print the path of a working Python of the given version (e.g. 3.10): on PATH, else pyenv's.
# Used by `make check-floor`, which runs the suite on the lowest supported Python.
set -u
version=$1
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in "python$version" "$root"/versions/"$version".*/bin/python"$version" "/usr/bin/python$version"; do
    if "$candidate" -c 'import sys' >/dev/null 2>&1; then
        command -v "$candidate" 2>/dev/null || echo "$candidate"
        exit 0
    fi
done
echo "No Python $version found: install it (pyenv install $version, or apt-get install python$version)." >&2
exit 1
