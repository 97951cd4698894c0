# `origo serve` in a container: every operation at POST /v1/<operation> on port 8080.
#
#   docker build -t origo .
#   docker run --rm -p 8080:8080 origo
#   curl -s http://127.0.0.1:8080/v1/health
#
# The build stage compiles the `origo` command (render, xlsx and serve features) with the pinned
# Cargo.lock; the run stage is a slim Debian with that one binary, run as an unprivileged user.
# The rulebook and fonts are embedded; mount a rulebook directory and add `--rules DIR` to use another.

FROM rust:1.92-slim-trixie AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p origo-cli \
    && install -m 0755 target/release/origo /usr/local/bin/origo

FROM debian:trixie-slim
RUN useradd --system --no-create-home --uid 10001 origo
COPY --from=build /usr/local/bin/origo /usr/local/bin/origo
USER origo
EXPOSE 8080
# SIGTERM (docker stop) lets open requests finish before the server exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["origo", "serve", "--addr", "0.0.0.0:8080"]
