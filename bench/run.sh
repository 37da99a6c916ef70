#!/usr/bin/env bash
# Runs the Streamio benchmark (see bench/README.md). Arguments go to the harness, e.g. --seconds 60 --preset veryfast.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_dotnet
ensure_ffmpeg
dotnet run --project bench/Streamio.Bench -c Release -- "$@"
