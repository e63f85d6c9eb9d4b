from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "orientation.labels"
    label = "labels"
    verbose_name = "Label « Orientation pour tous »"
