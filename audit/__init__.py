def record(actor, action, target=None, request=None, **data):
    """audit.record(actor, action, target, request=None, **data): append one audit entry."""
    from .services import record as _record

    return _record(actor, action, target, request, **data)
