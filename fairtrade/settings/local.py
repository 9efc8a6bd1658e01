"""The embedded default used by `make run`: debug on, everything in-process."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_AUTOREFRESH = True  # serve from app static dirs without collectstatic
