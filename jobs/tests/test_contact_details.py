"""Contact details stay on the platform before the award (issue 12, point 5): questions and
answers carrying a phone number, an email or a web address are held with a clear message,
however they are disguised. ASVS 1.1.x business logic / 11.1.x anti-circumvention."""

import pytest

from core.contact import contact_details_in
from core.exceptions import ValidationFailed
from jobs import services
from jobs.models import Question
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

DISGUISED = [
    ("Call me at 512-555-0100 to talk it over", "a phone number"),
    ("text five one two, five five five, zero one zero zero", "a phone number"),
    ("my cell is 512 five five five 0100", "a phone number"),
    ("(512) 555 0100 anytime", "a phone number"),
    ("+1 512.555.0100", "a phone number"),
    ("ring 555-0100 after six", "a phone number"),
    ("email me: mike at gmail dot com", "an email address"),
    ("mike [at] riverabuilds [dot] org", "an email address"),
    ("Mike.Rivera@Example.com", "an email address"),
    ("find my gmail, it's mikerivera", "an email address"),
    ("see photos at www dot riverabuilds dot com", "a web address"),
    ("portfolio: https://example.com/work", "a web address"),
    ("riverabuilds.com has my reviews", "a web address"),
    ("whatsapp me and we'll skip the fees", "a messaging app"),
]
ORDINARY = [
    "Is the deck 20 x 30 ft? About 600 sq ft, budget $12,500, start 2026-11-30.",
    "Can you start at 8 am? Two doors, one window, four outlets.",
    "We need 16 sheets of 4x8 drywall and 2 doors at 36 inches.",
    "Is the budget 10,000 - 20,000 firm?",
    "Is the crawlspace at least 3 ft high? I'd look at it at noon.",
]


@pytest.mark.parametrize(("text", "kind"), DISGUISED)
def test_disguised_contact_details_are_found(text, kind):
    assert kind in contact_details_in(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_pass(text):
    assert contact_details_in(text) == []


@pytest.mark.parametrize(("text", "kind"), DISGUISED[:8])
def test_questions_and_answers_are_held(homeowner, contractor, text, kind):
    job = JobFactory(homeowner=homeowner)
    with pytest.raises(ValidationFailed, match=f"Please remove {kind}: questions and answers are public"):
        services.question_ask(actor=contractor, job=job, body=text)
    assert not Question.objects.exists()
    question = services.question_ask(actor=contractor, job=job, body="Is the attic accessible?")
    with pytest.raises(ValidationFailed, match="Please remove"):
        services.question_answer(actor=homeowner, question=question, answer=f"Yes. {text}")
    question.refresh_from_db()
    assert question.answer == "" and question.answered_at is None


def test_the_page_explains_and_keeps_what_was_typed(client, homeowner, contractor):
    job = JobFactory(homeowner=homeowner)
    client.force_login(contractor)
    text = "Can I see it Tuesday? mike at gmail dot com"
    response = client.post(f"/jobs/{job.pk}/questions/", {"body": text}, follow=True)
    page = response.content.decode()
    assert "Please remove an email address" in page
    assert "mike at gmail dot com</textarea>" in page  # nothing typed is lost
    assert not Question.objects.exists()
    # The answer form keeps a refused answer too.
    question = services.question_ask(actor=contractor, job=job, body="Is there parking?")
    client.force_login(homeowner)
    page = client.post(f"/questions/{question.pk}/answer/", {"answer": "Yes, call 512-555-0100"}, follow=True).content.decode()
    assert "Please remove a phone number" in page and "Yes, call 512-555-0100</textarea>" in page
