"""Sanitising HTML that comes from data providers before it reaches a page."""

from __future__ import annotations

from html import unescape

import nh3

_ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h3", "h4", "h5", "h6", "a", "blockquote"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise_html(html: str) -> str:
    """Keep the structure of a provider's rich text and drop anything active.

    Onisep publishes its texts as HTML fragments; scripts, styles, event handlers and
    unknown tags are removed and links get rel="noopener noreferrer".
    """
    return nh3.clean(
        html.strip(),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def html_to_text(html: str) -> str:
    """Plain text of a fragment, for search and summaries."""
    text = unescape(nh3.clean(html, tags=set()))
    return " ".join(text.split())
