from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "orientation.search"
    verbose_name = "Recherche"

    def ready(self) -> None:
        # Registers the work this app's services queue by name (orientation.utils.tasks), and
        # follows the catalogue: a committed import or edit that changed it queues one rebuild.
        from orientation.search import tasks
        from orientation.utils.signals import catalogue_changed

        catalogue_changed.connect(tasks.rebuild_on_catalogue_change, dispatch_uid="search.rebuild")
