"""Batch: the weekly run over a sources file."""
