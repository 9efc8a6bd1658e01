from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("contracts/<uuid:contract_id>/review/", views.write, name="write"),
    path("reviews/<uuid:review_id>/reply/", views.reply, name="reply"),
    path("users/<uuid:user_id>/reviews/", views.user_reviews, name="user"),
]
