from django.db import models

from core.clientip import client_ip

from .models import AuditLog


def record(actor, action: str, target=None, request=None, **data) -> AuditLog:
    """Append an audit entry. `actor` may be None (system) or an anonymous user."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    target_type = target_id = target_repr = ""
    if isinstance(target, models.Model):
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
    elif target is not None:
        target_repr = str(target)[:200]
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        ip_address=client_ip(request),
        data={key: value for key, value in data.items() if value is not None},
    )
