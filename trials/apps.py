from django.apps import AppConfig


class TrialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trials"
    verbose_name = "Clinical trials"

    def ready(self):
        from django.db.backends.signals import connection_created

        from trials.search.backends import set_work_mem

        connection_created.connect(set_work_mem, dispatch_uid="trials.set_work_mem")
