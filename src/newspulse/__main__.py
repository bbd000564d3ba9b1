"""``python -m newspulse`` runs the command line."""

from newspulse.cli import main

main()
