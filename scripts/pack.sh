#!/usr/bin/env bash
# Packs every library under src/ and the `prob` tool into artifacts/packages (.nupkg with .snupkg symbols beside them).
#
#   scripts/pack.sh                 all packages, version from Directory.Build.props
#
# Then, e.g.:  dotnet tool install -g Probabilistic.Cli --add-source artifacts/packages
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  echo "pack.sh: unknown option '$arg' (it takes none)" >&2; exit 2
done

out=artifacts/packages
rm -rf "$out"
mkdir -p "$out"
# Deterministic paths in the pdbs (/_/src/...) so that the packages do not depend on where the clone lives. The build
# goes to artifacts/build, apart from the projects' own bin/ and obj/, so packing never rewrites what a running build
# or test uses.
common=(-c Release --nologo -v quiet -o "$out" --artifacts-path artifacts/build -p:ContinuousIntegrationBuild=true)

for project in src/*/*.csproj; do
  dotnet pack "$project" "${common[@]}"
done
# The build holds LibTorch for every platform (the tool's portable build) and per platform: gigabytes, not kept.
rm -rf artifacts/build

# NuGet never re-reads a package id and version it has already extracted into the global packages folder, so a copy from
# an earlier pack of this version would hide the new one from every consumer on this machine (console apps, notebooks,
# `dotnet tool install`). Remove those copies of the packages just written, and nothing else.
cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
for nupkg in "$out"/*.nupkg; do
  name=$(basename "$nupkg" .nupkg)                       # e.g. Probabilistic.Interactive.0.1.0-preview
  version=$(printf '%s' "$name" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$')
  id=${name%."$version"}
  if [ -n "$cache" ] && [ -d "$cache/${id,,}/$version" ]; then rm -rf "${cache:?}/${id,,}/$version"; fi
done

echo "pack.sh: $(ls "$out"/*.nupkg | wc -l) packages in $out:"
ls -1 "$out"
