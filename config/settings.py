"""The one configuration model. Read once at the entry point and passed down.

Every setting comes from the environment (prefix ``SOHOA_``, nested with ``__``), an optional
``.env`` file, files in the folder named by ``SOHOA_SECRETS_DIR`` (one per setting, named as
its variable), or a TOML file named by ``SOHOA_CONFIG_FILE``, in that order of precedence.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from pipeline.assess import ReviewOptions
from pipeline.doctypes import load_doctypes
from pipeline.image.preprocess import PreprocessOptions
from pipeline.load import PageLimits
from pipeline.ocr import OcrOptions
from pipeline.ocr.options import EngineName
from pipeline.ocr.second_pass import SecondPassOptions
from pipeline.page import PageOptions
from pipeline.pdf.textlayer import TextLayerOptions
from pipeline.values.dossier_codes import UNIT_CODE
from storage.s3_settings import S3Settings


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "sohoa"


class StationSettings(BaseModel):
    """A scanning station: the folder it drops scans into and the unit it belongs to."""

    name: str
    folder: Path
    unit: str
    patterns: list[str] = Field(default_factory=lambda: ["*.pdf", "*.tif", "*.tiff", "*.jpg",
                                                         "*.jpeg", "*.png"])


class OcrSettings(BaseModel):
    """How pages are rasterised and recognised. The defaults are the pipeline's own
    (``OcrOptions``, ``PageLimits``, ``PageOptions``): written once, there."""

    languages: str = Field(OcrOptions.languages,
                           description="Tesseract languages, e.g. 'vie' or 'vie+eng'")
    dpi: int = Field(PageLimits.dpi, ge=72, le=1200,
                     description="rasterisation DPI for PDF pages")
    workers: int = Field(0, ge=0, description="pages OCR'd at once; 0 = one per CPU core")
    page_timeout_seconds: float = Field(OcrOptions.timeout_seconds, gt=0)
    max_page_pixels: int = Field(PageLimits.max_page_pixels,
                                 description="refuse pages larger than this")
    max_pages: int = Field(PageLimits.max_pages, ge=1)
    tesseract_cmd: str = OcrOptions.tesseract_cmd
    engine: EngineName = Field(
        OcrOptions.engine, description="'tesserocr' (default): one warm libtesseract per page "
        "read at once, faster, the same readings; 'cli': a tesseract process per call "
        "(killable at the time limit, a crash costs one page); the CLI is used when "
        "tesserocr is not installed")
    pdf_jpeg_quality: int = Field(PageOptions.pdf_jpeg_quality, ge=30, le=100)

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


class ReviewSettings(ReviewOptions):
    """The pipeline's review thresholds, and whether runs open review runs in Prefect."""

    open_review_runs: bool = Field(
        True, description="a record run by a worker that needs review gets a review-record run "
        "waiting for an operator's answer in the Prefect UI")


class WatchSettings(BaseModel):
    """How `sohoa watch` decides that a scan in a station folder is ready to take."""

    settle_seconds: float = Field(
        3.0, ge=0, description="a file is taken once its size and mtime stayed unchanged this long")
    polling: bool = Field(False, description="poll instead of OS events (network shares)")
    poll_interval_seconds: float = Field(1.0, gt=0, description="check interval when polling")
    rescan_seconds: float = Field(
        30.0, gt=0, description="full rescan of every station folder (catches missed events)")
    recovery_seconds: float = Field(
        60.0, gt=0, description="how often unfinished records are looked at and re-submitted")
    max_files_per_run: int = Field(
        10, ge=1, description="files of one station ready at the same moment share a run "
        "(one process start for many small scans); 1 = a run per file")
    group_seconds: float = Field(
        2.0, ge=0, description="how long a taken file may wait for others of its station to "
        "share its run")
    after_store: Literal["move", "delete"] = Field(
        "move", description="what happens to a scan once its original is stored and verified")
    read_attempts: int = Field(
        5, ge=1, description="a file that cannot be opened or read this many times in a row "
        "(waiting SOHOA_RETRY_DELAYS_SECONDS between) becomes a `failed` record in failed/")
    processed_folder: str = "processed"
    failed_folder: str = "failed"
    ignore_patterns: list[str] = Field(
        default_factory=lambda: ["*.part", "*.tmp", "*.crdownload", "~$*", ".*", "*.error.txt"],
        description="names never taken: files still being written, dot-files, our own notes")


class WorkerSettings(BaseModel):
    """The Prefect work pool and deployment that `sohoa worker` serves."""

    work_pool: str = "sohoa"
    deployment: str = "sohoa"
    limit: int = Field(0, ge=0, description="flow runs at once per worker; 0 = one per CPU core")
    pool_concurrency_limit: int | None = Field(
        None, ge=1, description="flow runs at once across every worker of the pool")
    poll_seconds: float = Field(5.0, gt=0, description="how often a worker asks for new runs")

    def run_limit(self) -> int:
        return self.limit or os.cpu_count() or 1


class OperatorSettings(BaseModel):
    """A person who may log in to the review page: the name the audit trail keeps, and the
    hash `sohoa operator add NAME` prints (never the password itself)."""

    name: str = Field(min_length=1, max_length=200)
    password_hash: SecretStr


