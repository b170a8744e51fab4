"""Corpus: past content cut into chunks, the chromadb store, and voice examples retrieved from it."""
