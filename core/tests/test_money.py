import pytest

from core.money import MoneyParseError, fee_cents, format_cents, parse_money


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1250", 125000), ("1,250.50", 125050), ("$0.99", 99), ("  12.5 ", 1250), (7, 700)],
)
def test_parse_money(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1.999", "NaN", "inf", "1e400.5"])
def test_parse_money_rejects(text):
    with pytest.raises(MoneyParseError):
        parse_money(text)


def test_format_cents():
    assert format_cents(123456789) == "$1,234,567.89"
    assert format_cents(-505) == "-$5.05"
    assert format_cents(None) == "—"
    assert format_cents(100, "eur") == "EUR 1.00"


@pytest.mark.parametrize(
    ("amount", "bps", "fee"),
    [(1010, 500, 51), (1000, 500, 50), (10, 500, 1), (9, 500, 0), (100_000_000, 500, 5_000_000), (1, 5000, 1)],
)
def test_fee_rounds_half_up(amount, bps, fee):
    assert fee_cents(amount, bps) == fee


def test_money_template_filter():
    from django.template import engines

    template = engines["django"].from_string("{{ amount|money }}")
    assert template.render({"amount": 250000}) == "$2,500.00"
