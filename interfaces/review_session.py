"""The review page's operator sessions: a signed cookie, and the checks every form post passes.

The cookie holds the operator's name, when the login ends and the session's CSRF token, signed
with HMAC-SHA256 (``office.operators.session_key``); it is HttpOnly (no script reads it),
SameSite=Strict (no other site's page sends it) and Secure behind HTTPS. Every form post must
also carry the session's CSRF token and, when the browser says where it comes from (Origin),
come from this site. Before login, the login form's token is a cookie of its own
(double submit), so no other site can log a browser in as someone else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request, Response

SESSION_COOKIE = "sohoa_session"
LOGIN_COOKIE = "sohoa_login"
COOKIE_PATH = "/review"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Session:
    """A logged-in operator."""

    operator: str
    csrf: str
    expires: float


class LoginRequired(Exception):  # noqa: N818 - a redirect, not a failure
    """The request needs a logged-in operator; the app answers with the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def new_session(operator: str, hours: float) -> Session:
    """A session for ``operator`` lasting ``hours``, with a fresh CSRF token."""
    return Session(operator, secrets.token_urlsafe(24), time.time() + hours * 3600)


def encode_session(session: Session, key: bytes) -> str:
    """The signed cookie value for ``session``."""
    # No «=» padding: the value stays a plain cookie token, never quoted.
    body = base64.urlsafe_b64encode(json.dumps(
        {"op": session.operator, "csrf": session.csrf, "exp": session.expires}).encode()
    ).rstrip(b"=")
    return f"{body.decode()}.{_signature(body, key)}"


def decode_session(value: str | None, key: bytes) -> Session | None:
    """The session a cookie stands for; None when absent, forged, malformed or expired."""
    body, _, signature = (value or "").rpartition(".")
    if not body or not hmac.compare_digest(signature, _signature(body.encode(), key)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode() + b"=" * (-len(body) % 4)))
        session = Session(str(data["op"]), str(data["csrf"]), float(data["exp"]))
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    return session if session.expires > time.time() else None


def _signature(body: bytes, key: bytes) -> str:
    return hmac.new(key, b"sohoa-session|" + body, hashlib.sha256).hexdigest()


def set_cookie(request: Request, response: Response, name: str, value: str,
               max_age: int) -> None:
    """Set one of the review page's cookies with the attributes they all share."""
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def request_session(request: Request) -> Session | None:
    """The request's valid session, if any."""
    return decode_session(request.cookies.get(SESSION_COOKIE), request.app.state.session_key)


def require_operator(request: Request) -> Session:
    """The logged-in operator; LoginRequired (→ the login page) otherwise."""
    session = request_session(request)
    if session is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}"
                                                if request.url.query else ""))
    return session


def check_origin(request: Request) -> None:
    """403 when the browser says the post comes from another site."""
    origin = request.headers.get("origin")
    if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "this form was posted from another site")


def check_csrf(request: Request, expected: str | None, given: str | None) -> None:
    """403 unless the post carries the expected CSRF token and comes from this site."""
    check_origin(request)
    if not (expected and given and hmac.compare_digest(expected.encode(), given.encode())):
        raise HTTPException(403, "the form is stale or was not sent from this page; "
                                 "reload the page and try again")
