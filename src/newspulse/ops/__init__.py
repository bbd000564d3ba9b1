"""Running NewsPulse unattended: signals and busy-store backoff for ``newspulse run``,
Prometheus metrics, JSON logs, ``newspulse doctor`` and progress bars (issue 12, item 4)."""
