# syntax=docker/dockerfile:1
# Build stage: release build of the porchlight executable.
FROM swift:6.1-bookworm AS build
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY openapi.yaml ./
COPY Sources ./Sources
RUN swift build -c release --product porchlight --static-swift-stdlib \
 && mkdir /staging \
 && cp "$(swift build -c release --show-bin-path)/porchlight" /staging/

# Runtime stage: a small Debian image, non-root, with only what the binary needs
# (curl for the health check; the Swift runtime is linked statically).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311+deb12u1 curl=7.88.1-10+deb12u14 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app porchlight
WORKDIR /app
COPY --from=build --chown=porchlight:porchlight /staging/ /app/
USER 10001
ENV HOST=0.0.0.0 PORT=8080 LOG_LEVEL=info
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["/app/porchlight"]
CMD ["serve"]
