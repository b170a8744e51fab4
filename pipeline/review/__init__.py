"""Review: approving and rejecting drafts, the local review page and its server."""
