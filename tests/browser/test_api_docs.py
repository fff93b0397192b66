"""The API's interactive docs render every operation from static files under the strict CSP
(the watcher fails the test on any violation or script error), and a call tried from them with
a token made on the API tokens page answers."""

import re

from playwright.sync_api import expect

from questionbank.models import Level

from .helpers import JOURNEY, check_page

pytestmark = JOURNEY


def test_a_user_makes_a_token_and_tries_the_api_in_its_docs(open_page, make_user, live_server):
    Level.objects.create(name="Engineer", slug="engineer", rank=3)
    hana = make_user("hana", "Hiring managers")
    page = open_page(hana)

    page.goto("/account/api-tokens/")
    page.get_by_label("Name").fill("ATS sync")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Your new token “ATS sync”")).to_be_visible()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"ik_[0-9a-f]{10}_[\w-]{43}", secret)
    check_page(page, "api-tokens")

    page.get_by_role("link", name="REST API").click()
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    expect(page.get_by_role("heading", name=re.compile("Interview Kit API"))).to_be_visible()
    paths = page.locator(".opblock-summary-path")
    expect(paths).to_have_count(21)  # every operation of the schema (test_schema)
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/scorecards/{pk}")
    ).to_be_visible()

    # Authorize with the token, then try GET /api/v1/levels.
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    page.locator(".modal-ux input[type=text], .modal-ux input[type=password]").first.fill(secret)
    page.locator(".modal-ux button.modal-btn.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    levels = page.locator("#operations-bank-api_routes_bank_level_list")
    levels.locator(".opblock-summary").click()
    levels.get_by_role("button", name="Try it out").click()
    levels.get_by_role("button", name="Execute").click()
    expect(levels.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    expect(levels.locator(".live-responses-table")).to_contain_text('"slug": "engineer"')
    assert page.watcher.csp_violations == []
    assert page.watcher.script_errors == []
