from django import template

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """"Rivera Plumbing & Heating" -> "RP": the stand-in for a missing logo."""
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"
