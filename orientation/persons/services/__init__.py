"""Writes of the person's space, one module per flow: ``accounts`` (sign-in by link or OpenID
Connect, erasure, the daily care of unused spaces), ``passport`` (entries, documents, the
interests profile, an adviser's proposal answered), ``sharing`` (shares, readings, proposals),
``saved`` (saved things, followed searches and their alerts), ``portability`` (a passport
document imported). Every public function is one transaction; e-mails go after the commit.
Callers import from this package."""

from orientation.persons.services.accounts import (
    LinksUnavailable,
    TooManyLinks,
    normalise_email,
    person_erase,
    person_from_identity,
    person_signed_in,
    person_touch,
    persons_run_daily,
    sign_in_link,
    sign_in_link_request,
)
from orientation.persons.services.passport import (
    attachment_check,
    attachment_delete,
    entry_attach,
    entry_delete,
    entry_save,
    interests_keep,
    proposal_answer,
    training_followed,
)
from orientation.persons.services.portability import DocumentRefused, passport_import
from orientation.persons.services.saved import (
    saved_item_add,
    saved_item_remove,
    saved_search_add,
    saved_search_check,
    saved_search_remove,
    saved_search_unsubscribe,
    saved_searches_run_daily,
)
from orientation.persons.services.sharing import (
    SHARE_MONTHS,
    entry_propose,
    share_attach,
    share_create,
    share_read,
    share_revoke,
)

__all__ = [
    "SHARE_MONTHS",
    "DocumentRefused",
    "LinksUnavailable",
    "TooManyLinks",
    "attachment_check",
    "attachment_delete",
    "entry_attach",
    "entry_delete",
    "entry_propose",
    "entry_save",
    "interests_keep",
    "normalise_email",
    "passport_import",
    "person_erase",
    "person_from_identity",
    "person_signed_in",
    "person_touch",
    "persons_run_daily",
    "proposal_answer",
    "saved_item_add",
    "saved_item_remove",
    "saved_search_add",
    "saved_search_check",
    "saved_search_remove",
    "saved_search_unsubscribe",
    "saved_searches_run_daily",
    "share_attach",
    "share_create",
    "share_read",
    "share_revoke",
    "sign_in_link",
    "sign_in_link_request",
    "training_followed",
]
