#!/usr/bin/env bash
# Installs what the tests need when it is missing, builds, and runs every test project. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
ensure_dotnet
ensure_ffmpeg
ensure_fonts
ensure_postgres
ensure_node_packages
ensure_chromium

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Streamio.sln -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
status=0
dotnet test Streamio.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s; if (p == 0 || f > 0) exit 1 }' "$log" || status=1
rm -f "$log"
exit "$status"
