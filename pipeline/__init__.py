"""devrel-pipeline: a talk goes in; a question-driven outline and grounded drafts in the team's voice come out."""

__version__ = "0.1.0"
