#!/usr/bin/env bash
# The whole test suite: setup, then every test project of the solution in Release, then one summary line
#   Tests: N passed, N failed, N skipped
# summed over all projects from their TRX results. Exits non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "test.sh: setup failed" >&2; exit 1; }

results=TestResults
rm -rf "$results"
dotnet build Probabilistic.sln -c Release --nologo -v quiet || { echo "Tests: 0 passed, 1 failed, 0 skipped"; echo "test.sh: build failed" >&2; exit 1; }
dotnet test Probabilistic.sln -c Release --no-build --nologo --logger trx --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # A test skipped at run time (Skip.If of Xunit.SkippableFact) is counted in "total" but not in "executed" or "notExecuted".
  skipped=$((skipped + $(get notExecuted) + $(get total) - $(get executed)))
done
if [ "$files" = 0 ] && [ "$rc" != 0 ]; then failed=$((failed + 1)); fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$rc" != 0 ] || [ "$failed" != 0 ] || [ "$passed" = 0 ]; then exit 1; fi
