"""Property tests: generated notices and request paths never cause a 500 or unescaped markup."""

from urllib.parse import quote, urlparse

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpass_status import runtime
from mpass_status.notices.markdown import render_inline, render_inline_markdown

from ..helpers import active_markup, build_site, notices_folder

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MARKER = "<x-evil onclick=alert(1)>"

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from([MARKER, "<script>alert(1)</script>", "[a](javascript:alert(1))", "**bold** `code`", ""]),
)
times = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["2024-02-01 08:00", "2024-03-31 03:30", "2024-02-30", "later", "", "2024-02-01T08:00+02:00"]),
)
languages = st.dictionaries(st.sampled_from(["fi", "sv", "en"]), texts, max_size=3)
updates = st.lists(
    st.fixed_dictionaries(
        {"time": times, "stage": st.sampled_from(["investigating", "resolved", "scheduled", "nope"])},
        optional={"fi": texts, "sv": texts},
    ),
    max_size=3,
)
front_matter = st.fixed_dictionaries(
    {"type": st.sampled_from(["incident", "maintenance", "change", "announcement", "outage"])},
    optional={
        "severity": st.sampled_from(["down", "disrupted", "notice", "huge"]),
        "affected": st.lists(st.sampled_from(["wilma", "production", "moodle", "prod-oidc"]), max_size=3),
        "start": times,
        "end": times,
        "cancelled": st.booleans(),
        "title": languages,
        "summary": languages,
        "updates": updates,
        "colour": texts,
    },
)
bodies = st.lists(st.tuples(st.sampled_from(["fi", "sv", "en", None]), texts), max_size=3)


def notice_text(fields, body) -> str:
    parts = ["---", yaml.safe_dump(fields, allow_unicode=True).strip(), "---"]
    for lang, text in body:
        if lang:
            parts.append(f"<!-- {lang} -->")
        parts.append(text)
    return "\n".join(parts) + "\n"


@pytest.mark.slow  # sixty generated sites, each built and read whole
@SETTINGS
@given(fields=front_matter, body=bodies)
def test_generated_notices_never_break_the_site(tmp_path_factory, fields, body):
    app = build_site(tmp_path_factory.mktemp("site"), None)
    (notices_folder(app) / "2024-02-01-generoitu.md").write_text(notice_text(fields, body), encoding="utf-8")
    check = app.test_cli_runner().invoke(args=["notices", "check"])
    loaded = bool(runtime.notices(app).notices)
    # The validator and the loader agree on what is valid.
    assert check.exit_code == (0 if loaded else 1), check.output
    client = app.test_client()
    for lang in ("fi", "sv"):
        pages = [f"/{lang}/", f"/{lang}/archive/"] + ([f"/{lang}/notices/2024-02-01-generoitu/"] if loaded else [])
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            html = response.get_data(as_text=True)
            assert active_markup(html) == [] and "<x-evil" not in html, page


segments = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@SETTINGS
@given(parts=st.lists(segments, min_size=1, max_size=5), query=st.text(max_size=50))
def test_generated_request_paths_never_cause_a_server_error(app, parts, query):
    client = app.test_client()
    path = "/" + "/".join(parts)
    for raw in (path, path + "/", "/fi" + path + "/", "/sv/archive" + path + "/"):
        # Passed as the raw request target (WSGI strings are latin-1 decoded bytes).
        environ = {"PATH_INFO": raw.encode().decode("latin-1"), "QUERY_STRING": quote(query)}
        response = client.get("/", environ_overrides=environ)
        response.close()
        assert response.status_code < 500, raw
        location = urlparse(response.headers.get("Location", ""))
        assert location.netloc in ("", "localhost") and not location.path.startswith("//"), raw


@settings(max_examples=500, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=80),
        st.text(alphabet="aäö Å1.,:;?'\"()/%+=@#€–—-_*", max_size=40),
        st.sampled_from(["Häiriö on ohi klo 9.12.", "Selvitämme vikaa (Visma).", "1. kohta", "a  b", "x "]),
    )
)
def test_plain_text_shortcut_matches_the_full_markdown_pipeline(text):
    assert render_inline(text) == render_inline_markdown(text)
