"""Fetching feeds and article pages over HTTP(S), only when the user asks (``ingest --fetch``).

Inside ``fetching(policy)``, ``iter_documents`` fetches each ``http://`` or ``https://``
argument and reads the bytes with the same readers as a local file (a feed, a page, a JSON
dump...); the URL is the document's provenance. Outside it, a URL argument is a one-line
failure that says to add ``--fetch``. With ``policy.linked_articles``, the link of each feed
entry is fetched too (same policy) and read in the entry's place; when it cannot be, the
entry's own text from the feed is kept (a warning, not a failure).

The policy (``FetchPolicy``) guards every request, redirects included:

- only ``http`` and ``https`` (``file://``, ``ftp://``... are refused), no credentials in URLs;
- the host is resolved and refused when any of its addresses is not a public unicast one
  (loopback, private, link-local such as cloud metadata at 169.254.169.254, shared, multicast,
  reserved, unspecified), unless ``allow_private`` or an ``allow_networks`` entry allows it;
  the connection then goes to the vetted address itself (the URL's host is sent in ``Host``
  and, for HTTPS, as the TLS server name, so certificates are still checked against the
  name), which keeps DNS rebinding from swapping in another address after the check;
- redirects are followed by hand, at most ``max_redirects``, each hop vetted the same way;
- ``timeout`` seconds for connecting and for each read, ``total_timeout`` for the whole fetch;
- bodies are streamed and abandoned past ``max_bytes`` (a larger ``Content-Length`` is refused
  before reading); ``Accept-Encoding: identity`` asks servers not to compress;
- a polite ``User-Agent`` naming newsprism and its version, and at least ``min_interval``
  seconds between two requests to one host; proxies from the environment are not used.
"""

from __future__ import annotations

import io
import ipaddress
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsprism import __version__
from newsprism.config import Settings
from newsprism.errors import FetchError
from newsprism.models import Failure, RawDoc
from newsprism.read.base import Source, one_line

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = f"newsprism/{__version__} (news comparison; fetches only the URLs its user gives)"
SCHEMES = ("http", "https")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What a fetch may do; the defaults are safe for URLs from anywhere."""

    timeout: float = 20.0
    """Seconds to connect, and to wait for each piece of the response."""
    total_timeout: float = 120.0
    """Seconds for a whole fetch, redirects and rate-limit waits excluded."""
    max_bytes: int = 20_000_000
    """Largest body read; a larger one is abandoned (the fetch fails)."""
    max_redirects: int = 5
    min_interval: float = 1.0
    """Least seconds between two requests to one host."""
    allow_private: bool = False
    """Allow loopback, private and link-local addresses (``--allow-private-addresses``)."""
    allow_networks: tuple[IPNetwork, ...] = ()
    """Networks allowed although not public (an intranet, say), when ``allow_private`` is off."""
    linked_articles: bool = False
    """Also fetch the page each feed entry links to (``--fetch-linked-articles``)."""
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body and where it came from."""

    url: str
    """The URL asked for."""
    final_url: str
    """The URL the body came from, after redirects."""
    status: int
    content_type: str | None
    data: bytes
    redirects: tuple[str, ...]
    fetched_at: str


def is_url(text: str) -> bool:
    """Whether a command-line argument is a URL (``scheme://...``) rather than a path."""
    return bool(_URL.match(text))


