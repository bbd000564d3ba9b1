"""The pipeline: the one list of steps (``steps``) and the runs over its slices (``runs``).

Modules: ``steps`` declares each step once (name, claim, batch run, single writer,
batch size); ``runs`` holds replay, the poll cycle, understand (reembed) and
update_briefings; ``ports`` the store protocol each step needs; ``context`` what a
step's claim and batch get; ``poll``, ``ingest``, ``understand`` (enrich, route),
``clustering`` and ``briefings`` (write) each one or two steps' work.  The names
below keep ``from newspulse.pipeline import replay, update_briefings, ...`` working.
"""

from newspulse.pipeline.briefings import TopicUpdate, facet_vectors, update_topic
from newspulse.pipeline.clustering import cluster_pending, maintain_events, regroup_centroid
from newspulse.pipeline.context import StepContext
from newspulse.pipeline.ingest import (
    BATCH_SIZE,
    IngestReport,
    ingest_corpus,
    ingest_entries,
    near_duplicate_index,
)
from newspulse.pipeline.runs import (
    Progress,
    ReplayReport,
    has_pending_work,
    poll_cycle,
    replay,
    understand,
    update_briefings,
)
from newspulse.pipeline.steps import (
    STEP_NAMES,
    STEPS,
    Step,
    StepError,
    run_steps,
    step,
    steps_between,
)
from newspulse.pipeline.understand import (
    check_embedding_model,
    enrich_pending,
    route_pending,
    topic_profiles,
)

__all__ = [
    "BATCH_SIZE",
    "STEPS",
    "STEP_NAMES",
    "IngestReport",
    "Progress",
    "ReplayReport",
    "Step",
    "StepContext",
    "StepError",
    "TopicUpdate",
    "check_embedding_model",
    "cluster_pending",
    "enrich_pending",
    "facet_vectors",
    "has_pending_work",
    "ingest_corpus",
    "ingest_entries",
    "maintain_events",
    "near_duplicate_index",
    "poll_cycle",
    "regroup_centroid",
    "replay",
    "route_pending",
    "run_steps",
    "step",
    "steps_between",
    "topic_profiles",
    "understand",
    "update_briefings",
    "update_topic",
]
