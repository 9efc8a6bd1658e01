"""The embedded default used by `make run`: debug on, everything in-process."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
