"""Upload naming: stored keys are random so they reveal nothing and never collide."""

import secrets
from pathlib import PurePath

from django.utils.deconstruct import deconstructible


@deconstructible
class RandomUploadTo:
    """upload_to=RandomUploadTo("jobs/photos") -> jobs/photos/2f/2f9c…e1.jpg"""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:8]
        token = secrets.token_hex(16)
        return f"{self.prefix}/{token[:2]}/{token}{suffix}"

    def __eq__(self, other):
        return isinstance(other, RandomUploadTo) and other.prefix == self.prefix
