from django.urls import path

from . import views

app_name = "bids"

urlpatterns = [
    path("bids/", views.mine, name="mine"),
    path("jobs/<uuid:job_id>/bid/", views.place, name="place"),
    path("jobs/<uuid:job_id>/compare/", views.compare, name="compare"),
    path("bids/<uuid:pk>/edit/", views.revise, name="revise"),
    path("bids/<uuid:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("bids/<uuid:pk>/accept/", views.accept, name="accept"),
]
