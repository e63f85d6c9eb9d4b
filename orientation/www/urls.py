from django.urls import path, register_converter

from orientation.www import (
    contact_views,
    demo_views,
    interest_views,
    label_views,
    open_data_views,
    person_views,
    referral_views,
    search_views,
    statistics_views,
    views,
)


class RomeCodeConverter:
    regex = "[A-Na-n][0-9]{4}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(RomeCodeConverter, "rome")


class OnisepFormationConverter:
    regex = "FOR\\.[0-9]{1,9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OnisepFormationConverter, "onisep_formation")

app_name = "www"
urlpatterns = [
    path("", views.home, name="home"),
    path("metiers/", views.occupation_list, name="occupations"),
    path("metiers/<rome:code>/", views.occupation_detail_view, name="occupation"),
    path("lieux/<int:pk>/", views.place_detail_view, name="place"),
    path("formations/<int:pk>/", views.training_detail_view, name="training"),
    path("etudes/<onisep_formation:identifier>/", views.study_detail_view, name="study"),
    path("recherche/", search_views.search_view, name="search"),
    path("statistiques/", statistics_views.statistics_view, name="statistics"),
    path("donnees-ouvertes/", open_data_views.open_data_view, name="open_data"),
    path("donnees-ouvertes/<str:name>", open_data_views.open_data_file, name="open_data_file"),
    path("statistiques/mesure-d-audience/", statistics_views.measurement_view, name="statistics_measurement"),
    path("label/", label_views.registry_view, name="label_registry"),
    path("label/chiffres/", label_views.statistics_view, name="label_statistics"),
    path("label/<int:pk>/", label_views.label_view, name="label"),
    path("demo/", demo_views.demo_page, name="demo"),
    path("demo/connexion/", demo_views.demo_sign_in, name="demo_sign_in"),
    path("etre-rappele/", contact_views.callback_form, name="callback"),
    path("interets/", interest_views.interests_intro, name="interests"),
    path("interets/questions/", interest_views.interests_questions, name="interests_questions"),
    path("interets/resultat/", interest_views.interests_result, name="interests_result"),
    path("services/", referral_views.offer_list, name="offers"),
    path("services/<int:pk>/", referral_views.offer_detail, name="offer"),
    path("orientation/recevoir/<str:token>/", referral_views.receive, name="referral_receive"),
    path("orientation/suivi/<str:token>/", referral_views.follow, name="referral_follow"),
    path("orientation/suivi/<str:token>/mes-donnees.json", referral_views.follow_export, name="referral_follow_export"),
    # the person's own space
    path("mon-espace/", person_views.space, name="person_space"),
    path("mon-espace/connexion/", person_views.sign_in, name="person_sign_in"),
    path("mon-espace/connexion/lien/", person_views.link, name="person_link"),
    path("mon-espace/connexion/oidc/", person_views.oidc_start, name="person_oidc"),
    path("mon-espace/connexion/oidc/retour/", person_views.oidc_callback, name="person_oidc_callback"),
    path("mon-espace/deconnexion/", person_views.sign_out, name="person_sign_out"),
    path("mon-espace/passeport/", person_views.passport, name="person_passport"),
    path("mon-espace/passeport/export.json", person_views.export_json, name="person_export_json"),
    path("mon-espace/passeport/export.pdf", person_views.export_pdf, name="person_export_pdf"),
    path("mon-espace/passeport/importer/", person_views.import_passport, name="person_import"),
    path("mon-espace/passeport/<slug:section>/ajouter/", person_views.entry_new, name="person_entry_new"),
    path("mon-espace/passeport/lignes/<int:pk>/", person_views.entry_edit, name="person_entry"),
    path("mon-espace/passeport/lignes/<int:pk>/retirer/", person_views.entry_delete, name="person_entry_delete"),
    path("mon-espace/passeport/lignes/<int:pk>/documents/", person_views.entry_attach, name="person_entry_attach"),
    path("mon-espace/passeport/documents/<int:pk>/", person_views.attachment, name="person_attachment"),
    path(
        "mon-espace/passeport/documents/<int:pk>/retirer/",
        person_views.attachment_delete,
        name="person_attachment_delete",
    ),
    path("mon-espace/passeport/propositions/<int:pk>/", person_views.proposal, name="person_proposal"),
    path(
        "mon-espace/passeport/formation-suivie/<int:pk>/",
        person_views.training_followed,
        name="person_training_followed",
    ),
    path("mon-espace/passeport/interets/", person_views.interests_keep, name="person_interests_keep"),
    path("mon-espace/partages/", person_views.shares, name="person_shares"),
    path("mon-espace/partages/<int:pk>/retirer/", person_views.share_revoke, name="person_share_revoke"),
    path("mon-espace/enregistrements/", person_views.saved, name="person_saved"),
    path("mon-espace/enregistrer/", person_views.save, name="person_save"),
    path("mon-espace/recherches/", person_views.search_follow, name="person_search_follow"),
    path("mon-espace/recherches/<int:pk>/retirer/", person_views.search_remove, name="person_search_remove"),
    path("mon-espace/alertes/<str:token>/", person_views.unsubscribe, name="person_unsubscribe"),
    path("mon-espace/demandes/", person_views.referrals, name="person_referrals"),
    path("mon-espace/demandes/<int:pk>/effacer/", person_views.referral_erase, name="person_referral_erase"),
    path("mon-espace/mes-donnees/", person_views.my_data, name="person_data"),
    path("mon-espace/suggestions/<slug:kind>/", person_views.suggestions, name="person_suggestions"),
]
