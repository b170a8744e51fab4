"""Safety: untrusted words stay data (prompt injection marked and filtered) and URLs are checked before a fetch."""
