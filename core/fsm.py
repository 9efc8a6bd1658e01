"""Explicit state machines: each model keeps a TRANSITIONS table next to its Status."""

from collections.abc import Mapping

from .exceptions import InvalidState


def can_transition(transitions: Mapping[str, set[str]], current: str, target: str) -> bool:
    return target in transitions.get(current, set())


def check_transition(transitions: Mapping[str, set[str]], current: str, target: str, *, label: str) -> None:
    """Raise InvalidState with a sentence a person can act on."""
    if not can_transition(transitions, current, target):
        raise InvalidState(
            f"This {label} is {str(current).replace('_', ' ')} and cannot become {str(target).replace('_', ' ')}."
        )
