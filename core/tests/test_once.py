"""A form submitted twice creates one thing: sequential double submits (a double click, a
reload-and-resend) and truly concurrent ones (real threads on PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.models import FormSubmission
from jobs.models import Job
from jobs.tests.test_pages import job_post_data

TOKEN = "double-click-token-0001"


@pytest.mark.django_db
def test_publish_job_twice_creates_one_job(client, homeowner):
    client.force_login(homeowner)
    first = client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN))
    second = client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN))
    assert Job.objects.filter(homeowner=homeowner).count() == 1
    job = Job.objects.get(homeowner=homeowner)
    assert first["Location"] == second["Location"] == reverse("jobs:detail", args=[job.pk])


@pytest.mark.django_db
def test_a_failed_submission_can_be_corrected_and_sent_with_the_same_token(client, homeowner):
    client.force_login(homeowner)
    bad = client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN, title=""))
    assert bad.status_code == 200 and TOKEN in bad.content.decode()  # the form keeps its token
    assert not FormSubmission.objects.exists()
    client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN))
    assert Job.objects.filter(homeowner=homeowner).count() == 1


@pytest.mark.django_db
def test_a_new_form_is_a_new_job(client, homeowner):
    client.force_login(homeowner)
    client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN))
    client.post(reverse("jobs:create"), job_post_data(form_token=TOKEN + "x"))
    assert Job.objects.filter(homeowner=homeowner).count() == 2


@pytest.mark.django_db
def test_the_form_page_renders_a_token(client, homeowner):
    client.force_login(homeowner)
    assert 'name="form_token"' in client.get(reverse("jobs:create")).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_job(homeowner):
    barrier = threading.Barrier(2)
    statuses: list = []

    def submit():
        try:
            browser = Client()
            browser.force_login(homeowner)
            barrier.wait(timeout=10)
            statuses.append(browser.post(reverse("jobs:create"), job_post_data(form_token=TOKEN)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302, 302]
    assert Job.objects.filter(homeowner=homeowner).count() == 1
