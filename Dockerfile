# syntax=docker/dockerfile:1
# Multi-stage: build with the Rust toolchain, run from a distroless image as a non-root user.

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Build from the committed query cache; no database is needed at build time.
ENV SQLX_OFFLINE=true
# `docker build --build-arg GEN3_CONTENT_COMMIT=$(git rev-parse HEAD)`: .git is not in the context.
ARG GEN3_CONTENT_COMMIT=""
ENV GEN3_CONTENT_COMMIT=${GEN3_CONTENT_COMMIT}
COPY Cargo.toml Cargo.lock build.rs ./
# How SQLite is compiled (fdatasync): the same build as `cargo build` here.
COPY .cargo ./.cargo
COPY .sqlx ./.sqlx
COPY migrations ./migrations
COPY seed ./seed
# The bundled site a new database is seeded with (build.rs embeds it).
COPY site/gen3.org-d819f2a/content ./site/gen3.org-d819f2a/content
# The content model's JSON Schema, which the binary checks model files against.
COPY docs/model.schema.json ./docs/model.schema.json
COPY src ./src
# The example frontend served at / is built into the binary.
COPY examples/frontend/public ./examples/frontend/public
RUN cargo build --release --locked \
 && install -D target/release/gen3-content /out/gen3-content \
 && install -d -o 65532 -g 65532 /out/data

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/gen3-content /usr/local/bin/gen3-content
COPY --from=build --chown=65532:65532 /out/data /data
ENV GEN3_CONTENT_BIND=0.0.0.0:8080 \
    GEN3_CONTENT_DATABASE=/data/gen3-content.db \
    GEN3_CONTENT_LOG_FORMAT=json
USER nonroot
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/gen3-content", "healthcheck", "--url", "http://127.0.0.1:8080/_status"]
ENTRYPOINT ["/usr/local/bin/gen3-content"]
CMD ["serve"]
