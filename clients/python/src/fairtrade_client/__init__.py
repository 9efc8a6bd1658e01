"""Python client for the FairTradeWorker partner API v1. See README.md for a quick start."""

from . import errors
from ._http import File
from .client import FairTradeClient
from .webhooks import WebhookVerificationError, verify_webhook

__all__ = ["FairTradeClient", "File", "WebhookVerificationError", "errors", "verify_webhook"]
__version__ = "1.0.0"
