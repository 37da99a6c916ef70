# Streamio: one image for every role (api, silo, or both), selected at run time by Streamio__Roles.
# Build:  docker build -t streamio .
# Run:    docker run -p 8080:8080 -v streamio-data:/data streamio            (embedded mode: SQLite + local disk)

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

# 3. Runtime: ASP.NET Core (Ubuntu 24.04) + the distribution's FFmpeg, run as a non-root user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
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
    Streamio__Backbone__ConnectionString="Data Source=/data/streamio.db" \
    Streamio__Encoding__WorkPath=/data/work
VOLUME /data
EXPOSE 8080
# Kubernetes sends SIGTERM; the silo stops claiming and gets Streamio__Silo__ShutdownGraceSeconds to finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Streamio.Host.dll"]
