"""ASGI middleware that guards every request: security headers, the access token, the Host and
Origin checks, and the upload size limit. Plain ASGI (no per-request task or buffering)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "newsprism_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

ErrorPage = Callable[[int, str, bool], tuple[bytes, bytes]]
"""``(status, message, wants_json) -> (body, content type)``."""


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def wants_json(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    accept = _headers(scope).get(b"accept", b"").decode("latin-1")
    return (
        path.startswith("/api/") or path == "/openapi.json" or accept.startswith("application/json")
    )


def plain_error(status: int, message: str, as_json: bool) -> tuple[bytes, bytes]:
    if as_json:
        return json.dumps({"detail": message}).encode(), b"application/json"
    return message.encode(), b"text/plain; charset=utf-8"


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS,
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds the security headers (CSP without inline scripts, nosniff, no framing) to every
    response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestGuard:
    """Refuses requests before they reach the app: a Host that is not ours (DNS rebinding), a
    cross-site POST (its Origin is not the Host), a missing or wrong token, an oversized body."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        allowed_hosts: Sequence[str] | None,
        max_body_bytes: int,
        error_page: ErrorPage = plain_error,
    ) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None
        self.max_body_bytes = max_body_bytes
        self.error_page = error_page

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        message: str,
        extra: Sequence[tuple[bytes, bytes]] = (),
    ) -> None:
        body, content_type = self.error_page(status, message, wants_json(scope))
        await _respond(send, status, body, content_type, extra)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
            await self._refuse(scope, send, 400, "This server does not answer to that host name.")
            return
        origin = headers.get(b"origin")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and origin is not None:
            netloc = urlsplit(origin.decode("latin-1")).netloc.lower()
            if netloc != host:
                await self._refuse(scope, send, 403, "Cross-site requests are refused.")
                return
        if self.token is not None:
            verdict = self._check_token(scope, headers)
            if verdict == "refuse":
                await self._refuse(
                    scope,
                    send,
                    401,
                    "This server needs its access token: open the address printed by "
                    "`newsprism serve` (with ?token=…), or send `Authorization: Bearer …`.",
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            if verdict == "redirect":
                await self._set_cookie_and_redirect(scope, send)
                return
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await self._refuse(scope, send, 413, self._too_large())
            return
        await self._limited(scope, receive, send)

    def _too_large(self) -> str:
        return f"The upload is larger than the limit of {self.max_body_bytes // 1024} KiB."

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Counts the body as the app reads it (a body without Content-Length included)."""
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    # the app's exception handlers answer with the error page
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, counting_receive, send)

    def _check_token(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        """``ok``, ``redirect`` (a right ``?token=``: set the cookie) or ``refuse``."""
        assert self.token is not None
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and hmac.compare_digest(auth[7:].strip(), self.token):
            return "ok"
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed Cookie header is no token
            cookie = SimpleCookie()
        if COOKIE in cookie and hmac.compare_digest(cookie[COOKIE].value.encode(), self.token):
            return "ok"
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.get("token")
        if given is not None and hmac.compare_digest(given.encode(), self.token):
            return "redirect" if scope["method"] in ("GET", "HEAD") else "ok"
        return "refuse"

    async def _set_cookie_and_redirect(self, scope: Scope, send: Send) -> None:
        pairs = [
            (k, v)
            for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
            if k != "token"
        ]
        target = str(scope.get("path", "/")) or "/"
        if pairs:
            target += "?" + urlencode(pairs)
        assert self.token is not None
        cookie = f"{COOKIE}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict"
        await _respond(
            send,
            303,
            b"",
            b"text/plain; charset=utf-8",
            [(b"location", target.encode()), (b"set-cookie", cookie.encode())],
        )


def _hostname(host: str) -> str:
    """``example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HeadAsGet:
    """Answers ``HEAD`` as ``GET`` without the body (``curl -I``, link checkers, uptime
    monitors): the routes are declared for GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message.get("type") == "http.response.body":
                if message.get("more_body"):
                    return  # the rest of a streamed body: not sent
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
