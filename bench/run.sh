#!/usr/bin/env bash
# Runs the Streamio benchmark (see bench/README.md). Arguments go to the harness, e.g. --seconds 60 --preset veryfast,
# or --scale-out for the cluster benchmark (API node + 1, then 2 single-core silos on a private PostgreSQL),
# --cli-upload for the CLI's upload throughput against curl's to the same node, --telemetry for the cost of tracing
# and metrics (the pipeline with telemetry off and on, alternating), --listing, or --watermark (burned-in watermark
# sessions: request to first segment, 720p sessions per core in real time), --first-frame (where the time from
# upload to playable goes, span by span), or --throttled-upload (encoding while uploading: a fast-start MP4 sent through
# a line of --mbps, upload start → playable, upload end → playable and → ready; --silos N for N silo processes).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_dotnet
ensure_ffmpeg
ensure_fonts
if [[ " $* " == *" --scale-out "* || ( " $* " == *" --throttled-upload "* && " $* " == *" --silos "* ) ]]; then
  ensure_postgres
fi
if [[ " $* " == *" --cli-upload "* ]] && ! command -v curl >/dev/null 2>&1; then
  apt_install curl
fi
dotnet run --project bench/Streamio.Bench -c Release -- "$@"
