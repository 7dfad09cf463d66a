"""The web app without a browser: the JSON API mirrors the CLI's JSON, errors are pages (never
tracebacks), the security headers, the token, the Host/Origin checks and the upload limit."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsprism.cli import main
from newsprism.compare import compare_files, comparison_to_dict
from newsprism.errors import ConfigError, StoreError
from newsprism.web import create_app
from tests import test_web_fixtures as fx
from tests.conftest import ROOT, SEED_A, SEED_B, make_article
from tests.test_web_fixtures import LiveServer

# shared fixtures (built once per session)
copy_db = fx.copy_db
live_server = fx.live_server
seed_db = fx.seed_db

TOKEN = "test-token-0123456789"
CLI = "from newsprism.cli import main; main()"


@pytest.fixture(scope="module")
def client(seed_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(seed_db), raise_server_exceptions=False) as c:
        yield c


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def seed_story_id(client: TestClient) -> str:
    stories = client.get("/api/stories").json()
    return next(s["id"] for s in stories if len(s["articles"]) == 2)


# --------------------------------------------------------------------------- the API mirrors the CLI


def test_stories_mirror_the_cli(client: TestClient, seed_db: Path) -> None:
    api = client.get("/api/stories").json()
    cli = cli_json("stories", "--db", str(seed_db), "--format", "json")
    assert [{k: v for k, v in s.items() if k != "summary"} for s in api] == cli
    assert len(api) == 2


def test_articles_search_and_article_mirror_the_cli(client: TestClient, seed_db: Path) -> None:
    db = str(seed_db)
    assert client.get("/api/articles").json() == cli_json(
        "articles", "--db", db, "--format", "json"
    )
    hits = client.get("/api/search", params={"q": "export controls"}).json()
    assert hits == cli_json("search", "export controls", "--db", db, "--format", "json")
    assert hits and all("[" in h["snippet"] for h in hits)
    article_id = hits[0]["article_id"]
    one = client.get(f"/api/articles/{article_id[:6]}").json()
    assert one == cli_json("show-article", article_id, "--db", db, "--format", "json")
    assert one["analysis"]["sentences"]


def test_articles_are_paged(client: TestClient) -> None:
    every = client.get("/api/articles").json()
    assert [a["id"] for a in client.get("/api/articles?limit=1&offset=1").json()] == [
        every[1]["id"]
    ]
    assert client.get("/api/articles?limit=0").status_code == 422


def test_stories_are_paged_in_the_api_and_the_list(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsprism.web.pages as pages

    every = [s["id"] for s in client.get("/api/stories").json()]
    assert len(every) == 2
    assert [s["id"] for s in client.get("/api/stories?limit=1&offset=1").json()] == every[1:]
    assert client.get("/api/stories?limit=0").status_code == 422
    monkeypatch.setattr(pages, "STORIES_PER_PAGE", 1)
    shown = []
    for number in (1, 2):
        html = client.get(f"/?since=2000-01-01&page={number}").text
        ids = re.findall(r'class="story-link" href="/stories/([^"]+)"', html)
        assert len(ids) == 1
        shown += ids
        assert f"Stories {number}–{number} of 2" in html
        older = re.search(r'rel="next" href="([^"]+)"', html)
        newer = re.search(r'rel="prev" href="([^"]+)"', html)
        if number == 1:  # the filters are kept in the links
            assert older and older.group(1) == "/?since=2000-01-01&amp;page=2"
            assert newer is None
        else:
            assert newer and newer.group(1) == "/?since=2000-01-01&amp;page=1"
            assert older is None
    assert shown == every
    beyond = client.get("/?page=3").text
    assert "No story on this page" in beyond and 'href="/?page=1"' in beyond
    assert client.get("/?page=0").status_code in (400, 422)


@pytest.mark.slow
def test_story_comparison_mirrors_show_and_is_cached(client: TestClient, seed_db: Path) -> None:
    story = seed_story_id(client)
    api = client.get(f"/api/stories/{story}").json()
    cli = cli_json("show", story, "--db", str(seed_db), "--format", "json")
    assert api == cli
    shared = [f for f in api["facts"] if f["status"] == "shared"]
    assert len(shared) >= 10
    summary = next(s for s in client.get("/api/stories").json() if s["id"] == story)["summary"]
    assert summary["facts"] == len(api["facts"])
    assert summary["shared"] == len(shared)
    assert summary["single_share"] == pytest.approx(1 - len(shared) / len(api["facts"]))
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    assert service.compare_story(story) is service.compare_story(story[:8])  # the cache


@pytest.mark.slow
def test_compare_upload_mirrors_compare_and_stores_nothing(client: TestClient) -> None:
    before = len(client.get("/api/articles").json())
    with SEED_A.open("rb") as a, SEED_B.open("rb") as b:
        response = client.post("/api/compare", files=[("files", a), ("files", b)])
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["stored"] is None
    expected = comparison_to_dict(compare_files([str(SEED_A), str(SEED_B)])[0])
    for info in expected["articles"]:
        info["path"] = Path(info["path"]).name
    folder = str(SEED_A.parent) + os.sep
    expected["notes"] = [n.replace(folder, "") for n in expected["notes"]]
    assert data["comparison"] == expected
    assert len(client.get("/api/articles").json()) == before


@pytest.mark.slow
def test_compare_upload_stores_when_asked(copy_db: Path) -> None:
    text = (
        "title: Ferry service resumes\n\nThe island ferry service resumed on Monday after a "
        "week of storms, the operator said, with four crossings a day until the end of the month."
    )
    with TestClient(create_app(copy_db)) as c:
        before = len(c.get("/api/articles").json())
        response = c.post("/api/compare", data={"texts": [text], "store": "true"})
        assert response.status_code == 200, response.text
        assert response.json()["stored"]["new"] == 1
        articles = c.get("/api/articles").json()
        assert len(articles) == before + 1
        stored = next(a for a in articles if a["title"] == "Ferry service resumes")
        assert stored["provenance"]["path"].startswith("upload:")
        assert "newsprism-upload-" not in json.dumps(stored)
        page = c.post("/compare", data={"texts": [text], "store": "true"})
        assert "1 already stored" in page.text


def test_compare_without_input_is_a_400(client: TestClient) -> None:
    response = client.post("/api/compare", data={"texts": ["  "]})
    assert response.status_code == 400
    assert response.json() == {"detail": "Nothing to compare: upload files or paste text."}
    page = client.post("/compare", data={"texts": ["too short"]})
    assert page.status_code == 400
    assert "no readable article" in page.text


# --------------------------------------------------------------------------- errors


def test_unknown_ids_are_404_pages_and_json(client: TestClient) -> None:
    assert client.get("/api/stories/s-nothere").json() == {"detail": "s-nothere: no such story"}
    assert client.get("/api/stories/s-nothere").status_code == 404
    assert client.get("/api/articles/ffffffffff").status_code == 404
    assert client.get("/api/stories/s-").status_code == 409  # both stories start with it
    page = client.get("/stories/s-nothere")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "no such story" in page.text
    assert client.get("/no/such/page").status_code == 404


def test_errors_never_show_a_traceback(copy_db: Path) -> None:
    app = create_app(copy_db)
    copy_db.unlink()  # the store disappears under the running app
    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/", "/api/stories", "/search?q=x"):
            response = c.get(path)
            assert response.status_code == 503
            assert "no such store" in response.text
            assert "Traceback" not in response.text and 'File "' not in response.text
        bad = c.get("/?since=yesterday")
        assert bad.status_code == 400 and "since: not a date" in bad.text


def test_missing_store_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        create_app(tmp_path / "none.db")


def test_security_headers_everywhere(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/static/style.css", "/nothing", "/api/nothing"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_no_page_links_outside_the_app(client: TestClient) -> None:
    story = seed_story_id(client)
    for path in ("/", f"/stories/{story}", "/compare", "/search?q=call"):
        html = client.get(path).text
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in html


# --------------------------------------------------------------------------- static files


def raw_get(live: LiveServer, path: str) -> tuple[int, bytes]:
    """A GET sent byte for byte as written (no client-side path normalisation)."""
    host, port = live.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


TRAVERSALS = [
    "/static/../app.py",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e%2fapp.py",
    "/static/%2E%2E%2F%2E%2E%2Fconfig.py",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e%252fapp.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..\\app.py",
    "/static/..%5capp.py",
    "/static/templates/base.html",
    "/static/../templates/base.html",
    "/static/style.css/../../app.py",
    "/static/.",
    "/static/",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_static_serves_nothing_outside_its_folder(live_server: LiveServer, path: str) -> None:
    status, body = raw_get(live_server, path)
    assert status in (400, 404), (path, status)
    assert b"root:" not in body
    assert b"def create_app" not in body and b"class Settings" not in body
    assert b"{% " not in body


def test_static_serves_its_own_files(live_server: LiveServer) -> None:
    for name in ("style.css", "app.js", "icon.svg"):
        status, body = raw_get(live_server, f"/static/{name}")
        assert status == 200 and body


# --------------------------------------------------------------------------- token, host, origin


def test_token_is_needed_for_every_request(seed_db: Path) -> None:
    with TestClient(create_app(seed_db, token=TOKEN), follow_redirects=False) as c:
        for path in ("/", "/api/stories", "/static/style.css", "/openapi.json"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/stories").json()["detail"].startswith("This server needs")
        assert c.get("/api/stories", params={"token": "wrong-token-000"}).status_code == 401
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert c.get("/api/stories", headers=bearer).status_code == 200
        assert c.get("/", headers={"Authorization": "Bearer nope-nope-nope"}).status_code == 401
        first = c.get("/search", params={"q": "call", "token": TOKEN})
        assert first.status_code == 303
        assert first.headers["location"] == "/search?q=call"
        assert "HttpOnly" in first.headers["set-cookie"]
        assert "SameSite=Strict" in first.headers["set-cookie"]
        assert c.get("/search?q=call").status_code == 200  # the cookie from now on
        assert c.get("/static/app.js").status_code == 200


def test_token_must_be_safe_to_carry(seed_db: Path) -> None:
    for bad in ("short", "has space in it", "semi;colon;token", "a+b+c+d+e+f"):
        with pytest.raises(ConfigError):
            create_app(seed_db, token=bad)


def test_host_and_origin_checks(seed_db: Path) -> None:
    app = create_app(seed_db, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/stories").status_code == 200
        assert c.get("/api/stories", headers={"Host": "evil.example"}).status_code == 400
        cross = c.post(
            "/api/compare", data={"texts": ["x"]}, headers={"Origin": "http://evil.example"}
        )
        assert cross.status_code == 403


def test_upload_size_limit(seed_db: Path) -> None:
    with TestClient(create_app(seed_db, max_upload_bytes=2000)) as c:
        big = c.post("/api/compare", data={"texts": ["word " * 1000]})
        assert big.status_code == 413
        assert "limit" in big.json()["detail"]
        page = c.post("/compare", data={"texts": ["word " * 1000]})
        assert page.status_code == 413 and "<html" in page.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"x" * 500

        streamed = c.post(
            "/api/compare",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=zzz"},
        )
        assert streamed.status_code == 413


# --------------------------------------------------------------------------- the serve command


def test_serve_refuses_other_hosts_without_a_token(seed_db: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(seed_db), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "needs --token" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_on_a_port_in_use_is_one_line_before_starting(seed_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-c", CLI, "serve", "--db", str(seed_db), "--port", str(port),
             "--no-precompute"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: 127.0.0.1:{port} is already in use\n"
    assert done.stdout == ""


def test_serve_usage_errors_are_one_error_line(seed_db: Path) -> None:
    for args in (["--token"], ["--port", "70000"], ["--host", "0.0.0.0", "--token", "short"]):
        result = CliRunner().invoke(main, ["serve", "--db", str(seed_db), *args])
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: "), result.stderr
        assert result.stderr.strip().count("\n") == 0, result.stderr


@pytest.mark.slow
def test_serve_with_a_token_over_the_network_interface(seed_db: Path) -> None:
    port = free_port()
    args = ["serve", "--db", str(seed_db), "--host", "0.0.0.0", "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, *args, "--no-precompute", "--token", TOKEN],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                status = httpx.get(url + "/api/stories").status_code
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise AssertionError("server did not start: " + proc.stderr.read1().decode())  # type: ignore[union-attr]
        assert status == 401
        ok = httpx.get(url + "/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and len(ok.json()) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_precomputed_stories_show_their_shares(seed_db: Path) -> None:
    app = create_app(seed_db)
    with TestClient(app) as c:
        assert all(s["summary"] is None for s in c.get("/api/stories").json())
        app.state.ctx.service.warm()  # what `serve` runs in the background
        story = next(s for s in c.get("/api/stories").json() if len(s["articles"]) == 2)
        summary = story["summary"]
        assert summary["facts"] == summary["shared"] + summary["single"] > 0
        single = f"{100 * summary['single_share']:.0f}%"
        assert single in c.get("/").text


def test_flags_outside_the_body_are_listed_without_a_dead_link(copy_db: Path) -> None:
    from newsprism.pipeline import ingest
    from newsprism.store import open_store

    source = copy_db.parent / "ambiguous.txt"
    source.write_text(
        "title: Harbour dredging starts\ndate: 10/03/2025\n\n"
        "Dredging of the old harbour began this week, the port authority said, and is expected "
        "to take four months while ships use the northern quay.\n",
        encoding="utf-8",
    )
    with open_store(copy_db) as store:
        report = ingest([str(source)], store)
    assert report.new == 1
    with TestClient(create_app(copy_db)) as c:
        article_id = report.new_ids[0]
        page = c.get(f"/articles/{article_id}")
        assert page.status_code == 200
        assert "date_ambiguous" in page.text
        # the flag points into the source text, not the body shown: no anchor to jump to
        flags = [f for f in c.get(f"/api/articles/{article_id}").json()["flags"]]
        ambiguous = next(i for i, f in enumerate(flags) if f["kind"] == "date_ambiguous")
        assert f'href="#flag-{ambiguous}"' not in page.text


def test_an_upload_leaves_out_a_text_that_is_not_english(client: TestClient) -> None:
    german = (
        "title: Wasserrohrbruch in Lindenau\n\n"
        "In der Nacht zum Montag ist in der Hauptstrasse von Lindenau ein Wasserrohr geplatzt. "
        "Die Feuerwehr pumpte stundenlang Wasser aus den Kellern der Anwohner, und die Strasse "
        "bleibt nach Angaben der Stadtwerke bis Mittwoch gesperrt."
    )
    response = client.post(
        "/api/compare",
        files=[
            ("files", (SEED_A.name, SEED_A.read_bytes())),
            ("files", ("de.txt", german.encode())),
        ],
    )
    assert response.status_code == 200, response.text
    data = response.json()["comparison"]
    assert len(data["articles"]) == 1
    assert any("de.txt: not compared: the text is not English" in n for n in data["notes"])


def test_every_unusable_upload_is_reported_like_the_cli(client: TestClient, tmp_path: Path) -> None:
    """An empty upload is reported as the binary one is (one line each, as ``compare`` prints
    them); a file field left unchosen (no name, no content) is no input."""
    article = (
        b"title: Tram depot fire in Velmora\ndate: 2025-09-15\nsource: Velmora Post\n\n"
        b"A fire broke out at the tram depot in Velmora on Sunday evening, the city transport "
        b"office said. Nobody was hurt, but twelve trams were damaged and services on three "
        b"lines were cancelled on Monday.\n"
    )
    uploads = {"depot.txt": article, "blank.txt": b"", "noise.html": bytes(range(256)) * 8}
    page = client.post("/compare", files=[("files", (n, data)) for n, data in uploads.items()])
    assert page.status_code == 200, page.text
    reported = re.findall(r"<li>((?:blank\.txt|noise\.html): [^<]*)</li>", page.text)
    for name, data in uploads.items():
        (tmp_path / name).write_bytes(data)
    _, failures = compare_files([str(tmp_path / n) for n in uploads])
    cli = [f"{Path(f.where).name}: {f.reason}" for f in failures]
    assert reported == cli == ["blank.txt: empty file", "noise.html: binary data, not text"]
    api = client.post("/api/compare", files=[("files", (n, d)) for n, d in uploads.items()])
    assert [f["where"] for f in api.json()["comparison"]["failures"]] == ["blank.txt", "noise.html"]
    only_empty = client.post("/compare", files=[("files", ("blank.txt", b""))])
    assert only_empty.status_code == 400
    assert "blank.txt: empty file" in only_empty.text


def test_date_filters_refuse_impossible_days(client: TestClient) -> None:
    """Impossible days are refused everywhere (they used to pass the API's pattern and filter
    nothing, or everything); the pages' ``since`` takes a month or a year, as ``--since``
    does."""
    for query in ("since=2025-02-30", "until=2025-13-01", "since=2025-99-99", "until=2024-04"):
        response = client.get(f"/api/stories?{query}")
        assert response.status_code == 422, query
        assert "Traceback" not in response.text
        page = client.get(f"/?{query}")
        assert page.status_code == 400 and "not a date" in page.text, query
    day = client.get("/api/stories?since=2024-04-01").json()
    assert day
    assert client.get("/api/stories?since=2025-01-01").json() == []
    for since in ("2024", "2024-04"):  # a month or a year stands for its first day
        page = client.get(f"/?since={since}")
        assert page.status_code == 200
        assert all(story["id"] in page.text for story in day)


def test_head_is_answered_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/static/style.css"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert "content-security-policy" in head.headers
    assert client.head("/no/such/page").status_code == 404


def test_an_overlong_value_is_not_echoed_back(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "x" * 30_000})
    assert response.status_code == 422
    assert len(response.content) < 2_000


def test_column_labels_are_the_clis() -> None:
    """Repeated outlets are numbered as the CLI numbers them ("X (2)", "X (3)"), whatever
    their columns."""
    from newsprism.compare.model import ArticleInfo
    from newsprism.compare.story import article_labels
    from newsprism.web.views import labels

    outlets = ["Gazette", "Courier", "Gazette", None, "Gazette"]
    articles = [
        make_article(f"Report {n}.", outlet=outlet) for n, outlet in enumerate(outlets, start=1)
    ]
    infos = [ArticleInfo(a.id, a.outlet, None, None, None, None, a.id, "x.txt") for a in articles]
    assert labels(infos) == list(article_labels(articles).values())
    assert labels(infos) == ["Gazette", "Courier", "Gazette (2)", "Article 4", "Gazette (3)"]


@pytest.mark.slow
def test_the_matrix_marks_a_claim_that_gives_another_figure(client: TestClient) -> None:
    """Four invented reports of a coach crash: Valley Star's "9 people were hurt" is aligned
    with Upland Courier's "Fourteen people were injured"; the API names it in ``disputed_by``
    and the page's matrix marks its cell, not the agreeing ones."""
    folder = ROOT / "tests" / "fixtures" / "coach"
    names = ["lakeside", "upland", "ridge", "valley"]
    files = [("files", (f"{n}.txt", (folder / f"{n}.txt").read_bytes())) for n in names]
    data = client.post("/api/compare", files=files).json()["comparison"]
    fourteen = next(f for f in data["facts"] if f["text"].startswith("Fourteen people"))
    outlet = {a["id"]: a["outlet"] for a in data["articles"]}
    assert [outlet[a] for a in fourteen["disputed_by"]] == ["Valley Star"]
    page = client.post("/compare", files=files)
    assert page.status_code == 200
    marks = re.findall(r'aria-label="carried with another figure or date"', page.text)
    assert len(marks) == 1
