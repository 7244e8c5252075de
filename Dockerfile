# The karaoke app's image: a static Go binary on a small Alpine base that
# still has a shell and the sqlite3 CLI, so an operator can look at /data with
# fly ssh console -C "ls -la /data" or open the database by hand.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same build as CI (.ci/run): pure Go, no cgo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/karaoke ./cmd/karaoke

FROM alpine:3.22
RUN apk add --no-cache sqlite ca-certificates tzdata \
	&& mkdir -p /data
COPY --from=build /out/karaoke /usr/local/bin/karaoke
ENV DATA_DIR=/data PORT=8080
EXPOSE 8080
# Runs as root: Fly mounts the volume owned by root.
CMD ["karaoke"]
