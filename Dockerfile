# Streamio: one image for every role, selected at run time by Streamio__Roles: an Orleans silo (grains and the FFmpeg
# encoding workers), an API node (HTTP API, playback, web app; an Orleans client), or both in one process (the default).
# Build:  docker build -t streamio .
# Run:    docker run -p 8080:8080 -v streamio-data:/data streamio
#         (embedded mode: one co-hosted silo, localhost clustering, SQLite and the local disk under /data)
# In a cluster (helm/streamio) the same image runs with Streamio__Database__* (PostgreSQL) and Streamio__Cluster__*.

# 1. Publish the host.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Streamio.sln ./
COPY src/ src/
RUN dotnet publish src/Streamio.Host/Streamio.Host.csproj -c Release -o /app --no-self-contained -p:UseAppHost=false

# 2. The browser libraries the web app serves (runtime dependencies only; the test peers stay out).
FROM node:22-bookworm-slim AS web
WORKDIR /web
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# 3. Runtime: ASP.NET Core (Ubuntu 24.04) + the distribution's FFmpeg and libsrt (the SRT ingest server loads it
#    itself), run as a non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libsrt1.5-gnutls fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
COPY --from=web /web/node_modules /app/node_modules
RUN mkdir -p /data && chown -R "$APP_UID" /data
USER $APP_UID
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://0.0.0.0:8080 \
    Streamio__DataPath=/data \
    Streamio__Storage__LocalPath=/data/objects \
    Streamio__Database__ConnectionString="Data Source=/data/streamio.db" \
    Streamio__Encoding__WorkPath=/data/work
VOLUME /data
# 8080: HTTP (API, web app, /healthz, /readyz); 11111: Orleans silo-to-silo; 30000: Orleans gateway (clients to silos).
# Only a cluster needs the two Orleans ports reachable from other pods.
EXPOSE 8080 11111 30000
# Live ingest, the ports every live stream publishes to: 1935 RTMP (TCP, Streamio__Live__Rtmp__Port) and 9000/udp SRT
# (Streamio__Live__Srt__Port).
EXPOSE 1935
EXPOSE 9000/udp
# Kubernetes sends SIGTERM; the silo stops taking chunks, gets Streamio__Silo__ShutdownGraceSeconds to finish them,
# then leaves the Orleans cluster.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Streamio.Host.dll"]
