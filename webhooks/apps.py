from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Partner webhooks"

    def ready(self):
        # core.outbox hands every committed event to its subscribers; this app is the one
        # that turns events into signed deliveries (dependency inversion: core never imports us).
        from core import outbox

        from . import tasks

        outbox.subscribe(tasks.enqueue_fanout)
