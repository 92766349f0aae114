# syntax=docker/dockerfile:1
# The sohoa worker image: the `sohoa` command with Tesseract (Vietnamese, English, orientation)
# and poppler. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t sohoa-worker .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DO_NOT_TRACK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
      poppler-utils fonts-dejavu-core \
      libtesseract-dev libleptonica-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/*

# Only what the package is built from (see worker.Dockerfile.dockerignore for the rest).
WORKDIR /opt/sohoa
COPY pyproject.toml README.md ./
COPY config ./config
COPY flows ./flows
COPY interfaces ./interfaces
COPY office ./office
COPY pipeline ./pipeline
COPY samples ./samples
COPY schemas ./schemas
COPY storage ./storage
# [warm]: the in-process Tesseract engine (the default), built against Debian's libtesseract.
RUN pip install --no-binary tesserocr ".[warm]" \
 && python -c "import tesserocr, interfaces.cli" \
 && tesseract --list-langs | grep -qx vie

# Run as an unprivileged user; its data folder (work files, Prefect's home) is a volume.
RUN groupadd --system --gid 10001 sohoa \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/sohoa --create-home sohoa
USER 10001:10001
ENV SOHOA_DATA_DIR=/var/lib/sohoa \
    PREFECT_HOME=/var/lib/sohoa/prefect
WORKDIR /var/lib/sohoa
VOLUME ["/var/lib/sohoa"]

ENTRYPOINT ["sohoa"]
CMD ["--help"]
