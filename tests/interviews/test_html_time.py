"""Every <time datetime> the pages write is valid HTML: at most three fractional digits of a
second (Django's date:'c' gave six, which the Nu HTML checker flags)."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import kits, services
from interviews.templatetags.html_time import html_datetime

TIME = re.compile(r"<time\b[^>]*\bdatetime=\"([^\"]*)\"")
# HTML's valid date string, global date and time string (seconds optional, 1-3 fractional
# digits), and duration string (as the live page's timer writes it).
VALID = re.compile(
    r"\d{4}-\d\d-\d\d"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)"
    r"|PT\d+S"
)


@pytest.fixture
def amended(submitted, interviewer):
    services.interview_amend(
        interview=submitted, user=interviewer, reason="Typo", summary="Solid on retrieval!"
    )
    return submitted


def test_time_elements_on_every_page_that_has_them_are_valid(
    as_interviewer, amended, candidate, interviewer
):
    kits.kit_save_from_interview(interview=amended, owner=interviewer, name="Retrieval")
    pages = {
        "scorecard": reverse("interviews:scorecard", args=[amended.pk]),
        "candidate": reverse("interviews:candidate", args=[candidate.pk]),
        "candidate list": reverse("interviews:candidate_list"),
        "kit list": reverse("interviews:kit_list"),
    }
    for name, url in pages.items():
        html = as_interviewer.get(url).content.decode()
        values = TIME.findall(html)
        assert values, f"no <time datetime> on the {name} page"
        invalid = [v for v in values if not VALID.fullmatch(v)]
        assert not invalid, f"invalid datetime values on the {name} page: {invalid}"
    scorecard = as_interviewer.get(pages["scorecard"]).content.decode()
    assert len(TIME.findall(scorecard)) == 3  # started, submitted, amended


def test_html_datetime_is_to_the_second_in_the_current_time_zone(settings):
    moment = datetime(2026, 12, 2, 7, 36, 49, 123456, tzinfo=UTC)
    assert html_datetime(moment) == "2026-12-02T07:36:49+00:00"
    with timezone.override("Europe/Paris"):
        assert html_datetime(moment) == "2026-12-02T08:36:49+01:00"
    assert html_datetime(date(2026, 12, 2)) == "2026-12-02"
    assert html_datetime(None) == "" and html_datetime("") == ""
