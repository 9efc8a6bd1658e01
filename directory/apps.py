from django.apps import AppConfig


def _review_changed(sender, instance, **kwargs):
    from .selectors import forget_homeowner_summary

    forget_homeowner_summary(instance.subject_id)  # a hidden review must not linger in the cache


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory and invitations"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from reviews.models import Review

        post_save.connect(_review_changed, sender=Review, dispatch_uid="directory.review_changed")
        post_delete.connect(_review_changed, sender=Review, dispatch_uid="directory.review_changed")
