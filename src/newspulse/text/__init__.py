"""Shared text analysis: sentences, dates, figures, names and similarity of news text.

Pure functions over strings, used by several stages (ingest, enrich, write):
no I/O, no models and no third-party imports beyond ``newspulse.domain``.  Each
module owns one concern; this package re-exports their public names.
"""

from newspulse.text.dates import (
    DateMention,
    date_from_url,
    estimate_published,
    find_dates,
    find_stale_time_references,
)
from newspulse.text.figures import figure_key, figure_keys, find_figures, number_tokens
from newspulse.text.names import find_names, mentions, name_keys, normalise_for_names
from newspulse.text.sentences import (
    STOPWORDS,
    content_tokens,
    content_words,
    is_clean_sentence,
    sentence_problem,
    split_sentences,
)
from newspulse.text.similarity import jaccard, shingles

__all__ = [
    "STOPWORDS",
    "DateMention",
    "content_tokens",
    "content_words",
    "date_from_url",
    "estimate_published",
    "figure_key",
    "figure_keys",
    "find_dates",
    "find_figures",
    "find_names",
    "find_stale_time_references",
    "is_clean_sentence",
    "jaccard",
    "mentions",
    "name_keys",
    "normalise_for_names",
    "number_tokens",
    "sentence_problem",
    "shingles",
    "split_sentences",
]
