# Silkgraph gateway with its built-in adapters.
#   docker build -t silkgraph .
#   docker run -p 4000:4000 -v $PWD/silkgraph.toml:/etc/silkgraph/silkgraph.toml \
#     -v silkgraph-spool:/var/lib/silkgraph/var/audit-spool silkgraph
# (the audit spool, audit.spool_path, must outlive the container: keep it on a volume of its own per gateway)
FROM python:3.12-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY adapters ./adapters
# camt-exceptions: the official camt.056.001.12 / camt.029.001.14 XSDs the payments adapter builds and reads its
# recalls with (data only: its code and dependencies are not used, hence --no-deps)
RUN python -m venv /opt/silkgraph && /opt/silkgraph/bin/pip install --upgrade pip && /opt/silkgraph/bin/pip install . \
    && /opt/silkgraph/bin/pip install --no-deps camt-exceptions==0.0.20

FROM python:3.12-slim AS runtime
RUN groupadd --system silkgraph && useradd --system --gid silkgraph --home-dir /var/lib/silkgraph \
      --create-home --shell /usr/sbin/nologin silkgraph \
    && install -d -o silkgraph -g silkgraph /var/lib/silkgraph/var/audit-spool
COPY --from=build /opt/silkgraph /opt/silkgraph
COPY schema /opt/silkgraph/schema
ENV PATH=/opt/silkgraph/bin:$PATH PYTHONUNBUFFERED=1 \
    SILKGRAPH_GATEWAY__HOST=0.0.0.0 SILKGRAPH_GATEWAY__PORT=4000 SILKGRAPH_GATEWAY__MODE=production
WORKDIR /var/lib/silkgraph
USER silkgraph
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:4000/healthz', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["silkgraph"]
CMD ["serve", "--config", "/etc/silkgraph/silkgraph.toml"]
