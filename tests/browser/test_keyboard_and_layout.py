"""Keyboard-only use, narrow screens, and the optional refresh script, in a real browser."""

import shutil

import pytest

from ..helpers import FIXTURE_NOTICES, build_site, notices_folder, serve

# Links to the subscribe page and to the feed files themselves.
FEED_LINKS = 'a[href*="subscribe"], a[href*="feed"], a[href$=".xml"], a[href$=".ics"], a[href*="tilaa"]'
DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), href: e.getAttribute('href') || '', id: e.id,
          cls: e.className || '', text: (e.textContent || '').trim().slice(0, 60),
          visible: !!(e.offsetWidth || e.offsetHeight)};
}"""


def tab_through(page, limit=120) -> list[dict]:
    """Presses Tab until focus leaves the page or comes back round; returns each focused element."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(DESCRIBE_FOCUS)
        if focused["tag"] == "body" or (seen and focused == seen[0]):
            break
        seen.append(focused)
    return seen


@pytest.mark.parametrize("path", ["/fi/", "/sv/notices/2019-11-20-tunnistushairio/"])
def test_tab_order_reaches_skip_link_language_switch_and_notices(page, base_url, path):
    page.goto(base_url + path)
    order = tab_through(page)
    hrefs = [f["href"] for f in order]
    assert "skip-link" in order[0]["cls"] and order[0]["href"] == "#content", order[0]
    lang, other = path[1:3], "sv" if path.startswith("/fi/") else "fi"
    # The switch goes through /language/, which remembers the choice, to the same page in the other language.
    switch = hrefs.index(f"/language/{other}?next=" + path.replace(f"/{lang}/", f"/{other}/", 1))
    # The notices: links to notices on the front page, to the archive of notices from a notice page.
    notices = [i for i, href in enumerate(hrefs) if href.startswith((f"/{lang}/notices/", f"/{lang}/archive/"))]
    assert notices, f"no notice link in the tab order: {hrefs}"
    assert 0 < switch < max(notices), f"the language switch comes before the notices: {hrefs}"
    if path.endswith(f"/{lang}/"):
        assert any(href.startswith(f"/{lang}/notices/") for href in hrefs[switch:])
    assert all(f["visible"] for f in order), [f for f in order if not f["visible"]]
    assert any("/accessibility/" in href for href in hrefs)


def test_skip_link_is_shown_on_focus_and_moves_focus_to_content(page, base_url):
    page.goto(base_url + "/fi/")
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the skip link is visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    focused = page.evaluate(DESCRIBE_FOCUS)
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)"), focused


def test_focus_is_visible(page, base_url):
    page.goto(base_url + "/fi/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline == "solid" and width >= 2


@pytest.mark.parametrize("path", ["/fi/", "/sv/notices/2019-11-20-tunnistushairio/"])
def test_tab_order_reaches_feeds(page, base_url, path):
    page.goto(base_url + path)
    assert page.locator(FEED_LINKS).count() > 0, "the page links to no feed"
    wanted = set(page.eval_on_selector_all(FEED_LINKS, "links => links.map(a => a.getAttribute('href'))"))
    reached = {f["href"] for f in tab_through(page)}
    assert wanted & reached, f"no feed link ({sorted(wanted)}) is reachable with Tab"


@pytest.mark.parametrize(
    "path",
    [
        "/fi/",
        "/sv/archive/",
        "/fi/notices/2026-11-02-huoltokatko-tuotanto/",
        "/sv/notices/2025-05-06-ruotsi-puuttuu/",
        "/fi/about/",
        "/sv/accessibility/",
    ],
)
def test_no_horizontal_scroll_at_320_px(browser, base_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(base_url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 320, f"{path} is {width} px wide at a 320 px viewport"


# Each <time> as the lines it takes, and every line box that begins with a dash (a range broken before it).
LINE_BREAKS = """() => {
  const split = [...document.querySelectorAll('main time')]
    .filter(t => new Set([...t.getClientRects()].map(r => Math.round(r.top))).size > 1)
    .map(t => t.textContent);
  const dashFirst = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let at = node.data.indexOf('–'); at >= 0; at = node.data.indexOf('–', at + 1)) {
      const dash = document.createRange();
      dash.setStart(node, at); dash.setEnd(node, at + 1);
      // What stands before the dash on the page: the text before it, else the element before its text.
      let before = null;
      const text = node.data.slice(0, at).trimEnd();
      if (text.length) {
        const range = document.createRange();
        range.setStart(node, text.length - 1); range.setEnd(node, text.length);
        before = range.getBoundingClientRect();
      } else if (node.previousSibling && node.previousSibling.getClientRects) {
        const rects = node.previousSibling.getClientRects();
        before = rects.length ? rects[rects.length - 1] : null;
      }
      if (before && dash.getBoundingClientRect().top > before.top + 2) dashFirst.push(node.data.trim().slice(0, 40));
    }
  }
  return {split, dashFirst};
}"""


@pytest.mark.parametrize("path", ["/fi/", "/sv/", "/fi/archive/", "/sv/archive/", "/fi/components/wilma/"])
def test_at_375_px_no_date_breaks_inside_and_no_range_breaks_before_its_dash(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(base_url + path)
    found = page.evaluate(LINE_BREAKS)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert found["split"] == [], f"dates broken across lines on {path}: {found['split']}"
    assert found["dashFirst"] == [], f"a line starts with a dash on {path}: {found['dashFirst']}"
    assert width <= 375, f"{path} is {width} px wide"


def test_page_is_readable_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/fi/")
    assert page.locator(".updated time").is_visible()
    assert page.locator("#overall-heading").inner_text().strip()
    context.close()


def test_refresh_replaces_the_status_and_announces_a_change(browser, tmp_path):
    app = build_site(tmp_path)
    notices = notices_folder(app)
    (notices / "2026-11-20-wilma-hairio-jatkuu.md").unlink()
    with serve(app) as url:
        context = browser.new_context()
        page = context.new_page()
        page.clock.install()
        page.goto(url + "/fi/")
        assert page.locator(".ongoing").count() == 0
        assert page.locator("#refresh-status").get_attribute("aria-live") == "polite"
        shutil.copy(FIXTURE_NOTICES / "2026-11-20-wilma-hairio-jatkuu.md", notices)
        page.clock.run_for(61_000)
        page.wait_for_selector(".ongoing", timeout=5000)
        page.wait_for_function("document.getElementById('refresh-status').textContent.length > 0", timeout=5000)
        announced = page.locator("#refresh-status").text_content()
        context.close()
    assert "Kirjautuminen Wilma-tunnuksilla epäonnistuu osalla käyttäjistä" in announced
