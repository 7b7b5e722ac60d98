"""Renders notice markdown to HTML that cannot carry script, whatever the file holds."""

import re

import nh3
from markdown_it import MarkdownIt

# Raw HTML in a notice is shown as text, and nh3 then keeps only what markdown
# itself produces: two independent guards, so a mistake in either is not fatal.
# No images and no style attributes: the site makes no third-party requests and
# its Content-Security-Policy allows no inline style.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.options["maxNesting"] = 20

_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "ol": {"start"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
# Plain sentences: letters, digits, single-meaning punctuation and inner spaces.
# Nothing in them is markdown, HTML or an entity, so rendering leaves them as they are.
_PLAIN = re.compile(r"[^\W_]+(?:[ .,:;?'\"()/%+=@#€–—-]+[^\W_]+)*[.?)\"']?")


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_block(text: str) -> str:
    """Renders a notice body; its top heading level becomes h2, below the page's h1."""
    tokens = _md.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return _sanitize(_md.renderer.render(tokens, _md.options, {}))


def render_inline_markdown(text: str) -> str:
    """Renders one paragraph of text through the whole markdown and sanitizer pipeline."""
    return _sanitize(_md.renderInline(text or ""))


def render_inline(text: str) -> str:
    """Renders one paragraph of text, such as a timeline update, without block elements."""
    text = text or ""
    if _PLAIN.fullmatch(text):
        # Most updates are plain sentences with nothing to render or escape: the
        # full pipeline would return them unchanged, at a cost a large archive feels.
        return text
    return render_inline_markdown(text)
