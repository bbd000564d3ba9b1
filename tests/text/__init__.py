"""Tests of ``newspulse.text``: the shared sentence, date, figure, name and similarity helpers."""
