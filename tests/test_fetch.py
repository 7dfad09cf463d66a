"""Network fetching (``ingest --fetch``) against a real HTTP server on 127.0.0.1.

The server records every request (path, time of arrival, headers) so the tests can check what
reached it: the User-Agent, the Host of a pinned connection, the spacing of requests to one
host, and that refused URLs were never requested.
"""

from __future__ import annotations

import ipaddress
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from newsprism import __version__
from newsprism.cli import main
from newsprism.config import Settings
from newsprism.errors import FetchError
from newsprism.models import Failure, RawDoc
from newsprism.read.fetch import LINKED_ERROR_KEY, Fetcher, FetchPolicy, is_url, read_url
from newsprism.store import open_store
from tests.conftest import SEED_A, SEED_B

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
BIG = 5_000_000


@dataclass
class Seen:
    path: str
    at: float
    headers: dict[str, str]


@dataclass
class Server:
    base: str
    seen: list[Seen] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


def page(path: Path) -> bytes:
    paragraphs = "".join(
        f"<p>{line}</p>" for line in path.read_text(encoding="utf-8").splitlines() if line
    )
    return f"<html><head><title>{path.stem}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>Report {n}</title><link>{base}/article/{n}</link>"
        f"<pubDate>Tue, 02 Apr 2024 0{n}:00:00 GMT</pubDate>"
        f"<description>A short teaser of report {n} that says little.</description></item>"
        for n in (1, 2)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>'
        f"<link>{base}/</link><description>test</description>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server("")
    pages = {"/article/1": page(SEED_A), "/article/2": page(SEED_B)}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def send(self, body: bytes, ctype: str = "text/html", code: int = 200) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            state.seen.append(Seen(url.path, time.monotonic(), dict(self.headers.items())))
            if url.path == "/feed.rss":
                self.send(feed(state.base), "application/rss+xml")
            elif url.path == "/feed-one-gone.rss":  # entry 2 links to a page that is not there
                body = feed(state.base).replace(b"/article/2", b"/gone/2")
                self.send(body, "application/rss+xml")
            elif url.path in pages:
                self.send(pages[url.path])
            elif url.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", parse_qs(url.query)["to"][0])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif url.path in ("/big", "/big-declared"):
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                if url.path == "/big-declared":
                    self.send_header("Content-Length", str(BIG))
                self.end_headers()
                sent = 0
                try:
                    while sent < BIG:
                        self.wfile.write(b"x" * 65536)
                        sent += 65536
                except OSError:
                    pass  # the client hung up: stopped at its cap
                state.sent[url.path] = sent
                self.close_connection = True
            elif url.path == "/slow":
                time.sleep(2.0)
                self.send(b"<html><body><p>late</p></body></html>")
            else:
                self.send(b"not here", "text/plain", 404)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def loopback_policy(**changes: object) -> FetchPolicy:
    values: dict[str, object] = {"allow_networks": LOOPBACK, "min_interval": 0.0}
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]


@pytest.mark.slow
def test_ingest_a_feed_and_its_linked_articles(server: Server, tmp_path: Path) -> None:
    db = tmp_path / "fetched.db"
    code, out, err = run(
        "ingest", f"{server.base}/feed.rss", "--db", str(db), "--no-analyze",
        "--fetch", "--allow-private-addresses", "--fetch-linked-articles",
    )  # fmt: skip
    assert code == 0, err
    assert "new 2, duplicate 0, failed 0" in out
    assert sorted(server.paths()) == ["/article/1", "/article/2", "/feed.rss"]
    assert all(s.headers["User-Agent"].startswith(f"newsprism/{__version__}") for s in server.seen)
    with open_store(db, read_only=True) as store:
        articles = list(store.iter_articles())
    assert {a.provenance.path for a in articles} == {
        f"{server.base}/article/1",
        f"{server.base}/article/2",
    }
    assert {a.outlet for a in articles} == {"Loopback Wire"}  # from the feed
    assert all(len(a.body) > 1000 for a in articles)  # the pages, not the teasers


def test_unfetchable_linked_article_falls_back_to_the_entry_text(server: Server) -> None:
    feed_url = f"{server.base}/feed-one-gone.rss"
    with Fetcher(loopback_policy(linked_articles=True)) as fetcher:
        items = list(read_url(feed_url, Settings(), fetcher))
    assert not [i for i in items if isinstance(i, Failure)]
    page, entry = [i for i in items if isinstance(i, RawDoc)]
    assert (
        page.provenance.path == f"{server.base}/article/1" and LINKED_ERROR_KEY not in page.metadata
    )
    assert entry.provenance.path == feed_url and entry.provenance.locator == "entry 2"
    assert "short teaser of report 2" in (entry.html or entry.text or "")
    assert entry.metadata[LINKED_ERROR_KEY] == f"linked article {server.base}/gone/2: HTTP 404"
    assert server.paths() == ["/feed-one-gone.rss", "/article/1", "/gone/2"]


@pytest.mark.slow
def test_ingest_notes_the_fallback_on_one_line(server: Server, tmp_path: Path) -> None:
    db = tmp_path / "fallback.db"
    code, out, err = run(
        "ingest", f"{server.base}/feed-one-gone.rss", "--db", str(db), "--no-analyze",
        "--fetch", "--allow-private-addresses", "--fetch-linked-articles",
    )  # fmt: skip
    assert code == 0, err
    assert "new 2, duplicate 0, failed 0" in out
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "entry 2" in warnings[0] and "/gone/2: HTTP 404" in warnings[0]
    assert "kept the entry's own text" in warnings[0]
    with open_store(db, read_only=True) as store:
        bodies = {a.provenance.locator: a for a in store.iter_articles()}
    assert "short teaser of report 2" in bodies["entry 2"].body
    assert "HTTP 404" in bodies["entry 2"].metadata[LINKED_ERROR_KEY]


