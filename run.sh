#!/usr/bin/env bash
# Runs Streamio in embedded mode (one co-hosted Orleans silo, SQLite, the local disk) at http://localhost:8080, with its
# data in ./data at the repository root. Installs FFmpeg first when it is missing. Extra arguments go to the host
# (e.g. --urls http://0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/deps.sh
ensure_dotnet
ensure_ffmpeg
ensure_fonts
ensure_node_packages
dotnet build src/Streamio.Host -c Release -nologo -clp:ErrorsOnly
# Started from here, so the relative data paths land in ./data; appsettings.json is read from the build output.
bin=src/Streamio.Host/bin/Release/net10.0
exec dotnet "$bin/Streamio.Host.dll" --contentRoot "$PWD/$bin" "$@"
