"""What the LLM writer asks and reads back: the prompts, a section's facts quoted as inert
data, the answer's schema and its parsing, and the token estimate requests are sized by.

Article text is data: facts are quoted inside ``<fact>`` delimiters with angle brackets,
double quotes and backticks turned into look-alikes, so no article can close a delimiter,
write a role tag or open a code fence; the rules (``prompts/system.txt``) never contain
article text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template

from pydantic import BaseModel, ConfigDict, ValidationError

from newspulse.write.llm_client import MALFORMED, LLMError, dumps_schema
from newspulse.write.plan import BriefingPlan

# A conservative estimate for budgeting (English runs about 4 characters per token).
CHARS_PER_TOKEN = 3
# Tokens kept free for the chat template's role markers and rounding.
TEMPLATE_TOKENS = 128


class Draft(BaseModel):
    """Extra keys are ignored when reading but forbidden in the schema sent."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})


class DraftSentence(Draft):
    fact: int
    text: str


class DraftSection(Draft):
    sentences: list[DraftSentence]


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement of the extractive section, numbered within its section."""

    number: int
    text: str
    citations: tuple[str, ...]


def prompt(name: str) -> str:
    return resources.files("newspulse.write").joinpath("prompts", name).read_text("utf-8")


SCHEMA = DraftSection.model_json_schema()


def reminder() -> str:
    return Template(prompt("json_object.txt")).substitute(schema=dumps_schema(SCHEMA))


def chat_messages(
    plan: BriefingPlan, title: str, facts: Sequence[Fact], *, system_role: bool = True
) -> list[dict[str, str]]:
    """The rules (never touched by article text) and the section's facts as data.  Without
    ``system_role`` the rules head the user message (for templates that drop system turns)."""
    user = Template(prompt("user.txt")).substitute(
        topic=quote(plan.topic.title),
        date=plan.now.date().isoformat(),
        section=quote(title),
        facts=render_facts(facts),
    )
    if not system_role:
        return [{"role": "user", "content": f"{prompt('system.txt')}\n{user}"}]
    return [{"role": "system", "content": prompt("system.txt")}, {"role": "user", "content": user}]


def render_facts(facts: Sequence[Fact]) -> str:
    return "\n".join(f'<fact n="{f.number}">{quote(f.text)}</fact>' for f in facts)


# Angle brackets and double quotes become look-alikes, so no article can close a delimiter
# or write a role tag ("<|im_start|>system", "<start_of_turn>"); backticks cannot open a fence.
INERT = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "`": "\u2018"})


def quote(text: str) -> str:
    """Article text as inert data on one line."""
    return " ".join(text.split()).translate(INERT)


def estimate_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    return sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN + TEMPLATE_TOKENS


def parse_section(content: str) -> DraftSection:
    try:
        return DraftSection.model_validate_json(content)
    except ValidationError as exc:
        raise LLMError(MALFORMED) from exc
