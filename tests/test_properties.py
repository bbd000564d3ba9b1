"""Property-based tests: arbitrary input never raises anything but NewsPulse's own errors.

Examples are kept few (``max_examples``) so the suite stays fast; each property still
sees structured near-misses (feed-shaped XML, JSON Feed objects, OPML) besides noise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newspulse.bounds import EARLIEST, LATEST, ascii_int, bounded_delay, utc_moment
from newspulse.domain import Entry
from newspulse.errors import NewsPulseError
from newspulse.ingest.canonical import InvalidURLError, canonical_url
from newspulse.ingest.corpus import read_corpus
from newspulse.ingest.feed_items import parse_date
from newspulse.ingest.feeds import parse_feed
from newspulse.ingest.normalize import normalise_entry
from newspulse.sources.opml import read_opml
from newspulse.sources.schedule import max_age_from_cache_control, retry_after_delay

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)

text = st.text(max_size=200)
xml_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=80,
)


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = draw(
        st.lists(
            st.fixed_dictionaries(
                {"title": xml_text, "link": xml_text, "date": xml_text, "ttl": xml_text}
            ),
            max_size=4,
        )
    )
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<pubDate>{i['date']}</pubDate><description>{i['title']}</description></item>"
        for i in items
    )
    ttl = items[0]["ttl"] if items else ""
    document = f'<rss version="2.0"><channel><title>t</title><ttl>{ttl}</ttl>{body}</channel></rss>'
    return document.encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    items = draw(
        st.lists(
            st.dictionaries(
                st.sampled_from(
                    [
                        "id",
                        "url",
                        "title",
                        "content_text",
                        "content_html",
                        "date_published",
                        "summary",
                    ]
                ),
                json_values,
            ),
            max_size=3,
        )
    )
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items}
    ).encode()


@FAST
@given(st.one_of(st.binary(max_size=500), rss_documents(), json_feeds()))
def test_feed_parsing_raises_only_feed_errors(content: bytes) -> None:
    for content_type in (None, "application/rss+xml", "application/feed+json"):
        try:
            feed = parse_feed(content, url="https://example.org/feed", content_type=content_type)
        except NewsPulseError:
            continue
        for item in feed.items:
            assert item.published is None or EARLIEST <= item.published < LATEST


@FAST
@given(
    st.one_of(
        text,
        st.datetimes().map(str),
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    )
)
def test_feed_dates_are_none_or_inside_the_bounds(value: str) -> None:
    parsed = parse_date(value)
    assert parsed is None or (EARLIEST <= parsed < LATEST and parsed.tzinfo is dt.UTC)


@FAST
@given(st.datetimes(timezones=st.timezones()) | st.datetimes())
def test_utc_moment_never_raises(moment: dt.datetime) -> None:
    result = utc_moment(moment)
    assert result is None or EARLIEST <= result < LATEST


@FAST
@given(text)
def test_header_numbers_never_raise(value: str) -> None:
    for delay in (
        max_age_from_cache_control(f"max-age={value}"),
        retry_after_delay(value, now=NOW),
        bounded_delay(value, unit=dt.timedelta(minutes=1)),
    ):
        assert delay is None or dt.timedelta(0) <= delay <= dt.timedelta(days=366)
    number = ascii_int(value)
    assert number is None or 0 <= number <= 10**18


@FAST
@given(st.one_of(text, st.from_regex(r"https?://[^\s]{0,40}", fullmatch=True)))
@example("http://[::1/feed")  # urlsplit: "Invalid IPv6 URL", found by this test
@example("https://example.org:99999/")
def test_canonical_url_raises_only_invalid_url(url: str) -> None:
    try:
        canonical = canonical_url(url)
    except InvalidURLError:
        return  # one of NewsPulse's own errors (test_invalid_url_is_a_newspulse_error)
    assert canonical.startswith(("http://", "https://"))
    assert "@" not in canonical.split("/")[2]


def opml_document(title: str) -> bytes:
    outline = f'<outline text="{title}" xmlUrl="{title}"/>'
    return f'<opml version="2.0"><body>{outline}</body></opml>'.encode("utf-8", "surrogatepass")


@FAST
@given(st.one_of(st.binary(max_size=400), xml_text.map(opml_document)))
def test_opml_import_raises_only_opml_errors(content: bytes) -> None:
    with contextlib.suppress(NewsPulseError):
        read_opml(content)


@FAST
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=80),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.fixed_dictionaries(
                {"url": text, "text": text, "published": json_values, "title": json_values}
            ).map(lambda d: json.dumps(d).encode()),
        ),
        max_size=6,
    )
)
def test_the_corpus_reader_raises_only_corpus_errors(lines: list[bytes]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
        try:
            read = read_corpus(path)
        except NewsPulseError:
            return
    for entry in read.entries:
        assert isinstance(entry.title, str)
        assert entry.published_at is None or EARLIEST <= entry.published_at < LATEST
        with contextlib.suppress(ValueError):  # "entry has no text": refused on purpose
            normalise_entry(entry, max_text_chars=10_000)


@FAST
@given(text, text)
def test_normalised_titles_carry_no_controls_or_bidi_overrides(title: str, url_tail: str) -> None:
    entry = Entry(
        url=f"https://u:p@example.org/{url_tail}",
        source="s",
        title=title,
        text="t",
        published_at=None,
    )
    clean = normalise_entry(entry, max_text_chars=100)
    assert not any(
        ch in clean.title for ch in "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    assert "u:p@" not in clean.url


def test_invalid_url_is_a_newspulse_error() -> None:
    assert issubclass(InvalidURLError, NewsPulseError)
    assert issubclass(InvalidURLError, ValueError)
