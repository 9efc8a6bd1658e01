"""/api/v1/ endpoints of the jobs app (listed in fairtrade/api.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("jobs/", views.JobListCreateView.as_view(), name="job-list"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/publish/", views.JobPublishView.as_view(), name="job-publish"),
    path("jobs/<uuid:pk>/close-bidding/", views.JobCloseBiddingView.as_view(), name="job-close-bidding"),
    path("jobs/<uuid:pk>/cancel/", views.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<uuid:pk>/photos/", views.JobPhotosView.as_view(), name="job-photos"),
    path("jobs/<uuid:pk>/questions/", views.JobQuestionsView.as_view(), name="job-questions"),
    path("questions/<uuid:pk>/answer/", views.QuestionAnswerView.as_view(), name="question-answer"),
]
