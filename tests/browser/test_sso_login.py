"""The login page with single sign-on on: the provider's button beside the password form."""

from playwright.sync_api import expect

from .helpers import JOURNEY, PASSWORD, check_page

pytestmark = JOURNEY


def test_login_page_offers_single_sign_on_and_the_password_still_works(
    open_page, make_user, settings
):
    settings.SSO_ENABLED = True
    settings.SSO_PROVIDER_NAME = "Example ID"
    make_user("ines", "Interviewers")
    page = open_page()
    page.goto("/login/?next=/interviews/")
    sso = page.get_by_role("link", name="Log in with Example ID")
    expect(sso).to_have_attribute("href", "/oidc/authenticate/?next=/interviews/")
    check_page(page, "login-sso")

    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url("**/interviews/")
