"""Stage 8, write: topic + ranked events → a cited, verified briefing version."""
