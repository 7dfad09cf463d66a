"""The web UI in a real browser (headless Chromium from the system's `chromium` package, driven
by Playwright) against a real server over a real store: the story page, its fact matrix, fact
clicks, brief citations, search, the quick comparison, hostile text, and the screenshots."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests import test_web_fixtures as fx
from tests.conftest import ROOT, SEED_A, SEED_B
from tests.test_web_fixtures import PAYLOAD_IMG, PAYLOAD_SCRIPT, LiveServer

# shared fixtures (built once per session)
live_server = fx.live_server
seed_db = fx.seed_db

CHROMIUM = next(
    (p for p in ("chromium", "chromium-browser") if shutil.which(p)),
    None,
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no system Chromium (Debian package `chromium`; `make browser` installs it)",
    ),
]
SCREENSHOTS = ROOT / "docs" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM is not None
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which(CHROMIUM))
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def api(live: LiveServer, path: str) -> Any:
    return httpx.get(live.url + path, timeout=60).json()


def seed_story(live: LiveServer) -> dict[str, Any]:
    return next(s for s in api(live, "/api/stories") if len(s["articles"]) == 2)


def inside(el: Any, box: Any) -> bool:
    """Whether the element's box is (at least partly) within the visible part of ``box``."""
    a, b = el.bounding_box(), box.bounding_box()
    return bool(a and b and a["y"] + a["height"] > b["y"] and a["y"] < b["y"] + b["height"])


def test_story_page_matrix_facts_and_citations(page: Any, live_server: LiveServer) -> None:
    story = seed_story(live_server)
    comparison = api(live_server, f"/api/stories/{story['id']}")
    shared = [f for f in comparison["facts"] if f["status"] == "shared"]
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=story["title"]).click()
    page.wait_for_url(f"**/stories/{story['id']}")

    # the matrix: a row per fact, the shared ones carried by both articles
    rows = page.locator("#matrix tbody tr.row-shared")
    assert rows.count() == len(shared)
    texts = rows.locator("a.fact").all_inner_texts()
    assert any("first time Biden and Xi" in t for t in texts)
    assert all(rows.nth(i).locator("a.yes").count() == 2 for i in range(rows.count()))
    single = page.locator("#matrix tbody tr.row-single")
    assert single.count() == len(comparison["facts"]) - len(shared)

    # clicking a fact highlights it in both columns and scrolls each column to it
    fact = next(f for f in shared if f["support"][1]["start"] > 1500)
    page.locator(f'#matrix a.fact[data-fact="{fact["id"]}"]').click()
    for n, cite in enumerate(fact["support"], start=1):
        column = page.locator(f"#a{n} .col-body")
        marks = column.locator(".m.hl")
        assert marks.count() >= 1
        assert cite["text"][:30] in "".join(marks.all_inner_texts()).replace("\n", " ")
        assert inside(marks.first, column)
    assert page.locator("#matrix tr.selected").count() == 1
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]

    # following a brief citation goes to its sentence and marks it
    link = page.locator("#brief a.cite").nth(3)
    href = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == href
    target = page.locator(href)
    assert "cited-now" in (target.get_attribute("class") or "")
    assert inside(target, target.locator("xpath=ancestor::div[contains(@class,'col-body')]"))
    brief = next(b for b in comparison["brief"] if b["citations"])
    assert brief["text"][:40] in page.locator("#brief").inner_text()

    # the timeline is an SVG from the server
    assert page.locator("#timeline svg.timeline-chart g.event").count() == len(
        comparison["timeline"]
    )


def test_story_page_reads_without_javascript(browser: Any, live_server: LiveServer) -> None:
    story = seed_story(live_server)
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(f"{live_server.url}/stories/{story['id']}")
    assert pg.locator("#timeline svg g.event").count() > 0
    assert "2022-07" in pg.locator("#timeline").inner_text()
    href = pg.locator("#brief a.cite").first.get_attribute("href")
    pg.locator("#brief a.cite").first.click()
    assert pg.evaluate("location.hash") == href  # plain anchors: the sentence is :target
    assert pg.locator(f"{href}:target").count() == 1
    context.close()


