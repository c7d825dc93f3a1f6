"""Greenroom: interview practice and screening."""

__version__ = "0.1.0"