def test_feed_alone_stores_its_entries(server: Server, tmp_path: Path) -> None:
    db = tmp_path / "feed.db"
    code, _, err = run(
        "ingest", f"{server.base}/feed.rss", "--db", str(db), "--no-analyze", "--fetch",
        "--allow-private-addresses",
    )  # fmt: skip
    assert code == 0, err
    assert server.paths() == ["/feed.rss"]
    with open_store(db, read_only=True) as store:
        assert {a.provenance.url for a in store.iter_articles()} == {
            f"{server.base}/article/1",
            f"{server.base}/article/2",
        }


def test_loopback_refused_without_permission(server: Server, tmp_path: Path) -> None:
    code, _, err = run(
        "ingest", f"{server.base}/feed.rss", "--db", str(tmp_path / "x.db"), "--fetch"
    )
    assert code == 2
    assert "refused" in err and "loopback" in err and "--allow-private-addresses" in err
    assert "Traceback" not in err
    assert server.seen == []  # never requested


def test_a_url_without_fetch_is_a_one_line_error(tmp_path: Path) -> None:
    code, out, err = run("ingest", "https://news.invalid/feed", "--db", str(tmp_path / "x.db"))
    assert code == 2 and out == ""
    assert err.strip() == "error: https://news.invalid/feed: a URL; add --fetch to download it"
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/", "http://[::1]:8080/"])  # fmt: skip
def test_redirects_to_private_addresses_refused(server: Server, target: str) -> None:
    with (
        Fetcher(loopback_policy()) as fetcher,
        pytest.raises(FetchError, match=r"refused \(redirected to .*\): .* resolves to"),
    ):
        fetcher.fetch(f"{server.base}/redirect?to={target}")
    assert server.paths() == ["/redirect"]


def test_redirects_followed_up_to_the_limit(server: Server) -> None:
    target = f"{server.base}/article/1"
    for _ in range(3):
        target = f"{server.base}/redirect?to={target}"
    with Fetcher(loopback_policy()) as fetcher:
        fetched = fetcher.fetch(target)
    assert fetched.final_url == f"{server.base}/article/1" and len(fetched.redirects) == 3
    with (
        Fetcher(loopback_policy(max_redirects=2)) as fetcher,
        pytest.raises(FetchError, match="more than 2 redirects"),
    ):
        fetcher.fetch(target)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.rss",
                                 "gopher://127.0.0.1/", "http://user:secret@127.0.0.1/"])  # fmt: skip
def test_other_schemes_and_credentials_refused(url: str) -> None:
    with (
        Fetcher(loopback_policy()) as fetcher,
        pytest.raises(FetchError, match=r"refused|credentials"),
    ):
        fetcher.fetch(url)
    assert is_url(url)


def test_file_url_refused_through_the_cli(tmp_path: Path) -> None:
    code, _, err = run("ingest", "file:///etc/hostname", "--db", str(tmp_path / "x.db"), "--fetch")
    assert code == 2 and "file:// refused" in err


def test_oversized_body_stopped_at_the_cap(server: Server) -> None:
    with Fetcher(loopback_policy(max_bytes=100_000)) as fetcher:
        with pytest.raises(FetchError, match="too large: more than max_bytes"):
            fetcher.fetch(f"{server.base}/big")
        with pytest.raises(FetchError, match="too large: 5000000 bytes declared"):
            fetcher.fetch(f"{server.base}/big-declared")
    deadline = time.monotonic() + 10
    while len(server.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.sent["/big"] < BIG and server.sent["/big-declared"] < BIG


def test_slow_server_times_out(server: Server) -> None:
    with (
        Fetcher(loopback_policy(timeout=0.3)) as fetcher,
        pytest.raises(FetchError, match="timed out"),
    ):
        fetcher.fetch(f"{server.base}/slow")


def test_rate_limit_spaces_requests_to_one_host(server: Server) -> None:
    interval = 0.4
    with Fetcher(loopback_policy(min_interval=interval)) as fetcher:
        for path in ("/article/1", "/article/2", "/article/1"):
            fetcher.fetch(server.base + path)
    arrivals = [s.at for s in server.seen]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(gaps) == 2
    # The client waits `interval` between the starts of its requests; arrival times at the
    # server also carry connection set-up, which differs by well under 10 ms on loopback.
    assert all(gap >= interval - 0.01 for gap in gaps), gaps


def test_connects_to_the_vetted_address(server: Server) -> None:
    """A host name is resolved once, vetted, and the connection goes to that address (the
    name travels in the Host header); a name with any non-public address is refused."""
    port = server.base.rsplit(":", 1)[1]

    def resolver(host: str, _port: int) -> list[str]:
        return {"wire.test": ["127.0.0.1"], "mixed.test": ["93.184.216.34", "10.1.2.3"]}[host]

    with Fetcher(loopback_policy(), resolver=resolver) as fetcher:
        fetched = fetcher.fetch(f"http://wire.test:{port}/article/2")
        with pytest.raises(FetchError, match=r"mixed\.test resolves to 10\.1\.2\.3, a private"):
            fetcher.fetch(f"http://mixed.test:{port}/article/2")
    assert fetched.final_url == f"http://wire.test:{port}/article/2"
    assert [s.headers["Host"] for s in server.seen] == [f"wire.test:{port}"]
