"""Operators who log in to the review page: password hashes and the session-signing key.

A password is kept only as ``scrypt$N$r$p$salt$hash`` (base64, :func:`hash_password`), which
`sohoa operator add NAME` prints for the settings (``operators``). Checking a password costs
the same whether the name is known or not, so a wrong name cannot be told from a wrong password
by timing.

The key that signs session cookies is the ``session_secret`` setting when given, else one
generated on first start into ``data_dir/api/session-key`` (mode 0600): sessions then survive
a restart of `sohoa api`, and deleting the file logs every operator out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from config.settings import Settings
from schemas.errors import ConfigurationError

SCHEME = "scrypt"
# scrypt's interactive-login cost (RFC 7914 §2): 16 MiB of memory, ~50 ms per check here.
COST, BLOCK_SIZE, PARALLELISM = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
KEY_BYTES = 32


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The storable hash of ``password``; ConfigurationError when it is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigurationError(f"an operator's password needs at least "
                                 f"{MIN_PASSWORD_LENGTH} characters")
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, COST, BLOCK_SIZE, PARALLELISM)
    return "$".join([SCHEME, str(COST), str(BLOCK_SIZE), str(PARALLELISM),
                     _b64(salt), _b64(digest)])


def password_matches(password: str, encoded: str) -> bool:
    """Whether ``password`` is the one ``encoded`` was made from (False for a malformed
    hash, which the settings check reports at start)."""
    try:
        scheme, cost, block, parallel, salt, digest = encoded.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        given = _scrypt(password, base64.b64decode(salt), int(cost), int(block), int(parallel))
    except ValueError:
        return False
    return hmac.compare_digest(given, expected)


def check_operators(settings: Settings) -> None:
    """ConfigurationError when an operator's hash is not one `sohoa operator add` makes, or
    two operators share a name (the audit trail could not tell them apart)."""
    names = [operator.name for operator in settings.operators]
    if len(set(names)) != len(names):
        raise ConfigurationError("two operators in the settings have the same name")
    for operator in settings.operators:
        parts = operator.password_hash.get_secret_value().split("$")
        if len(parts) != 6 or parts[0] != SCHEME:
            raise ConfigurationError(f"operator {operator.name}: password_hash is not a hash "
                                     f"from `sohoa operator add`")


@functools.cache
def _decoy() -> str:
    """A hash no password matches, checked for unknown names (made once, when first needed)."""
    return hash_password("no operator has this password", b"sohoa-decoy-salt")


def authenticated_operator(settings: Settings, name: str, password: str) -> str | None:
    """The operator's name when ``name`` and ``password`` match one configured; else None."""
    wanted = " ".join(name.split())
    for operator in settings.operators:
        if hmac.compare_digest(operator.name.encode(), wanted.encode()):
            if password_matches(password, operator.password_hash.get_secret_value()):
                return operator.name
            return None
    password_matches(password, _decoy())  # as slow as a known name with a wrong password
    return None


def session_key(settings: Settings) -> bytes:
    """The key signing session cookies: the configured secret, else the generated one."""
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value().encode()
        if len(secret) < KEY_BYTES:
            raise ConfigurationError(f"SOHOA_SESSION_SECRET needs at least {KEY_BYTES} "
                                     f"characters (e.g. `openssl rand -hex 32`)")
        return secret
    return _generated_key(settings.data_dir / "api" / "session-key")


def _generated_key(path: Path) -> bytes:
    """The key in ``path``, written there (mode 0600) by the first process that needs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        return path.read_text().strip().encode()
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path.read_text().strip().encode()


def _scrypt(password: str, salt: bytes, cost: int, block: int, parallel: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=cost, r=block, p=parallel,
                          maxmem=2 * 128 * cost * block * parallel + 2**20, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