def test_search_and_filters(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    page.fill("header input[name=q]", "export restrictions")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=export+restrictions")
    hits = page.locator("li.hit")
    assert hits.count() >= 1
    assert page.locator("li.hit mark").count() >= 1
    hits.first.locator("a.hit-title").click()
    page.wait_for_url("**/articles/*")
    assert page.locator("aside.side").inner_text().count("Removed by cleaning") == 1

    page.goto(live_server.url + "/?entity=xi+jinping")
    assert page.locator("table.stories tbody tr").count() == 1
    page.goto(live_server.url + "/?entity=nobody+at+all")
    assert page.locator("table.stories").count() == 0
    page.goto(live_server.url + "/?since=2024-04-01&until=2024-04-30")
    assert page.locator("table.stories tbody tr").count() == 1
    page.goto(live_server.url + "/?until=2020-01-01")
    assert page.locator("table.stories").count() == 0


def test_article_page_side_panel(page: Any, live_server: LiveServer) -> None:
    article = next(a for a in api(live_server, "/api/articles") if a["outlet"] == "CNN")
    page.goto(f"{live_server.url}/articles/{article['id']}")
    side = page.locator("aside.side")
    for removed in article["removed"]:
        assert removed["reason"] in side.inner_text()
    assert page.locator(".qflags li").count() == len(article["flags"])
    assert page.locator(".body-text .m.flag").count() >= 1


def test_quick_comparison_stores_nothing(page: Any, live_server: LiveServer) -> None:
    before = len(api(live_server, "/api/articles"))
    page.goto(live_server.url + "/compare")
    texts = page.locator("textarea[name=texts]")
    texts.nth(0).fill(SEED_A.read_text(encoding="utf-8"))
    texts.nth(1).fill(SEED_B.read_text(encoding="utf-8"))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#matrix", timeout=120_000)
    assert page.locator("#matrix tr.row-shared").count() >= 10
    assert "Not stored." in page.locator(".upload-result").inner_text()
    assert len(api(live_server, "/api/articles")) == before


def assert_inert(page: Any) -> None:
    """No dialog, no script but ours, no injected element or link."""
    assert page.dialogs == []  # type: ignore[attr-defined]
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
    assert scripts == ["/static/app.js"]
    assert page.locator("img").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0


def test_hostile_text_renders_inert(page: Any, live_server: LiveServer) -> None:
    story = next(s for s in api(live_server, "/api/stories") if "Harbour" in (s["title"] or ""))
    article = story["articles"][0]
    for path in (
        "/",
        f"/stories/{story['id']}",
        f"/articles/{article}",
        "/search?q=harbour",
        "/?entity=%3Cscript%3E",
        "/stories/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ):
        page.goto(live_server.url + path)
        assert_inert(page)
    page.goto(f"{live_server.url}/articles/{article}")
    body = page.locator("h1").inner_text() + page.locator(".body-text").inner_text()
    assert PAYLOAD_SCRIPT in body and PAYLOAD_IMG in body  # shown as text
    assert "javascript:alert(1)" in page.locator(".meta").inner_text()

    page.goto(live_server.url + "/compare")
    hostile = f"title: {PAYLOAD_SCRIPT}\n\n{PAYLOAD_IMG} " + "A quiet day in the harbour. " * 5
    page.locator("textarea[name=texts]").first.fill(hostile)
    page.click("form.upload button[type=submit]")
    page.wait_for_selector(".story-head", timeout=120_000)
    assert_inert(page)
    assert PAYLOAD_IMG in page.locator(".col-body").first.inner_text()


def test_screenshots(browser: Any, live_server: LiveServer) -> None:
    story = seed_story(live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        pg = context.new_page()
        pg.goto(f"{live_server.url}/stories/{story['id']}")
        # nothing wider than the screen: the layout fits both sizes
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        fact = pg.locator("#matrix a.fact").nth(2)
        fact.click()
        if width > 1000:  # side by side: the matrix and both articles in one view
            pg.evaluate("window.scrollTo(0, 0)")
            assert inside(pg.locator("#a2 .m.hl").first, pg.locator("#a2 .col-body"))
        else:
            pg.evaluate("window.scrollTo(0, 0)")
        path = SCREENSHOTS / f"story-{width}.png"
        pg.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
        context.close()


def test_pages_fit_a_phone_screen(browser: Any, live_server: LiveServer) -> None:
    story = seed_story(live_server)
    article = story["articles"][1]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    for path in ("/", f"/articles/{article}", "/compare", "/search?q=export", "/nothing"):
        pg.goto(live_server.url + path)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_static_traversal_in_the_browser(page: Any, live_server: LiveServer) -> None:
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2f..%2fetc%2fpasswd"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 404
        assert "def " not in page.content() and "root:" not in page.content()


def test_no_request_leaves_the_app(page: Any, live_server: LiveServer) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    story = seed_story(live_server)
    for path in ("/", f"/stories/{story['id']}", "/compare", "/search?q=call"):
        page.goto(live_server.url + path)
    assert requests and all(u.startswith(live_server.url) for u in requests)
    assert any(u.endswith("/static/style.css") for u in requests)
