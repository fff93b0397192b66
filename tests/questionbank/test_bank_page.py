import pytest
from django.urls import reverse

from questionbank.models import Kind, Status
from tests.factories import LevelFactory, QuestionFactory, TopicFactory, make_bank

URL = reverse("questionbank:bank")


@pytest.fixture
def small_bank(db):
    intern = LevelFactory(name="Intern", slug="intern", rank=1)
    engineer = LevelFactory(name="Engineer", slug="engineer", rank=3)
    rag = TopicFactory(name="RAG", slug="rag")
    tok = TopicFactory(name="Tokenization", slug="tokenization")
    return {
        "token": QuestionFactory(
            text="What is a token?", difficulty=1, levels=[intern], topics=[tok]
        ),
        "bpe": QuestionFactory(
            text="How does BPE tokenization work?", difficulty=3, levels=[intern], topics=[tok]
        ),
        "rag": QuestionFactory(
            text="Design a RAG system for support tickets",
            difficulty=5,
            kind=Kind.SYSTEM_DESIGN,
            levels=[engineer],
            topics=[rag],
        ),
        "retired": QuestionFactory(
            text="A retired token question", status=Status.RETIRED, levels=[intern], topics=[tok]
        ),
    }


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_full_page_lists_active_questions_only(client_user, small_bank):
    response = client_user.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "What is a token?" in html and "Design a RAG system" in html
    assert "A retired token question" not in html
    assert "3 questions." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=token", {"token", "bpe"}),
        ("q=BPE+works", set()),
        ("q=bpe+TOKENIZATION", {"bpe"}),
        ("level=engineer", {"rag"}),
        ("topic=tokenization", {"token", "bpe"}),
        ("difficulty=3", {"bpe"}),
        ("kind=system_design", {"rag"}),
        ("level=intern&difficulty=1", {"token"}),
    ],
)
def test_filters(client_user, small_bank, query, expected):
    html = client_user.get(f"{URL}?{query}").content.decode()
    shown = {key for key, q in small_bank.items() if q.text in html}
    assert shown == expected


def test_htmx_returns_only_the_results_fragment(client_user, small_bank):
    response = client_user.get(f"{URL}?q=token", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.strip().startswith('<section id="results"')
    assert "What is a token?" in html and "Design a RAG" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(client_user, small_bank):
    response = client_user.get(
        f"{URL}?q=token", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_filter_state_is_in_the_form_and_pagination_links(client_user, db):
    make_bank(60)
    html = client_user.get(f"{URL}?q=Bulk&page=2").content.decode()
    assert 'value="Bulk"' in html
    assert "Page 2 of 3" in html
    assert "?q=Bulk&amp;page=3" in html and "?q=Bulk&amp;page=1" in html


def test_empty_results_say_so(client_user, small_bank):
    html = client_user.get(f"{URL}?q=zebra").content.decode()
    assert "No questions match these filters" in html


@pytest.mark.parametrize("query", ["level=nope", "difficulty=9", "kind=poem", "topic=%00"])
def test_bad_filters_get_a_clear_error(client_user, small_bank, query):
    response = client_user.get(f"{URL}?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in html and "What is a token?" not in html


def test_bad_page_number_falls_back(client_user, small_bank):
    assert client_user.get(f"{URL}?page=abc").status_code == 200
    assert client_user.get(f"{URL}?page=999").status_code == 200


def test_guidance_is_expandable(client_user, small_bank):
    html = client_user.get(URL).content.decode()
    assert '<details class="guidance">' in html and "First point" in html


def test_query_count_does_not_grow_with_the_bank(client_user, django_assert_num_queries, db):
    make_bank(30)
    with django_assert_num_queries(9) as ctx:  # 8 + the user's groups (the rules)
        client_user.get(URL)
    small = len(ctx.captured_queries)
    make_bank(3000, levels=None, topics=None)
    with django_assert_num_queries(small):
        response = client_user.get(f"{URL}?q=Bulk&page=7")
    assert response.status_code == 200


def test_the_guide_bank_page(client_user, guide_bank):
    html = client_user.get(f"{URL}?topic=tokenization").content.decode()
    assert "5 questions match these filters" in html
    assert "What is a token in a language model?" in html
    assert "A strong answer covers" in html and "Red flags" in html


def test_question_detail(client_user, small_bank):
    question = small_bank["rag"]
    html = client_user.get(reverse("questionbank:detail", args=[question.pk])).content.decode()
    assert question.text in html and "4 Excellent" in html
    assert client_user.get(reverse("questionbank:detail", args=[999999])).status_code == 404
