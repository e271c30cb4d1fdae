"""Turning pages into files: PDF (with Chinese text) and spreadsheets."""
