"""A per-request budget for decoding untrusted files (images, PDFs).

A small file can cost a lot to check: a 116 KB PNG of 6300x6300 zero pixels decodes to
40 million pixels, a PDF can hold hundreds of thousands of tiny objects. Each request that
checks uploads makes one budget and spends it file by file; when it runs out the request
is refused with a clear message instead of holding a worker for seconds.
"""

import time
from dataclasses import dataclass, field

# What one request may decode in total: ten 12-megapixel phone photos, in at most 8 s.
REQUEST_PIXELS = 120_000_000
REQUEST_SECONDS = 8.0


class BudgetExceeded(Exception):
    """Raised by a budget; callers turn it into their own ValidationFailed message."""


@dataclass
class DecodeBudget:
    pixels: int = REQUEST_PIXELS
    seconds: float = REQUEST_SECONDS
    _deadline: float = field(init=False)

    def __post_init__(self):
        self._deadline = time.monotonic() + self.seconds

    def spend_pixels(self, count: int) -> None:
        """Call with the size read from the header, before decoding."""
        if count > self.pixels:
            raise BudgetExceeded("pixels")
        self.pixels -= count

    def check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise BudgetExceeded("time")
