#!/usr/bin/env bash
# Runs Streamio in embedded mode (SQLite + local disk + in-process silo) at http://localhost:8080.
# Installs FFmpeg first when it is missing. Extra arguments go to the host (e.g. --urls http://0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
ensure_dotnet
ensure_ffmpeg
ensure_node_packages
exec dotnet run --project src/Streamio.Host -c Release -- "$@"
