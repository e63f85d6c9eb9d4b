"""Reset a staff member's second factor (a lost phone, or an authenticator enrolled by someone
else): their authenticators are removed and they are told by e-mail; at their next sign-in they
ask for a new activation link. ``--send-link`` sends that link at once.

manage.py reset_second_factor jdupont
manage.py reset_second_factor jdupont --send-link
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orientation.accounts import services
from orientation.accounts.models import User


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="identifiant du compte")
        parser.add_argument("--send-link", action="store_true", help="envoyer aussitôt le lien d’activation")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Aucun compte d’identifiant {options['username']!r}.")
        count = services.second_factor_reset(user=user, by_user=None)
        self.stdout.write(f"{user.username} : {count} application(s) d’authentification retirée(s).")
        if options["send_link"]:
            try:
                services.enrolment_link_send(user=user)
            except services.EnrolmentError as error:
                raise CommandError(f"{user.username} : {error}") from error
            self.stdout.write(f"{user.username} : lien d’activation envoyé à l’adresse du compte.")
