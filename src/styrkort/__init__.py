"""Styrkort: assessed, checked, publication-ready follow-up reports for Swedish municipal boards."""

__version__ = "0.1.0"
