from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "orientation.contact"
    label = "contact"
    verbose_name = "Plateforme téléphonique et à distance"