def refusal(address: IPAddress, policy: FetchPolicy) -> str | None:
    """Why ``policy`` refuses to connect to ``address`` (None: allowed)."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_global:
        return None
    if policy.allow_private or any(address in net for net in policy.allow_networks):
        return None
    for kind in ("loopback", "link_local", "private", "reserved"):
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    return "not a public address"


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (TCP), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]).split("%", 1)[0], None)
    return list(seen)


class Fetcher:
    """Fetches URLs under one policy; keeps the per-host rate limit and an HTTP client."""

    def __init__(self, policy: FetchPolicy | None = None, resolver: Resolver = resolve) -> None:
        import httpx

        self.policy = policy or FetchPolicy()
        self._resolve = resolver
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "identity"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> Fetched:
        """The body at ``url`` (after redirects); ``FetchError`` when refused or failed."""
        current = url
        hops: list[str] = []
        while True:
            target, host, address = self._vet(url, current)
            self._wait_turn(host)
            status, location, content_type, data = self._get(url, target, host, address)
            if status in REDIRECTS and location is not None:
                if len(hops) >= self.policy.max_redirects:
                    raise FetchError(url, f"more than {self.policy.max_redirects} redirects")
                current = str(target.join(location))
                hops.append(current)
                log.info("%s: redirected to %s", url, current)
                continue
            if not 200 <= status < 300:
                raise FetchError(url, f"HTTP {status}" + (f" (from {current})" if hops else ""))
            fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
            return Fetched(url, current, status, content_type, data, tuple(hops), fetched_at)

    # ------------------------------------------------------------------ policy

    def _vet(self, asked: str, current: str) -> tuple[httpx.URL, str, IPAddress]:
        """The parsed URL, its host and the vetted address to connect to."""
        import httpx

        via = "" if asked == current else f" (redirected to {current})"
        try:
            target = httpx.URL(current)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(asked, f"not a valid URL{via}: {one_line(exc)}") from None
        if target.scheme not in SCHEMES:
            scheme = target.scheme or "no scheme"
            raise FetchError(asked, f"{scheme}:// refused{via}: only http and https are fetched")
        if target.userinfo:
            raise FetchError(asked, f"URLs with credentials are not fetched{via}")
        host = target.host
        if not host:
            raise FetchError(asked, f"no host in the URL{via}")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a) for a in self._resolve(host, port)]
            except (OSError, UnicodeError, ValueError) as exc:
                raise FetchError(asked, f"cannot resolve {host}{via}: {one_line(exc)}") from None
        if not addresses:
            raise FetchError(asked, f"cannot resolve {host}{via}: no address")
        for address in addresses:
            why = refusal(address, self.policy)
            if why is not None:
                hint = "" if self.policy.allow_private else " (see --allow-private-addresses)"
                raise FetchError(asked, f"refused{via}: {host} resolves to {address}, {why}{hint}")
        return target, host, addresses[0]

    def _wait_turn(self, host: str) -> None:
        """Sleep until ``min_interval`` has passed since the last request to ``host``."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last.get(host.lower(), -1e9) + self.policy.min_interval)
            self._last[host.lower()] = start
        if start > now:
            time.sleep(start - now)

    # ------------------------------------------------------------------ transfer

    def _get(
        self, asked: str, target: httpx.URL, host: str, address: IPAddress
    ) -> tuple[int, str | None, str | None, bytes]:
        """One request, to ``address``: status, redirect location, content type, body."""
        import httpx

        pinned = target.copy_with(host=str(address))
        headers = {"Host": target.netloc.decode("ascii")}
        extensions: dict[str, Any] = {}
        if target.scheme == "https":
            extensions["sni_hostname"] = host
        deadline = time.monotonic() + self.policy.total_timeout
        where = asked if str(target) == asked else f"{asked} (at {target})"
        try:
            with self._client.stream(
                "GET", pinned, headers=headers, extensions=extensions
            ) as response:
                content_type = response.headers.get("Content-Type")
                if response.status_code in REDIRECTS:
                    return response.status_code, response.headers.get("Location"), None, b""
                if not 200 <= response.status_code < 300:
                    return response.status_code, None, content_type, b""
                return response.status_code, None, content_type, self._body(response, deadline)
        except FetchError as exc:
            raise FetchError(where, exc.reason) from None
        except httpx.TimeoutException:
            raise FetchError(
                where, f"timed out (no answer within {self.policy.timeout} s)"
            ) from None
        except (httpx.HTTPError, OSError) as exc:
            raise FetchError(
                where, f"cannot fetch: {type(exc).__name__}: {one_line(exc)}"
            ) from None

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError("", f"too large: {declared} bytes declared, max_bytes is {cap}")
        chunks: list[bytes] = []
        got = 0
        for chunk in response.iter_bytes():
            got += len(chunk)
            if got > cap:
                raise FetchError("", f"too large: more than max_bytes ({cap} bytes)")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError("", f"timed out: not done within {self.policy.total_timeout} s")
        return b"".join(chunks)


# ---------------------------------------------------------------------- reading fetched bytes

_active: Fetcher | None = None
_active_lock = threading.Lock()


@contextmanager
def fetching(policy: FetchPolicy | None = None) -> Iterator[Fetcher]:
    """Within this block, ``iter_documents`` (and so ``ingest``) fetches URL arguments."""
    global _active
    with Fetcher(policy) as fetcher:
        with _active_lock:
            previous, _active = _active, fetcher
        try:
            yield fetcher
        finally:
            with _active_lock:
                _active = previous


def read_url(url: str, settings: Settings, fetcher: Fetcher) -> Iterator[RawDoc | Failure]:
    """Fetch ``url`` and read it like a file; feed entries' links too when the policy says."""
    for doc in _read_fetched(url, settings, fetcher):
        if (
            isinstance(doc, RawDoc)
            and fetcher.policy.linked_articles
            and doc.provenance.reader.startswith("feed.")
        ):
            yield from _read_linked(doc, settings, fetcher)
        else:
            yield doc


