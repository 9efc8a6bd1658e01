"""Money lives in integer minor units; parsing and formatting happen only here."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"usd": "$"}
DEFAULT_CURRENCY = "usd"
MAX_AMOUNT_CENTS = 100_000_000  # $1,000,000: the largest job or bid the platform takes


class MoneyParseError(ValueError):
    pass


def parse_money(text: str | int | Decimal) -> int:
    """'1,234.5' -> 123450 cents. Rejects more than two decimals and non-numbers."""
    raw = str(text).strip().replace(",", "").replace("$", "")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyParseError("Enter an amount like 1250 or 1250.50.") from exc
    if not value.is_finite():
        raise MoneyParseError("Enter an amount like 1250 or 1250.50.")
    if value.as_tuple().exponent < -2:
        raise MoneyParseError("Amounts have at most two decimal places.")
    return int(value * 100)


def format_cents(cents: int | None, currency: str = DEFAULT_CURRENCY) -> str:
    if cents is None:
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency.lower(), currency.upper() + " ")
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{symbol}{whole:,}.{part:02d}"


def cents_to_decimal_string(cents: int) -> str:
    """For form initial values: 123450 -> '1234.50'."""
    whole, part = divmod(int(cents), 100)
    return f"{whole}.{part:02d}"


def fee_cents(amount_cents: int, bps: int) -> int:
    """Basis-point fee rounded half up to the cent: 5% of $10.10 is $0.51, not $0.50."""
    fee = (Decimal(amount_cents) * Decimal(bps) / Decimal(10_000)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fee)
