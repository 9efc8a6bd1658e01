from django import template

from core.money import format_cents

register = template.Library()


@register.filter(name="money")
def money(cents, currency="usd"):
    """{{ job.budget_min_cents|money }} -> $1,250.00"""
    return format_cents(cents, currency or "usd")