def _read_fetched(url: str, settings: Settings, fetcher: Fetcher) -> Iterator[RawDoc | Failure]:
    from newsprism.read.walk import read_source

    try:
        fetched = fetcher.fetch(url)
    except FetchError as exc:
        yield Failure(url, exc.reason)
        return
    data = fetched.data

    def open_raw() -> io.BytesIO:
        return io.BytesIO(data)

    for doc in read_source(Source(url, open_raw, len(data)), settings):
        if isinstance(doc, RawDoc):
            doc.metadata.setdefault("fetched_url", fetched.final_url)
            doc.metadata.setdefault("fetched_at", fetched.fetched_at)
            if doc.provenance.url is None:
                doc.provenance = replace(doc.provenance, url=fetched.final_url)
            if doc.url is None:
                doc.url = fetched.final_url
        yield doc


LINKED_ERROR_KEY = "linked_article_error"
"""``RawDoc.metadata`` key: why the linked page could not be read when the feed entry's own
text was kept in its place."""


def _has_text(doc: RawDoc) -> bool:
    return bool((doc.text and doc.text.strip()) or (doc.html and doc.html.strip()))


def _read_linked(entry: RawDoc, settings: Settings, fetcher: Fetcher) -> Iterator[RawDoc | Failure]:
    """The page a feed entry links to, read in the entry's place; the entry's title, date,
    outlet and author fill what the page lacks. When the page cannot be fetched or read, the
    entry's own text from the feed is kept instead (with a warning logged and the reason in
    ``metadata[LINKED_ERROR_KEY]``); only an entry without text then fails."""
    where = f"{entry.provenance.path} {entry.provenance.locator or ''}".strip()
    link = entry.url
    if not link:
        yield from _entry_instead(entry, where, "entry has no link to fetch")
        return
    items = list(_read_fetched(link, settings, fetcher))  # one page: already in memory
    if not any(isinstance(item, RawDoc) for item in items):
        first = next((item for item in items if isinstance(item, Failure)), None)
        why = f"{first.where}: {first.reason}" if first else f"{link}: no document in it"
        yield from _entry_instead(entry, where, f"linked article {why}")
        return
    for doc in items:
        if isinstance(doc, Failure):
            yield Failure(where, f"linked article {doc.where}: {doc.reason}")
            continue
        for name in ("title", "published", "outlet", "author"):
            if getattr(doc, name) is None:
                setattr(doc, name, getattr(entry, name))
        doc.metadata.setdefault("feed", entry.provenance.path)
        doc.metadata.update({k: v for k, v in entry.metadata.items() if k not in doc.metadata})
        yield doc


def _entry_instead(entry: RawDoc, where: str, reason: str) -> Iterator[RawDoc | Failure]:
    """The feed entry itself in place of its unreadable linked page, or the failure when the
    entry has no text of its own."""
    if not _has_text(entry):
        yield Failure(where, f"{reason} (and the entry has no text of its own)")
        return
    log.warning("%s: %s; kept the entry's own text from the feed", where, reason)
    entry.metadata[LINKED_ERROR_KEY] = reason
    yield entry


def iter_documents(
    paths: Iterable[str] | str | os.PathLike[str],
    settings: Settings | None = None,
) -> Iterator[RawDoc | Failure]:
    """``walk.iter_documents`` for local paths; URLs fetched inside ``fetching()``, refused
    with a one-line failure outside it."""
    from newsprism.read.walk import iter_documents as iter_local

    settings = settings or Settings()
    if isinstance(paths, str | os.PathLike):
        paths = [os.fspath(paths)]
    for given in paths:
        given = os.fspath(given)
        if not is_url(given):
            yield from iter_local([given], settings)
            continue
        fetcher = _active
        if fetcher is None:
            yield Failure(given, "a URL: fetching is off (add --fetch to download it)")
        else:
            try:
                yield from read_url(given, settings, fetcher)
            except Exception as exc:  # the boundary, as for files: log it, count it, go on
                log.exception("%s: fetching failed", given)
                yield Failure(given, f"unexpected error: {type(exc).__name__}: {one_line(exc)}")


__all__ = [
    "LINKED_ERROR_KEY",
    "USER_AGENT",
    "FetchPolicy",
    "Fetched",
    "Fetcher",
    "fetching",
    "is_url",
    "iter_documents",
    "read_url",
    "refusal",
    "resolve",
]
