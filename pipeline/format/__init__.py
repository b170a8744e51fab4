"""Format: text helpers, platform limits, markdown rendering and front matter."""
