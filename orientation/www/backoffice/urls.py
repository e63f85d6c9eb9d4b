from django.urls import path

from orientation.www.backoffice import auth, feeds, labels, passports, phone, referrals, searches

app_name = "backoffice"
urlpatterns = [
    path("", labels.home, name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("double-authentification/", auth.second_factor, name="second_factor"),
    path("double-authentification/activer/<str:token>/", auth.second_factor_enrol, name="second_factor_enrol"),
    path("deconnexion/", auth.logout, name="logout"),
    path("flux/", feeds.health, name="feed_health"),
    path("recherches-sans-resultat/", searches.empty_searches_view, name="empty_searches"),
    path("flux/<slug:name>/", feeds.source_health, name="feed_health_source"),
    path("flux/<slug:name>/rejets.csv", feeds.rejects_csv, name="feed_rejects_csv"),
    path("flux/<slug:name>/importer/", feeds.run_now, name="feed_run_now"),
    path("orientations/", referrals.referral_list, name="referrals"),
    path("orientations/par-etat.csv", referrals.referral_counts_csv, name="referral_counts_csv"),
    path("orientations/<int:pk>/", referrals.referral_detail, name="referral"),
    path("orientations/<int:pk>/repondre/", referrals.referral_answer, name="referral_answer"),
    path(
        "orientations/<int:pk>/pieces/<int:attachment_pk>/", referrals.referral_attachment, name="referral_attachment"
    ),
    path("accueil/", referrals.interview_new, name="interview_new"),
    path("accueil/<int:pk>/", referrals.interview_detail, name="interview"),
    path("accueil/interets/", referrals.interview_interests, name="interview_interests"),
    path("accueil/<int:pk>/orienter/<int:offer_pk>/", referrals.referral_new, name="referral_new"),
    path("passeports/", passports.passport_list, name="passports"),
    path("passeports/<int:pk>/", passports.passport_detail, name="passport"),
    path("passeports/<int:pk>/proposer/", passports.passport_propose, name="passport_propose"),
    path("passeports/<int:pk>/joindre/", passports.passport_attach, name="passport_attach"),
    path("passeports/<int:pk>/passeport.pdf", passports.passport_pdf_view, name="passport_pdf"),
    path(
        "passeports/<int:pk>/documents/<int:attachment_pk>/", passports.passport_attachment, name="passport_attachment"
    ),
    path("services/", referrals.offer_list, name="offers"),
    path("services/<int:pk>/", referrals.offer_edit, name="offer"),
    path("services/<int:pk>/confirmer/", referrals.offer_confirm, name="offer_confirm"),
    path("telephone/", phone.console, name="phone"),
    path("telephone/statistiques/", phone.statistics, name="phone_statistics"),
    path("telephone/rappels/<int:pk>/<slug:action>/", phone.callback_action, name="phone_callback"),
    path("telephone/contacts/<int:pk>/reponse/", phone.interaction_answer, name="phone_answer"),
    path("telephone/contacts/<int:pk>/envoyee/", phone.task_done, name="phone_task_done"),
    path("labels/", labels.application_list, name="labels"),
    path("labels/nouvelle/", labels.application_create, name="label_create"),
    path("labels/tableau-de-bord/", labels.dashboard, name="label_dashboard"),
    path("labels/groupements/", labels.grouping_list, name="label_groupings"),
    path("labels/groupements/<int:pk>/", labels.grouping_detail, name="label_grouping"),
    path(
        "labels/groupements/<int:pk>/convention/<int:convention_id>/",
        labels.convention_download,
        name="label_convention",
    ),
    path("labels/<int:pk>/", labels.application_detail, name="label_application"),
    path("labels/<int:pk>/pieces/<int:attachment_id>/", labels.attachment_download, name="label_attachment"),
    path("labels/<int:pk>/dossier/<slug:step>/", labels.application_step, name="label_step"),
    path("labels/<int:pk>/version/<int:number>/", labels.version_detail, name="label_version"),
    path("labels/<int:pk>/action/<slug:action>/", labels.application_action, name="label_action"),
]
