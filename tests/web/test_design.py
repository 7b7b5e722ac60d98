"""The look's promises that need no browser: page weight, states in words, the accessibility statement."""

import re
import struct
import zlib

import pytest
from flask import render_template_string

from ..helpers import LANGUAGES, ROOT

STATE_WORDS = {
    "fi": ["Toimii", "Toiminta heikentynyt", "Osittainen häiriö", "Ei toimi", "Huoltokatko", "Ei tietoa"],
    "sv": ["Fungerar", "Försämrad funktion", "Delvis störning", "Fungerar inte", "Underhållsavbrott", "Okänt"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_front_page_weighs_under_50_kb(client, lang):
    html = client.get(f"/{lang}/").data
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())
    # Fingerprinted: site.<hash>.css, refresh.<hash>.js.
    assert any(re.fullmatch(r"/static/site\.[0-9a-f]{10}\.css", a) for a in assets), assets
    assert any(re.fullmatch(r"/static/refresh\.[0-9a-f]{10}\.js", a) for a in assets), assets
    total = len(html)
    for asset in set(assets):
        response = client.get(asset)
        total += len(response.data)
        response.close()
    assert total < 50 * 1024, f"{total} bytes"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legend_names_every_state_with_icon_and_word(client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    legend = html[html.index('class="legend"') :]
    for state, word in zip(
        ("operational", "degraded", "disrupted", "down", "maintenance", "unknown"), STATE_WORDS[lang], strict=True
    ):
        assert f'<svg class="icon icon-{state}"' in legend
        assert f'<span class="state-label">{word}</span>' in legend


def test_front_page_tells_state_and_freshness_without_script(client):
    html = client.get("/fi/").get_data(as_text=True)
    assert (
        html.index('id="overall-heading"') < html.index('id="ongoing-heading"') < html.index('id="components-heading"')
    )
    assert re.search(r'Päivitetty <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d\+0[23]:00">', html)
    assert 'class="overall state-disrupted"' in html  # the fixtures' ongoing Wilma disruption
    assert 'aria-live="polite"' in html and "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("fi", ["Saavutettavuusseloste", "306/2019", "Liikenne- ja viestintävirasto Traficom", "Valvontaviranomainen"]),
        (
            "sv",
            [
                "Tillgänglighetsutlåtande",
                "306/2019",
                "Transport- och kommunikationsverket Traficom",
                "Tillsynsmyndighet",
            ],
        ),
    ],
)
def test_accessibility_statement(client, lang, texts):
    response = client.get(f"/{lang}/accessibility/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("<h1") == 1
    for text in [*texts, "mailto:mpass@oph.fi", "saavutettavuus@traficom.fi"]:
        assert text in html
    # The supervisory authority's site in the reader's language.
    authority = {"fi": "www.saavutettavuusvaatimukset.fi", "sv": "www.tillganglighetskrav.fi"}
    assert f'href="https://{authority[lang]}/">{authority[lang]}</a>' in html
    assert all(other not in html for key, other in authority.items() if key != lang)
    # The agency maintains the site; "palveluntarjoaja" means a service taking MPASSid logins here.
    assert {"fi": "<dt>Ylläpitäjä</dt>", "sv": "<dt>Tillhandahålls av</dt>"}[lang] in html
    assert "<dt>Palveluntarjoaja</dt>" not in html
    assert '<time datetime="2026-11-23">23.11.2026</time>' in html
    # Every page links to the statement from its footer.
    assert f'href="/{lang}/accessibility/"' in client.get(f"/{lang}/about/").get_data(as_text=True)


def test_chart_pattern_renders_figure_caption_summary_and_table(app):
    template = """{% from "_charts.html" import chart, bars with context %}
{% call chart("uptime-x", "OpenID Connect: 90 days", "Available 99.9 % of the time.", ["Day", "State"], rows) %}
{{ bars(days) }}{% endcall %}"""
    with app.test_request_context("/fi/"):
        html = render_template_string(
            template,
            rows=[["1.11.2026", "Toimii"], ["2.11.2026", "Ei toimi"]],
            days=[
                {"state": "operational", "label": "1.11.2026: Toimii"},
                {"state": "down", "label": "2.11.2026: Ei toimi"},
            ],
            lang="fi",
        )
    assert '<figure class="chart" id="uptime-x" aria-labelledby="uptime-x-caption">' in html
    assert '<div class="chart-graphic" aria-hidden="true">' in html and '<li class="bar state-down"' in html
    assert '<th scope="row">2.11.2026</th><td>Ei toimi</td>' in html and "Näytä tiedot taulukkona" in html


def test_nothing_green_in_the_logo_and_the_favicon(client):
    """The header logo and the favicon show on every page, also during an outage: no state's colour, no tick."""
    response = client.get("/favicon.ico")
    ico = response.data
    response.close()
    assert response.status_code == 200 and ico[:4] == b"\x00\x00\x01\x00"
    png = ico[22:]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    for colour in re.findall(r'fill="(#[0-9a-fA-F]{3,6})"', (ROOT / "static" / "favicon.svg").read_text()):
        full = colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])
        red, green, blue = (int(full[i : i + 2], 16) for i in (1, 3, 5))
        assert not (green > red + 40 and green > blue), f"{colour} reads as green"
    pixels = _png_pixels(png)
    greenish = [p for p in pixels if p[3] > 128 and p[1] > p[0] + 40 and p[1] > p[2]]
    assert greenish == [], f"{len(greenish)} green pixels in favicon.ico"


def _png_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    """Decodes an 8-bit RGBA, non-interlaced PNG (the favicon's) into its pixels."""
    width, height = struct.unpack(">II", data[16:24])
    assert data[24:26] == b"\x08\x06", "8-bit RGBA expected"
    chunks, at = b"", 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw, stride, rows, previous = zlib.decompress(chunks), width * 4, [], bytearray(width * 4)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - 4] if x >= 4 else 0
            up, corner = previous[x], previous[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 255
        rows.append(line)
        previous = line
    return [tuple(row[x : x + 4]) for row in rows for x in range(0, stride, 4)]
