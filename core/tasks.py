from celery import shared_task

from . import idempotency


@shared_task(name="core.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Idempotency keys live 24 hours (API.md); older rows are dead weight."""
    return idempotency.purge_expired()
