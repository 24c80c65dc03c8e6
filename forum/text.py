"""The one sanitiser: user Markdown in, safe HTML out.

markdown-it-py renders CommonMark with raw HTML switched off; bleach then keeps only a small
allow-list of tags and http/https/mailto links, and links bare web addresses. Templates mark only
this function's output safe.
"""
from __future__ import annotations

import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter, build_url_re
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "del",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")


def _gender_star(state, silent: bool) -> bool:
    """A `*` between two letters is the German gender star ("Bürger*innen"), never emphasis: CommonMark
    would pair two of them into italics and drop both. `**bold**` and `*italic*` (a star beside a space or
    punctuation) are unchanged; code spans never reach inline rules."""
    pos, src = state.pos, state.src
    if src[pos] != "*" or pos == 0 or pos + 1 >= state.posMax or not (src[pos - 1].isalpha() and src[pos + 1].isalpha()):
        return False
    if not silent:
        state.pending += "*"
    state.pos += 1
    return True


_md.inline.ruler.before("emphasis", "gender_star", _gender_star)


def _nofollow(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


# Bare web addresses become links; a domain label never starts with a hyphen, and nothing right after
# a letter, digit, "@", "." or "-" starts one. bleach's own pattern linked the tail of
# "info@schlichtungsstelle-bgg.de" as http://-bgg.de. E-mail addresses stay text: bleach's e-mail
# pattern backtracks quadratically over a long run of word characters (18 s for 20,000 digits).
_URL_RE = re.compile(
    build_url_re(protocols=ALLOWED_PROTOCOLS).pattern
    .replace(r"\b(?<![@.])", r"\b(?<![@.\w-])").replace(r"([\w-]+\.)+", r"(\w[\w-]*\.)+"),
    re.IGNORECASE | re.VERBOSE | re.UNICODE)

# Clean and linkify in one html5lib pass (bleach's documented way; half the time of clean() then
# linkify()): the LinkifyFilter runs on the already cleaned token stream.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_nofollow], skip_tags={"pre", "code"}, parse_email=False,
                     url_re=_URL_RE)],
)


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to HTML that is safe to embed; headings are demoted to h3+."""
    if not text:
        return Markup("")
    text = text.replace("\x00", "")
    html = _md.render(text)
    for level in (2, 1):  # page structure owns h1/h2
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return Markup(_cleaner.clean(html).strip())


def plain_excerpt(text: str | None, length: int = 200) -> str:
    """A short plain-text excerpt of user Markdown (for lists and notifications)."""
    if not text:
        return ""
    plain = bleach.clean(_md.render(text.replace("\x00", "")), tags=set(), strip=True)
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"
