"""Publishing: the briefing documents as a web site, a JSON API and a static export.

``site`` renders pages from a ``SiteStore`` (every read port is in ``ports``, the URL layout
in ``paths``), ``app`` serves them with FastAPI and ``export`` writes the same pages to a
folder.  Import the submodule you need; this package imports
nothing so that exporting does not load the web framework.
"""
