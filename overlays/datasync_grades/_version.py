"""The package version, read by ``datasync_grades.__version__`` and the User-Agent."""

__version__ = "0.1.0"
