"""The one sanitiser."""
import pytest

from forum.text import plain_excerpt, render_markdown


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("[klick](javascript:alert(1))", 'href="javascript'),
    ("<https://x.example/?a=<script>>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ('[x](data:text/html;base64,PHNjcmlwdD4=)', 'href="data'),
    ("<a href='https://x' onclick='y'>a</a>", "<a "),
    ("# Titel", "<h1>"),
])
def test_dangerous_input_is_neutralised(source, forbidden):
    assert forbidden not in str(render_markdown(source))


def test_markdown_renders_basics():
    html = str(render_markdown("**fett** und [Link](https://braunschweig.de)\n\n- eins\n- zwei"))
    assert "<strong>fett</strong>" in html
    assert '<a href="https://braunschweig.de" rel="nofollow noopener ugc">Link</a>' in html
    assert "<li>eins</li>" in html


def test_nul_bytes_and_empty():
    assert str(render_markdown("a\x00b")) == "<p>ab</p>"
    assert str(render_markdown("")) == ""


def test_excerpt():
    assert plain_excerpt("**Hallo** Welt " * 50, 20).endswith("…")
    assert len(plain_excerpt("x " * 500, 50)) <= 50
