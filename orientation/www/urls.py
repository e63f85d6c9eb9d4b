from django.urls import path, register_converter

from orientation.www import (
    contact_views,
    demo_views,
    interest_views,
    label_views,
    referral_views,
    search_views,
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
]
