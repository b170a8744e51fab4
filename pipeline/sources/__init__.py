"""Sources: a URL, file or recording read into sentences and speaker turns (who said what)."""
