from celery import shared_task

from . import services


@shared_task(name="reviews.publish_due", acks_late=True)
def publish_due_task():
    return services.reviews_publish_due()