class Settings(BaseSettings):
    """Everything sohoa can be told."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir")
    object_store: Literal["local", "s3"] = "local"
    store_dir: Path | None = Field(None, description="local object store root; default in data_dir")
    s3: S3Settings = Field(default_factory=S3Settings)
    station: str = Field("default", description="station name for files given on the command line")
    unit: str = Field("default", description="unit of that station")
    stations: list[StationSettings] = Field(default_factory=list)
    dossier_units: list[str] = Field(
        default_factory=list,
        description="agency codes (the «000.00.21.H27» part of a dossier code) of the units "
                    "whose dossiers this office receives: a code read by OCR must name one, "
                    "and one misread digit of one is mended (empty: not checked)")
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    preprocess: PreprocessOptions = Field(default_factory=PreprocessOptions)
    second_pass: SecondPassOptions = Field(default_factory=SecondPassOptions)
    text_layer: TextLayerOptions = Field(default_factory=TextLayerOptions)
    work_dir: Path | None = Field(None, description="temporary files; default in data_dir")
    doctypes_dir: Path | None = Field(None, description="extra document-type definitions")
    prefect_api: Literal["local-server", "ephemeral"] = Field(
        "local-server",
        description="without PREFECT_API_URL: a local Prefect server started once and reused, "
        "or Prefect's ephemeral API (slow start in every process)",
    )
    local_prefect_port: int = Field(4200, ge=0, le=65535)
    local_prefect_startup_seconds: float = Field(120, gt=0)
    retry_delays_seconds: list[float] = Field(
        [2, 10, 30], min_length=1,
        description="waits before each new try of a step that failed on a server (object store, "
        "database, Prefect API); the watcher waits as long before taking a file it could not "
        "store again, the last wait repeated")
    processing_lease_minutes: float = Field(
        30, gt=0, description="an unfinished record untouched this long is taken up again")
    api_token: SecretStr | None = Field(
        None, description="bearer token the read API requires; without it the API won't start")
    public_api_url: str | None = Field(
        None, description="the read API's address as operators reach it "
        "(https://sohoa.example/api); Prefect artifacts link documents there")
    operators: list[OperatorSettings] = Field(
        default_factory=list, description="who may log in to the review page (`sohoa api`, "
        "/review); add one with `sohoa operator add NAME`")
    session_secret: SecretStr | None = Field(
        None, description="key signing the review page's session cookies; default: generated "
        "on first start in data_dir/api/session-key")
    session_hours: float = Field(10, gt=0, description="an operator's login lasts this long")
    prefect_auth_string: SecretStr | None = Field(
        None, description="«user:password» of the Prefect server; default: the local "
        "server's, generated on first start in data_dir/prefect/auth-string")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings, dotenv_settings]
        secrets_dir = os.environ.get("SOHOA_SECRETS_DIR")
        if secrets_dir:
            # One file per setting, named as its variable (sohoa_s3__secret_key): Docker and
            # Kubernetes secrets, so that passwords need not sit in the environment.
            sources.append(NestedSecretsSettingsSource(
                file_secret_settings, secrets_dir=secrets_dir, secrets_nested_delimiter="__",
                secrets_dir_missing="error"))
        config_file = os.environ.get("SOHOA_CONFIG_FILE")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sohoa.db'}"

    @property
    def resolved_store_dir(self) -> Path:
        return self.store_dir or self.data_dir / "objects"

    @property
    def resolved_work_dir(self) -> Path:
        return self.work_dir or self.data_dir / "work"

    @property
    def processing_lease(self) -> timedelta:
        return timedelta(minutes=self.processing_lease_minutes)

    def page_limits(self) -> PageLimits:
        """The bounds every decoded file is held to (pipeline/load.py)."""
        ocr = self.ocr
        return PageLimits(dpi=ocr.dpi, max_page_pixels=ocr.max_page_pixels,
                          max_pages=ocr.max_pages,
                          rasterize_timeout_seconds=ocr.page_timeout_seconds)

    def page_options(self, dpi: int) -> PageOptions:
        """What the page sequence is told for a file scanned at ``dpi`` (pipeline/page.py)."""
        ocr = self.ocr
        return PageOptions(
            ocr=OcrOptions(languages=ocr.languages, dpi=dpi,
                           timeout_seconds=ocr.page_timeout_seconds,
                           tesseract_cmd=ocr.tesseract_cmd, engine=ocr.engine),
            preprocess=self.preprocess, second_pass=self.second_pass,
            text_layer=self.text_layer, pdf_jpeg_quality=ocr.pdf_jpeg_quality,
            work_dir=self.resolved_work_dir,
            doctypes=tuple(load_doctypes(self.doctypes_dir)) if self.doctypes_dir else None)

    @field_validator("dossier_units")
    @classmethod
    def _units_are_agency_codes(cls, units: list[str]) -> list[str]:
        """Each unit as a dossier code prints it («000.00.21.H27»): a unit mistyped in the
        configuration would make every code of that unit go to review, or be mended to a
        neighbour."""
        wrong = [u for u in units if not UNIT_CODE.fullmatch(u)]
        if wrong:
            raise ValueError(f"dossier_units: {', '.join(wrong)} is not like 000.00.21.H27")
        return units

    def station_named(self, station: str) -> StationSettings | None:
        return next((configured for configured in self.stations if configured.name == station),
                    None)

    def unit_of(self, station: str) -> str:
        """The unit a station belongs to (the default unit for an unconfigured station)."""
        configured = self.station_named(station)
        return configured.unit if configured else self.unit
