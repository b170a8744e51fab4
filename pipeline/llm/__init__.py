"""LLM: one client for any OpenAI-compatible endpoint, the embedded server, shipped models, prompt files."""
