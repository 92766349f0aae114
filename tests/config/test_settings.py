"""Where settings come from: the environment, secret files, a TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config.settings import Settings


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No SOHOA_ variable or .env from outside the test."""
    monkeypatch.chdir(tmp_path)
    for name in ("SOHOA_DATABASE_URL", "SOHOA_S3__SECRET_KEY", "SOHOA_S3__ACCESS_KEY",
                 "SOHOA_API_TOKEN", "SOHOA_CONFIG_FILE", "SOHOA_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_passwords_are_read_from_secret_files(clean_env: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a secrets folder (as Docker mounts at /run/secrets) with one file per setting
    WHEN settings are read THEN nested and top-level secrets come from the files, and the
    environment still wins over a file."""
    secrets = clean_env / "secrets"
    secrets.mkdir()
    (secrets / "sohoa_s3__secret_key").write_text("khóa-bí-mật\n", encoding="utf-8")
    (secrets / "sohoa_api_token").write_text("token-from-file", encoding="utf-8")
    (secrets / "sohoa_database_url").write_text("postgresql+psycopg://u:file@db/sohoa")
    monkeypatch.setenv("SOHOA_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("SOHOA_DATABASE_URL", "postgresql+psycopg://u:env@db/sohoa")

    settings = Settings()

    assert settings.s3.secret_key.get_secret_value() == "khóa-bí-mật"
    assert settings.api_token is not None
    assert settings.api_token.get_secret_value() == "token-from-file"
    assert settings.database_url == "postgresql+psycopg://u:env@db/sohoa"
    assert "khóa-bí-mật" not in repr(settings)


def test_without_a_secrets_folder_nothing_is_read_from_files(clean_env: Path) -> None:
    assert Settings().s3.secret_key.get_secret_value() == ""


def test_a_secrets_folder_that_does_not_exist_is_an_error(clean_env: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped folder must not leave sohoa silently without its passwords."""
    monkeypatch.setenv("SOHOA_SECRETS_DIR", str(clean_env / "no-such-folder"))
    with pytest.raises(ValueError, match="no-such-folder"):
        Settings()


def test_the_second_pass_threshold_is_a_nested_setting(clean_env: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().second_pass.turn_below_confidence == 55.0
    monkeypatch.setenv("SOHOA_SECOND_PASS__TURN_BELOW_CONFIDENCE", "0")
    assert Settings().second_pass.turn_below_confidence == 0.0


def test_dossier_units_are_agency_codes_as_dossier_codes_print_them() -> None:
    """A unit configured as a dossier code prints it is taken; a mistyped one is refused
    when the settings are read, not discovered as a stream of reviews."""
    assert Settings(dossier_units=["000.00.21.H27"]).dossier_units == ["000.00.21.H27"]
    with pytest.raises(ValidationError, match="000.00.21.27"):
        Settings(dossier_units=["000.00.21.H27", "000.00.21.27"])


def test_the_page_sequence_is_told_the_offices_own_document_types(clean_env: Path) -> None:
    """The letter re-read checks the free-text values of every type extraction knows: a
    type in SOHOA_DOCTYPES_DIR reaches the page options; without one, the bundled types
    (None) are used."""
    types = clean_env / "types"
    types.mkdir()
    (types / "land.yaml").write_text(
        "id: land_request\ntitles: [ĐƠN ĐỀ NGHỊ ĐĂNG KÝ ĐẤT ĐAI]\n"
        "fields: [{key: field_place, labels: [Xứ đồng]}]\n", encoding="utf-8")

    assert Settings().page_options(300).doctypes is None
    told = Settings(doctypes_dir=types).page_options(300).doctypes
    assert told is not None
    assert {"land_request", "birth_registration"} <= {doctype.id for doctype in told}
