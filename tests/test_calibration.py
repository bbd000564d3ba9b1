"""Per-encoder calibration: the model's row fills what the operator left unset, nothing more."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newspulse.calibration import CALIBRATION, DEFAULT_EMBED_CHARS, MINILM, USE, embed_chars
from newspulse.domain import Article
from newspulse.enrich.annotate import embed_text, enrich_articles
from newspulse.enrich.embed import HashingEmbedder
from newspulse.settings import (
    ClusterSettings,
    EmbedSettings,
    RouteSettings,
    Settings,
    load_settings,
)


@pytest.fixture(autouse=True)
def no_outside_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSPULSE_CONFIG", "NEWSPULSE_EMBED__MODEL", "NEWSPULSE_CLUSTER__THRESHOLD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def use_settings(**sections: object) -> Settings:
    return Settings(embed=EmbedSettings(model=USE), **sections)  # type: ignore[arg-type]


def test_minilm_row_is_the_fields_own_defaults() -> None:
    row = CALIBRATION[MINILM].sections
    assert all(ClusterSettings().model_dump()[k] == v for k, v in row["cluster"].items())
    assert all(RouteSettings().model_dump()[k] == v for k, v in row["route"].items())
    assert Settings().cluster == ClusterSettings()


def test_another_model_gets_its_own_thresholds() -> None:
    settings = use_settings()
    for section, values in CALIBRATION[USE].sections.items():
        current = getattr(settings, section).model_dump()
        assert {key: current[key] for key in values} == dict(values)
    assert settings.cluster.threshold != Settings().cluster.threshold
    assert settings.cluster.window_days == ClusterSettings().window_days  # not in the row


def test_explicit_values_win_over_the_row() -> None:
    settings = use_settings(cluster=ClusterSettings(threshold=0.42))
    assert settings.cluster.threshold == 0.42
    assert (
        settings.cluster.merge_threshold == CALIBRATION[USE].sections["cluster"]["merge_threshold"]
    )


def test_filled_values_stay_unset_so_a_later_model_recalibrates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert use_settings().model_dump(exclude_unset=True) == {"embed": {"model": USE}}
    config = tmp_path / "newspulse.toml"
    config.write_text("[route]\nlabel_margin = 0.2\n", "utf-8")
    monkeypatch.setenv("NEWSPULSE_EMBED__MODEL", USE)
    settings = load_settings(config)  # model from the environment, margin from the file
    use_route = CALIBRATION[USE].sections["route"]
    assert settings.route.label_margin == 0.2
    assert settings.route.threshold == use_route["threshold"]
    monkeypatch.delenv("NEWSPULSE_EMBED__MODEL")
    assert load_settings(config).route.threshold == RouteSettings().threshold


def test_uncalibrated_model_keeps_the_defaults() -> None:
    settings = Settings(embed=EmbedSettings(model="hashing"))
    assert (settings.cluster, settings.route) == (ClusterSettings(), RouteSettings())
    assert embed_chars("hashing-384") == DEFAULT_EMBED_CHARS


def test_the_embedded_text_follows_the_model() -> None:
    article = Article(
        id=1,
        uid="u",
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        source="example",
        title="Title",
        text="word " * 1000,
        published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        date_estimated=False,
    )
    assert embed_text(article, f"{MINILM}@0.1.0") == article.lead
    assert embed_text(article, f"{USE}@0.2.1") == f"Title. {article.text[: embed_chars(USE)]}"
    assert len(embed_text(article, USE)) > len(article.lead)
    embedder = HashingEmbedder()
    (enrichment,) = enrich_articles([article], embedder)
    assert (enrichment.embedding == embedder.embed([article.lead])[0]).all()
