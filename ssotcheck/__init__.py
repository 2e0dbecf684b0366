"""ssotcheck: single-source-of-truth compliance checker for Python monorepos."""

__version__ = "0.1.0"
