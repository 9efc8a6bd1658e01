from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import preparedstatements

        connection_created.connect(preparedstatements.install, dispatch_uid="core.preparedstatements")
