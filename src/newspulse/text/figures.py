"""Figures in news text: money, percentages and quantities, normalised for comparison.

Owns the reading of amounts ("$500M", "US$ 3bn", "€250m", "$52-56B", "20
trillion won", "Rs 1,000 crore"), percentages ("25%", "25 percent") and
quantities with a unit or scale word ("6.6 GW", "750 megawatts", "2 million"),
and the comparison keys that let the verifier check that a number in a written
statement occurs in its cited sources: "$500M", "$500 million" and "500 million
dollars" all give ``USD:500000000``.  Bare numbers that are not figures (years,
counts, scores such as "15-13") come from ``number_tokens``.

Values are computed in ``Decimal`` and converted once, so "$1.2B" is exactly
1200000000.0 and two spellings of one amount always give the same key.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from newspulse.domain import Figure

CURRENCY_CODES = {
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "HK$": "HKD",
    "S$": "SGD",
    "NZ$": "NZD",
    "NT$": "TWD",
    "TWD": "TWD",
    "CHF": "CHF",
    "€": "EUR",
    "EUR": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "¥": "JPY",
    "JPY": "JPY",
    "yen": "JPY",
    "CN¥": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "₩": "KRW",
    "KRW": "KRW",
    "won": "KRW",
    "₹": "INR",
    "Rs": "INR",
    "INR": "INR",
    "rupees": "INR",
}
# Read as money only with a scale word: "won" and "pounds" are also a verb and a weight, and
# a bare code before a number is often a team ("EUR 3, U.S. 1" in Ryder Cup scores).
CURRENCY_WORDS_NEEDING_SCALE = frozenset(
    {"won", "pounds", "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "KRW", "INR", "TWD", "CHF"}
)

SCALES = {
    "k": 10**3,
    "thousand": 10**3,
    "lakh": 10**5,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "crore": 10**7,
    "cr": 10**7,
    "b": 10**9,
    "bn": 10**9,
    "bln": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "tn": 10**12,
    "trillion": 10**12,
}

UNITS = {
    "gigawatt": "GW",
    "megawatt": "MW",
    "kilowatt": "kW",
    "terawatt": "TW",
    "gigawatt-hour": "GWh",
    "megawatt-hour": "MWh",
    "terawatt-hour": "TWh",
    "kilowatt-hour": "kWh",
    "petabyte": "PB",
    "terabyte": "TB",
    "gigabyte": "GB",
    "exaflop": "exaflops",
    "petaflop": "petaflops",
    "nanometer": "nm",
    "nanometre": "nm",
}

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Whitespace that stays on one line: a figure never spans a line break.
SPACE = r"[^\S\n]"
# Single-letter scales must touch the number ("$5B"); words may follow a space ("$5 billion").
SCALE = (
    rf"(?:(?:{SPACE}|-)?(?i:thousand|million|billion|trillion|crore|lakh)s?\b|"
    rf"{SPACE}?(?:bn|Bn|BN|mn|Mn|mln|bln|tn|cr)\b|[kKmMbBtT]\b)"
)
# Hyphen, en dash (U+2013) or em dash (U+2014).
DASH = r"[-\u2013\u2014]"
RANGE_JOINER = rf"{SPACE}?(?:{DASH}|to){SPACE}?"


def currency_prefix(group: str) -> str:
    """Currency signs and codes written before the amount; codes need a space ("USD 5")."""
    return (
        rf"(?P<{group}>US\$|C\$|CA\$|A\$|AU\$|HK\$|S\$|NZ\$|NT\$|CN¥|\$|€|£|¥|₩|₹|"
        rf"Rs\.?{SPACE}?|(?:USD|EUR|GBP|JPY|CNY|RMB|KRW|INR|TWD|CHF){SPACE})"
    )


MONEY_BEFORE = re.compile(
    rf"(?<![\w$]){currency_prefix('currency')}{SPACE}?(?P<amount>{NUMBER})(?P<scale>{SCALE})?"
    rf"(?:(?P<joiner>{RANGE_JOINER}){currency_prefix('currency2')}?"
    rf"(?P<amount2>{NUMBER})(?P<scale2>{SCALE})?)?"
)
MONEY_AFTER = re.compile(
    rf"(?<![\w.,$€£¥₹₩])(?P<amount>{NUMBER})(?P<scale>{SCALE})?{SPACE}"
    r"(?P<currency>(?i:us dollars|dollars|euros?|pounds sterling|pounds|yen|won|yuan|renminbi|"
    r"rupees)|USD|EUR|GBP|JPY|KRW|CNY|INR|TWD|CHF)\b"
)
PERCENT = re.compile(
    rf"(?<![\w.,])(?P<amount>{NUMBER})(?:(?P<joiner>{RANGE_JOINER})(?P<amount2>{NUMBER}))?"
    rf"{SPACE}?(?:%|(?i:percent|per cent|pct)\b)"
)
QUANTITY = re.compile(
    rf"(?<![\w.,])(?P<amount>{NUMBER})(?P<scale>{SPACE}?(?i:thousand|million|billion))?"
    rf"(?:{SPACE}|-)?(?P<unit>GWh|MWh|TWh|kWh|GW|MW|kW|TW|PB|TB|GB|nm|(?i:(?:giga|mega|kilo|tera)watt"
    r"(?:[ -]hour)?s?|(?:peta|tera|giga)bytes?|(?:exa|peta)flops?|nanomet(?:er|re)s?))\b"
)
SCALED_NUMBER = re.compile(
    rf"(?<![\w.,$€£¥₹₩])(?P<amount>{NUMBER})(?:{SPACE}|-)?(?P<scale>(?i:thousand|million|billion|"
    r"trillion))\b"
)
NUMBER_TOKEN = re.compile(rf"(?<![\w.,])\d+(?:[.,:]\d+)*(?:(?:{DASH}|/)\d+(?:[.,:]\d+)*)*")
THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
DASHES = re.compile(DASH)


@dataclass(frozen=True, slots=True)
class FigureMatch:
    """Figures read from one span of text (two for a range such as "$52-56B")."""

    start: int
    end: int
    figures: tuple[Figure, ...]


def find_figures(text: str) -> list[Figure]:
    """Money, percentages and quantities in ``text``, in order; a range gives two figures."""
    return [figure for match in match_figures(text) for figure in match.figures]


def figure_keys(text: str) -> set[str]:
    """Comparable keys of the figures in ``text`` ("USD:500000000", "%:25", "GW:6.6")."""
    return {figure_key(figure) for figure in find_figures(text)}


def figure_key(figure: Figure) -> str:
    """``unit:value`` with the value written plainly; unitless quantities use ``#``."""
    return f"{figure.unit or '#'}:{format_number(figure.value)}"


