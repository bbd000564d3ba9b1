"""NewsPulse: a self-hosted engine that turns news streams into living, cited topic briefings."""

__version__ = "0.1.0"

__all__ = ["__version__"]
