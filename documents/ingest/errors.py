"""The one exception type ingestion raises, carrying a message fit to show a user."""


class IngestError(ValueError):
    """Input that cannot become a release; ``str(error)`` explains why in plain words."""
