from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orientation.accounts"
    label = "accounts"
