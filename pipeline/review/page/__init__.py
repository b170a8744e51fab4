"""The review page's HTML: views (what each page shows), markdown (drafts rendered safely), and the static files."""
