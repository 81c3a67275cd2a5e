# syntax=docker/dockerfile:1
#
# A polis hub in a container: one static binary, no shell, a non-root user,
# the data dir on a volume.
#
#   docker build -t polis .
#   docker run -d --name polis -p 23234:23234 -v polis-data:/data polis
#   docker logs polis                      # the host key and founder code
#   docker exec polis /polis backup --out - > hub.backup
#
# Settings are the POLIS_* variables (`docker run polis serve --help`), e.g.
# -e POLIS_NAME="Lisbon commons", or -e POLIS_METRICS=0.0.0.0:9100 -p
# 127.0.0.1:9100:9100 for Prometheus metrics, which are off by default.

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# Static: the runtime image has no libc. Time zones are compiled in
# (time/tzdata), so housing rules need nothing from the image either.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/polis ./cmd/polis
# The volume's mount point, owned by the runtime user and private to it: a
# new named volume takes this owner and mode.
RUN mkdir -m 0700 /out/data

FROM scratch
COPY --from=build /out/polis /polis
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV POLIS_DATA=/data \
    POLIS_LISTEN=0.0.0.0:23234
VOLUME /data
EXPOSE 23234
# SIGTERM stops the hub cleanly: it stops accepting, lets running commands
# finish, seals a checkpoint and closes the database, well within `docker
# stop`'s default 10 seconds (--shutdown-timeout is 5s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/polis"]
CMD ["serve"]
