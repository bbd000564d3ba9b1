"""The HTML allow-list and the plain-text rendering that the pipeline reads."""

from __future__ import annotations

import pytest

from newspulse.ingest.sanitize import clean_html, html_to_text


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "alert"),
        ("<style>p { color: red }</style><p>x</p>", "color"),
        ('<iframe src="https://evil.example/">fallback</iframe>', "iframe"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "data:"),
        ('<object data="x.swf"></object><embed src="x.swf">', "swf"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<form action="https://evil.example/"><input name="q"></form>', "form"),
        ('<p style="position:fixed">x</p>', "style"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
    ],
)
def test_clean_html_removes_what_could_run_or_restyle(hostile: str, forbidden: str) -> None:
    assert forbidden.lower() not in clean_html(hostile).lower()


def test_clean_html_keeps_structure_and_safe_links() -> None:
    html = (
        '<h2>Title</h2><p>Some <b>bold</b> and <a href="https://x.example/a" title="t">a '
        'link</a>.</p><ul><li>one</li></ul><img src="https://x.example/i.png" alt="pic">'
    )
    cleaned = clean_html(html)
    assert cleaned.startswith("<h2>Title</h2><p>Some <b>bold</b>")
    assert 'href="https://x.example/a"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned
    assert '<img src="https://x.example/i.png" alt="pic">' in cleaned
    assert "<ul><li>one</li></ul>" in cleaned


def test_clean_html_resolves_relative_urls_against_a_base() -> None:
    cleaned = clean_html(
        '<a href="/a">x</a><img src="i.png">', base_url="https://x.example/blog/post/"
    )
    assert 'href="https://x.example/a"' in cleaned
    assert 'src="https://x.example/blog/post/i.png"' in cleaned
    assert 'href="/a"' in clean_html('<a href="/a">x</a>')


@pytest.mark.parametrize("empty", ["", "<script>x()</script>"])
def test_clean_html_of_nothing_safe_is_empty(empty: str) -> None:
    assert clean_html(empty) == ""


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("Line<br>break<br/>again", "Line\nbreak\nagain"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<h1>Head</h1>Body <i>text</i>", "Head\nBody text"),
        ("Caf&eacute; &amp; &#8220;bar&#8221; &#x27;x&#x27;", "Café & “bar” 'x'"),
        ("a<script>var x = 1;</script>b<style>p{}</style>c", "abc"),
        ("  lots   of\t\tspace \u00a0 here  ", "lots of space here"),
        ("plain text, no markup", "plain text, no markup"),
        ("<table><tr><td>1</td><td>2</td></tr></table>", "1\n2"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("text with a < sign and > sign", "text with a < sign and > sign"),
        ("<!-- comment -->visible", "visible"),
        ("", ""),
        ("   ", ""),
        ("nul\x00 and \x1b control", "nul and control"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_html_to_text_survives_what_lxml_rejects() -> None:
    assert html_to_text('<?xml version="1.0" encoding="utf-8"?><p>x</p>') == "x"
    assert html_to_text("\ud800<p>lone surrogate</p>") == "lone surrogate"