def number_tokens(text: str) -> set[str]:
    """Bare numbers outside figures: years, counts, scores ("15-13"), times, decimals.

    Thousands separators are dropped and dashes unified, so "81,885" gives
    "81885" and "33-13" written with an en dash gives "33-13".  Digits glued to
    letters in front ("H200", "Q4") belong to names and are skipped.
    """
    figures = match_figures(text)
    starts = [figure.start for figure in figures]
    tokens: set[str] = set()
    for token in NUMBER_TOKEN.finditer(text):
        # Figure spans are sorted and disjoint: only the last one starting before the token's
        # end can overlap it.
        index = bisect_left(starts, token.end()) - 1
        if index >= 0 and figures[index].end > token.start():
            continue
        tokens.add(DASHES.sub("-", THOUSANDS_SEPARATOR.sub("", token.group(0))))
    return tokens


def match_figures(text: str) -> list[FigureMatch]:
    """Every figure span, overlaps resolved: the earliest start wins, then the longest."""
    candidates = [
        *(read_money(match, before=True) for match in MONEY_BEFORE.finditer(text)),
        *(read_money(match, before=False) for match in MONEY_AFTER.finditer(text)),
        *(read_percent(match) for match in PERCENT.finditer(text)),
        *(read_quantity(match) for match in QUANTITY.finditer(text)),
        *(read_scaled_number(match) for match in SCALED_NUMBER.finditer(text)),
    ]
    chosen: list[FigureMatch] = []
    for candidate in sorted(
        (candidate for candidate in candidates if candidate is not None),
        key=lambda candidate: (candidate.start, -candidate.end),
    ):
        if not chosen or candidate.start >= chosen[-1].end:
            chosen.append(candidate)
    return chosen


def read_money(match: re.Match[str], *, before: bool) -> FigureMatch | None:
    written_currency = normalise_currency(match["currency"])
    scale = match["scale"]
    if written_currency in CURRENCY_WORDS_NEEDING_SCALE and not scale:
        return None
    currency = CURRENCY_CODES.get(written_currency) or CURRENCY_CODES[written_currency.lower()]
    if not before or match["amount2"] is None:
        return build_match(match, "money", currency, [(match["amount"], scale)])
    second_scale = match["scale2"]
    if match["joiner"].strip() == "to" and not (match["currency2"] or second_scale):
        # "$5 billion to 2026" is no range: "to" needs a currency or a scale on its right.
        return build_match(
            match, "money", currency, [(match["amount"], scale)], end=match.start("joiner")
        )
    amounts = [(match["amount"], scale or second_scale), (match["amount2"], second_scale)]
    return build_match(match, "money", currency, amounts)


def read_percent(match: re.Match[str]) -> FigureMatch:
    amounts = [match["amount"]] + ([match["amount2"]] if match["amount2"] else [])
    return build_match(match, "percent", "%", [(amount, None) for amount in amounts])


def read_quantity(match: re.Match[str]) -> FigureMatch:
    unit = normalise_unit(match["unit"])
    return build_match(match, "number", unit, [(match["amount"], match["scale"])])


def read_scaled_number(match: re.Match[str]) -> FigureMatch:
    return build_match(match, "number", "", [(match["amount"], match["scale"])])


def build_match(
    match: re.Match[str],
    kind: str,
    unit: str,
    amounts: list[tuple[str, str | None]],
    *,
    end: int | None = None,
) -> FigureMatch:
    """One figure per (amount, scale); a range's two figures share the range's text."""
    stop = match.end() if end is None else end
    written = match.string[match.start() : stop].strip()
    figures = tuple(
        Figure(kind=kind, value=scaled_value(amount, scale), unit=unit, text=written)
        for amount, scale in amounts
    )
    return FigureMatch(start=match.start(), end=stop, figures=figures)


def scaled_value(amount: str, scale: str | None) -> float:
    value = Decimal(amount.replace(",", ""))
    if scale:
        word = scale.strip().strip("-").lower()
        value *= SCALES.get(word, SCALES.get(word.rstrip("s"), 1))
    return float(value)


def normalise_currency(written: str) -> str:
    return written.strip().rstrip(".").strip()


def normalise_unit(written: str) -> str:
    if written in UNITS.values():
        return written
    word = written.lower().replace(" ", "-")
    return UNITS[word[:-1] if word.endswith("s") else word]


def format_number(value: float) -> str:
    """A float written without exponent or trailing zeros: 1.2e9 -> "1200000000"."""
    return format(Decimal(repr(value)).normalize(), "f")
