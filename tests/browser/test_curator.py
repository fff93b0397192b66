"""Journey 5: a curator adds a question in the admin and imports a CSV with a bad row."""

import re

from playwright.sync_api import expect

from questionbank.models import Question

from .helpers import JOURNEY, check_page, login

pytestmark = JOURNEY

CSV = (
    "id,text,kind,difficulty,levels,topics,estimated_minutes,status\n"
    ",How would you cache prompts across users safely?,system_design,3,engineer,"
    "llm-agents-tool-use,,\n"
    ",Which tokenizer would you pick for a code model?,conceptual,9,intern,tokenization,,\n"
)


def choose(page, field: str, label: str) -> None:
    """Tick one option of a many-to-many field (checkboxes)."""
    page.locator(f"#id_{field}").get_by_label(label, exact=True).check()


def test_curator_adds_a_question_then_imports_a_csv_with_a_bad_row(open_page, make_user, real_bank):
    make_user("cora", "Curators", staff=True)
    before = Question.objects.count()
    page = open_page()
    login(page, "cora", next_url="/admin/questionbank/question/add/")
    expect(page.get_by_role("heading", name="Add question")).to_be_visible()
    check_page(page, "admin-add-question")
    expect(page.get_by_text("Save anyway")).to_be_hidden()  # no duplicates listed yet

    page.get_by_label("Text:", exact=True).fill("What is a token in a large language model?")
    page.get_by_label("Kind:", exact=True).select_option("conceptual")
    page.get_by_label("Difficulty:", exact=True).fill("1")
    choose(page, "levels", "Intern")
    choose(page, "topics", "Tokenization")
    page.get_by_role("button", name="Save", exact=True).click()

    warning = page.locator(".errornote, .errorlist").filter(has_text="Likely duplicates")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("What is a token in a language model?")
    assert Question.objects.count() == before
    audit_name = "admin-duplicate-warning"
    check_page(page, audit_name, screenshots=False)

    expect(page.get_by_label("Save anyway")).to_be_visible()
    page.get_by_label("Save anyway").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("looks like a question already")
    assert Question.objects.count() == before + 1
    before += 1

    page.goto("/admin/questionbank/question/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "bank.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Some rows failed to validate")).to_be_visible()
    bad_row = page.get_by_role("row").filter(has_text="Which tokenizer would you pick")
    expect(bad_row.get_by_role("cell").first).to_have_text("2")
    error = bad_row.locator(".validation-error-list")
    bad_row.get_by_role("cell").nth(1).hover()  # django-import-export shows errors on hover
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("difficulty", re.I))
    good_row = page.get_by_role("row").filter(has_text="How would you cache prompts")
    expect(good_row).to_have_count(0)  # only the rows with errors are listed
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    check_page(page, "admin-import-errors", wide_ok=True)
    assert Question.objects.count() == before
    assert not Question.objects.filter(text__startswith="How would you cache prompts").exists()


def test_question_list_shows_every_column_at_1280(open_page, make_user, real_bank):
    """The changelist (filters beside it) fits 1280 px: the Status column (editable) and
    Times used are not cut off behind a sideways scroll."""
    curator = make_user("cora", "Curators", staff=True)
    page = open_page(curator)
    page.goto("/admin/questionbank/question/")
    expect(page.locator("#result_list")).to_be_visible()
    box = page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            const edge = results.getBoundingClientRect().right;
            const heads = [...document.querySelectorAll('#result_list thead th')];
            return {scroll: results.scrollWidth, width: results.clientWidth,
                    cut: heads.filter(th => th.getBoundingClientRect().right > edge + 1)
                              .map(th => th.textContent.trim())};
        }"""
    )
    assert box["cut"] == [] and box["scroll"] <= box["width"], box
    expect(page.locator("#result_list th.column-status")).to_be_in_viewport()
    check_page(page, "admin-question-list")
