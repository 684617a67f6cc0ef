#!/usr/bin/env bash
# Usage: release-notes.sh vX.Y.Z
# Checks that the tag names okrops' version (okrops/__init__.py) and that CHANGELOG.md has a dated
# section for it ("## [X.Y.Z] - YYYY-MM-DD"), then prints that section's text: the release notes.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:?give the tag, e.g. v0.1.0}"
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' okrops/__init__.py)
if [ "$tag" != "v$version" ]; then
  echo "::error::the tag $tag does not name okrops' version $version (okrops/__init__.py): tag v$version" >&2
  exit 1
fi
heading=$(grep -E "^## \[$(printf '%s' "$version" | sed 's/\./\\./g')\]" CHANGELOG.md || true)
if [ -z "$heading" ]; then
  echo "::error file=CHANGELOG.md::CHANGELOG.md has no section '## [$version] - YYYY-MM-DD'" >&2
  exit 1
fi
if ! printf '%s\n' "$heading" | grep -Eq -- ' - [0-9]{4}-[0-9]{2}-[0-9]{2}$'; then
  echo "::error file=CHANGELOG.md::date the section of $version ('$heading' should end with ' - YYYY-MM-DD')" >&2
  exit 1
fi
awk -v heading="$heading" '
  $0 == heading { inside = 1; next }
  inside && /^## \[/ { exit }
  inside && /^\[[^]]+\]: / { next }
  inside { print }
' CHANGELOG.md
