from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("milestones/<uuid:milestone_id>/dispute/", views.open_dispute, name="open"),
    path("disputes/", views.dispute_list, name="list"),
    path("disputes/<uuid:pk>/", views.detail, name="detail"),
    path("disputes/<uuid:pk>/messages/", views.message, name="message"),
    path("disputes/<uuid:pk>/offers/", views.offer, name="offer"),
    path("disputes/<uuid:pk>/escalate/", views.escalate, name="escalate"),
    path("disputes/<uuid:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("dispute-offers/<uuid:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("dispute-offers/<uuid:offer_id>/reject/", views.offer_reject, name="offer_reject"),
    path("dispute-files/<uuid:file_id>/", views.file_download, name="file"),
]
