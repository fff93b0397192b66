"""Journey 8: an admin adds a person with a role and changes roles on the People page; a user
with no role sees whom to ask, and a page their role does not allow is a styled 403."""

from playwright.sync_api import expect

from people.roles import Role

from .helpers import JOURNEY, check_page, login

pytestmark = JOURNEY


def test_people_page_no_access_and_forbidden_pages(open_page, make_user, live_server):
    make_user("ada", Role.ADMIN)
    newbie = make_user("nemo")  # no role

    admin = open_page()
    login(admin, "ada")
    admin.get_by_role("link", name="People").click()
    expect(admin.get_by_role("heading", name="People", level=1)).to_be_visible()
    add = admin.locator("form", has=admin.get_by_role("button", name="Add user"))
    add.get_by_label("Username").fill("ivan")
    add.get_by_label("Email").fill("ivan@example.com")
    add.get_by_label("Interviewer: composes and runs interviews", exact=False).check()
    add.get_by_role("button", name="Add user").click()
    expect(admin.locator(".messages")).to_contain_text("Added ivan")
    row = admin.locator("tr", has=admin.get_by_role("rowheader", name="ivan"))
    expect(row).to_contain_text("Interviewer")
    check_page(admin, "people")

    page = open_page(newbie)
    page.goto("/")
    expect(page.get_by_role("heading", name="No access yet")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ada")
    check_page(page, "no-access", screenshots=False)
    response = page.goto("/candidates/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_visible()
    check_page(page, "forbidden", screenshots=False)
    response = page.goto("/no/such/page/")
    assert response.status == 404
    check_page(page, "not-found", screenshots=False)
