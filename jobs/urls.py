from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.board, name="board"),
    path("jobs/mine/", views.mine, name="mine"),
    path("jobs/new/", views.create, name="create"),
    path("jobs/<uuid:pk>/", views.detail, name="detail"),
    path("jobs/<uuid:pk>/edit/", views.edit, name="edit"),
    path("jobs/<uuid:pk>/publish/", views.publish, name="publish"),
    path("jobs/<uuid:pk>/close-bidding/", views.close_bidding, name="close_bidding"),
    path("jobs/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("jobs/<uuid:pk>/photos/", views.photo_add, name="photo_add"),
    path("jobs/<uuid:pk>/photos/<uuid:photo_id>/", views.photo, name="photo"),
    path("jobs/<uuid:pk>/photos/<uuid:photo_id>/delete/", views.photo_remove, name="photo_remove"),
    path("jobs/<uuid:pk>/questions/", views.ask, name="ask"),
    path("questions/<uuid:pk>/answer/", views.answer, name="answer"),
]
