"""The Writer protocol: one factory picks the writer by settings, and every part of a
version that names its writer (fingerprint, reproducibility record) comes from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from newspulse.settings import LLMSettings, RankSettings, WriteSettings
from newspulse.write.briefing import events_fingerprint, write_version
from newspulse.write.llm import PROMPT_VERSION
from newspulse.write.writers import (
    WRITER_VERSION,
    ExtractiveWriter,
    LLMWriter,
    Writer,
    create_writer,
)
from tests.write.helpers import NOW, TOPIC, build_stories

LLM = LLMSettings(enabled=True, model="tiny", base_url="http://127.0.0.1:9/v1")
RECORD_KEYS = {"writer_version", "prompt_version", "llm", "fallback_reason", "llm_rejected",
               "llm_run"}  # fmt: skip


def test_the_factory_picks_the_writer_by_settings() -> None:
    assert isinstance(create_writer(None), ExtractiveWriter)
    assert isinstance(create_writer(LLMSettings()), ExtractiveWriter)  # not enabled
    writer: Writer = create_writer(LLM)
    assert isinstance(writer, LLMWriter)
    assert (writer.name, create_writer(None).name) == ("llm", "extractive")
    assert writer.version == f"{WRITER_VERSION}/{PROMPT_VERSION}/tiny/0.0"
    assert create_writer(None).version == WRITER_VERSION


def test_fingerprints_are_those_stored_before_the_writer_protocol() -> None:
    """A store upgraded to this code must not rewrite every topic: same hash inputs."""
    events, _ = build_stories()
    write, rank = WriteSettings(), RankSettings()

    def old_formula(parts: list[object]) -> str:
        cutoff = NOW - dt.timedelta(days=write.recent_days)
        ids = sorted(f"{e.id}:{','.join(map(str, sorted(e.article_ids)))}" for e in events)
        recent = sorted(str(e.id) for e in events if e.last_seen >= cutoff)
        text = "|".join(ids) + "#" + ",".join(recent) + "#" + json.dumps(parts, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    extractive = [WRITER_VERSION, write.model_dump(), rank.model_dump()]
    llm = [*extractive, PROMPT_VERSION, LLM.model_dump(exclude={"api_key_env"})]
    assert events_fingerprint(events, now=NOW, settings=write, rank=rank) == old_formula(extractive)
    assert events_fingerprint(events, now=NOW, settings=write, rank=rank, llm=LLM) == (
        old_formula(llm)
    )
    assert events_fingerprint(
        events, now=NOW, settings=write, rank=rank, writer=create_writer(LLM)
    ) == old_formula(llm)
    assert old_formula(extractive) != old_formula(llm)


def test_the_reproducibility_record_comes_from_the_writer() -> None:
    events, articles = build_stories()
    written = write_version(TOPIC, events, articles, now=NOW, settings=WriteSettings(min_themes=2))
    assert written.writer == "extractive"
    record = create_writer(None).record(written)
    assert set(record) == RECORD_KEYS
    assert (record["writer_version"], record["llm"], record["prompt_version"]) == (
        WRITER_VERSION,
        None,
        None,
    )
    llm_record = create_writer(LLM).record(written)
    assert set(llm_record) == RECORD_KEYS
    assert llm_record["llm"] == LLM.model_dump()
